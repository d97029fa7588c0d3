import os
import shutil
import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
IN_CI = os.environ.get("CI") == "true"


def need_tool(name: str) -> str:
    """Path of an external tool; a missing tool skips locally but fails in CI (CI installs it)."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed: .ci/run must install it")
        pytest.skip(f"{name} not installed")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def reference_build():
    """The whole pipeline run once on the bundled 2i2c feed."""
    from graphbuild.graph import build
    return build()


@pytest.fixture(scope="session")
def reference_graph(reference_build):
    return reference_build.graph


@pytest.fixture(scope="session")
def sample_items():
    from graphbuild.feeds import parse_feed
    return parse_feed((DATA / "rss2.xml").read_bytes(), str(DATA / "rss2.xml")).items


@pytest.fixture
def tmp_output(tmp_path) -> Path:
    out = tmp_path / "output"
    out.mkdir()
    return out


def graph_in(engine: str, ttl: str):
    """The Turtle ``ttl`` as a graph of the "rdflib" engine (a plain rdflib Graph) or of "pyoxigraph"
    (graphbuild's own graph on a pyoxigraph store), to run the same query in both."""
    from rdflib import Graph

    from graphbuild.store import new_graph
    plain = Graph().parse(data=ttl, format="turtle")
    if engine == "rdflib":
        return plain
    g = new_graph()
    for t in plain:
        g.add(t)
    return g


def query_rows(g, name, *cols, **params):
    """The columns ``cols`` of each row of the bundled query ``name`` on ``g``, as strings (None: unbound)."""
    from graphbuild.queries import run_query
    return [tuple(None if r[c] is None else str(r[c]) for c in cols) for r in run_query(g, name, **params)]


def ox_term(t):
    """An rdflib IRI or literal as the pyoxigraph term of the same value (for the second engine)."""
    import pyoxigraph as ox
    from rdflib import URIRef
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype))) if t.datatype else ox.Literal(str(t))


def canon_value(value: str) -> str:
    """The engines spell the same UTC dateTime value "+00:00" (rdflib) and "Z" (oxigraph)."""
    return value[:-6] + "Z" if value.endswith("+00:00") and "T" in value else value


@contextmanager
def loopback_server(handler):
    """A threaded HTTP server with ``handler`` on an ephemeral port of 127.0.0.1; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
