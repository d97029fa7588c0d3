"""Fetching feeds over HTTP from a server on 127.0.0.1 that the test starts and stops."""
import gzip
import time
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import DATA, loopback_server
from graphbuild.errors import FeedError
from graphbuild.graph import build
from graphbuild.sources import fetch

FEED = (DATA / "rss2.xml").read_bytes()


class Handler(BaseHTTPRequestHandler):
    hits: dict = {}

    def log_message(self, *args):
        pass

    def send(self, code=200, body=b"", ctype="application/rss+xml", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        p = self.path
        if p == "/feed.xml":
            self.send(body=FEED)
        elif p == "/etag.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
            else:
                self.send(body=FEED, headers=[("ETag", '"v1"')])
        elif p == "/404":
            self.send(404, b"nope", "text/plain")
        elif p == "/500":
            self.send(500, b"boom", "text/plain")
        elif p == "/html":
            self.send(body=b"<html><body>hi</body></html>", ctype="text/html; charset=utf-8")
        elif p == "/png":
            self.send(body=b"\x89PNG\r\n", ctype="image/png")
        elif p == "/slow":
            time.sleep(3)
            self.send(body=FEED)
        elif p == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b"<item>" * 1000)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif p == "/trickle":  # a byte every 50 ms, for 10 s at most
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif p == "/gzip-bomb":
            self.send(body=gzip.compress(b"<" * (50 * 2**20)), headers=[("Content-Encoding", "gzip")])
        elif p == "/gzip-feed":
            self.send(body=gzip.compress(FEED), headers=[("Content-Encoding", "gzip")])
        elif p == "/loop":
            self.send(302, headers=[("Location", "/loop2")])
        elif p == "/loop2":
            self.send(302, headers=[("Location", "/loop")])
        elif p == "/to-file":
            self.send(302, headers=[("Location", "file:///etc/passwd")])
        elif p == "/redirect":
            self.send(301, headers=[("Location", "/feed.xml")])
        else:
            self.send(404, b"", "text/plain")


@pytest.fixture(scope="module")
def server():
    with loopback_server(Handler) as url:
        yield url


def test_fetch_a_feed_and_build_from_its_url(server, tmp_path):
    b = build([f"{server}/feed.xml"], cache_dir=tmp_path)
    assert len(b.items) == 3 and b.feeds[0].info.source == f"{server}/feed.xml"  # rss2.xml: 2 links + 1 minted


def test_redirect_is_followed(server):
    assert fetch(f"{server}/redirect") == FEED


def test_gzip_is_decompressed(server):
    assert fetch(f"{server}/gzip-feed") == FEED


@pytest.mark.parametrize("path, kwargs, message", [
    ("/404", {}, "HTTP 404"),
    ("/500", {}, "HTTP 500"),
    ("/png", {}, "served as image/png, not a feed"),
    ("/slow", {"connect_timeout": 0.5}, "timed out"),
    ("/endless", {"max_bytes": 2**20}, "larger than 1048576 bytes"),
    ("/gzip-bomb", {"max_bytes": 2**20}, "decompresses to more than 1048576 bytes"),
    ("/loop", {}, "too many redirects"),
    ("/to-file", {}, "redirect to a non-http(s) URL refused"),
])
def test_fetch_failures_are_one_clear_line(server, path, kwargs, message):
    with pytest.raises(FeedError) as e:
        fetch(f"{server}{path}", **kwargs)
    assert message in str(e.value) and path in str(e.value) and "\n" not in str(e.value)


def test_total_timeout_bounds_a_slow_body(server):
    t = time.monotonic()
    with pytest.raises(FeedError):
        fetch(f"{server}/trickle", total_timeout=0.5, max_bytes=10**12)
    assert time.monotonic() - t < 10


def test_refused_connection_and_unknown_host_and_bad_scheme(server):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(FeedError, match="connection refused"):
        fetch(f"http://127.0.0.1:{port}/feed.xml")
    with pytest.raises(FeedError, match="cannot resolve host name"):
        fetch("http://nonexistent.invalid/feed.xml")
    with pytest.raises(FeedError, match="only http and https"):
        fetch("file:///etc/passwd")


def test_tls_error_is_reported(server):
    with pytest.raises(FeedError, match="TLS error|cannot connect"):
        fetch(server.replace("http://", "https://") + "/feed.xml")


def test_conditional_get_uses_the_cache(server, tmp_path):
    Handler.hits.pop("/etag.xml", None)
    first = fetch(f"{server}/etag.xml", cache_dir=tmp_path)
    second = fetch(f"{server}/etag.xml", cache_dir=tmp_path)
    assert first == second == FEED and Handler.hits["/etag.xml"] == 2  # the second answered 304, no body
    assert len(list(tmp_path.iterdir())) == 2  # body + validators
