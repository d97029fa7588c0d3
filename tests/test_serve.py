"""serve, push and query --endpoint against the real servers, started here on loopback:
the Oxigraph server from its PyPI wheel and OpenLink Virtuoso (Debian's virtuoso-opensource).

Each server starts once per session. Expected answers are the local CLI's on the same graph
file: a remote store must give the same rows as ``graphbuild query --graph FILE``.
"""
from __future__ import annotations

import csv
import functools
import io
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import http.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from graphbuild.cli import cli
from graphbuild.querydefs import bundled

from conftest import ROOT, need_tool

GRAPH = ROOT / "output" / "graph.ttl"
SECRET = "s3cret-Pa55-for-tests"
VIRTUOSO_PASSWORD = "dba"  # a fresh Virtuoso database's dba password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_cli() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else need_tool("oxigraph")


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def graph_count(query_url: str, graph: str, auth=None) -> int:
    r = requests.post(query_url, data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                      headers={"Accept": "text/csv"}, auth=auth, timeout=30)
    r.raise_for_status()
    return int(r.text.splitlines()[1].strip('"'))


def graphs(query_url: str) -> set[str]:
    r = requests.post(query_url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                      headers={"Accept": "text/csv"}, timeout=30)
    return {line.strip('"') for line in r.text.splitlines()[1:]}


def file_triples(path: Path) -> int:
    import pyoxigraph as ox
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


# ------------------------------------------------------------------ servers
@pytest.fixture(scope="session")
def graph_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("g") / "graph.ttl"
    shutil.copy(GRAPH, path)
    return path


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory):
    """A writable Oxigraph server: Graph Store at /store, updates at /update, queries at /query."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_cli(), "serve", "--location", str(tmp_path_factory.mktemp("ox")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = .
TransactionAfterImageLimit = {after_image}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = .
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
"""


def virtuoso_ini(sql: int, http: int, buffers: int = 10_000) -> str:
    """A virtuoso.ini for a database in the current folder, on loopback ports (benchmarks use it too;
    10,000 buffers of 8 KB: 80 MB)."""
    # the push's MOVE replaces a whole graph in one transaction: Virtuoso's default limit on its
    # log (50 MB) aborts it beyond a few hundred thousand triples (docs/serve.md)
    return VIRTUOSO_INI.format(sql=sql, http=http, buffers=buffers, dirty=buffers * 3 // 4, after_image=2_000_000_000)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """Virtuoso on a fresh database in a temporary folder (dba/dba), loopback ports only."""
    binary = need_tool("virtuoso-t")
    folder = tmp_path_factory.mktemp("virtuoso")
    port = free_port()
    (folder / "virtuoso.ini").write_text(virtuoso_ini(free_port(), port))
    proc = subprocess.Popen([binary, "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", proc, 90)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


# ------------------------------------------------------------------ every bundled query, two ways
def local_csv(graph_file: Path, name: str, params: dict) -> list[str]:
    return list(_local_csv(graph_file, name, tuple(sorted(params.items()))))


@functools.lru_cache(maxsize=None)
def _local_csv(graph_file: Path, name: str, params: tuple) -> tuple[str, ...]:
    params = dict(params)
    args = ["query", name, "--graph", graph_file, "-f", "csv", "--max-rows", "0"]
    for k, v in params.items():
        args += ["-p", f"{k}={v}"]
    r = run(*args)
    assert r.exit_code == 0, r.output
    return tuple(r.output.splitlines())


def cases(graph_file: Path) -> list[tuple[str, dict]]:
    """Every bundled query with no parameters, and each parameterised one with values read from
    the graph itself (names of its most mentioned entities, looked up by name as a user would)."""
    def top(type_=None):
        rows = list(csv.DictReader(io.StringIO("\n".join(local_csv(graph_file, "top_mentioned",
                                                                    {"type": type_} if type_ else {})))))
        return rows
    everyone, orgs, projects = top(), top("Organization"), top("Project")
    posts = list(csv.DictReader(io.StringIO("\n".join(local_csv(graph_file, "entity_posts",
                                                               {"entity": everyone[0]["name"]})))))
    out = [(name, {}) for name, q in bundled().items() if not q.required]
    out += [("co_mentioned_with", {"entity": everyone[1]["name"]}),
            ("connection", {"from": everyone[0]["name"], "to": everyone[2]["name"]}),
            ("entity_posts", {"entity": everyone[1]["entity"]}),
            ("members_of", {"org": orgs[0]["name"]}),
            ("mentions_per_month", {"entity": everyone[0]["name"]}),
            ("people_by_organization", {"org": orgs[0]["name"]}),
            ("post_mentions", {"post": posts[0]["post"]}),
            ("post_citations", {"post": posts[0]["post"]}),
            ("project_maintainers", {"project": projects[0]["name"]}),
            ("single_mentions", {"type": "people"}),
            ("top_mentioned", {"type": "schema:Organization"}),
            ("where_said", {"entity": everyone[0]["name"]})]
    assert {n for n, _ in out} == set(bundled()), "a bundled query is not exercised"
    return out


#: Virtuoso's MIN() over strings does not pick the codepoint-least string as SPARQL's ordering does
#: (Oxigraph does): these columns may hold another of the row's quotes there (docs/serve.md)
STRING_MIN = {"entity_posts": "quote", "post_mentions": "quote", "relations": "quote", "members_of": "quote"}


def _rows(lines: list[str], drop: str | None = None) -> tuple[list, set]:
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    dropped = {r.pop(drop) for r in rows} if drop else set()
    return sorted(tuple(r.items()) for r in rows), dropped


def assert_same_rows(graph_file: Path, endpoint: str, named_graph: str, env=None, string_min_differs=False) -> int:
    quotes = {r["quote"] for r in csv.DictReader(io.StringIO("\n".join(local_csv(graph_file, "where_said", {}))))}
    checked, bad = 0, []
    for name, params in cases(graph_file):
        want = local_csv(graph_file, name, params)
        args = ["query", name, "--endpoint", endpoint, "--named-graph", named_graph, "-f", "csv", "--max-rows", "0"]
        for k, v in params.items():
            args += ["-p", f"{k}={v}"]
        r = run(*args, env=env)
        assert r.exit_code == 0, f"{name} {params}: {r.output}"
        got = r.output.splitlines()
        assert got[0] == want[0], name
        if string_min_differs and name in STRING_MIN:
            got_rows, got_quotes = _rows(got, STRING_MIN[name])
            want_rows, _ = _rows(want, STRING_MIN[name])
            assert got_rows == want_rows, f"{name} {params}"
            assert got_quotes - {""} <= quotes and len(got_quotes) > 1, f"{name}: a quote that is not in the graph"
        elif sorted(got[1:]) != sorted(want[1:]):
            bad.append((name, params, len(got), len(want), sorted(set(got) ^ set(want))[:4]))
        checked += 1 if len(want) > 1 else 0
    assert not bad, "\n".join(map(str, bad))
    return checked


# ------------------------------------------------------------------ Oxigraph
def test_push_to_oxigraph_then_every_bundled_query_answers_like_the_local_cli(oxigraph_store, graph_file):
    g = "https://example.org/graphs/community"
    r = run("push", f"{oxigraph_store}/store", "--graph", graph_file, "--named-graph", g, "--chunk-mb", "0.2")
    assert r.exit_code == 0, r.output
    assert r.output.count("POST ") >= 3  # chunked: one PUT, several POSTs, the MOVE
    assert graph_count(f"{oxigraph_store}/query", g) == file_triples(graph_file)
    assert graphs(f"{oxigraph_store}/query") == {g}  # the temporary graph was moved, not left
    nonempty = assert_same_rows(graph_file, f"{oxigraph_store}/query", g)
    assert nonempty >= 12


def test_push_default_named_graph_is_the_feed(oxigraph_store, graph_file):
    feed = "https://deploy-preview-612--2i2c-org.netlify.app/tag/community/index.xml"  # schema:isPartOf in the file
    r = run("push", f"{oxigraph_store}/store", "--graph", graph_file, "--dry-run")
    assert r.exit_code == 0
    assert f"to <{feed}>" in r.output and f"MOVE <urn:graphbuild:push:" in r.output
    assert feed not in graphs(f"{oxigraph_store}/query")  # a dry run sends nothing


def test_python_push_of_an_rdflib_graph(oxigraph_store, graph_file):
    import graphbuild

    g = graphbuild.read_graph(graph_file)
    r = graphbuild.push(g, f"{oxigraph_store}/store", named_graph="https://example.org/graphs/from-python")
    assert (r.triples, r.chunks) == (len(g), 1)
    assert graph_count(f"{oxigraph_store}/query", "https://example.org/graphs/from-python") == len(g)


# ------------------------------------------------------------------ Virtuoso
def test_virtuoso_digest_push_replaces_and_queries_answer_like_the_local_cli(virtuoso, graph_file, tmp_path):
    env = {"GRAPHBUILD_PASSWORD": VIRTUOSO_PASSWORD}
    g = "https://example.org/graphs/nightly"
    gsp = f"{virtuoso}/sparql-graph-crud-auth"
    old = tmp_path / "old.nt"
    old.write_text("<https://example.org/a> <https://example.org/b> \"last night\" .\n")
    r = run("push", gsp, "--graph", old, "--named-graph", g, "--user", "dba", env=env)
    assert r.exit_code == 0, r.output
    assert graph_count(f"{virtuoso}/sparql", g) == 1
    for _ in range(2):  # the nightly run twice: replaced, not added to
        r = run("push", gsp, "--graph", graph_file, "--named-graph", g, "--user", "dba", "--chunk-mb", "0.3", env=env)
        assert r.exit_code == 0, r.output
        assert graph_count(f"{virtuoso}/sparql", g) == file_triples(graph_file)
    old_left = requests.post(f"{virtuoso}/sparql", headers={"Accept": "text/csv"}, timeout=30, data={
        "query": f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p "last night" }} }}'}).text
    assert old_left.splitlines()[1] == "0"
    assert not [x for x in graphs(f"{virtuoso}/sparql") if x.startswith("urn:graphbuild:push:")]
    assert assert_same_rows(graph_file, f"{virtuoso}/sparql", g, string_min_differs=True) >= 12


def test_virtuoso_wrong_password_is_one_line_and_leaves_the_graph(virtuoso, graph_file, tmp_path):
    g = "https://example.org/graphs/guarded"
    small = tmp_path / "small.nt"
    small.write_text("<https://example.org/a> <https://example.org/b> \"kept\" .\n")
    assert run("push", f"{virtuoso}/sparql-graph-crud-auth", "--graph", small, "--named-graph", g, "--user", "dba",
               env={"GRAPHBUILD_PASSWORD": VIRTUOSO_PASSWORD}).exit_code == 0
    r = run("push", f"{virtuoso}/sparql-graph-crud-auth", "--graph", graph_file, "--named-graph", g, "--user", "dba",
            "-q", env={"GRAPHBUILD_PASSWORD": SECRET})
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0 and "refused access as dba (HTTP 401)" in r.output
    assert SECRET not in r.output
    assert graph_count(f"{virtuoso}/sparql", g) == 1


# ------------------------------------------------------------------ failures (a faulty proxy before Oxigraph)
class Faults:
    """What the proxy does to the Graph Store requests that carry data: fail the n-th, or stall."""

    def __init__(self) -> None:
        self.fail_at: int | None = None
        self.sleep = 0.0
        self.seen = 0
        self.status = 500
        self.fail_update = False


@pytest.fixture
def faulty(oxigraph_store):
    faults = Faults()
    upstream = oxigraph_store.split("//")[1].split(":")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def _forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/update") and faults.fail_update:
                self.send_response(500)
                self.send_header("Content-Length", "17")
                self.end_headers()
                self.wfile.write(b"log limit passed\n")
                return
            if self.path.startswith("/store") and self.command in ("PUT", "POST"):
                faults.seen += 1
                if faults.seen == faults.fail_at:
                    self.send_response(faults.status)
                    self.send_header("Content-Length", "14")
                    self.end_headers()
                    self.wfile.write(b"disk exploded\n")
                    return
                time.sleep(faults.sleep)
            c = http.client.HTTPConnection(upstream[0], int(upstream[1]), timeout=30)
            c.request(self.command, self.path, body=body,
                      headers={k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")})
            r = c.getresponse()
            data = r.read()
            self.send_response(r.status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = _forward

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", faults
    httpd.shutdown()
    httpd.server_close()


def _seed(oxigraph_store: str, g: str, tmp_path: Path) -> None:
    old = tmp_path / "old.nt"
    old.write_text("<https://example.org/a> <https://example.org/b> \"yesterday\" .\n")
    assert run("push", f"{oxigraph_store}/store", "--graph", old, "--named-graph", g).exit_code == 0


@pytest.mark.parametrize("where, message", [
    ("chunk", "push chunk 3/"),  # the third chunk's POST fails: the MOVE never runs
    ("move", "push (MOVE into the named graph):"),  # every chunk in, the swap fails
])
def test_a_500_leaves_the_old_graph_and_no_temporary_graph(oxigraph_store, faulty, graph_file, tmp_path, where,
                                                           message):
    url, faults = faulty
    g = f"https://example.org/graphs/fail-{where}"
    _seed(oxigraph_store, g, tmp_path)
    if where == "chunk":
        faults.fail_at = 3
    else:
        faults.fail_update = True
    r = run("push", f"{url}/store", "--graph", graph_file, "--named-graph", g, "--chunk-mb", "0.2", "-q")
    assert r.exit_code == 1 and r.output.strip().count("\n") == 0
    assert message in r.output
    assert ("HTTP 500: disk exploded" if where == "chunk" else "HTTP 500: log limit passed") in r.output
    assert graph_count(f"{oxigraph_store}/query", g) == 1
    assert not [x for x in graphs(f"{oxigraph_store}/query") if x.startswith("urn:graphbuild:push:")]


def test_slow_endpoint_past_the_timeout(oxigraph_store, faulty, graph_file, tmp_path):
    url, faults = faulty
    g = "https://example.org/graphs/slow"
    _seed(oxigraph_store, g, tmp_path)
    faults.sleep = 3
    t0 = time.monotonic()
    r = run("push", f"{url}/store", "--graph", graph_file, "--named-graph", g, "--timeout", "1", "-q")
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0 and "did not answer within 1 s" in r.output
    assert time.monotonic() - t0 < 3
    faults.sleep = 0
    time.sleep(2.5)  # the stalled request reaches Oxigraph after we gave up: its temporary graph is not the named one
    assert graph_count(f"{oxigraph_store}/query", g) == 1


def test_endpoint_down_is_one_line_after_retries():
    t0 = time.monotonic()
    r = run("push", f"http://127.0.0.1:{free_port()}/store", "--graph", GRAPH, "--retries", "2", "-q")
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0 and "cannot connect to" in r.output
    assert time.monotonic() - t0 >= 1.4  # backed off 0.5 s then 1 s
    r = run("query", "top_mentioned", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert r.exit_code == 1 and "top_mentioned: cannot connect" in r.output


def test_transient_503_is_retried_and_500_is_not(oxigraph_store, faulty, graph_file):
    url, faults = faulty
    g = "https://example.org/graphs/retried"
    faults.fail_at, faults.status = 2, 503  # the second chunk: the server is busy once
    r = run("push", f"{url}/store", "--graph", graph_file, "--named-graph", g, "--chunk-mb", "0.3", "-q")
    assert r.exit_code == 0, r.output
    assert graph_count(f"{oxigraph_store}/query", g) == file_triples(graph_file)
    faults.seen, faults.fail_at, faults.status = 0, 1, 500  # a 500 is not transient: shown at once
    r = run("push", f"{url}/store", "--graph", graph_file, "--named-graph", g, "-q", "--retries", "5")
    assert r.exit_code == 1 and "HTTP 500" in r.output
    assert faults.seen == 1


def test_dry_run_sends_nothing_and_never_shows_the_password(graph_file):
    port = free_port()
    r = run("push", f"http://127.0.0.1:{port}/sparql-graph-crud-auth", "--graph", graph_file, "--user", "alice",
            "--dry-run", env={"GRAPHBUILD_PASSWORD": SECRET})
    assert r.exit_code == 0, r.output
    assert "as alice" in r.output and SECRET not in r.output
    assert f"POST http://127.0.0.1:{port}/sparql-auth  update=MOVE" in r.output
    r = run("push", f"http://alice:{SECRET}@127.0.0.1:{port}/store", "--graph", graph_file, "--dry-run")
    assert SECRET not in r.output and "as alice" in r.output


def test_user_without_password_is_refused_before_sending(graph_file, monkeypatch, tmp_path):
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    r = run("push", f"http://127.0.0.1:{free_port()}/store", "--graph", graph_file, "--user", "bob",
            env={"GRAPHBUILD_PASSWORD": None})
    assert r.exit_code == 1 and "no password" in r.output


def test_netrc_password(virtuoso, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login dba password {VIRTUOSO_PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    small = tmp_path / "n.nt"
    small.write_text("<https://example.org/n> <https://example.org/p> \"netrc\" .\n")
    r = run("push", f"{virtuoso}/sparql-graph-crud-auth", "--graph", small, "--named-graph", "https://example.org/n",
            env={"GRAPHBUILD_PASSWORD": None})
    assert r.exit_code == 0, r.output
    assert graph_count(f"{virtuoso}/sparql", "https://example.org/n") == 1


# ------------------------------------------------------------------ graphbuild serve
def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_serve_cli_end_to_end_and_ctrl_c_leaves_nothing(graph_file):
    oxigraph_cli()
    exe = Path(sys.executable).parent / "graphbuild"
    # started as from a terminal: Ctrl-C not ignored, even when the suite itself runs in a background
    # job (whose commands inherit SIGINT ignored, and Python then leaves it ignored)
    proc = subprocess.Popen([str(exe), "serve", "--graph", str(graph_file), "--bind", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = proc.stdout.readline()
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:") and line.strip().endswith("/query"), line
        endpoint = line.split(": ", 1)[1].strip()
        base = endpoint[: -len("query")]
        port = endpoint.rsplit(":", 1)[1].split("/")[0]
        kids = _children(proc.pid)
        assert kids and all(_alive(k) for k in kids)
        assert run("serve", "--check", "--bind", f"127.0.0.1:{port}").exit_code == 0

        r = requests.get(endpoint, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                         headers={"Accept": "text/csv"}, timeout=10)
        assert r.status_code == 200 and int(r.text.splitlines()[1]) == file_triples(graph_file)
        assert "Access-Control-Allow-Origin" not in r.headers  # CORS off by default
        for form in ({"update": "CLEAR ALL"}, {"query": "LOAD <http://example.org/x>"},
                     {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}):
            r = requests.post(endpoint, data=form, timeout=10)
            assert r.status_code == 403, form
        assert requests.post(endpoint, data="DROP ALL", headers={"Content-Type": "application/sparql-update"},
                             timeout=10).status_code == 403
        assert requests.post(base + "update", data={"update": "CLEAR ALL"}, timeout=10).status_code == 403
        assert requests.put(base + "store", data=b"", timeout=10).status_code == 403
        r = requests.get(endpoint, params={"query": "SELECT (COUNT(*) AS ?m) WHERE { ?s ?p ?o }"},
                         headers={"Accept": "text/csv"}, timeout=10)  # another text: not a cached answer
        assert int(r.text.splitlines()[1]) == file_triples(graph_file)  # nothing was changed

        landing = requests.get(base, timeout=10).text
        for name in bundled():
            assert f"/run/{name}" in landing
        want = local_csv(graph_file, "top_mentioned", {"type": "organisations"})
        got = requests.get(base + "run/top_mentioned", params={"format": "csv", "type": "organisations"}, timeout=10)
        assert got.headers["Content-Type"].startswith("text/csv")
        assert got.text.splitlines() == want
        j = requests.get(base + "run/top_mentioned", params={"format": "json"}, timeout=10).json()
        assert j["head"]["vars"] == want[0].split(",")
        page = requests.get(base + "run/top_mentioned", params={"format": "html"}, timeout=10).text
        first = want[1].split(",")[1]
        assert f"<td>{first}</td>" in page
        assert requests.get(base + "run/no_such_query", timeout=10).status_code == 404
        assert requests.get(base + "health", timeout=10).json()["status"] == "ok"
        assert "<html" in requests.get(base + "graph.html", timeout=60).text

        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(15) == 0
        time.sleep(0.2)
        assert not [k for k in kids if _alive(k)], "oxigraph still running after Ctrl-C"
        assert run("serve", "--check", "--bind", f"127.0.0.1:{port}").exit_code == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_python_context_manager_and_cors(graph_file):
    oxigraph_cli()
    import graphbuild

    with graphbuild.serve(graph_file, cors=True) as s:
        r = requests.get(s.endpoint, params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=10)
        assert r.json()["boolean"] is True
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        pid = s.process.pid
        tmp = s.tmp
    assert not _alive(pid) and not tmp.exists()


def test_serve_refuses_a_missing_graph(tmp_path):
    r = run("serve", "--graph", tmp_path / "nope.ttl", "--bind", "127.0.0.1:0")
    assert r.exit_code == 1 and "nope.ttl: no such file" in r.output
