"""Exports for Gephi (GEXF, read back with networkx) and Neo4j (CSV in the neo4j-admin import format).

tests/data/charts.xml read by hand: 4 posts; Ada Lovelace is named in posts one, two and three, the
Royal Society in post one, Mary Somerville in posts three and four: 6 mentions, 2 pairs named
together (Ada Lovelace with the Royal Society, Ada Lovelace with Mary Somerville).
"""
import csv
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from conftest import DATA
from graphbuild.cli import cli

FEED = str(DATA / "charts.xml")
ADA, MARY = "https://graphbuild.example/id/person/ada-lovelace", "https://graphbuild.example/id/person/mary-somerville"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from graphbuild.export import export_graph
    from graphbuild.graph import build_graph
    out = tmp_path_factory.mktemp("exports")
    graph = str(export_graph(build_graph([FEED]), out / "g.ttl"))  # built once, exported twice
    runner = CliRunner()
    for args in (["--format", "gexf", "--out", str(out / "g.gexf")], ["--format", "neo4j", "--out", str(out / "neo4j")]):
        res = runner.invoke(cli, ["export", "--graph", graph, *args])
        assert res.exit_code == 0, res.output
    return out


def test_gexf_reads_back_with_positions_and_communities(exported):
    G = nx.read_gexf(exported / "g.gexf")
    kinds = nx.get_node_attributes(G, "kind")
    assert sorted(kinds.values()).count("Post") == 4
    people = {G.nodes[n]["label"] for n, k in kinds.items() if k == "Person"}
    assert people == {"Ada Lovelace", "Mary Somerville"}
    assert G.nodes[ADA]["mentions"] == 3 and G.nodes[MARY]["mentions"] == 2
    edges = [d["kind"] for _, _, d in G.edges(data=True)]
    assert edges.count("mentions") == 6 and edges.count("co-mention") == 2
    for n, d in G.nodes(data=True):  # the page's layout: every node placed, not all on one spot
        assert set(d["viz"]["position"]) == {"x", "y", "z"}
    assert len({(d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for _, d in G.nodes(data=True)}) > 3
    ents = [n for n, k in kinds.items() if k != "Post"]
    assert all(G.nodes[n]["community"] and G.nodes[n]["community_name"] for n in ents)
    assert all("community" not in G.nodes[n] for n, k in kinds.items() if k == "Post")


# neo4j-admin database import: header fields are name[:type] (type one of the documented ones,
# optionally an array with []) or the special :ID, :LABEL, :START_ID, :END_ID, :TYPE, :IGNORE;
# https://neo4j.com/docs/operations-manual/current/tools/neo4j-admin/neo4j-admin-import/#import-tool-header-format
TYPES = "int|long|float|double|boolean|byte|short|char|string|point|date|localtime|time|localdatetime|datetime|duration"
FIELD = re.compile(rf"^(?:[A-Za-z_][A-Za-z0-9_]*)?(?::(?:ID(?:\([A-Za-z_]+\))?|LABEL|START_ID|END_ID|TYPE|IGNORE)"
                   rf"|:(?:{TYPES})(?:\[\])?)?$")


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_neo4j_csv_follows_the_import_format(exported):
    nodes, rels = _read(exported / "neo4j" / "nodes.csv"), _read(exported / "neo4j" / "relationships.csv")
    for header in (nodes[0], rels[0]):
        assert all(FIELD.match(h) for h in header), header
        assert all(len(row) == len(header) for row in (nodes if header is nodes[0] else rels))
    nh, rh = nodes[0], rels[0]
    assert sum(h.endswith(":ID") for h in nh) == 1 and nh.count(":LABEL") == 1
    assert rh[:3] == [":START_ID", ":END_ID", ":TYPE"]
    ids = {row[[i for i, h in enumerate(nh) if h.endswith(":ID")][0]] for row in nodes[1:]}
    assert len(ids) == len(nodes) - 1  # unique
    assert all(r[0] in ids and r[1] in ids for r in rels[1:])  # every relationship joins two nodes
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", r[2]) for r in rels[1:])
    types = [r[2] for r in rels[1:]]
    assert types.count("MENTIONS") == 6 and types.count("CO_MENTIONED_WITH") == 2
    assert types.count("IN_COMMUNITY") == 3  # each of the three entities in one community
    labels = {row[1]: row[nh.index(":LABEL")].split(";") for row in nodes[1:]}
    assert labels["Ada Lovelace"] == ["Entity", "Person"] and labels["March post"] == ["Post"]
    quotes = {r[5] for r in rels[1:] if r[2] == "MENTIONS" and r[1] == ADA}
    assert "A talk by Ada Lovelace on engines." in quotes


def test_neo4j_needs_a_folder_not_stdout():
    res = CliRunner().invoke(cli, ["export", "--feed", FEED, "--format", "neo4j", "--out", "-"])
    assert res.exit_code != 0 and "folder" in res.output
