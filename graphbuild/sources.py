"""Where feeds come from: a path, ``-`` for stdin, or an http(s) URL. The only module that does
input I/O: it fetches with timeouts, a size limit that also counts decompressed bytes, a bounded
number of re-checked redirects, and a conditional-GET cache so a re-run does not download again."""
from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import socket
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import unquote, urlsplit

from .errors import ExportError, FeedError
from .urls import redact

#: the bundled reference feed used when no source is given
DEFAULT_FEED = "2i2c-community.xml"
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 60.0
MAX_BYTES = 100 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "graphbuild/0.1 (feed reader; +https://pypi.org/project/graphbuild/)"
FEED_TYPES = ("xml", "rss", "atom", "rdf", "json")  # parts of a Content-Type that can be a feed
#: read anyway, so that the feeds a page links to can be named (graphbuild.discover)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024
#: a fetched body stays in memory up to this size, then spills to a temporary file: the peak
#: memory of a download is this plus one chunk, whatever the size limit
SPOOL_BYTES = 8 * 1024 * 1024


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
            raise FeedError(f"{redact(req.full_url)}: redirect to a non-http(s) URL refused ({redact(newurl)[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Cache:
    """Bodies and validators (ETag, Last-Modified) of earlier downloads, one file pair per URL
    (named by a hash of the URL without its user info)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path] | None:
        if self.folder is None:
            return None
        h = hashlib.sha256(redact(url).encode()).hexdigest()[:32]
        return self.folder / f"{h}.body", self.folder / f"{h}.json"

    def validators(self, url: str) -> dict | None:
        paths = self._paths(url)
        try:
            return json.loads(paths[1].read_text()) if paths and paths[0].is_file() else None
        except (OSError, ValueError):
            return None

    def body(self, url: str) -> IO[bytes] | None:
        paths = self._paths(url)
        try:
            return paths[0].open("rb") if paths else None
        except OSError:
            return None

    def put(self, url: str, body: IO[bytes], headers: dict) -> None:
        paths = self._paths(url)
        if not paths:
            return
        from .export import write_atomic  # atomic, like every file graphbuild writes

        def copy(f) -> None:
            body.seek(0)
            shutil.copyfileobj(body, f, CHUNK)
        try:
            write_atomic(paths[0], copy)
            write_atomic(paths[1], json.dumps(headers).encode())
        except (ExportError, OSError):  # a cache that cannot be written only costs a download next time
            pass
        body.seek(0)


def _read_body(resp, url: str, max_bytes: int, deadline: float) -> IO[bytes]:
    """The body, decompressed if gzip/deflate, in a file that spills to disk past SPOOL_BYTES;
    refused as soon as the declared size, the bytes received or the bytes decompressed pass
    ``max_bytes`` (so memory never holds more than SPOOL_BYTES and one chunk)."""
    shown = redact(url)
    declared = resp.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise FeedError(f"{shown}: declares {int(declared)} bytes, over the {max_bytes} limit (raise --max-feed-bytes)")
    encoding = (resp.headers.get("Content-Encoding") or "identity").lower()
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS) \
        if encoding in ("gzip", "deflate") else None
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    raw_size = size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise FeedError(f"{shown}: download took longer than the total timeout")
            chunk = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)  # what has arrived
            if not chunk:
                break
            raw_size += len(chunk)
            if raw_size > max_bytes:
                raise FeedError(f"{shown}: larger than {max_bytes} bytes (raise --max-feed-bytes)")
            while chunk:
                # at most one chunk's worth of output per call: a bomb never inflates in memory
                data = inflate.decompress(chunk, CHUNK) if inflate is not None else chunk
                chunk = inflate.unconsumed_tail if inflate is not None else b""
                size += len(data)
                if size > max_bytes:
                    raise FeedError(f"{shown}: decompresses to more than {max_bytes} bytes (a compression bomb?)")
                out.write(data)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _check_type(url: str, content_type: str) -> None:
    ctype = content_type.split(";")[0].strip().lower()
    if not ctype or any(t in ctype for t in FEED_TYPES) or ctype in ("text/plain", "application/octet-stream") \
            or ctype in PAGE_TYPES:
        return
    raise FeedError(f"{redact(url)}: served as {ctype}, not a feed (a feed is application/rss+xml, "
                    "application/atom+xml, application/feed+json or text/xml)")


def fetch(url: str, **kwargs) -> bytes:
    """Download a feed (http/https only) into memory; see :func:`fetch_stream` (which graphbuild
    itself uses, so a large body is never held in memory)."""
    with fetch_stream(url, **kwargs) as body:
        return body.read()


def _auth(url: str) -> tuple[str, str | None]:
    """(the URL without user info, a Basic Authorization header value from it or None)."""
    p = urlsplit(url)
    if "@" not in p.netloc:
        return url, None
    userinfo, hostport = p.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    return p._replace(netloc=hostport).geturl(), f"Basic {token}"


def fetch_stream(url: str, *, connect_timeout: float = CONNECT_TIMEOUT, total_timeout: float = TOTAL_TIMEOUT,
                 max_bytes: int = MAX_BYTES, cache_dir: Path | None = None) -> IO[bytes]:
    """Download a feed (http/https only), politely: a conditional GET when a cached copy exists.
    User info in the URL (``user:password@``) is sent as HTTP Basic authentication to that host
    only (never to a redirect target) and appears in no message, cache file or graph.

    Returns:
        the body (decompressed) as a binary file positioned at its start; close it after use.
    Raises:
        FeedError: a non-http(s) URL, an HTTP error status, DNS/connection/TLS failure, a timeout,
            too many redirects, a body over ``max_bytes`` (declared, compressed or not), a non-feed
            content type.
    """
    shown = redact(url)
    if not is_url(url):
        raise FeedError(f"{shown}: only http and https URLs are fetched")
    cache = _Cache(cache_dir)
    cached = cache.validators(url)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
               "Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
                         "text/xml;q=0.8, application/json;q=0.8, */*;q=0.1"}
    if cached:
        if cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
    bare, auth = _auth(url)
    request = urllib.request.Request(bare, headers=headers)
    if auth:
        request.add_unredirected_header("Authorization", auth)
    opener = urllib.request.build_opener(_Redirects())
    deadline = time.monotonic() + total_timeout
    try:
        with opener.open(request, timeout=connect_timeout) as resp:
            _check_type(url, resp.headers.get("Content-Type", ""))
            body = _read_body(resp, url, max_bytes, deadline)
            cache.put(url, body, {"etag": resp.headers.get("ETag"), "last_modified": resp.headers.get("Last-Modified")})
            return body
    except urllib.error.HTTPError as e:
        if e.code == 304 and cached:
            body = cache.body(url)
            if body is not None:
                return body
        if e.code in (301, 302, 303, 307, 308) and "is not allowed" in str(e.msg):
            raise FeedError(f"{shown}: redirect to a non-http(s) URL refused") from None
        if e.code in (301, 302, 303, 307, 308):
            raise FeedError(f"{shown}: too many redirects (more than {MAX_REDIRECTS}, or a loop)") from None
        raise FeedError(f"{shown}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, socket.gaierror):
            raise FeedError(f"{shown}: cannot resolve host name ({reason.strerror or reason})") from None
        if isinstance(reason, ssl.SSLError):
            raise FeedError(f"{shown}: TLS error ({reason.reason or reason})") from None
        if isinstance(reason, ConnectionRefusedError):
            raise FeedError(f"{shown}: connection refused") from None
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FeedError(f"{shown}: timed out after {connect_timeout:g} s") from None
        raise FeedError(f"{shown}: cannot connect ({redact(str(reason))})") from None
    except (TimeoutError, socket.timeout):
        raise FeedError(f"{shown}: timed out (no data for {connect_timeout:g} s)") from None
    except (http.client.HTTPException, OSError) as e:
        raise FeedError(f"{shown}: {e.__class__.__name__}: {redact(str(e))}") from None


class _Named(io.RawIOBase):
    """A binary stream with a ``name``: lxml takes it as the document URL (the base of xml:base)."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw, self.name = raw, name

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        data = self.raw.read(len(buf))
        buf[:len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        return self.raw.read(n)


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
        shown = redact(source)  # the name in messages, in the graph (feed IRI) and the base of xml:base
        with fetch_stream(source, max_bytes=max_bytes, cache_dir=cache_dir, total_timeout=total_timeout) as body:
            yield _Named(body, shown), shown
    else:
        m = re.match(r"([A-Za-z][A-Za-z0-9+.-]+):", source)
        if m and not Path(source).exists():  # a URL of another scheme (one letter would be a Windows drive)
            hint = f" (for a local file give its path: {unquote(urlsplit(source).path)})" \
                if m.group(1).lower() == "file" else ""
            raise FeedError(f"{redact(source)}: {m.group(1).lower()}: addresses are not supported; give a file "
                            f"path, - for stdin, or an http:// or https:// URL{hint}")
        path = Path(source)
        if path.is_dir():
            raise FeedError(f"{source}: is a folder, not a feed file")
        try:
            f = path.open("rb")
        except OSError as e:
            raise FeedError(f"{source}: cannot read ({e.strerror or e})") from None
        with f:
            yield f, source


def discover(url: str, *, max_bytes: int = MAX_BYTES, cache_dir: Path | None = None,
             total_timeout: float = TOTAL_TIMEOUT) -> tuple[str, str | None]:
    """For ``--discover``: ``(the source to read, a notice for stderr or None)``. An http(s) URL
    that serves an HTML page is replaced by the first feed the page links to on its own site
    (:func:`graphbuild.discover.choose`); any other source is returned as it is.

    Raises:
        FeedError: the page cannot be fetched, or links to no feed on its own site (the message
            lists the feeds it does link to).
    """
    from .discover import HEAD_BYTES, choose, find_feeds, looks_like_html, page_message

    if not is_url(url):
        return url, None
    with fetch_stream(url, max_bytes=max_bytes, cache_dir=cache_dir, total_timeout=total_timeout) as body:
        head = body.read(HEAD_BYTES)
    if not looks_like_html(head):
        return url, None  # a feed already (read again from the cache by the build)
    shown = redact(url)
    feeds = find_feeds(head, shown)
    pick = choose(shown, feeds)
    if pick is None:
        msg = page_message(shown, feeds)
        raise FeedError(msg + ("" if not feeds else "; none of them is on the page's own site, so "
                               "--discover does not follow one"))
    return pick.url, f"{shown} is an HTML page; following the feed it links to: {pick}"
