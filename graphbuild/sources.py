"""Where feeds come from: a path, ``-`` for stdin, or an http(s) URL. The only module that does
input I/O: it fetches with timeouts, a size limit that also counts decompressed bytes, a bounded
number of re-checked redirects, and a conditional-GET cache so a re-run does not download again."""
from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request
import zlib
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import urlsplit

from .errors import FeedError

#: the bundled reference feed used when no source is given
DEFAULT_FEED = "2i2c-community.xml"
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 60.0
MAX_BYTES = 100 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "graphbuild/0.1 (feed reader; +https://pypi.org/project/graphbuild/)"
FEED_TYPES = ("xml", "rss", "atom", "rdf")  # parts of a Content-Type that can be a feed
CHUNK = 64 * 1024


def default_feed() -> Path:
    """Path of the bundled 2i2c community feed."""
    return Path(str(resources.files("graphbuild") / "data" / DEFAULT_FEED))


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "graphbuild" / "http"


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most MAX_REDIRECTS redirects, each to an http(s) URL."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        if not is_url(newurl):
            raise FeedError(f"{req.full_url}: redirect to a non-http(s) URL refused ({newurl[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Cache:
    """Bodies and validators (ETag, Last-Modified) of earlier downloads, one file pair per URL."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path] | None:
        if self.folder is None:
            return None
        h = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.folder / f"{h}.body", self.folder / f"{h}.json"

    def get(self, url: str) -> tuple[bytes, dict] | None:
        paths = self._paths(url)
        try:
            return (paths[0].read_bytes(), json.loads(paths[1].read_text())) if paths else None
        except (OSError, ValueError):
            return None

    def put(self, url: str, body: bytes, headers: dict) -> None:
        paths = self._paths(url)
        if not paths:
            return
        from .export import write_atomic  # atomic, like every file graphbuild writes
        try:
            write_atomic(paths[0], body)
            write_atomic(paths[1], json.dumps(headers).encode())
        except Exception:  # a cache that cannot be written only costs a download next time
            pass


def _read_body(resp, url: str, max_bytes: int, deadline: float) -> bytes:
    """The body, decompressed if gzip/deflate, refusing more than ``max_bytes`` either way."""
    encoding = (resp.headers.get("Content-Encoding") or "identity").lower()
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS) \
        if encoding in ("gzip", "deflate") else None
    out, raw_size = io.BytesIO(), 0
    while True:
        if time.monotonic() > deadline:
            raise FeedError(f"{url}: download took longer than the total timeout")
        chunk = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)  # what has arrived
        if not chunk:
            break
        raw_size += len(chunk)
        if raw_size > max_bytes:
            raise FeedError(f"{url}: larger than {max_bytes} bytes (raise --max-feed-bytes)")
        if inflate is not None:
            chunk = inflate.decompress(chunk, max_bytes + 1 - out.tell())
            if inflate.unconsumed_tail:
                raise FeedError(f"{url}: decompresses to more than {max_bytes} bytes (a compression bomb?)")
        out.write(chunk)
        if out.tell() > max_bytes:
            raise FeedError(f"{url}: decompresses to more than {max_bytes} bytes (a compression bomb?)")
    return out.getvalue()


def _check_type(url: str, content_type: str, body: bytes) -> None:
    ctype = content_type.split(";")[0].strip().lower()
    if not ctype or any(t in ctype for t in FEED_TYPES) or ctype in ("text/plain", "application/octet-stream"):
        return
    raise FeedError(f"{url}: served as {ctype}, not a feed (an RSS/Atom feed is application/rss+xml, "
                    "application/atom+xml or text/xml)")


def fetch(url: str, *, connect_timeout: float = CONNECT_TIMEOUT, total_timeout: float = TOTAL_TIMEOUT,
          max_bytes: int = MAX_BYTES, cache_dir: Path | None = None) -> bytes:
    """Download a feed (http/https only), politely: a conditional GET when a cached copy exists.

    Raises:
        FeedError: a non-http(s) URL, an HTTP error status, DNS/connection/TLS failure, a timeout,
            too many redirects, a body over ``max_bytes`` (compressed or not), a non-feed content type.
    """
    if not is_url(url):
        raise FeedError(f"{url}: only http and https URLs are fetched")
    cache = _Cache(cache_dir)
    cached = cache.get(url)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
               "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"}
    if cached:
        if cached[1].get("etag"):
            headers["If-None-Match"] = cached[1]["etag"]
        if cached[1].get("last_modified"):
            headers["If-Modified-Since"] = cached[1]["last_modified"]
    opener = urllib.request.build_opener(_Redirects())
    deadline = time.monotonic() + total_timeout
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=connect_timeout) as resp:
            body = _read_body(resp, url, max_bytes, deadline)
            _check_type(url, resp.headers.get("Content-Type", ""), body)
            cache.put(url, body, {"etag": resp.headers.get("ETag"), "last_modified": resp.headers.get("Last-Modified")})
            return body
    except urllib.error.HTTPError as e:
        if e.code == 304 and cached:
            return cached[0]
        if e.code in (301, 302, 303, 307, 308) and "is not allowed" in str(e.msg):
            raise FeedError(f"{url}: redirect to a non-http(s) URL refused") from None
        if e.code in (301, 302, 303, 307, 308):
            raise FeedError(f"{url}: too many redirects (more than {MAX_REDIRECTS}, or a loop)") from None
        raise FeedError(f"{url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, socket.gaierror):
            raise FeedError(f"{url}: cannot resolve host name ({reason.strerror or reason})") from None
        if isinstance(reason, ssl.SSLError):
            raise FeedError(f"{url}: TLS error ({reason.reason or reason})") from None
        if isinstance(reason, ConnectionRefusedError):
            raise FeedError(f"{url}: connection refused") from None
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FeedError(f"{url}: timed out after {connect_timeout:g} s") from None
        raise FeedError(f"{url}: cannot connect ({reason})") from None
    except (TimeoutError, socket.timeout):
        raise FeedError(f"{url}: timed out (no data for {connect_timeout:g} s)") from None
    except (http.client.HTTPException, OSError) as e:
        raise FeedError(f"{url}: {e.__class__.__name__}: {e}") from None


@contextmanager
def open_source(source: str | Path, *, max_bytes: int = MAX_BYTES, cache_dir: Path | None = None,
                total_timeout: float = TOTAL_TIMEOUT) -> Iterator[tuple[IO[bytes], str]]:
    """Open a feed source for reading; yields ``(binary stream, display name)``.

    Raises:
        FeedError: the file is missing or unreadable, or the URL cannot be fetched.
    """
    source = str(source)
    if source == "-":
        yield sys.stdin.buffer, "<stdin>"
    elif is_url(source):
        stream = io.BytesIO(fetch(source, max_bytes=max_bytes, cache_dir=cache_dir, total_timeout=total_timeout))
        stream.name = source  # lxml takes it as the document URL, the base of xml:base
        yield stream, source
    else:
        path = Path(source)
        if path.is_dir():
            raise FeedError(f"{source}: is a folder, not a feed file")
        try:
            f = path.open("rb")
        except OSError as e:
            raise FeedError(f"{source}: cannot read ({e.strerror or e})") from None
        with f:
            yield f, source
