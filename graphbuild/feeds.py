"""Feed bytes -> FeedItem records: RSS 2.0, Atom 1.0 and RSS 1.0. The only module that parses XML.

The parser never expands entities other than XML's five, never loads a DTD, never touches the
network, and streams items (``iterparse``) so a large feed is never held as one tree.
"""
from __future__ import annotations

import email.utils
import io
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import IO

from lxml import etree

from .errors import FeedError
from .html import UnreadableHtml, html_blocks, parse_blocks, resolve_href, safe_iri, strip_controls, text_blocks
from .models import Author, Feed, FeedInfo, FeedItem, Problem
from .text import squash
from .urls import split

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ITEM_TAGS = ("item", f"{{{RSS1}}}item", f"{{{ATOM}}}entry")
#: parser settings: no entity expansion beyond XML's own, no DTD, no network, no huge nodes
# huge_tree lifts libxml2's 10 MB text-node and depth limits: graphbuild applies its own (Limits)
SAFE_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                   dtd_validation=False, attribute_defaults=False, remove_pis=True)


@dataclass(frozen=True)
class Limits:
    """How much of a feed graphbuild reads; each has a CLI flag (``--max-feed-bytes`` ...)."""

    max_feed_bytes: int = 512 * 1024 * 1024
    max_items: int = 100_000
    max_description_bytes: int = 10 * 1024 * 1024


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    """First child whose (namespaced or local) tag is one of ``names``."""
    for name in names:
        found = el.find(name)
        if found is not None:
            return found
    return None


def _text(el: etree._Element | None) -> str:
    return squash("".join(el.itertext())) if el is not None else ""


def parse_date(value: str) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, dc:date) -> aware datetime; naive times are taken as UTC."""
    value = squash(value)
    if not value:
        return None
    dt = None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        iso = re.sub(r"Z$", "+00:00", value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value)
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


_MAIL_NAME = re.compile(r"^(\S[^\s@]*+@\S+)\s*\((.+)\)$")


def _rss_author(value: str) -> Author | None:
    """``jane@example.org (Jane Doe)``, ``Jane Doe <jane@…>`` or a plain name."""
    value = squash(value)
    if not value:
        return None
    # "[^\s@]*+": the address's first "@" only, and only a value ending in ")" is tried (the value is
    # squashed): "\S+@\S+" retried every "@" against every "(" (quadratic in a long author field)
    m = _MAIL_NAME.match(value) if value.endswith(")") else None
    if m:
        return Author(squash(m.group(2)), email=m.group(1))
    name, addr = email.utils.parseaddr(value)
    if addr and "@" in addr and name:
        return Author(squash(name), email=addr)
    if "@" in value and " " not in value:
        return None  # a bare e-mail address names nobody
    return Author(value)


def _is_web(url: str | None) -> bool:
    p = split(url) if url else None  # never raises on a malformed URL (e.g. an unclosed IPv6 host)
    return p is not None and p.scheme in ("http", "https")


def _content(el: etree._Element, fmt: str) -> tuple[str, etree._Element | None, str]:
    """The richest body of an item: (html, element, kind) with kind 'html', 'xhtml' or 'text'."""
    if fmt == "atom":
        for name in ("content", "summary"):
            c = el.find(f"{{{ATOM}}}{name}")
            if c is not None:
                kind = (c.get("type") or "text").lower()
                if kind == "xhtml":
                    return "", c, "xhtml"
                return (c.text or ""), c, "html" if kind in ("html", "text/html") else "text"
        return "", None, "text"
    c = _child(el, f"{{{CONTENT}}}encoded", "description", f"{{{RSS1}}}description")
    return ((c.text or "") if c is not None else ""), c, "html"


def _content_base(el: etree._Element, link: str) -> str:
    """Base URL for relative links in the body: the innermost web xml:base, else the item link."""
    for c in (el.find(f"{{{ATOM}}}content"), el.find(f"{{{ATOM}}}summary"), el):
        if c is not None and c.get("{http://www.w3.org/XML/1998/namespace}base") is not None and _is_web(c.base):
            return c.base
    return link


def _blocks(el: etree._Element, fmt: str, base: str):
    """(blocks, html, depth of the HTML tree) of an item's body. Raises UnreadableHtml."""
    html, c, kind = _content(el, fmt)
    if kind == "xhtml" and c is not None:
        html = (c.text or "") + "".join(etree.tostring(x, encoding="unicode") for x in c)
        kind = "html"
    if kind == "text":
        return text_blocks(html), html, 0
    blocks, depth = parse_blocks(html, base)
    return blocks, html, depth


def _atom_text(el: etree._Element | None) -> str:
    """An Atom text construct as plain text: ``type="html"`` is HTML to be rendered, not shown."""
    if el is None:
        return ""
    if (el.get("type") or "text").lower() == "html":
        return squash(" ".join(b.text for b in html_blocks(el.text or "", "")))
    return _text(el)


def _item(el: etree._Element, fmt: str, feed: FeedInfo, n: int, limits: Limits = Limits(),
          problems: list[Problem] | None = None) -> FeedItem:
    """Convert one ``item``/``entry`` element; raises FeedError when it has nothing to stand on."""
    base = el.base if _is_web(el.base) else (feed.link or feed.iri)
    if fmt == "atom":
        title = _atom_text(el.find(f"{{{ATOM}}}title"))
        link = None
        for l in el.findall(f"{{{ATOM}}}link"):
            if (l.get("rel") or "alternate") == "alternate" and l.get("href"):
                link = resolve_href(l.base or base, l.get("href"))
                break
        guid = _text(el.find(f"{{{ATOM}}}id"))
        date = _text(_child(el, f"{{{ATOM}}}published", f"{{{ATOM}}}updated"))
        authors = tuple(
            Author(_text(a.find(f"{{{ATOM}}}name")), resolve_href(base, _text(a.find(f"{{{ATOM}}}uri"))) or None,
                   _text(a.find(f"{{{ATOM}}}email")) or None)
            for a in el.findall(f"{{{ATOM}}}author") if _text(a.find(f"{{{ATOM}}}name"))
        )
        cats = tuple(c.get("label") or c.get("term") or "" for c in el.findall(f"{{{ATOM}}}category"))
    else:
        ns = RSS1 if fmt == "rss1" else ""
        q = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
        title = _text(el.find(q("title")))
        link = resolve_href(base, _text(el.find(q("link")))) if _text(el.find(q("link"))) else None
        guid = _text(el.find("guid")) or (el.get(f"{{{RDF}}}about") or "")
        date = _text(_child(el, "pubDate", f"{{{DC}}}date"))
        names = [_text(a) for a in el.findall("author")] + [_text(a) for a in el.findall(f"{{{DC}}}creator")]
        authors = tuple(a for a in (_rss_author(x) for x in names) if a)
        cats = tuple(_text(c) for c in el.findall("category")) + tuple(_text(c) for c in el.findall(f"{{{DC}}}subject"))
    if not _is_web(link) and _is_web(guid):
        link = guid
    link = safe_iri(link) if link else link
    if not _is_web(link):
        raise FeedError(f"item {n} ({title[:60]!r}): no http(s) link or guid to identify it")
    html, c, kind = _content(el, fmt)
    size = len(html) if kind != "xhtml" else sum(len(t) for t in c.itertext())
    if size > limits.max_description_bytes:
        raise FeedError(f"item {n} ({title[:60]!r}): description of {size} bytes is over the "
                        f"{limits.max_description_bytes} limit (raise --max-description-bytes); skipped")
    try:
        blocks, html, depth = _blocks(el, fmt, _content_base(el, link))
    except UnreadableHtml as e:
        blocks, depth = (), 0
        if problems is not None:
            problems.append(Problem(link, f"post HTML could not be parsed ({e}): the post is kept without its text"))
    if depth >= 255 and problems is not None:
        problems.append(Problem(link, f"HTML nested {depth} levels deep: the HTML parser drops what lies "
                                      "below 255 levels, so part of this post may be missing"))
    published = parse_date(date) if date else None
    if date and published is None and problems is not None:
        problems.append(Problem(link, f"date {date[:40]!r} not understood; the post has no datePublished"))
    return FeedItem(id=guid or link, link=link, title=strip_controls(title) or link, feed=feed,
                    published=published, authors=tuple(dict.fromkeys(authors)), blocks=blocks,
                    categories=tuple(c for c in cats if c))


def _detect(root_tag: str, source: str) -> str:
    if root_tag == f"{{{ATOM}}}feed":
        return "atom"
    if root_tag == f"{{{RDF}}}RDF":
        return "rss1"
    if root_tag == "rss":
        return "rss"
    raise FeedError(f"{source}: root element <{_local(root_tag) or root_tag}> is not rss, Atom feed or rdf:RDF"
                    " (an HTML page or another document, not a feed)")


def _feed_info(root: etree._Element, fmt: str, source: str) -> FeedInfo:
    if fmt == "atom":
        chan = root
        title = _text(root.find(f"{{{ATOM}}}title"))
        links = {(l.get("rel") or "alternate"): resolve_href(l.base or source, l.get("href", "")) for l in root.findall(f"{{{ATOM}}}link")}
        link, self_link = links.get("alternate"), links.get("self")
    else:
        chan = root.find("channel") if fmt == "rss" else root.find(f"{{{RSS1}}}channel")
        chan = chan if chan is not None else root
        ns = f"{{{RSS1}}}" if fmt == "rss1" else ""
        title = _text(chan.find(f"{ns}title"))
        link = resolve_href(source, _text(chan.find(f"{ns}link"))) if _text(chan.find(f"{ns}link")) else None
        self_el = chan.find(f"{{{ATOM}}}link[@rel='self']")
        self_link = self_el.get("href") if self_el is not None else None
        if fmt == "rss1" and not self_link:
            self_link = chan.get(f"{{{RDF}}}about")
    iri = next((u for u in (self_link, source, link) if _is_web(u)), "")
    return FeedInfo(source=source, iri=iri, title=title, link=link if _is_web(link) else None)


class _Reader(io.RawIOBase):
    """A byte stream for the XML parser that counts what it reads (and stops at a limit) and drops
    bytes XML 1.0 forbids (NUL and other C0 controls), which broken feeds carry."""

    _BAD = bytes(b for b in range(32) if b not in (9, 10, 13))

    def __init__(self, raw: IO[bytes], limit: int, clean: bool) -> None:
        self.raw, self.limit, self.clean = raw, limit, clean
        self.count = self.dropped = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        while True:
            data = self.raw.read(len(buf))
            if not data:
                return 0
            self.count += len(data)
            if self.count > self.limit:
                raise _TooLarge()
            if self.clean:
                kept = data.translate(None, self._BAD)
                self.dropped += len(data) - len(kept)
                data = kept
            if data:
                buf[:len(data)] = data
                return len(data)


class _TooLarge(Exception):
    pass


def _sniff(head: bytes, source: str) -> None:
    """Refuse what is plainly not XML, with the reason (JSON, nothing at all)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise FeedError(f"{source}: empty input, no XML found")
    if text[:1] in (b"{", b"["):
        raise FeedError(f"{source}: a JSON document, not an RSS/Atom feed (JSON Feed is not supported)")


def _check_dtd(root: etree._Element, source: str, problems: list[Problem]) -> None:
    """Refuse entity declarations (billion laughs, external entities); note an external DTD."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FeedError(f"{source}: the feed declares XML entities in its DTD, which graphbuild refuses "
                        "(entity expansion is a known attack: billion laughs, external entities)")
    if info.system_url or info.public_id:
        problems.append(Problem(source, "the feed names an external DTD; it was not loaded"))


def _utf16(head: bytes) -> bool:
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 3 and (head[0] == 0 or head[1] == 0))


def parse_feed(stream: IO[bytes] | bytes, source: str, limits: Limits = Limits()) -> Feed:
    """Parse one feed, keeping every readable item and recording a Problem for each skipped one.

    Args:
        stream: the feed's bytes, or a binary file object (read incrementally).
        source: the path or URL it came from; named in messages and used as the base URL.
        limits: size and count limits (see :class:`Limits`).
    Returns:
        The Feed, items in document order.
    Raises:
        FeedError: the bytes are not a well-formed RSS/Atom/RDF feed, hold no usable item, declare
            entities, or exceed the limits.
    """
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(stream)
    raw = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = raw.peek(4096)[:4096]
    _sniff(head, source)
    try:
        return _parse(raw, head, source, limits)
    except _Recode as r:
        if not hasattr(stream, "seek"):
            raise FeedError(f"{source}: {r.reason}") from None
        stream.seek(0)
        data = stream.read(limits.max_feed_bytes + 1)
        text = data.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        try:
            feed = _parse(io.BufferedReader(io.BytesIO(text.encode("utf-8"))), b"", source, limits)
        except _Recode as again:
            raise FeedError(f"{source}: {again.reason}") from None
        feed.problems.insert(0, Problem(source, f"{r.reason}; read it as Windows-1252 instead"))
        return feed


class _Recode(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse(raw: IO[bytes], head: bytes, source: str, limits: Limits) -> Feed:
    reader = _Reader(raw, limits.max_feed_bytes, clean=not _utf16(head))
    ctx = etree.iterparse(io.BufferedReader(reader), events=("start", "end"), **SAFE_PARSER)
    fmt = info = root = None
    items: list[FeedItem] = []
    problems: list[Problem] = []
    n = 0
    try:
        for event, el in ctx:
            if fmt is None:
                fmt = _detect(el.tag, source)
                root = el
                _check_dtd(root, source, problems)
                continue
            if event != "end" or el.tag not in ITEM_TAGS:
                continue
            n += 1
            if n > limits.max_items:
                problems.append(Problem(source, f"more than {limits.max_items} items; read the first "
                                                f"{limits.max_items} (raise --max-items)"))
                break
            if info is None:
                info = _feed_info(root, fmt, source)
            try:
                items.append(_item(el, fmt, info, n, limits, problems))
            except FeedError as e:
                problems.append(Problem(source, str(e)))
            el.clear(keep_tail=True)  # stream: drop finished items, keep the channel header
            while (prev := el.getprevious()) is not None and prev.tag in ITEM_TAGS:
                el.getparent().remove(prev)
    except _TooLarge:
        raise FeedError(f"{source}: larger than {limits.max_feed_bytes} bytes (raise --max-feed-bytes)") from None
    except etree.XMLSyntaxError as e:
        line = f" line {e.lineno}" if getattr(e, "lineno", None) else ""
        msg = squash(e.msg or str(e))
        if re.search(r"not proper UTF-8|encoding|Invalid bytes in character", msg, re.I):
            raise _Recode(f"not valid in its declared encoding at{line} ({msg})") from None
        if fmt is None and re.search(r"empty|no element found|Start tag expected", msg, re.I):
            raise FeedError(f"{source}:{line and line[6:]} not XML ({msg})") from None
        if not items:
            raise FeedError(f"{source}:{line and line[6:]} not a well-formed feed ({msg})") from None
        problems.append(Problem(source, f"XML error at{line}, kept the {len(items)} items before it ({msg})"))
    if reader.dropped:
        problems.append(Problem(source, f"removed {reader.dropped} bytes that XML forbids (NUL or control characters)"))
    if fmt is None:
        raise FeedError(f"{source}: empty input, no XML found")
    info = _feed_info(root, fmt, source)  # the whole channel header has been read by now
    items = [replace(i, feed=info) for i in items]
    if not items:
        why = "; ".join(str(p.reason) for p in problems[:3])
        raise FeedError(f"{source}: no usable items" + (f" ({why})" if why else " (the feed is empty)"))
    return Feed(info, items, problems)
