"""Fetching never holds more than a few MB, whatever a server sends, and never shows a password.
Peak memory is measured on a real ``graphbuild build`` subprocess (resource.getrusage of children),
against a server on 127.0.0.1 that the test starts on an ephemeral port."""
import base64
import resource  # noqa: F401  (used in the measuring subprocess)
import subprocess
import sys
import time
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import DATA, loopback_server
from graphbuild.errors import FeedError
from graphbuild.export import serialize
from graphbuild.graph import build
from graphbuild.sources import fetch

FEED = (DATA / "rss2.xml").read_bytes()
MB = 2**20
LIMIT = 300 * MB  # a limit above the 200 MB memory budget: holding the body would exceed it


def _bomb(size: int) -> bytes:
    """gzip of ``size`` bytes of '<' (a few hundred KB that inflate to ``size``)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<" * MB
    return b"".join(z.compress(block) for _ in range(size // MB)) + z.flush()


BOMB = _bomb(LIMIT + 64 * MB)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what these tests want

    def do_GET(self):  # noqa: N802
        p = self.path
        if p == "/feed.xml":
            if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"editor:s3cret").decode():
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="feeds"')
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)
            return
        if p == "/404":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if p == "/bomb":
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(BOMB)))
            self.end_headers()
            self.wfile.write(BOMB)
        elif p == "/endless":
            self.end_headers()
            block = b"<item><title>x</title></item>" * 2000
            while True:
                self.wfile.write(block)
        elif p == "/huge-declared":
            self.send_header("Content-Length", str(10 * 2**30))
            self.end_headers()
            block = b" " * MB
            for _ in range(10 * 1024):
                self.wfile.write(block)


@pytest.fixture(scope="module")
def server():
    with loopback_server(Handler) as url:
        yield url


def _build_measured(url: str, out) -> tuple[int, int, str, float]:
    """(exit code, peak RSS in KB of the build process, its stderr, seconds)."""
    code = ("import resource, subprocess, sys, time; t = time.monotonic(); "
            f"r = subprocess.run([sys.executable, '-m', 'graphbuild', 'build', {url!r}, '--out', {str(out)!r}, "
            f"'--no-html', '--no-cache', '-q', '--max-feed-bytes', '{LIMIT}'], capture_output=True, text=True); "
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t); "
            "print(r.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300).stdout
    first, _, stderr = out.partition("\n")
    rc, peak, seconds = first.split()
    return int(rc), int(peak), stderr, float(seconds)


@pytest.mark.parametrize("path, message", [
    ("/bomb", f"decompresses to more than {LIMIT} bytes"),
    ("/endless", f"larger than {LIMIT} bytes"),
    ("/huge-declared", f"declares {10 * 2**30} bytes, over the {LIMIT} limit"),
])
def test_oversized_responses_are_refused_in_flat_memory(server, tmp_path, path, message):
    rc, peak_kb, stderr, seconds = _build_measured(server + path, tmp_path)
    assert rc == 1 and message in stderr and "Traceback" not in stderr
    assert peak_kb < 200 * 1024, f"peak RSS {peak_kb} KB for {path}"
    print(f"{path}: exit {rc}, peak RSS {peak_kb / 1024:.0f} MB, {seconds:.1f} s")  # shown with -s


def test_a_declared_size_over_the_limit_is_refused_before_reading(server):
    t = time.monotonic()
    with pytest.raises(FeedError, match="declares 10737418240 bytes"):
        fetch(server + "/huge-declared", max_bytes=MB)
    assert time.monotonic() - t < 5


def test_credentials_are_used_but_never_shown(server, tmp_path):
    url = server.replace("http://", "http://editor:s3cret@") + "/feed.xml"
    b = build([url], cache_dir=tmp_path / "cache")
    assert len(b.items) == 3 and b.feeds[0].info.source == server + "/feed.xml"  # rss2.xml: 3 items, one without a link
    from graphbuild.report import render_report
    everything = serialize(b.graph, "ttl").decode() + render_report(b) + " ".join(map(str, b.problems))
    assert "s3cret" not in everything and "editor" not in everything
    for f in (tmp_path / "cache").iterdir():
        assert b"s3cret" not in f.read_bytes() and "s3cret" not in f.name
    with pytest.raises(FeedError) as e:
        fetch(server.replace("http://", "http://editor:s3cret@") + "/404")
    assert "s3cret" not in str(e.value) and "HTTP 404" in str(e.value)
    with pytest.raises(FeedError, match="HTTP 401"):  # without the credentials the server says no
        fetch(server + "/feed.xml")


def test_a_cache_that_cannot_be_written_costs_nothing_but_a_bug_is_not_hidden(server, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    url = server.replace("http://", "http://editor:s3cret@") + "/feed.xml"
    assert fetch(url, cache_dir=blocked / "cache") == FEED  # the cache folder cannot be made: still fetched
    from graphbuild import export

    def broken(*args, **kwargs):
        raise TypeError("a bug")
    monkeypatch.setattr(export, "write_atomic", broken)
    with pytest.raises(TypeError):
        fetch(url, cache_dir=tmp_path / "cache2")
