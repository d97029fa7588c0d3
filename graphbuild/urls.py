"""URLs: normalisation (when two links identify the same thing), the IRI check every link goes
through before it enters the graph, and credential redaction for messages. Nothing here raises on
a malformed URL."""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

#: hosts whose paths are case-insensitive
CASE_INSENSITIVE_HOSTS = frozenset({"github.com", "gitlab.com", "linkedin.com", "x.com", "twitter.com", "bsky.app"})
#: characters that may not stand in an IRI (RFC 3987) and would break N-Triples / Turtle
_BAD_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def split(url: str) -> SplitResult | None:
    """``urlsplit`` that answers None instead of raising (``Invalid IPv6 URL``, bad NFKC netloc)."""
    try:
        p = urlsplit(url)
        p.port  # noqa: B018  (a non-numeric or out-of-range port raises here)
    except (ValueError, TypeError):
        return None
    return p


@lru_cache(maxsize=262_144)  # pure; resolution asks it of every URL of every mention
def norm_url(url: str) -> str:
    """Scheme-, ``www.``-, trailing-slash- and fragment-insensitive key of an http(s) URL."""
    p = split(url.strip())
    if p is None:
        return url.strip()
    host = (p.hostname or "").lower().removeprefix("www.")
    path = p.path.rstrip("/")
    if host in CASE_INSENSITIVE_HOSTS:
        path = path.lower()
    port_s = f":{p.port}" if p.port and p.port not in (80, 443) else ""
    return host + port_s + path + ("?" + p.query if p.query else "")


def is_web_iri(url: str) -> bool:
    """True for an absolute http(s) URL that is also a valid IRI (safe to write as ``<...>``)."""
    p = split(url)
    return p is not None and p.scheme in ("http", "https") and bool(p.netloc) and not _BAD_IRI.search(url)


@lru_cache(maxsize=65_536)
def host(url: str) -> str:
    p = split(url)
    return (p.hostname or "").lower().removeprefix("www.") if p else ""


# ------------------------------------------------------------------ RFC 3987
def _ranges(*pairs: tuple[int, int]) -> list[tuple[int, int]]:
    return list(pairs)


#: ucschar (RFC 3987 section 2.2), minus the bidi formatting characters section 4.1 forbids
_UCS = _ranges((0xA0, 0x200D), (0x2010, 0x2029), (0x202F, 0x2065), (0x206A, 0xD7FF), (0xF900, 0xFDCF),
               (0xFDF0, 0xFFEF), *[(p * 0x10000, p * 0x10000 + 0xFFFD) for p in range(1, 14)],
               (0xE1000, 0xEFFFD))
#: iprivate: allowed in the query only
_PRIVATE = _ranges((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
_ASCII_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = set("!$&'()*+,;=")
_PCHAR = _ASCII_UNRESERVED | _SUB_DELIMS | {":", "@"}
_ALLOWED = {"path": _PCHAR | {"/"}, "query": _PCHAR | {"/", "?"}, "fragment": _PCHAR | {"/", "?"}}
_HEX = set("0123456789abcdefABCDEF")


def _in(cp: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= cp <= b for a, b in ranges)


def _encode_part(s: str, part: str) -> str | None:
    """One component with every character RFC 3987 does not allow there percent-encoded (UTF-8);
    a ``%`` that starts no ``%XX`` becomes ``%25``. None if a character cannot be encoded at all
    (a lone surrogate)."""
    allowed, out = _ALLOWED[part], []
    for i, ch in enumerate(s):
        cp = ord(ch)
        if ch in allowed or (cp >= 0xA0 and (_in(cp, _UCS) or (part == "query" and _in(cp, _PRIVATE)))):
            out.append(ch)
        elif ch == "%" and len(s) > i + 2 and s[i + 1] in _HEX and s[i + 2] in _HEX:
            out.append(ch)
        elif 0xD800 <= cp <= 0xDFFF:
            return None
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out)


_REG_NAME = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2}|[^\x00-\x9f])+$")
_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)


def _host_ok(h: str) -> bool:
    if h.startswith("["):
        if not h.endswith("]"):
            return False
        try:
            ipaddress.IPv6Address(h[1:-1])
        except ValueError:
            return False
        return True
    if not _REG_NAME.match(h):
        return False
    return all(_in(ord(c), _UCS) for c in h if ord(c) >= 0xA0)


def clean_iri(url: str) -> tuple[str | None, str]:
    """The one check a link passes before it becomes an IRI of the graph (RFC 3987).

    Returns ``(iri, note)``: ``iri`` is the absolute http(s) IRI with user info removed and every
    character the RFC does not allow in its path, query or fragment percent-encoded, or None when
    the link cannot be an IRI (not http(s), no host, a malformed host or port, a lone surrogate);
    ``note`` says what was repaired or why it was dropped ("" for a link taken as it is).
    """
    s = url.strip()
    m = _IRI.match(s)
    if not m or m.group(1).lower() not in ("http", "https"):
        return None, "not an http(s) URL"
    scheme, authority, path, query, fragment = m.groups()
    if not authority:
        return None, "no host"
    notes = []
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
        notes.append("user info (credentials) removed")
    hostport = re.match(r"^(\[[^\]]*\]|[^:]*)(?::(\d*))?$", authority)
    if not hostport or not hostport.group(1) or not _host_ok(hostport.group(1)):
        return None, f"malformed host {authority[:60]!r}"
    parts = [_encode_part(x, k) if x is not None else None
             for x, k in ((path, "path"), (query, "query"), (fragment, "fragment"))]
    if any(p is None for p, x in zip(parts, (path, query, fragment)) if x is not None):
        return None, "holds an unpaired surrogate, which no IRI can"
    path, query, fragment = parts
    iri = f"{scheme.lower()}://{authority}{path}" + (f"?{query}" if query is not None else "") \
        + (f"#{fragment}" if fragment is not None else "")
    if iri != f"{scheme.lower()}://{authority}{m.group(3)}" + (f"?{m.group(4)}" if m.group(4) is not None else "") \
            + (f"#{m.group(5)}" if m.group(5) is not None else ""):
        notes.append("percent-encoded")
    return iri, "; ".join(notes)


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


def redact(text: str) -> str:
    """``text`` with the user info (``user:password@``) of every URL in it removed."""
    return _USERINFO.sub(r"\1", text)
