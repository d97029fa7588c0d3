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


def test_readme_says_how_to_run_bare_commands_before_the_first_one():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start_end = text.index("## What comes out")
    first_bare = re.search(r"^(graphbuild|python) ", text[quick_start_end:], re.M)
    assert first_bare, "no bare command after the quick start"
    assert ". .venv/bin/activate" in text[:quick_start_end + first_bare.start()]
    assert "python ../shared/eval/score.py" not in text.replace(".venv/bin/python ../shared", "")
