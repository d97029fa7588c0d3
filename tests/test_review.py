"""`graphbuild review`: doubtful entities ranked with their evidence, and the curation skeleton."""
import tomllib

import pytest
from click.testing import CliRunner
from rdflib import Graph

from graphbuild.cli import cli
from graphbuild.curation import parse_curation
from graphbuild.review import curation_skeleton, review_graph, shape_signs, unrelated

# Hand-written: a well-attested person, a common word made a project, a heading made a person,
# a one-word person, a wrong merge, an entity with a stored confidence, and one already curated.
TTL = """
@prefix schema: <https://schema.org/> .
@prefix doap: <http://usefulinc.com/ns/doap#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix gb: <https://graphbuild.example/ns#> .
@prefix ex: <https://ex.example/> .

ex:p1 a schema:BlogPosting ; schema:headline "Post one" ; schema:mentions ex:jenny , ex:relevant , ex:bd , ex:org .
ex:p2 a schema:BlogPosting ; schema:headline "Post two" ; schema:mentions ex:jenny , ex:ada , ex:org , ex:sure .
ex:p3 a schema:BlogPosting ; schema:headline "Post three" ; schema:mentions ex:jenny , ex:org , ex:unsure , ex:cur .

ex:jenny a schema:Person ; schema:name "Jenny Example" ; schema:sameAs <https://ex.example/author/jenny> .
ex:relevant a doap:Project ; schema:name "relevant" .
ex:bd a schema:Person ; schema:name "Business Development" .
ex:ada a schema:Person ; schema:name "Ada" .
ex:org a schema:Organization ; schema:name "Example Institute" ; schema:alternateName "Compass" ;
    schema:sameAs <https://ex.example/org> .
ex:sure a schema:Organization ; schema:name "Sure Thing Org" ; gb:confidence 0.95 .
ex:unsure a schema:Organization ; schema:name "Unsure Thing Org" ; gb:confidence 0.05 .
ex:cur a doap:Project ; schema:name "only" .
ex:st a rdf:Statement ; rdf:subject ex:cur ; rdf:predicate rdf:type ; rdf:object doap:Project ;
    prov:wasDerivedFrom ex:rule .

ex:a1 oa:hasBody ex:jenny ; gb:extractor "links:site-author" ; oa:hasTarget ex:t1 .
ex:t1 oa:hasSource ex:p1 ; oa:hasSelector [ oa:exact "Jenny Example wrote this." ] .
ex:a2 oa:hasBody ex:jenny ; gb:extractor "people:context" ; oa:hasTarget ex:t2 .
ex:t2 oa:hasSource ex:p2 ; oa:hasSelector [ oa:exact "Thanks to Jenny Example." ] .
ex:a3 oa:hasBody ex:relevant ; gb:extractor "orgs:cue" ; oa:hasTarget ex:t3 .
ex:t3 oa:hasSource ex:p1 ; oa:hasSelector [ oa:exact "the relevant project" ] .
ex:a4 oa:hasBody ex:bd ; gb:extractor "people:context" ; oa:hasTarget ex:t4 .
ex:t4 oa:hasSource ex:p1 ; oa:hasSelector [ oa:exact "Business Development" ] .
ex:a5 oa:hasBody ex:ada ; gb:extractor "people:context" ; oa:hasTarget ex:t5 .
ex:t5 oa:hasSource ex:p2 ; oa:hasSelector [ oa:exact "Ada said hello." ] .
ex:a6 oa:hasBody ex:org ; gb:extractor "links:site-collaborator" ; oa:hasTarget ex:t6 .
ex:t6 oa:hasSource ex:p1 ; oa:hasSelector [ oa:exact "Example Institute" ] .
"""


@pytest.fixture(scope="module")
def graph():
    return Graph().parse(data=TTL, format="turtle")


@pytest.fixture(scope="module")
def doubts(graph):
    return {d.name: d for d in review_graph(graph, limit=None)}


def test_a_well_attested_entity_is_not_listed(doubts):
    # three posts, an author page and two extractors: nothing to doubt
    assert "Jenny Example" not in doubts


def test_a_common_word_is_listed_with_its_evidence(doubts):
    d = doubts["relevant"]
    assert "a common English word" in d.reasons and "one post only" in d.reasons
    assert d.evidence == [("the relevant project", "Post one", "orgs:cue")]


def test_a_heading_made_a_person_is_listed(doubts):
    d = doubts["Business Development"]
    assert "made of common words only" in d.reasons
    assert "its only evidence is the name alone (a heading or a title?)" in d.reasons


def test_a_person_without_a_surname(doubts):
    assert "a person without a surname" in doubts["Ada"].reasons


def test_an_alias_unrelated_to_the_name_is_a_doubtful_merge(doubts):
    assert any("'Compass'" in r for r in doubts["Example Institute"].reasons)


def test_a_stored_confidence_is_used(doubts):
    assert doubts["Unsure Thing Org"].confidence == 0.05 and not doubts["Unsure Thing Org"].computed
    assert "low confidence (0.05)" in doubts["Unsure Thing Org"].reasons
    assert doubts["Sure Thing Org"].confidence == 0.95 if "Sure Thing Org" in doubts else True
    assert doubts["Unsure Thing Org"].doubt > doubts.get("Sure Thing Org", doubts["Unsure Thing Org"]).doubt - 1e-9


def test_a_curated_entity_is_left_out(doubts):
    assert "only" not in doubts  # a common word, but a curation rule already typed it


def test_ranked_most_doubtful_first_and_limited(graph):
    ranked = review_graph(graph, limit=None)
    assert [d.doubt for d in ranked] == sorted((d.doubt for d in ranked), reverse=True)
    assert len(review_graph(graph, limit=2)) == 2


@pytest.mark.parametrize("name, kind, reason", [
    ("networking", "Organization", "all lower-case"),
    ("Director of the Earth Analytics Education Initiative at Earth Lab", "Organization", "very long (10 words)"),
    ("Jane Doe 2", "Person", "a person's name with digits"),
    ("Quansight Labs; NumPy", "Organization", "punctuation in the name"),
])
def test_shape_signs(name, kind, reason):
    assert reason in [r for r, _ in shape_signs(name, kind)]


def test_a_plain_name_has_no_shape_signs():
    assert shape_signs("Jenny Wong", "Person") == [] and shape_signs("nbgitpuller", "Project") == []


@pytest.mark.parametrize("alias, name, expected", [
    ("Compass", "2i2c", True), ("Science", "NASA", True), ("BIDS", "Berkeley Institute for Data Science", False),
    ("UW", "University of Washington", False), ("Project Jupyter", "Jupyter", False),
])
def test_unrelated_aliases(alias, name, expected):
    assert unrelated(alias, name) is expected


def test_skeleton_is_commented_out_and_parses_once_uncommented(doubts):
    text = curation_skeleton([doubts["relevant"], doubts["Business Development"]])
    assert tomllib.loads(text) == {}  # everything commented out: a no-op as written
    uncommented = "\n".join(l[2:] if l.startswith("# [[") or l.startswith("# name") or l.startswith("# type") else l
                            for l in text.splitlines())
    rules = parse_curation(uncommented, "skeleton").rules
    assert [(r.action, r.names, r.type) for r in rules] == [
        ("type", ("relevant",), "Project"), ("type", ("Business Development",), "Person"),
        ("drop", ("relevant",), ""), ("drop", ("Business Development",), "")]


def test_cli_review_and_skeleton_never_overwritten_without_force(tmp_path, graph):
    g = tmp_path / "g.ttl"
    graph.serialize(g, format="turtle")
    out = tmp_path / "curation.toml"
    r = CliRunner().invoke(cli, ["review", "--graph", str(g), "--limit", "3", "--write-curation", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(" 1. ") and "why:" in r.output and f"wrote: {out}" in r.output
    assert out.read_text().count("# [[drop]]") == 3
    out.write_text("# my edits\n")
    r = CliRunner().invoke(cli, ["review", "--graph", str(g), "--write-curation", str(out)])
    assert r.exit_code == 1 and "exists" in r.output and out.read_text() == "# my edits\n"
    r = CliRunner().invoke(cli, ["review", "--graph", str(g), "--write-curation", str(out), "--force"])
    assert r.exit_code == 0 and "# [[drop]]" in out.read_text()
