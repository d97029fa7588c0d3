"""Docs stay true: the vocabulary page covers every term the graph uses and its queries run."""
import re

import pytest
from rdflib.namespace import RDF

from conftest import ROOT
from graphbuild.queries import run_query

VOCAB = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")


def used_terms(g):
    terms = set(g.predicates()) | set(g.objects(None, RDF.type))
    return {g.namespace_manager.normalizeUri(t) for t in terms}


def test_every_class_and_property_in_the_graph_is_documented(reference_graph, data_dir):
    from graphbuild.graph import build_graph
    small = build_graph([data_dir / "rss2.xml"])
    curated = build_graph([data_dir / "rss2.xml"], curation=data_dir / "curation" / "lab.toml")
    missing = sorted(t for t in used_terms(reference_graph) | used_terms(small) | used_terms(curated)
                     if f"`{t}`" not in VOCAB)
    assert not missing, f"undocumented in docs/vocabulary.md: {missing}"


SPARQL = re.findall(r"```sparql\n(.*?)```", VOCAB, re.S)


def test_vocabulary_has_three_example_queries():
    assert len(SPARQL) >= 3


@pytest.mark.parametrize("text", SPARQL)
def test_vocabulary_queries_run_and_answer(reference_graph, text):
    assert len(run_query(reference_graph, text)) > 0
