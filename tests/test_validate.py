"""SHACL shapes of the public contract: the committed output conforms, hand-broken graphs do not."""
import pytest
from click.testing import CliRunner
from rdflib import Graph

from conftest import ROOT
from graphbuild.cli import cli
from graphbuild.export import read_graph
from graphbuild.validate import validate_graph

PREFIXES = """
@prefix schema: <https://schema.org/> .
@prefix doap: <http://usefulinc.com/ns/doap#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gb: <https://graphbuild.example/ns#> .
@prefix ex: <https://ex.example/> .
"""
# a small graph with one of everything, written by hand after docs/vocabulary.md
GOOD = {
    "feed": 'ex:feed a schema:DataFeed ; schema:name "Lab" .',
    "post": 'ex:post a schema:BlogPosting ; schema:headline "Ada joins" ; '
            'schema:url "https://ex.example/post"^^xsd:anyURI ; schema:isPartOf ex:feed ; '
            'schema:datePublished "2025-09-02T09:30:00+02:00"^^xsd:dateTime ; schema:mentions ex:ada , ex:lab .',
    "ada": 'ex:ada a schema:Person ; schema:name "Ada Lovelace" ; schema:sameAs <https://ex.example/ada> ; '
           'gb:mentionCount 1 ; schema:affiliation ex:lab .',
    "lab": 'ex:lab a schema:Organization ; schema:name "Example Lab" ; schema:alternateName "EL" .',
    "statement": 'ex:st a rdf:Statement ; rdf:subject ex:ada ; rdf:predicate schema:affiliation ; rdf:object ex:lab .',
    "annotation": 'ex:a a oa:Annotation ; oa:hasBody ex:ada , ex:st ; oa:hasTarget ex:t ; gb:extractor "people" . '
                  'ex:t oa:hasSource ex:post ; oa:hasSelector ex:sel . '
                  'ex:sel a oa:TextQuoteSelector ; oa:exact "Ada Lovelace (Example Lab)" .',
}


def graph(**changes) -> Graph:
    parts = {**GOOD, **changes}
    return Graph().parse(data=PREFIXES + "\n".join(v for v in parts.values() if v), format="turtle")


def found(violations):
    return {(v.focus, v.path or "-") for v in violations}


def test_the_hand_made_graph_conforms():
    assert validate_graph(graph()) == []


def test_the_committed_output_conforms():
    violations = validate_graph(read_graph(ROOT / "output" / "graph.ttl"))
    assert violations == [], "\n".join(map(str, violations))


@pytest.mark.parametrize("change, focus, path", [
    # a post without a headline
    ({"post": GOOD["post"].replace('schema:headline "Ada joins" ; ', "")}, "<https://ex.example/post>", "schema:headline"),
    # a post with two headlines
    ({"post": GOOD["post"].replace('"Ada joins"', '"Ada joins", "Ada is here"')}, "<https://ex.example/post>", "schema:headline"),
    # a headline neither a plain string nor rdf:HTML
    ({"post": GOOD["post"].replace('"Ada joins"', '"42"^^xsd:integer')}, "<https://ex.example/post>", "schema:headline"),
    # a date that is not an xsd:dateTime
    ({"post": GOOD["post"].replace('"2025-09-02T09:30:00+02:00"^^xsd:dateTime', '"2 Sep 2025"')},
     "<https://ex.example/post>", "schema:datePublished"),
    # a post part of nothing
    ({"post": GOOD["post"].replace("schema:isPartOf ex:feed ; ", "")}, "<https://ex.example/post>", "schema:isPartOf"),
    # a mention of a literal
    ({"post": GOOD["post"].replace("schema:mentions ex:ada", 'schema:mentions "Ada"')}, "<https://ex.example/post>",
     "schema:mentions"),
    # a mention of something that is no entity (a post)
    ({"post": GOOD["post"].replace("ex:ada , ex:lab", "ex:ada , ex:feed")}, "<https://ex.example/post>", "schema:mentions"),
    # an entity with two names
    ({"lab": GOOD["lab"].replace('"Example Lab"', '"Example Lab", "The Lab"')}, "<https://ex.example/lab>", "schema:name"),
    # an entity without a name
    ({"lab": 'ex:lab a schema:Organization .'}, "<https://ex.example/lab>", "schema:name"),
    # sameAs as text
    ({"ada": GOOD["ada"].replace("<https://ex.example/ada>", '"https://ex.example/ada"')}, "<https://ex.example/ada>",
     "schema:sameAs"),
    # a person who is also an organisation
    ({"ada": GOOD["ada"].replace("a schema:Person", "a schema:Person, schema:Organization")}, "<https://ex.example/ada>", "-"),
    # a confidence out of [0, 1]
    ({"lab": GOOD["lab"] + " ex:lab gb:confidence 1.5 ."}, "<https://ex.example/lab>", "gb:confidence"),
    # an affiliation ending at a person
    ({"ada": GOOD["ada"].replace("schema:affiliation ex:lab", "schema:affiliation ex:bob") +
      ' ex:bob a schema:Person ; schema:name "Bob" .'}, "<https://ex.example/bob>", "-"),
    # a maintainer of something that is not a project
    ({"lab": GOOD["lab"] + " ex:lab schema:maintainer ex:ada ."}, "<https://ex.example/lab>", "-"),
    # a statement the graph does not assert
    ({"ada": GOOD["ada"].replace(" ; schema:affiliation ex:lab", "")}, "<https://ex.example/st>", "-"),
    # an annotation without a selector
    ({"annotation": GOOD["annotation"].replace(" ; oa:hasSelector ex:sel", "")}, "<https://ex.example/a>", "oa:hasTarget"),
    # a selector without exact text
    ({"annotation": GOOD["annotation"].replace(' ; oa:exact "Ada Lovelace (Example Lab)"', "")},
     "<https://ex.example/sel>", "oa:exact"),
    # an annotation naming no extractor
    ({"annotation": GOOD["annotation"].replace(' ; gb:extractor "people"', "")}, "<https://ex.example/a>", "gb:extractor"),
])
def test_each_shape_can_fail(change, focus, path):
    v = validate_graph(graph(**change))
    assert (focus, path) in found(v), "\n".join(map(str, v))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_exit_0_when_the_graph_conforms(tmp_path):
    f = tmp_path / "g.ttl"
    graph().serialize(f, format="turtle")
    r = run("validate", f)
    assert r.exit_code == 0 and "conforms" in r.output


def test_cli_exit_1_with_one_violation_a_line(tmp_path):
    f = tmp_path / "g.ttl"
    graph(post=GOOD["post"].replace('schema:headline "Ada joins" ; ', ""),
          lab=GOOD["lab"].replace('"Example Lab"', '"Example Lab", "The Lab"')).serialize(f, format="turtle")
    r = run("validate", f)
    assert r.exit_code == 1
    lines = r.stdout.strip().splitlines()
    assert lines == [
        "<https://ex.example/lab>  schema:name  an entity has exactly one schema:name (a plain string)",
        "<https://ex.example/post>  schema:headline  a post has exactly one schema:headline (a plain string, or "
        "rdf:HTML for a title that kept its markup)",
    ]
    assert "2 violations" in r.stderr


def test_cli_exit_2_on_usage_errors(tmp_path):
    assert run("validate", tmp_path / "nope.ttl").exit_code == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    r = run("validate", bad)
    assert r.exit_code == 1 and "bad.ttl" in r.output and "Traceback" not in r.output


def test_a_curated_build_conforms(data_dir):
    from graphbuild.graph import build_graph
    g = build_graph([data_dir / "rss2.xml"], curation=data_dir / "curation" / "lab.toml")
    assert validate_graph(g) == []


def test_a_curation_statement_pointing_at_no_rule_fails():
    v = validate_graph(graph(statement=GOOD["statement"] + " ex:st <http://www.w3.org/ns/prov#wasDerivedFrom> ex:lab ."))
    assert ("<https://ex.example/st>", "prov:wasDerivedFrom") in found(v)


def test_a_post_with_two_urls_is_a_violation_and_a_minted_post_without_one_is_not(tmp_path):
    from graphbuild.export import read_graph
    from graphbuild.validate import validate_graph
    base = ('@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . '
            '@prefix ex: <https://ex.example/> . ex:feed a schema:DataFeed . '
            'ex:p a schema:BlogPosting ; schema:headline "A post" ; schema:isPartOf ex:feed ')
    ok, bad = tmp_path / "ok.ttl", tmp_path / "bad.ttl"
    ok.write_text(base + ".")
    bad.write_text(base + '; schema:url "https://ex.example/a"^^xsd:anyURI, "https://ex.example/b"^^xsd:anyURI .')
    assert validate_graph(read_graph(ok)) == []
    assert [v.path for v in validate_graph(read_graph(bad))] == ["schema:url"]
