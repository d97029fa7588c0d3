"""Curation files: parsing and its errors, [[split]] during resolution, the other rules after it,
and what the graph records of them. Inputs are hand-written; expected values read from them."""
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SDO, XSD

from graphbuild.cli import cli
from graphbuild.curation import load_curation, parse_curation
from graphbuild.errors import CurationError
from graphbuild.graph import build
from graphbuild.models import Mention, Quote
from graphbuild.queries import run_query
from graphbuild.resolve import resolve

ID = "https://graphbuild.example/id/"
LAB = "https://lab.example.org/blog/"


def text(s):  # literals come back from the pyoxigraph store as xsd:string
    return Literal(s, datatype=XSD.string)


# ------------------------------------------------------------------ parsing and errors
def test_every_table_parses_in_the_order_rules_apply():
    c = parse_curation('''
[[alias]]
name = "A"
alias = "B"
[[drop]]
name = "C"
[[split]]
names = ["D", "E"]
[[split]]
name = "Science"
[[type]]
name = "F"
type = "organisation"
[[merge]]
names = ["G", "H"]
name = "G H"
''', "c.toml")
    assert [r.action for r in c.rules] == ["merge", "alias", "type", "drop", "split", "split"]
    assert c.rules[2].type == "Organization"  # British spelling accepted
    assert c.rules[0].name == "G H" and c.rules[0].names == ("G", "H")
    assert c.rules[3].where == "c.toml, [[drop]] #1, line 5"  # line 1 is the empty first line


@pytest.mark.parametrize("text, words", [
    ("[[drop]\nname = 'x'", ["c.toml", "not valid TOML", "line 1"]),
    ("[[remove]]\nname = 'x'", ["c.toml", "unknown table 'remove'"]),
    ("[[drop]]\nnames = ['x']", ["c.toml, [[drop]] #1, line 1", "unknown key 'names'"]),
    ("\n\n[[type]]\nname = 'x'", ["[[type]] #1, line 3", "missing key 'type'"]),
    ("[[type]]\nname = 'x'\ntype = 'Projekt'", ["[[type]] #1", "'Projekt' is not one of Person, Organization"]),
    ("[[merge]]\nnames = ['x']", ["[[merge]] #1", "at least two names"]),
    ("[[merge]]\nnames = ['x', 'X.']", ["lists one name twice"]),
    ("[[split]]\nname = 'x'\nnames = ['a', 'b']", ["[[split]] #1", "either 'name'"]),
    ("[[alias]]\nname = ''\nalias = 'b'", ["[[alias]] #1", "'name' must be a non-empty string"]),
    ("drop = 'x'", ["'drop' must be written as [[drop]] tables"]),
])
def test_errors_name_the_file_the_table_and_the_reason(text, words):
    with pytest.raises(CurationError) as e:
        parse_curation(text, "c.toml")
    msg = str(e.value)
    assert len(msg.splitlines()) == 1 and all(w in msg for w in words), msg


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(CurationError, match=r"nope\.toml: cannot read curation file"):
        load_curation(tmp_path / "nope.toml")


def test_cli_error_is_one_line_and_exit_1(tmp_path, data_dir):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[type]]\nname = 'engine'\ntype = 'Software'\n")
    r = CliRunner().invoke(cli, ["build", str(data_dir / "rss2.xml"), "--curation", str(bad), "--out", str(tmp_path), "-q"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.strip().splitlines() == [
        "Error: bad.toml, [[type]] #1, line 1: type 'Software' is not one of Person, Organization, Project, OrgProject"]
    assert not (tmp_path / "graph.ttl").exists()


# ------------------------------------------------------------------ [[split]] during resolution
def m(name, post, urls=(), aliases=(), kind="Organization"):
    return Mention(name, kind, post, Quote(name), "test", tuple(urls), aliases=tuple(aliases))


# NIST and NOAA share a (wrong) URL, and the long form defines NIST: resolution makes one node of all three
WRONG = [m("NOAA", "p1", ["https://noaa.example/"]), m("NIST", "p2", ["https://noaa.example/"]),
         m("National Institute of Standards and Technology", "p3", aliases=["NIST"])]


def names_of(res):
    return sorted(sorted([e.name, *e.aliases]) for e in res.entities.values())


def test_without_curation_resolution_merges_them():
    assert len(resolve(WRONG).entities) == 1


def test_split_names_keeps_them_apart_and_the_long_form_with_its_acronym():
    res = resolve(WRONG, keep_apart=parse_curation('[[split]]\nnames = ["NIST", "NOAA"]'))
    assert names_of(res) == [["NIST", "National Institute of Standards and Technology"], ["NOAA"]]


def test_split_one_name_keeps_it_from_every_other_name():
    ms = [m("NASA", "p1", ["https://nasa.example/"]), m("Science", "p2", ["https://nasa.example/"]),
          m("Science", "p3")]
    assert len(resolve(ms).entities) == 1
    res = resolve(ms, keep_apart=parse_curation('[[split]]\nname = "science"'))
    assert names_of(res) == [["NASA"], ["Science"]]
    assert sorted(len(e.mentions) for e in res.entities.values()) == [1, 2]


# ------------------------------------------------------------------ the other rules, end to end
@pytest.fixture(scope="module")
def curated(data_dir):
    return build([data_dir / "rss2.xml"], curation=data_dir / "curation" / "lab.toml")


def test_drop_removes_the_entity_its_mentions_and_its_relations(curated):
    g = curated.graph
    assert not list(g.subjects(SDO.name, text("engine")))
    assert not list(g.triples((None, SDO.maintainer, None)))  # engine was maintained by example-lab


def test_type_moves_the_entity_to_its_new_type_and_iri(curated):
    node = URIRef(ID + "org/example-lab")
    assert set(curated.graph.objects(node, RDF.type)) == {SDO.Organization}
    assert curated.graph.value(node, SDO.name) == text("example-lab")
    assert (URIRef(ID + "agent/example-lab"), None, None) not in curated.graph


def test_merge_makes_one_node_named_by_the_first_name(curated):
    g = curated.graph
    node = URIRef(ID + "person/charles-babbage")
    assert g.value(node, SDO.alternateName) == text("Mary Somerville")
    assert not list(g.subjects(SDO.name, text("Mary Somerville")))
    # Mary Somerville was thanked in the welcome post; Charles Babbage wrote both posts
    assert (URIRef(LAB + "welcome/"), SDO.mentions, node) in g


def test_alias_is_added(curated):
    node = URIRef(ID + "person/ada-lovelace")
    assert text("Countess of Lovelace") in set(curated.graph.objects(node, SDO.alternateName))


def test_a_rule_that_matches_nothing_is_a_warning(curated):
    assert [str(p) for p in curated.problems if p.where == "curation"] == [
        "curation: drop 'Nobody Of That Name' matched nothing (lab.toml, [[drop]] #2, line 6)"]


def test_a_query_shows_which_facts_came_from_curation(curated):
    rows = run_query(curated.graph, "curated_facts")
    facts = {(str(r["action"]), str(r["entity"] or ""), str(r["property"] or ""), str(r["value"] or "")) for r in rows}
    assert facts == {
        ("drop", "", "", ""),
        ("merge", ID + "person/charles-babbage", str(SDO.alternateName), "Mary Somerville"),
        ("alias", ID + "person/ada-lovelace", str(SDO.alternateName), "Countess of Lovelace"),
        ("type", ID + "org/example-lab", str(RDF.type), str(SDO.Organization)),
        ("split", ID + "person/ada-lovelace", "http://www.w3.org/2002/07/owl#differentFrom", ID + "org/royal-society"),
    }
    matched = {(str(r["rule"]), int(r["matched"])) for r in rows if str(r["action"]) == "drop"}
    assert matched == {('drop "engine"', 1), ('drop "Nobody Of That Name"', 0)}


def test_uncurated_build_has_no_curation_facts(data_dir):
    g = build([data_dir / "rss2.xml"]).graph
    assert run_query(g, "curated_facts") == []
    assert list(g.subjects(SDO.name, text("engine")))  # what the drop test looks for is there without it
    assert g.value(URIRef(ID + "agent/example-lab"), SDO.name) == text("example-lab")


def test_curation_is_deterministic(data_dir):
    from graphbuild.export import serialize
    a, b = (serialize(build([data_dir / "rss2.xml"], curation=data_dir / "curation" / "lab.toml").graph, "ttl")
            for _ in range(2))
    assert a == b


def test_the_python_api_takes_curation(data_dir):
    import graphbuild
    g = graphbuild.build_graph([data_dir / "rss2.xml"], curation=str(data_dir / "curation" / "lab.toml"))
    assert not list(g.subjects(SDO.name, text("engine")))


def test_split_in_a_build_is_recorded_as_different_from(tmp_path, data_dir):
    cur = tmp_path / "c.toml"
    cur.write_text('[[split]]\nnames = ["Ada Lovelace", "Royal Society"]\n')
    g = build([data_dir / "rss2.xml"], curation=cur).graph
    rows = run_query(g, "curated_facts")
    assert [(str(r["entity"]), str(r["property"]), str(r["value"])) for r in rows] == [
        (ID + "person/ada-lovelace", "http://www.w3.org/2002/07/owl#differentFrom", ID + "org/royal-society")]


def test_an_alias_equal_to_the_name_is_a_warning_not_a_fact(tmp_path, data_dir):
    cur = tmp_path / "c.toml"
    cur.write_text('[[alias]]\nname = "Ada Lovelace"\nalias = "ada-lovelace"\n')
    b = build([data_dir / "rss2.xml"], curation=cur)
    assert [str(p) for p in b.problems if p.where == "curation"] == [
        "curation: alias 'ada-lovelace' is 'Ada Lovelace' already (names are compared without case, spaces and "
        "punctuation) (c.toml, [[alias]] #1, line 1)"]
    assert [r["property"] for r in run_query(b.graph, "curated_facts")] == [None]
