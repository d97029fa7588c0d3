"""The store a build keeps beside graph.ttl (graphbuild/graphstore.py): the commands and
read_graph use it when it is current for the file, read the file otherwise, never change it, and
a build that fails never leaves a store that looks current."""
import csv
import json
import os
import re
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import DATA

from graphbuild import graphstore, madeanswers
from graphbuild.cli import cli
from graphbuild.errors import QueryError
from graphbuild.export import read_graph, write_atomic
from graphbuild.fastquery import query_file
from graphbuild.queries import bundled, run_query

MARK = ox.Quad(ox.NamedNode("https://test.example/kept"), ox.NamedNode("https://test.example/in"),
               ox.NamedNode("https://test.example/store"))
ASK_MARK = "ASK { <https://test.example/kept> <https://test.example/in> <https://test.example/store> }"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The bundled feed built once (with its kept store), read-only for the tests."""
    out = tmp_path_factory.mktemp("ref") / "out"
    r = run("build", "--out", out, "-q", "--no-html", "--jobs", "1")
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture
def copy_of(tmp_path):
    """A private copy of a build folder (graph.ttl, its state and store), same mtimes."""
    def copy(src):
        dst = tmp_path / src.name
        shutil.copytree(src, dst)
        return dst
    return copy


def mark_store(out):
    """Add a triple that graph.ttl does not hold to the kept store (read-write, as only a test may)."""
    s = ox.Store(str(out / ".graphbuild" / "graph-store" / "oxigraph"))
    s.add(MARK)
    s.flush()
    del s


def asks_mark(graph, *extra) -> str:
    r = run("query", ASK_MARK, "--graph", graph, *extra)
    assert r.exit_code in (0, 1), r.output
    return r.output.strip()


def test_a_build_keeps_a_current_store_of_graph_ttl(reference):
    graph = reference / "graph.ttl"
    path = graphstore.current_store(graph)
    assert path == reference / ".graphbuild" / "graph-store" / "oxigraph"
    kept = ox.Store.read_only(str(path))
    from_file = ox.Store()
    from_file.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    assert len(kept) > 4000  # the bundled feed's graph, not an empty store
    assert set(kept) == set(from_file)  # the same triples (the graph has no blank nodes)
    assert not [p for p in (reference / ".graphbuild").iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_graph_of_many_batches_is_kept_whole(reference, tmp_path, monkeypatch):
    """The store is written in batches (so keeping it adds nothing to the build's peak memory):
    with batches of 97 quads the bundled graph takes dozens, and every triple arrives once."""
    monkeypatch.setattr(graphstore, "KEEP_BATCH", 97)
    source = ox.Store()
    source.bulk_load(path=str(reference / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(source) > 40 * 97
    graph = tmp_path / "graph.ttl"
    shutil.copy(reference / "graph.ttl", graph)
    kept = graphstore.keep(source, graph, graphstore.file_sha256(graph), tmp_path / "state")
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == set(source)


def test_the_loading_process_takes_the_lines_in_chunks_cut_after_a_line(reference, tmp_path):
    """The kept store's loader hands pyoxigraph the N-Triples a few bytes at a time, each chunk cut
    after its last whole line: with chunks of 97 bytes nearly every line is split across two reads
    (and one long literal spans many), and every triple still arrives once."""
    import io

    source = ox.Store()
    source.bulk_load(path=str(reference / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    long = ox.Quad(MARK.subject, MARK.predicate, ox.Literal("a line\nbreak, escaped " + "x" * 500))
    source.add(long)
    text = ox.serialize(source, format=ox.RdfFormat.N_QUADS)
    assert text.count(b"\n") == len(source) and len(text) > 500 * 97
    disk = ox.Store(str(tmp_path / "kept"))
    graphstore._load_lines(disk, io.BytesIO(text).read, chunk=97)
    graphstore._load_lines(disk, io.BytesIO(b"").read, chunk=97)  # nothing added after the graph
    assert set(disk) == set(source) and long in set(disk)


def test_the_graph_exported_from_the_store_is_graph_ttl_byte_for_byte(reference, tmp_path):
    assert isinstance(read_graph(reference / "graph.ttl").store._inner, ox.Store)
    r = run("export", "--graph", reference / "graph.ttl", "-o", tmp_path / "again.ttl")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "again.ttl").read_bytes() == (reference / "graph.ttl").read_bytes()


def _params(q):
    from test_queries import PARAMS
    return ([{}] if not q.required else []) + ([{p: PARAMS[p] for p in q.params}] if q.params else [])


@pytest.mark.parametrize("name", sorted(bundled()))
def test_every_bundled_query_gives_the_same_rows_through_the_store_as_through_the_file(reference, name, tmp_path):
    graph = reference / "graph.ttl"
    on_store, on_file = read_graph(graph), read_graph(graph, store=False)
    assert isinstance(on_store.store._inner, ox.Store) and len(on_store) == len(on_file)
    with pytest.raises(RuntimeError):  # proof that this one is the kept store: opened read-only
        on_store.store._inner.add(MARK)
    on_file.store._inner.add(MARK)  # and that one a copy in memory
    on_file.store._inner.remove(MARK)
    no_store = tmp_path / "empty"  # a --store folder without a store: the file is read
    seen = 0
    for params in _params(bundled()[name]):
        store_rows = run_query(on_store, name, **params)
        assert store_rows == run_query(on_file, name, **params), params
        seen += len(store_rows)
        from_file = query_file(graph, name, params, fmt="tsv", store=no_store)
        assert query_file(graph, name, params, fmt="tsv") == from_file, params  # run on the store, kept
        assert query_file(graph, name, params, fmt="tsv") == from_file, params  # the kept answer
    assert seen or name == "curated_facts"  # not two empty answers (the reference has no curation)


def test_a_current_store_is_what_the_commands_read(reference, copy_of):
    out = copy_of(reference)
    mark_store(out)  # the only way to tell which one a command read: the store holds one more triple
    graph = out / "graph.ttl"
    assert asks_mark(graph) == "yes"
    r = run("explain", "https://test.example/kept", "--graph", graph)
    assert r.exit_code == 0 and "https://test.example/kept" in r.output
    assert ("https://test.example/kept", "https://test.example/in", "https://test.example/store") in {
        (str(s), str(p), str(o)) for s, p, o in read_graph(graph)}
    export = out / "copy.nt"
    assert run("export", "--graph", graph, "--format", "nt", "-o", export).exit_code == 0
    assert "<https://test.example/kept>" in export.read_text()


def test_a_copied_or_rewritten_graph_with_the_same_bytes_still_uses_the_store(reference, copy_of):
    out = copy_of(reference)
    mark_store(out)
    graph = out / "graph.ttl"
    write_atomic(graph, graph.read_bytes())  # new inode and mtime, same bytes: current by its hash
    assert asks_mark(graph) == "yes"


def test_a_stale_store_is_not_used(reference, copy_of):
    out = copy_of(reference)
    mark_store(out)
    graph = out / "graph.ttl"
    data = graph.read_bytes()
    # the same size, one character changed (a name: the file stays valid Turtle)
    i = data.index(b'"JupyterHub"')
    graph.write_bytes(data[:i] + b'"JupyterHuB"' + data[i + 12:])
    assert graphstore.current_store(graph) is None
    assert asks_mark(graph) == "no"
    rows = run("query", 'SELECT ?n WHERE { ?e schema:name ?n FILTER(?n = "JupyterHuB") }', "--graph", graph)
    assert "JupyterHuB" in rows.output  # the file's words, not the store's
    # replaced by another graph (another build's graph.ttl, moved over it)
    other = out.parent / "other"
    assert run("build", DATA / "handmade.xml", "--out", other, "-q", "--no-html", "--jobs", "1").exit_code == 0
    os.replace(other / "graph.ttl", graph)
    assert graphstore.current_store(graph) is None
    assert asks_mark(graph) == "no"
    assert not any(MARK.subject.value in str(s) for s in read_graph(graph).subjects())


def test_another_graph_file_without_a_store_reads_the_file(reference, tmp_path):
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(reference / "graph.ttl", lone / "g.ttl")
    assert graphstore.current_store(lone / "g.ttl") is None  # no .graphbuild beside it
    g = read_graph(lone / "g.ttl")
    g.store._inner.add(MARK)  # parsed into memory: a copy it may change
    r = run("query", "top_mentioned", "--graph", lone / "g.ttl", "--limit", "1", "--format", "csv")
    assert r.exit_code == 0 and "2i2c" in r.output


def test_another_file_beside_a_build_is_not_answered_from_that_builds_store(reference, copy_of):
    out = copy_of(reference)
    mark_store(out)
    assert run("build", DATA / "handmade.xml", "--out", out / "h", "-q", "--no-html", "--jobs", "1").exit_code == 0
    shutil.copy(out / "h" / "graph.ttl", out / "other.ttl")
    assert asks_mark(out / "other.ttl") == "no"
    assert asks_mark(out / "graph.ttl") == "yes"


def test_a_store_kept_elsewhere_is_found_with_store(tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    assert run("build", DATA / "handmade.xml", "--out", out, "--store", state, "-q", "--no-html",
               "--jobs", "1").exit_code == 0
    assert graphstore.current_store(out / "graph.ttl") is None  # not beside the graph
    assert graphstore.current_store(out / "graph.ttl", state) is not None
    s = ox.Store(str(state / "graph-store" / "oxigraph"))
    s.add(MARK)
    del s
    assert asks_mark(out / "graph.ttl") == "no"
    assert asks_mark(out / "graph.ttl", "--store", state) == "yes"


def test_the_store_is_opened_read_only(reference, copy_of):
    out = copy_of(reference)
    graph = out / "graph.ttl"
    size = len(read_graph(graph, store=False))
    g = read_graph(graph)
    from rdflib import URIRef
    with pytest.raises(RuntimeError):
        g.add((URIRef(MARK.subject.value), URIRef(MARK.predicate.value), URIRef(MARK.object.value)))
    with pytest.raises(QueryError, match="read-only"):
        run_query(g, "INSERT DATA { <https://test.example/a> <https://test.example/b> 1 }", allow_update=True)
    other = read_graph(graph)  # a second reader at the same time
    assert len(other) == len(g) == size
    # the command's --allow-update changes a copy read from the file, never the store
    r = run("query", "INSERT DATA { <https://test.example/kept> <https://test.example/in> "
                     "<https://test.example/store> }", "--allow-update", "--graph", graph)
    assert r.exit_code == 0, r.output
    r = run("query", "DELETE WHERE { ?s ?p ?o }", "--allow-update", "--graph", graph)
    assert r.exit_code == 0, r.output
    assert asks_mark(graph) == "no"
    assert len(read_graph(graph)) == size
    assert graphstore.current_store(graph) is not None


def test_a_rebuild_replaces_the_store(reference, copy_of):
    out = copy_of(reference)
    mark_store(out)
    assert run("build", "--out", out, "-q", "--no-html", "--jobs", "1").exit_code == 0
    assert asks_mark(out / "graph.ttl") == "no"  # a new store, made from this build's graph
    assert graphstore.current_store(out / "graph.ttl") is not None


def test_a_build_that_cannot_keep_its_store_leaves_none_that_looks_current(reference, copy_of, monkeypatch):
    out = copy_of(reference)
    mark_store(out)

    real = graphstore._fill

    def fail(path, source, *rest):
        real(path, source, *rest)  # the store is written, then the disk fills up before the stamp
        raise OSError("No space left on device")
    monkeypatch.setattr(graphstore, "_fill", fail)
    r = run("build", DATA / "handmade.xml", "--out", out, "-q", "--no-html", "--jobs", "1")
    monkeypatch.undo()
    assert r.exit_code == 0 and "could not keep the graph's store" in r.output
    graph = out / "graph.ttl"
    assert "Hollowmere" in graph.read_text()  # the new graph was written ...
    assert graphstore.current_store(graph) is None  # ... and the previous build's store is not used for it
    assert asks_mark(graph) == "no"
    assert not [p for p in (out / ".graphbuild").iterdir() if p.name.startswith(".")]  # temporary folder removed


KILLED = """
import os, sys
import pyoxigraph as ox
from graphbuild import graphstore, madeanswers

class Dying:  # a source store whose reading stops the process half way (a killed build)
    def named_graphs(self):
        return iter(())
    def quads_for_pattern(self, *a):
        for i in range(1000):
            if i == 500:
                os._exit(9)
            yield ox.Quad(ox.NamedNode(f"https://test.example/{i}"), ox.NamedNode("https://test.example/p"),
                          ox.Literal(str(i)))

graphstore.keep(Dying(), sys.argv[1], "0" * 64, sys.argv[2])
"""


def test_a_build_killed_while_writing_the_store_leaves_none_that_looks_current(reference, copy_of):
    out = copy_of(reference)
    graph, state = out / "graph.ttl", out / ".graphbuild"
    write_atomic(graph, graph.read_bytes() + b"\n")  # the new build's graph.ttl is written, then ...
    p = subprocess.run([sys.executable, "-c", KILLED, str(graph), str(state)], capture_output=True)
    assert p.returncode == 9, p.stderr  # ... it dies filling the new store
    leftovers = [x for x in state.iterdir() if x.name.startswith(".graph-store.tmp-")]
    assert leftovers  # it really died half way
    assert graphstore.current_store(graph) is None
    g = read_graph(graph)
    g.store._inner.add(MARK)  # read from the file: a store in memory, not the half-written one
    g.store._inner.remove(MARK)
    graphstore.keep(g.store._inner, graph, graphstore.file_sha256(graph), state)  # the next build
    assert not [x for x in state.iterdir() if x.name.startswith(".")]  # cleans what was left
    assert graphstore.current_store(graph) is not None


def test_an_answer_kept_beside_the_store_is_reused_for_the_same_question_only(reference, copy_of):
    out = copy_of(reference)
    graph, answers = out / "graph.ttl", out / ".graphbuild" / "graph-store" / "answers"
    shutil.rmtree(answers, ignore_errors=True)
    first = run("query", "top_mentioned", "--graph", graph, "--format", "csv")
    assert first.exit_code == 0 and "JupyterHub" in first.output
    kept = list(answers.glob("*.json"))
    assert len(kept) == 1
    kept[0].write_text(kept[0].read_text().replace('"JupyterHub"', '"Jupyter Hub (kept answer)"'))
    again = run("query", "top_mentioned", "--graph", graph, "--format", "csv")
    assert "Jupyter Hub (kept answer)" in again.output  # the kept answer, not the store, answered
    other = run("query", "top_mentioned", "--graph", graph, "--format", "csv", "--limit", "5")
    assert "(kept answer)" not in other.output and "JupyterHub" in other.output  # another cap: its own answer
    bound = run("query", "top_mentioned", "-p", "type=doap:Project", "--graph", graph, "--format", "csv")
    assert "(kept answer)" not in bound.output and "JupyterHub" in bound.output
    assert run("build", "--out", out, "-q", "--no-html", "--jobs", "1").exit_code == 0
    indexes = {index_file(out, name) for name in INDEXED}
    assert set(answers.glob("*.json")) == made_files(out) | indexes  # a rebuild starts with only its own
    assert [f.name for f in answers.glob("*.i32")] == [index_file(out).with_suffix(".i32").name]
    assert {f for f in answers.iterdir() if f.suffix in (".z", ".posts")} == {
        index_file(out, name).with_suffix(suffix) for name in SAID for suffix in (".z", ".posts")}
    assert "(kept answer)" not in run("query", "top_mentioned", "--graph", graph, "--format", "csv").output


def made_files(out):
    """The files of the answers a build of ``out`` makes (graphbuild/madeanswers.py)."""
    sha256 = graphstore.read_stamp(out / ".graphbuild")["sha256"]
    return {graphstore.answer_file(out / ".graphbuild" / "graph-store", sha256, bundled()[n].text, "made")
            for n in madeanswers.NAMES}


#: the questions the build indexes: co_mentioned_with from the pairs (madeanswers.Indexed), the others
#: as the graph is written (madeanswers.Said)
SAID = ("entity_posts", "where_said")
INDEXED = ("co_mentioned_with", *SAID)


def index_file(out, name="co_mentioned_with"):
    """The JSON file of the build's index of the question ``name`` (its rows: the same with .i32 for
    co_mentioned_with, else .z, and the posts' table .posts)."""
    sha256 = graphstore.read_stamp(out / ".graphbuild")["sha256"]
    return graphstore.answer_file(out / ".graphbuild" / "graph-store", sha256, bundled()[name].text,
                                  madeanswers.Indexed.KIND)


def mark_said(index) -> None:
    """Every plain string of a Said index's rows and posts' table (quotes, headlines, extractors)
    followed by " (made)", to show where an answer came from."""
    import zlib

    meta = json.loads(index.read_text(encoding="utf-8"))
    mark = lambda c: c + " (made)" if isinstance(c, str) else c
    data, pieces = index.with_suffix(".z").read_bytes(), []
    for at, size in zip(meta["at"], meta["size"]):
        lines = zlib.decompress(data[at:at + size]).splitlines()  # a JSON list of rows each
        pieces.append(zlib.compress(b"".join(json.dumps([[n, *map(mark, rest)] for n, *rest in json.loads(line)])
                                             .encode() + b"\n" for line in lines)))
    meta["at"] = [sum(map(len, pieces[:i])) for i in range(len(pieces))]
    meta["size"] = list(map(len, pieces))
    index.with_suffix(".z").write_bytes(b"".join(pieces))
    lines = [json.loads(line) for line in index.with_suffix(".posts").read_bytes().splitlines()]
    table = [json.dumps([iri, *map(mark, rest)]).encode() + b"\n" for iri, *rest in lines]
    meta["lines"] = [sum(map(len, table[:i])) for i in range(len(table) + 1)]
    index.with_suffix(".posts").write_bytes(b"".join(table))
    index.write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("most", [None, 12])
def test_the_answers_the_build_made_answer_the_caps_they_cover(reference, copy_of, tmp_path, monkeypatch, most):
    """The build keeps its own answers to bundled questions (all the rows, or with ``most`` + 1
    kept, the first ``most`` + 1): a first ask whose cap they cover is cut from them, with the
    rows and the notice of a cut the query gives; any other runs the query."""
    out = copy_of(reference)
    if most is not None:
        monkeypatch.setattr(madeanswers, "ROWS", most + 1)
        assert run("build", "--out", out, "-q", "--no-html", "--jobs", "1", "--fresh").exit_code == 0
    files = made_files(out)
    assert all(f.is_file() for f in files)
    for f in files:  # every literal in the made answers marked: the mark shows which answered
        f.write_text(re.sub(r'(\["literal","[^"]*)(",")', r"\1 (made)\2", f.read_text(encoding="utf-8")),
                     encoding="utf-8")
    graph, no_store = out / "graph.ttl", tmp_path / "empty"
    for name in madeanswers.NAMES:
        n = query_file(graph, name, {}, fmt="tsv", store=no_store, max_rows=None)[0].count("\n") - 1
        pairs = name in ("co_mentions", "co_mentioned_with")
        assert n > (20 if pairs else 0), name  # enough rows to cut
        for cap in ((1, 12, 13, n, None) if pairs else (1, 12, 13, None)):
            served = most is None or n <= most or (cap is not None and cap <= most)  # complete, or covered
            for args in (["--max-rows", cap or 0], ["--limit", cap] if cap else [])[:2 if pairs else 1]:
                want = run("query", name, "--graph", graph, "--format", "csv", "--store", no_store, *args)
                got = run("query", name, "--graph", graph, "--format", "csv", *args)
                assert got.exit_code == want.exit_code == 0 and want.output.count("\n") > min(cap or n, n)
                assert ("(made)" in got.output) == served, (name, cap, args)
                assert got.output.replace(" (made)", "") == want.output, (name, cap, args)


@pytest.mark.parametrize("most", [None, 12])
def test_a_bound_question_is_answered_within_the_whole_answer_the_build_made(reference, copy_of, tmp_path,
                                                                             monkeypatch, most):
    """A question of plans.FILTERS bound to IRIs is answered by the rows of the build's whole
    answer with those values (every literal of a made answer marked, to show it), with the rows and
    the notice of a cut the bound query gives; from the engine when the made answer is not whole."""
    from graphbuild import plans

    out = copy_of(reference)
    if most is not None:
        monkeypatch.setattr(madeanswers, "ROWS", most + 1)
        assert run("build", "--out", out, "-q", "--no-html", "--jobs", "1", "--fresh").exit_code == 0
    for f in made_files(out):
        f.write_text(re.sub(r'(\["literal","[^"]*)(",")', r"\1 (made)\2", f.read_text(encoding="utf-8")),
                     encoding="utf-8")
    graph, no_store = out / "graph.ttl", tmp_path / "empty"
    served = 0
    for name, params in sorted(plans.FILTERS.items()):
        for var in params:
            want_all = run("query", name, "--graph", graph, "--format", "tsv", "--store", no_store, "--max-rows", 0)
            column = want_all.output.splitlines()[0].split("\t").index("?" + var)
            values = list(dict.fromkeys(line.split("\t")[column] for line in want_all.output.splitlines()[1:]))
            total = len(want_all.output.splitlines()) - 1
            assert values and all(v.startswith("<") for v in values), name
            none = [] if bundled()[name].allowed(var) else ["<https://ex.example/named-in-no-row>"]
            for value in values[:2] + values[-1:] + none:
                for args in (["--max-rows", 0], ["--max-rows", 1]):
                    want = run("query", name, "-p", f"{var}={value}", "--graph", graph, "--format", "csv",
                               "--store", no_store, *args)
                    got = run("query", name, "-p", f"{var}={value}", "--graph", graph, "--format", "csv", *args)
                    assert got.exit_code == want.exit_code == 0, (name, value)
                    assert got.output.replace(" (made)", "") == want.output, (name, value, args)
                    if "(made)" in got.output:
                        served += 1
                        assert most is None or total <= most, (name, value)
    assert (served > 20) if most is None else (0 < served < 20)


def test_a_question_bound_to_an_entity_is_answered_from_the_builds_index(reference, copy_of, tmp_path, monkeypatch):
    """A first ask of ``co_mentioned_with``, ``entity_posts`` or ``where_said`` bound to any
    entity (by IRI or by name) reads the build's index of it (every name, headline, quote and
    extractor in them marked, to show it), with the engine's rows, at every cap; ``post_mentions``,
    not indexed, is asked of the engine (the whole answers are cut at 40 rows, so that no bound ask
    is cut from them instead)."""
    out = copy_of(reference)
    monkeypatch.setattr(madeanswers, "ROWS", 41)
    assert run("build", "--out", out, "-q", "--no-html", "--jobs", "1", "--fresh").exit_code == 0
    index = index_file(out)
    meta = json.loads(index.read_text(encoding="utf-8"))
    meta["names"] = [None if n is None else n + " (made)" for n in meta["names"]]
    index.write_text(json.dumps(meta), encoding="utf-8")
    for name in SAID:
        mark_said(index_file(out, name))
    graph, no_store = out / "graph.ttl", tmp_path / "empty"
    counts = run("query", "SELECT ?e ?name (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a schema:BlogPosting ; "
                 "schema:mentions ?e . ?e schema:name ?name } GROUP BY ?e ?name ORDER BY DESC(?n) ?e",
                 "--graph", graph, "--format", "csv", "--store", no_store).output.splitlines()[1:]
    named = [(f"<{e}>", name) for e, name, n in csv.reader(counts)]
    assert len(named) > 100
    served = 0
    for iri, name in named[:2] + named[len(named) // 2:][:1] + named[-1:]:
        for value in (iri, name):
            for query in (*INDEXED, "mentions_per_month"):
                for args in (["--max-rows", 0], ["--max-rows", 2]):
                    want = run("query", query, "-p", f"entity={value}", "--graph", graph, "--format", "csv",
                               "--store", no_store, *args)
                    got = run("query", query, "-p", f"entity={value}", "--graph", graph, "--format", "csv", *args)
                    assert got.exit_code == want.exit_code == 0 and want.output.count("\n") > 1, (query, value)
                    assert got.output.replace(" (made)", "") == want.output, (query, value, args)
                    assert ("(made)" in got.output) == (query in INDEXED), (query, value)
                    served += "(made)" in got.output
    assert served == 4 * 2 * 2 * 3


def test_outputs_written_without_a_keeper_keep_the_made_answers_and_no_temporary_folder(tmp_path):
    """The store kept by ``graphstore.keep`` (no store loaded during the build) holds the answers
    made meanwhile; what a killed build left of its answers is cleared."""
    from graphbuild.cli import _write_outputs
    from graphbuild.graph import build

    out = tmp_path / "out"
    (out / ".graphbuild" / ".made-answers-killed").mkdir(parents=True)  # a killed build's
    _write_outputs(build(), out, True, out / ".graphbuild")
    files = made_files(out) | {index_file(out), index_file(out).with_suffix(".i32")}
    assert len(files) == len(madeanswers.NAMES) + 2 and all(f.is_file() for f in files)
    assert not index_file(out, "where_said").exists()  # (made as the graph is written, with a Keeper)
    assert not [p for p in (out / ".graphbuild").iterdir() if p.name.startswith(".")]
