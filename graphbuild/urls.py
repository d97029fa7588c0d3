"""URL normalisation used to decide that two links identify the same thing."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

#: hosts whose paths are case-insensitive
CASE_INSENSITIVE_HOSTS = frozenset({"github.com", "gitlab.com", "linkedin.com", "x.com", "twitter.com", "bsky.app"})
#: characters that may not stand in an IRI (RFC 3987) and would break N-Triples / Turtle
_BAD_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def norm_url(url: str) -> str:
    """Scheme-, ``www.``-, trailing-slash- and fragment-insensitive key of an http(s) URL."""
    try:
        p = urlsplit(url.strip())
        port = p.port
    except ValueError:
        return url.strip()
    host = (p.hostname or "").lower().removeprefix("www.")
    path = p.path.rstrip("/")
    if host in CASE_INSENSITIVE_HOSTS:
        path = path.lower()
    port_s = f":{port}" if port and port not in (80, 443) else ""
    return host + port_s + path + ("?" + p.query if p.query else "")


def is_web_iri(url: str) -> bool:
    """True for an absolute http(s) URL that is also a valid IRI (safe to write as ``<...>``)."""
    try:
        p = urlsplit(url)
    except ValueError:
        return False
    return p.scheme in ("http", "https") and bool(p.netloc) and not _BAD_IRI.search(url)


def host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""
