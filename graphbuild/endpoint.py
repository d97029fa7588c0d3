"""``graphbuild serve``: the graph as a read-only SPARQL 1.1 Protocol endpoint, run by the real
Oxigraph server (the ``oxigraph`` package's CLI binary), with graphbuild's pages beside it.

How. The graph file is loaded with ``oxigraph load`` into an on-disk store in a temporary folder,
and ``oxigraph serve-read-only --timeout-s T`` runs on it on a private loopback port. In front of
it, on the address the user asked for (127.0.0.1:7878 by default), a small reverse proxy (the
standard library's threading HTTP server) answers:

- ``/query`` (GET and POST, the SPARQL 1.1 Protocol): passed to Oxigraph after refusing updates,
  ``LOAD`` and ``SERVICE`` (HTTP 403 with one line of text); ``/update`` and ``/store``: 403.
- ``/``: a landing page listing the bundled queries with links that run them,
  ``/run/NAME?format=html|json|csv|tsv&PARAM=VALUE``: a bundled query with its parameters bound
  exactly as ``graphbuild query`` binds them (:mod:`graphbuild.sparql`).
- ``/graph.html``: the interactive page (made on first request); ``/health``: JSON, 200 when
  Oxigraph answers, else 503.

Answers are cached by request (``cache_mb``, default 64 MB, least recently used out): the store
is read-only, so a repeated question (a dashboard refreshing) is answered without running it again.

CORS: off by default (a web page from another origin cannot read the answers); ``cors=True``
(``--cors``) adds ``Access-Control-Allow-Origin: *`` to ``/query`` and ``/run`` answers and
answers preflight requests.

Stopping (Ctrl-C, :meth:`Server.stop`, leaving the ``with`` block) stops the proxy, terminates
Oxigraph (killed after 5 s) and deletes the temporary store. On Linux Oxigraph is also told to
exit when its parent dies (``PR_SET_PDEATHSIG``), so even a killed ``graphbuild serve`` leaves
no server behind.
"""
from __future__ import annotations

import html
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from .errors import GraphbuildError, QueryError

DEFAULT_BIND = "127.0.0.1:7878"
DEFAULT_TIMEOUT = 30.0
RESULT_TYPES = {"json": "application/sparql-results+json", "csv": "text/csv; charset=utf-8",
                "tsv": "text/tab-separated-values; charset=utf-8", "html": "text/html; charset=utf-8"}


class ServeError(GraphbuildError):
    """The server cannot start (no oxigraph binary, a bad graph file, a port in use)."""


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI from the PyPI wheel: beside this Python, else on PATH.

    Raises:
        ServeError: not installed.
    """
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError("the oxigraph server is not installed: pip install oxigraph")
    return found


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6; port 0: any free port) as (host, port).

    Raises:
        ServeError: not HOST:PORT.
    """
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ServeError(f"--bind {bind!r}: expected HOST:PORT, e.g. 127.0.0.1:7878")
    return host.strip("[]") or "127.0.0.1", int(port)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover  (runs in the child between fork and exec)
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    os.setpgrp()  # Ctrl-C reaches graphbuild, which stops the server in order


class Server:
    """The endpoint as a context manager (for notebooks and tests)::

        with graphbuild.serve("output/graph.ttl", bind="127.0.0.1:0") as s:
            requests.get(s.endpoint, params={"query": "ASK {}"})

    Attributes (once started): ``url`` (the landing page), ``endpoint`` (``url + "query"``),
    ``process`` (the Oxigraph child process).
    """

    def __init__(self, graph, bind: str = DEFAULT_BIND, *, timeout: float = DEFAULT_TIMEOUT, cors: bool = False,
                 page: bool = True, cache_mb: float = 64) -> None:
        self.graph, self.timeout, self.cors, self.page = graph, timeout, cors, page
        self.cache = _Cache(int(cache_mb * 2**20))
        self.host, self.port = parse_bind(bind)
        self.process: subprocess.Popen | None = None
        self.tmp: Path | None = None
        self.httpd: ThreadingHTTPServer | None = None
        self.url = self.endpoint = ""
        self._html: bytes | None = None
        self._lock = threading.Lock()

    # -------------------------------------------------------------- life
    def start(self) -> "Server":
        binary = oxigraph_binary()
        self.tmp = Path(tempfile.mkdtemp(prefix="graphbuild-serve-"))
        try:
            self._start(binary)
        except BaseException:
            self.stop()
            raise
        return self

    def _graph_file(self) -> Path:
        if isinstance(self.graph, (str, Path)):
            path = Path(self.graph)
            if not path.is_file():
                raise ServeError(f"{path}: no such file" + ("" if path.exists() else
                                                              ": run 'graphbuild build' first, or pass --graph FILE"))
            return path
        from .export import serialize
        path = self.tmp / "graph.nt"
        path.write_bytes(serialize(self.graph, "nt"))
        return path

    def _start(self, binary: str) -> None:
        path = self._graph_file()
        self.graph_path = path
        store = self.tmp / "store"
        from .fastquery import READ_FORMATS
        import pyoxigraph as ox

        fmt = READ_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE).media_type
        done = subprocess.run([binary, "load", "--location", str(store), "--file", str(path), "--format", fmt],
                              capture_output=True, text=True)
        if done.returncode != 0:
            lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
            raise ServeError(f"{path}: oxigraph cannot load it ({(lines[-1] if lines else 'exit ' + str(done.returncode))[:200]})")
        self.upstream = ("127.0.0.1", free_port())
        log = open(self.tmp / "oxigraph.log", "wb")
        self.process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{self.upstream[1]}",
             "--timeout-s", f"{max(1, round(self.timeout))}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        log.close()
        deadline = time.monotonic() + 30
        while not self._upstream_up():
            if self.process.poll() is not None:
                tail = (self.tmp / "oxigraph.log").read_text(errors="replace").strip().splitlines()
                raise ServeError(f"oxigraph stopped at start ({tail[-1][:200] if tail else 'no message'})")
            if time.monotonic() > deadline:
                raise ServeError("oxigraph did not start within 30 s")
            time.sleep(0.05)
        try:
            self.httpd = _Proxy((self.host, self.port), _handler(self))
        except OSError as e:
            raise ServeError(f"cannot listen on {self.host}:{self.port} ({e.strerror or e})") from None
        self.port = self.httpd.server_address[1]
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}/"
        self.endpoint = self.url + "query"
        threading.Thread(target=self.httpd.serve_forever, name="graphbuild-serve", daemon=True).start()

    def _upstream_up(self, timeout: float = 2.0) -> bool:
        try:
            c = http.client.HTTPConnection(*self.upstream, timeout=timeout)
            c.request("GET", "/query?" + urlencode({"query": "ASK {}"}), headers={"Accept": RESULT_TYPES["json"]})
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the proxy and Oxigraph, delete the temporary store (safe to call twice)."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> "Server":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait(self) -> None:
        """Block until Oxigraph exits or Ctrl-C / SIGTERM (then stop everything)."""
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set() and self.process.poll() is None:
                stop.wait(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            self.stop()

    # -------------------------------------------------------------- answers
    def run(self, name: str, params: dict[str, str], fmt: str) -> bytes:
        """A bundled query through the endpoint, bound as ``graphbuild query`` binds it."""
        from .remote import query_endpoint, remote_answer

        endpoint = f"http://127.0.0.1:{self.upstream[1]}/query"
        if fmt != "html":
            out = query_endpoint(endpoint, name, params, fmt=fmt, timeout=self.timeout, max_rows=None)
            return "".join(out.chunks).encode("utf-8")
        _, answer = remote_answer(endpoint, name, params, timeout=self.timeout)
        return _html_table(name, params, answer).encode("utf-8")

    def graph_page(self) -> bytes:
        with self._lock:
            if self._html is None:
                from .export import read_graph
                from .viz import page_heading, render_html, to_pyvis

                g = read_graph(self.graph_path)
                self._html = render_html(to_pyvis(g), *page_heading(g)).encode("utf-8")
            return self._html

    def landing(self) -> bytes:
        from .querydefs import bundled

        items = []
        for name, q in bundled().items():
            links = " ".join(f'<a href="/run/{quote(name)}?format={f}">{f}</a>' for f in ("html", "json", "csv", "tsv"))
            if q.params:
                fields = "".join(
                    f'<label>{html.escape(p)} <input name="{html.escape(p)}" '
                    f'{"required " if p in q.required else ""}placeholder="{html.escape(q.param_specs[p][:60])}"></label> '
                    for p in q.params)
                formats = "".join(f'<option>{f}</option>' for f in ("html", "json", "csv", "tsv"))
                links = (f'<form action="/run/{quote(name)}">{fields}<select name="format">{formats}</select> '
                         f'<button>run</button></form>')
            items.append(f"<li><b>{html.escape(name)}</b>: {html.escape(q.title)} {links}</li>")
        page = f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>graphbuild endpoint</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
li{{margin:.4em 0}} form{{display:inline}} input{{width:12em}}</style>
<h1>graphbuild SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol endpoint (read-only): <code>{html.escape(self.endpoint)}</code>
(for example <a href="/query?query={quote('SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }')}">count the triples</a>).
<a href="/graph.html">Interactive page</a> &middot; <a href="/health">health</a></p>
<h2>Bundled queries</h2><ul>{''.join(items)}</ul></html>"""
        return page.encode("utf-8")


def _html_table(name: str, params: dict, answer) -> str:
    import pyoxigraph as ox

    from .prefixes import PREFIXES, minted_prefixes
    from .results import short

    prefixes = {**PREFIXES, **minted_prefixes()}
    if answer.kind == "ask":
        answer.variables, answer.rows = ["answer"], [(ox.Literal("yes" if answer.value else "no"),)]
    variables = answer.variables
    rows = [dict(zip(variables, r)) for r in answer.rows]
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
    body = []
    for r in rows:
        cells = []
        for v in variables:
            t = r.get(v)
            text = "" if t is None else short(t, prefixes)
            if type(t).__name__ == "NamedNode" and t.value.startswith(("http://", "https://")):
                cells.append(f'<td><a href="{html.escape(t.value)}">{html.escape(text)}</a></td>')
            else:
                cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    args = ", ".join(f"{k} = {v}" for k, v in params.items())
    return (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{html.escape(name)}</title>'
            '<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse}'
            'td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style>'
            f'<p><a href="/">all queries</a></p><h1>{html.escape(name)}</h1><p>{html.escape(args)}</p>'
            f'<p>{len(rows)} row{"s" if len(rows) != 1 else ""}</p>'
            f'<table><tr>{head}</tr>{"".join(body)}</table></html>')


class _Cache:
    """Answers kept by request (the store is read-only, so an answer never goes stale while the
    server runs): least recently used first out, at most ``budget`` bytes, each at most 1/8 of it."""

    def __init__(self, budget: int) -> None:
        from collections import OrderedDict

        self.budget, self.size, self.items, self.lock = budget, 0, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key, value: tuple[int, bytes, str]) -> None:
        n = len(value[1]) + len(key[1])
        if n > self.budget // 8:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += n
            while self.size > self.budget:
                k, v = self.items.popitem(last=False)
                self.size -= len(v[1]) + len(k[1])


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def _handler(server: Server):
    class Handler(BaseHTTPRequestHandler):
        server_version = "graphbuild-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: the terminal shows only the URL
            pass

        def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8", cors: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if cors and server.cors:
                self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refuse(self, status: int, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"), cors=True)

        def do_OPTIONS(self) -> None:
            if not server.cors:
                return self._refuse(405, "CORS is off: start the server with --cors")
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/query":
                return self._query(url.query.encode("latin-1"), "application/x-www-form-urlencoded")
            if url.path in ("/", "/index.html"):
                return self._send(200, server.landing(), RESULT_TYPES["html"])
            if url.path == "/health":
                up = server._upstream_up()
                return self._send(200 if up else 503, json.dumps({"status": "ok" if up else "down",
                                                                  "endpoint": server.endpoint}).encode(),
                                  "application/json")
            if url.path == "/graph.html" and server.page:
                try:
                    return self._send(200, server.graph_page(), RESULT_TYPES["html"])
                except GraphbuildError as e:
                    return self._refuse(500, str(e))
            if url.path.startswith("/run/"):
                return self._run(url.path[5:], parse_qs(url.query))
            if url.path in ("/update", "/store"):
                return self._refuse(403, "this endpoint is read-only")
            self._refuse(404, f"{url.path}: not found (see /)")

        do_HEAD = do_GET

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if url.path != "/query":
                return self._refuse(403, "this endpoint is read-only: POST only to /query")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-query":
                form = urlencode({"query": body.decode("utf-8", "replace")})
                if url.query:
                    form = url.query + "&" + form
                return self._query(form.encode("utf-8"), "application/x-www-form-urlencoded")
            if ctype == "application/sparql-update":
                return self._refuse(403, "updates are refused: this endpoint is read-only")
            if url.query:
                body = url.query.encode("latin-1") + (b"&" + body if body else b"")
            self._query(body, "application/x-www-form-urlencoded")

        do_PUT = do_DELETE = do_PATCH = lambda self: self._refuse(403, "this endpoint is read-only")

        def _query(self, form: bytes, ctype: str) -> None:
            from .querydefs import check_safe

            fields = parse_qs(form.decode("utf-8", "replace"))
            if "update" in fields:
                return self._refuse(403, "updates are refused: this endpoint is read-only")
            texts = fields.get("query", [])
            if len(texts) != 1:
                return self._refuse(400, "expected one 'query' parameter (SPARQL 1.1 Protocol)")
            try:
                check_safe(texts[0], False, False)
            except QueryError as e:
                return self._refuse(403, str(e).split(";")[0] + ": this endpoint is read-only and does not "
                                    "call other endpoints")
            accept = self.headers.get("Accept") or RESULT_TYPES["json"]
            key = ("query", form, accept)
            hit = server.cache.get(key)
            if hit is not None:
                return self._send(hit[0], hit[1], hit[2], cors=True)
            try:
                c = http.client.HTTPConnection(*server.upstream, timeout=server.timeout + 10)
                c.request("POST", "/query", body=form, headers={"Content-Type": ctype, "Accept": accept})
                r = c.getresponse()
                data = r.read()
                c.close()
            except OSError as e:
                return self._refuse(502, f"the oxigraph server did not answer ({e})")
            ctype = r.getheader("Content-Type") or "application/octet-stream"
            if r.status == 200:
                server.cache.put(key, (r.status, data, ctype))
            self._send(r.status, data, ctype, cors=True)

        def _run(self, name: str, qs: dict) -> None:
            fmt = qs.pop("format", ["html"])[0]
            if fmt not in RESULT_TYPES:
                return self._refuse(400, f"format must be one of {', '.join(RESULT_TYPES)}")
            params = {k: v[0] for k, v in qs.items() if v and v[0] != ""}
            key = ("run", f"{name}?{sorted(params.items())}".encode("utf-8"), fmt)
            hit = server.cache.get(key)
            if hit is not None:
                return self._send(*hit, cors=True)
            try:
                from .querydefs import bundled
                if name not in bundled():
                    return self._refuse(404, f"{name}: no such bundled query (see /)")
                body = server.run(name, params, fmt)
            except GraphbuildError as e:
                return self._refuse(400, str(e))
            server.cache.put(key, (200, body, RESULT_TYPES[fmt]))
            self._send(200, body, RESULT_TYPES[fmt], cors=True)

    return Handler


def serve(graph, bind: str = "127.0.0.1:0", **kwargs) -> Server:
    """A started :class:`Server` (use it in a ``with`` block, or call ``stop()``)."""
    return Server(graph, bind, **kwargs).start()
