"""Where feeds come from: a path, ``-`` for stdin, or an http(s) URL. The only module that does I/O on inputs."""
from __future__ import annotations

import io
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import urlsplit

from .errors import FeedError

#: the bundled reference feed used when no source is given
DEFAULT_FEED = "2i2c-community.xml"
TIMEOUT = 20.0
MAX_BYTES = 100 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "graphbuild (+https://pypi.org/project/graphbuild/)"


def default_feed() -> Path:
    """Path of the bundled 2i2c community feed."""
    return Path(str(resources.files("graphbuild") / "data" / DEFAULT_FEED))


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        if not is_url(newurl):
            raise FeedError(f"{req.full_url}: redirect to a non-http(s) URL refused ({newurl[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> bytes:
    """Download ``url`` (http/https only), at most ``max_bytes``, following a few redirects.

    Raises:
        FeedError: a non-http(s) URL, an HTTP error status, a network failure or a too large body.
    """
    if not is_url(url):
        raise FeedError(f"{url}: only http and https URLs are fetched")
    opener = urllib.request.build_opener(_LimitedRedirects())
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    try:
        with opener.open(req, timeout=timeout) as resp:
            data = resp.read(max_bytes + 1)
    except urllib.error.HTTPError as e:
        raise FeedError(f"{url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise FeedError(f"{url}: cannot connect ({e.reason})") from None
    except (TimeoutError, OSError) as e:
        raise FeedError(f"{url}: {e.__class__.__name__}: {e}") from None
    if len(data) > max_bytes:
        raise FeedError(f"{url}: larger than {max_bytes} bytes (raise --max-bytes)")
    return data


@contextmanager
def open_source(source: str | Path) -> Iterator[tuple[IO[bytes], str]]:
    """Open a feed source for reading; yields ``(binary stream, display name)``.

    Raises:
        FeedError: the file is missing or unreadable, or the URL cannot be fetched.
    """
    source = str(source)
    if source == "-":
        yield sys.stdin.buffer, "<stdin>"
    elif is_url(source):
        stream = io.BytesIO(fetch(source))
        stream.name = source  # lxml takes it as the document URL, the base of xml:base
        yield stream, source
    else:
        path = Path(source)
        try:
            f = path.open("rb")
        except OSError as e:
            raise FeedError(f"{source}: cannot read ({e.strerror or e})") from None
        with f:
            yield f, source
