"""Outputs: independent re-parse, determinism, atomic writes, every format."""
import os
import stat
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from conftest import need_tool
from graphbuild.errors import ExportError
from graphbuild.export import export_graph, read_graph, serialize, write_atomic


def test_turtle_reparses_with_raptor_to_the_same_triple_count(reference_graph, tmp_path):
    rapper = need_tool("rapper")
    path = export_graph(reference_graph, tmp_path / "graph.ttl")
    out = subprocess.run([rapper, "-i", "turtle", "-o", "ntriples", "-c", str(path)],
                         capture_output=True, text=True, check=True)
    assert f"returned {len(reference_graph)} triples" in out.stderr


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_every_rdf_format_round_trips_to_an_isomorphic_graph(reference_graph, tmp_path, fmt):
    path = export_graph(reference_graph, tmp_path / f"graph.{fmt}", fmt)
    assert isomorphic(read_graph(path), reference_graph)


@pytest.mark.parametrize("name, text", [
    ("g.trig", "<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .\n"
               "<http://ex.org/g> { <http://ex.org/a> <http://ex.org/p> <http://ex.org/c> . }\n"),
    ("g.nq", "<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .\n"
             "<http://ex.org/a> <http://ex.org/p> <http://ex.org/c> <http://ex.org/g> .\n"),
])
def test_named_graphs_of_a_file_are_read_into_the_default_graph(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    g = read_graph(tmp_path / name, store=False)
    # the triple of the default graph and the one of the named graph, both in the graph read
    assert sorted(str(o) for o in g.objects()) == ["http://ex.org/b", "http://ex.org/c"]
    assert len(g) == 2
    assert list(g.store._inner.named_graphs()) == []


def test_a_file_that_is_not_turtle_is_one_export_error(tmp_path):
    (tmp_path / "g.ttl").write_text("<http://ex.org/a> <http://ex.org/p> .\n")
    with pytest.raises(ExportError, match=r"g\.ttl: cannot read as Turtle \(Parser error at line 1"):
        read_graph(tmp_path / "g.ttl", store=False)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig"])
def test_pyoxigraph_parses_every_format(reference_graph, fmt):
    oxfmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG}[fmt]
    assert len(list(ox.parse(serialize(reference_graph, fmt), format=oxfmt))) == len(reference_graph)


#: one build, every format written to the folder given as argument
_BUILD_ALL_FORMATS = """import sys
from pathlib import Path
from graphbuild.export import serialize
from graphbuild.graph import build_graph
g = build_graph()
for fmt in ("ttl", "nt", "jsonld", "trig", "graphml"):
    (Path(sys.argv[1]) / f"graph.{fmt}").write_bytes(serialize(g, fmt))
"""


def test_two_builds_in_two_processes_with_different_hash_seeds_give_byte_identical_files(tmp_path):
    # two interpreters, two string-hash seeds: any order taken from a set or dict of strings shows
    outs = []
    for seed in ("0", "4242"):
        out = tmp_path / seed
        out.mkdir()
        subprocess.run([sys.executable, "-c", _BUILD_ALL_FORMATS, str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outs[0]) == 5
    for name in outs[0]:
        assert outs[0][name] == outs[1][name], name


def test_interrupted_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("previous")

    def explode(f):
        f.write(b"half a graph")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, explode)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_unknown_format_is_an_export_error(reference_graph):
    with pytest.raises(ExportError, match="Available: ttl"):
        serialize(reference_graph, "rdfxml")


def test_graphml_holds_entities_and_posts(reference_graph):
    import io
    import networkx as nx
    G = nx.read_graphml(io.BytesIO(serialize(reference_graph, "graphml")))
    kinds = {d["kind"] for _, d in G.nodes(data=True)}
    assert {"Post", "Person", "Organization", "Project"} <= kinds


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_of_the_users_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = write_atomic(tmp_path / "graph.ttl", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_replacing_a_file_keeps_its_mode(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("previous")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_bytes() == b"new"


def test_jsonld_is_compacted_with_the_graphs_prefixes_and_expanded_on_request(reference_graph):
    import json
    doc = json.loads(serialize(reference_graph, "jsonld"))
    assert doc["@context"]["schema"] == "https://schema.org/" and "@graph" in doc
    assert any(n.get("@type") == "schema:BlogPosting" and "schema:headline" in n for n in doc["@graph"])
    expanded = json.loads(serialize(reference_graph, "jsonld-expanded"))
    assert isinstance(expanded, list) and "@context" not in json.dumps(expanded)
    assert any("https://schema.org/headline" in n for n in expanded)
    for fmt in ("jsonld", "jsonld-expanded"):
        assert len(list(ox.parse(serialize(reference_graph, fmt), format=ox.RdfFormat.JSON_LD))) == len(reference_graph)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig"])
def test_a_graph_kept_in_a_named_graph_of_its_store_is_written(fmt):
    """An rdflib Graph made on an Oxigraph store under a name of its own (rdflib's default, a blank
    node) keeps its triples in a named graph of that store; the formats without graphs write them as
    triples, TriG in its default graph (as the graph's own triples, whatever the store calls them)."""
    from rdflib import Graph, Literal, URIRef

    g = Graph(store="Oxigraph")
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("x")))
    body = [line for line in serialize(g, fmt).decode().splitlines() if not line.startswith("@prefix")]
    assert body == ['<https://example.org/s> <https://example.org/p> "x" .']


def test_only_the_graphs_own_triples_are_written_from_a_shared_store():
    """A Graph on the default graph of a store that also holds a named graph: the named graph's
    triples (here about the same subject) are not the Graph's, and are not written."""
    from oxrdflib import OxigraphStore
    from rdflib import Graph, Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    store = ox.Store()
    g = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("mine")))
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                      ox.Literal("another graph's"), ox.NamedNode("https://example.org/g")))
    assert len(g) == 1
    body = [line for line in serialize(g, "nt").decode().splitlines() if not line.startswith("@prefix")]
    assert body == ['<https://example.org/s> <https://example.org/p> "mine" .']
