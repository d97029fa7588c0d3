"""Queries: parameters bound for any variable in every engine, one binding implementation, time
limits that really stop a query, a row cap with a notice, flat memory, deep nesting refused, errors
that name the query, and bugs that are not swallowed. The graph here is written by hand."""
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from rdflib import Graph

import graphbuild
from graphbuild.cli import cli
from graphbuild.errors import QueryError
from graphbuild.export import read_graph
from graphbuild.fastquery import query_file
from graphbuild.queries import run_query

TTL = """@prefix schema: <https://schema.org/> .
<https://ex.example.org/p1> a schema:BlogPosting ; schema:headline "First" ; schema:mentions <https://ex.example.org/id/ada> .
<https://ex.example.org/p2> a schema:BlogPosting ; schema:headline "Second" ; schema:mentions <https://ex.example.org/id/bob> .
<https://ex.example.org/p3> a schema:BlogPosting ; schema:headline "Third" ; schema:mentions <https://ex.example.org/id/ada> , <https://ex.example.org/id/bob> .
<https://ex.example.org/id/ada> schema:name "Ada Example" .
<https://ex.example.org/id/bob> schema:name "Bob Example" ; schema:alternateName "BE" .
"""
#: ?name and ?e are used in the WHERE clause and not selected
HIDDEN = """PREFIX schema: <https://schema.org/>
SELECT ?headline
WHERE {
  ?post schema:mentions ?e ; schema:headline ?headline .
  ?e schema:name ?name .
}
ORDER BY ?headline
"""
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
#: three-way product of the reference graph: 3845^3 rows to count, hours of work for any engine
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def ttl(tmp_path_factory):
    p = tmp_path_factory.mktemp("g") / "g.ttl"
    p.write_text(TTL)
    return p


@pytest.fixture(scope="module")
def rq(tmp_path_factory):
    p = tmp_path_factory.mktemp("q") / "hidden.rq"
    p.write_text(HIDDEN)
    return p


def _engines(ttl, rq):
    """(engine name, run(params, **kwargs) -> headlines) for rdflib, pyoxigraph-under-rdflib, the fast path."""
    memory = Graph().parse(str(ttl))
    oxg = read_graph(ttl)

    def lib(g):
        return lambda params, **kw: [str(r["headline"]) for r in run_query(g, str(rq), **params, **kw)]

    def fast(params, **kw):
        text, _ = query_file(ttl, str(rq), params, fmt="csv", **kw)
        return text.split("\r\n")[1:-1]
    return [("rdflib", lib(memory)), ("pyoxigraph", lib(oxg)), ("fast path", fast)]


@pytest.mark.parametrize("params, expected", [
    ({"name": '"Ada Example"'}, ["First", "Third"]),  # a literal, in quotes
    ({"e": "Bob Example"}, ["Second", "Third"]),  # an entity, by its name
    ({"e": "BE"}, ["Second", "Third"]),  # by its alias
    ({"e": "<https://ex.example.org/id/ada>"}, ["First", "Third"]),
    ({"e": "https://ex.example.org/id/ada", "name": '"Ada Example"'}, ["First", "Third"]),
    ({"e": "https://ex.example.org/id/ada", "name": '"Bob Example"'}, []),
    ({"name": '"Nobody"'}, []),
])
def test_parameters_bind_variables_that_are_not_selected_in_every_engine(ttl, rq, params, expected):
    for engine, run in _engines(ttl, rq):
        assert run(params) == expected, engine
        assert run(params, timeout=20) == expected, engine + " in a worker process"


def test_one_binding_implementation_for_both_engines():
    import inspect
    from graphbuild import fastquery, queries
    for module in (fastquery, queries):
        src = inspect.getsource(module)
        assert "substitutions" not in src and "initBindings" not in src and "re.match" not in src


def test_timeout_really_stops_a_query(reference_graph, tmp_path):
    memory = Graph()
    for t in list(reference_graph)[:2000]:
        memory.add(t)
    for g in (reference_graph, memory):  # pyoxigraph, then rdflib's engine
        t = time.monotonic()
        with pytest.raises(QueryError, match=r"query text: stopped after 1 s \(--timeout\)"):
            run_query(g, ENDLESS, timeout=1)
        assert time.monotonic() - t < 10
    path = tmp_path / "ref.ttl"
    path.write_bytes(reference_graph.serialize(format="nt", encoding="utf-8"))
    t = time.monotonic()
    r = CliRunner().invoke(cli, ["query", ENDLESS, "--graph", str(path), "--timeout", "1"])
    assert r.exit_code == 1 and "stopped after 1 s" in r.output and time.monotonic() - t < 10


def test_row_cap_stops_with_a_notice(reference_graph, tmp_path):
    rows = run_query(reference_graph, CARTESIAN, max_rows=50)
    assert len(rows) == 50 and rows.cut == 50
    rows = run_query(reference_graph, CARTESIAN, limit=7, max_rows=50)
    assert len(rows) == 7 and rows.cut is None  # --limit is asked for: no notice
    path = tmp_path / "ref.nt"
    path.write_bytes(reference_graph.serialize(format="nt", encoding="utf-8"))
    r = CliRunner().invoke(cli, ["query", CARTESIAN, "--graph", str(path), "--max-rows", "30", "--format", "csv"])
    assert r.exit_code == 0 and len(r.stdout.strip().splitlines()) == 31
    assert "notice: query text: stopped at 30 rows (--max-rows 30)" in r.stderr


def test_a_huge_answer_streams_in_flat_memory(reference_graph, tmp_path):
    """A two-way cartesian product of the reference graph (14.8 million rows), uncapped, for 5 s:
    peak RSS of the whole process tree (CLI and worker) stays far below what holding it would take."""
    path = tmp_path / "ref.nt"
    path.write_bytes(reference_graph.serialize(format="nt", encoding="utf-8"))
    code = ("import resource, subprocess, sys; r = subprocess.run([sys.executable, '-m', 'graphbuild', 'query', "
            f"{CARTESIAN!r}, '--graph', {str(path)!r}, '--max-rows', '0', '--timeout', '5', '--format', 'tsv'], "
            "stdout=subprocess.PIPE, stderr=subprocess.PIPE); "
            "print(len(r.stdout), r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout.split()
    size, rc, peak_kb = map(int, out)
    assert rc == 1 and size > 5_000_000  # it streamed megabytes of rows, then the time ran out
    assert peak_kb < 300_000, f"peak RSS {peak_kb} KB"


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { BIND(" + "(" * 60 + "1" + ")" * 60 + " AS ?x) }",
    "SELECT * WHERE " + "{ " * 60 + "?s ?p ?o " + "} " * 60,
    "SELECT * WHERE { BIND(" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) }",  # crashes pyoxigraph's parser
])
def test_deep_nesting_is_refused_cleanly(reference_graph, text, tmp_path):
    with pytest.raises(QueryError, match=r"query text: nested more than 20 brackets deep at line 1, column \d+"):
        run_query(reference_graph, text)
    (tmp_path / "g.ttl").write_text(TTL)
    r = CliRunner().invoke(cli, ["query", text, "--graph", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1 and "nested more than 20" in r.output and "Traceback" not in r.output


def test_nesting_within_the_limit_still_runs(reference_graph):
    rows = run_query(reference_graph, "SELECT ?x WHERE { BIND(" + "(" * 15 + "1" + ")" * 15 + " AS ?x) }")
    assert [int(r["x"]) for r in rows] == [1]


def test_errors_name_the_query_file_and_the_line_and_column(ttl, tmp_path):
    bad = tmp_path / "broken.rq"
    bad.write_text("PREFIX schema: <https://schema.org/>\nSELECT ?s\nWHERE { ?s schema:name }\n")
    for g in (Graph().parse(str(ttl)), read_graph(ttl)):
        with pytest.raises(QueryError, match=rf"^{bad}: SPARQL syntax error at line 3, column \d+"):
            run_query(g, str(bad))
    with pytest.raises(QueryError, match=rf"^{bad}: SPARQL syntax error at line 3, column \d+"):
        query_file(ttl, str(bad), {})
    # a bound parameter shifts no position: the error is reported in the text as written
    bound = tmp_path / "bound.rq"
    bound.write_text("SELECT ?s WHERE { ?o ?p ?s . ?s ?p ?o ) }\n")
    for g in (Graph().parse(str(ttl)), read_graph(ttl)):
        errors = []
        for params in ({}, {"s": "<https://ex.example.org/p1>"}):
            with pytest.raises(QueryError, match=r"syntax error at line \d+, column \d+") as e:
                run_query(g, str(bound), **params)
            errors.append(str(e.value))
        assert errors[0] == errors[1] and "VALUES" not in errors[1]
    with pytest.raises(QueryError, match="^top_mentioned: Unknown parameter"):
        run_query(read_graph(ttl), "top_mentioned", nope="x")
    with pytest.raises(QueryError, match="^entity_posts: No entity named 'Nobody'"):
        run_query(read_graph(ttl), "entity_posts", entity="Nobody")


def test_an_unexpected_exception_is_not_swallowed(ttl, monkeypatch):
    """A bug (here: an engine raising KeyError) surfaces as itself, not as a one-line QueryError."""
    from graphbuild import queries, sparql

    def broken(*args, **kwargs):
        raise KeyError("a bug")
    g = Graph().parse(str(ttl))
    monkeypatch.setattr(queries, "prepareQuery", broken)
    with pytest.raises(KeyError):
        run_query(g, "SELECT * WHERE { ?s ?p ?o }")
    monkeypatch.setattr(sparql.OxEngine, "execute", broken)
    with pytest.raises(KeyError):
        run_query(read_graph(ttl), "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(KeyError):  # raised in the worker process, re-raised here
        run_query(read_graph(ttl), "SELECT * WHERE { ?s ?p ?o }", timeout=20)


def test_hostile_values_never_become_query_syntax(ttl, rq):
    for evil in ['"} } ; DROP ALL ; #"', '"\\") } UNION { ?s ?p ?o } #"', "<x> } UNION { ?s ?p ?o }"]:
        for engine, run in _engines(ttl, rq):
            try:
                assert run({"name": evil}) == [], engine
            except QueryError as e:
                assert "not a valid IRI" in str(e), engine


def test_the_public_api_and_the_bundled_queries_of_the_running_graphbuild():
    from graphbuild.querydefs import bundled, query_dirs
    assert graphbuild.run_query is run_query
    [folder] = query_dirs()
    assert folder.parent.parent == __import__("pathlib").Path(graphbuild.__file__).resolve().parent
    assert len(bundled()) >= 12


@pytest.mark.slow
def test_an_installed_wheel_carries_its_queries(tmp_path):
    import zipfile
    from conftest import ROOT
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("graphbuild-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "graphbuild/data/queries/top_mentioned.rq" in names
    assert not any(n.startswith("queries/") or n.startswith("graphbuild/queries/") for n in names)


def test_an_engine_failure_on_a_bad_query_is_one_line_naming_it(ttl):
    memory = Graph().parse(str(ttl))
    with pytest.raises(QueryError, match=r"^query text: (the query failed|SPARQL syntax error)") as e:
        run_query(memory, "SELECT * WHERE { ?s nope:x ?o }")  # rdflib: an unknown prefix
    assert "\n" not in str(e.value)
    with pytest.raises(QueryError, match=r"^query text: SPARQL syntax error at line 1"):
        run_query(read_graph(ttl), "SELECT * WHERE { ?s nope:x ?o }")
