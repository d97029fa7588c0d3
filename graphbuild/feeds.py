"""Feed bytes -> FeedItem records. The only module that parses XML.

Reads RSS 0.9x/2.0 (with or without a namespace, including Userland's), RSS 0.90 and 1.0 (RDF),
Atom 0.3 and 1.0, and Microsoft CDF; a JSON Feed goes to :mod:`graphbuild.jsonfeed`, an HTML page is
refused with the feeds it links to (:mod:`graphbuild.discover`). The parser never expands entities other than XML's five,
never loads a DTD, never touches the network, and streams items (``iterparse``) so a large feed is
never held as one tree. HTML named references (``&aacute;``) are rewritten to numeric ones in the
byte stream first (``xmlscan``); a document that declares entities is refused.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import email.utils
import io
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from html import escape
from typing import IO
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .discover import HEAD_BYTES, HTMLPageError, find_feeds, looks_like_html
from .errors import FeedError
from .html import UnreadableHtml, html_blocks, parse_blocks, resolve_href, safe_iri, strip_controls, text_blocks
from .models import Author, Feed, FeedInfo, FeedItem, Problem
from .namespaces import BASE_URI, digest
from .text import squash
from .xmlscan import ByteScan, describe

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RSS1 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
USERLAND = "http://backend.userland.com/rss2"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XHTML = "http://www.w3.org/1999/xhtml"
MEDIA = "http://search.yahoo.com/mrss/"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
#: namespaces whose elements are "the format's own" (RSS elements may come in any of these)
RSS_NS = frozenset({"", RSS1, RSS090, USERLAND})
ATOM_NS = frozenset({ATOM, ATOM03})
#: where minted post IRIs live (items without a web link; see docs/vocabulary.md)
POST_BASE = f"{BASE_URI}post/"
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


# ------------------------------------------------------------------ small helpers
def _split(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an element tag; ("", "") for comments and PIs."""
    if not isinstance(tag, str):
        return "", ""
    if tag[:1] == "{":
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _local(tag: object) -> str:
    return _split(tag)[1]


def _text(el: etree._Element | None) -> str:
    return squash("".join(el.itertext())) if el is not None else ""


def _is_web(url: str | None) -> bool:
    """An absolute http(s) URL with a host; malformed URLs (``http://[::1``) are simply not."""
    if not url:
        return False
    try:
        p = urlsplit(url)
        p.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return p.scheme in ("http", "https") and bool(p.netloc)


class _Kids:
    """The children of one element by name: the format's own elements by local name (lower-cased
    for CDF, which is upper-case), others as ``{namespace}local``."""

    def __init__(self, el: etree._Element, own: frozenset[str], fold: bool = False) -> None:
        self.by: dict[str, list[etree._Element]] = {}
        for c in el:
            ns, local = _split(c.tag)
            if not local:
                continue
            key = (local.lower() if fold else local) if ns in own else f"{{{ns}}}{local}"
            self.by.setdefault(key, []).append(c)

    def first(self, *names: str) -> etree._Element | None:
        for n in names:
            if n in self.by:
                return self.by[n][0]
        return None

    def all(self, *names: str) -> list[etree._Element]:
        return [e for n in names for e in self.by.get(n, ())]


# ------------------------------------------------------------------ dates


def parse_date(value: str) -> datetime | None:
    """RFC 822 (RSS), ISO 8601 / W3C-DTF (Atom, dc:date, also ``2003-12`` and ``2003``), and
    compact ISO (``20031231T101455Z``) -> aware datetime; naive times are taken as UTC."""
    value = squash(value)
    if not value:
        return None
    dt = None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        dt = _iso(value)
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def _iso(value: str) -> datetime | None:
    v = value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value
    v = re.sub(r"(?i)(?<=\d)z$", "+00:00", v)
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)?)?(.*)", v)
    if m:  # compact form: 20031231T101455+00:00
        y, mo, d, h, mi, s, rest = m.groups()
        v = f"{y}-{mo}-{d}" + (f"T{h}:{mi}:{s or '00'}{rest}" if h else rest)
    m = re.fullmatch(r"(\d{4})(?:-(\d\d))?", v)
    if m:  # W3C-DTF year or year-month
        try:
            return datetime(int(m.group(1)), int(m.group(2) or 1), 1, tzinfo=timezone.utc)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(v)
    except ValueError:
        return None


# ------------------------------------------------------------------ xml:base (RFC 3986 + XML Base)
def _join(base: str, ref: str) -> str:
    """``ref`` resolved against ``base``; a base that is not http(s) after resolution is ignored."""
    ref = re.sub(r"^(https?:)/{3,}", r"\1//", ref.strip(), flags=re.I)  # http:///host/ -> http://host/
    try:
        out = urljoin(base, ref) if base else ref
        scheme = urlsplit(out).scheme
    except ValueError:
        return base
    if scheme and scheme not in ("http", "https"):
        return base  # javascript:, data:, tag: ... are no base for a web link
    return out


def _base_of(el: etree._Element, doc_base: str) -> tuple[str, bool]:
    """(base URI in scope at ``el``, whether any xml:base applies): the xml:base attributes of
    ``el`` and its ancestors, outermost first, each resolved against the one outside it."""
    chain = []
    e = el
    while e is not None:
        b = e.get(XML_BASE)
        if b is not None:
            chain.append(b)
        e = e.getparent()
    base = doc_base
    for b in reversed(chain):
        base = _join(base, b)
    return base, bool(chain)


def _resolve(el: etree._Element | None, href: str, doc_base: str) -> str | None:
    """``href`` found on or in ``el``, resolved against the base in scope there."""
    if el is None or not href or not href.strip():
        return None
    base, _ = _base_of(el, doc_base)
    try:
        return resolve_href(base, href)
    except ValueError:
        return None


# ------------------------------------------------------------------ text constructs and bodies
_HTML_TYPES = ("html", "text/html")
_XHTML_TYPES = ("xhtml", "application/xhtml+xml")


def _construct(el: etree._Element | None, atom03: bool = False) -> tuple[str, str | etree._Element]:
    """An Atom text construct (title, summary, content) as (kind, value): kind ``text`` or ``html``
    with a string, ``xhtml`` with the element whose children are the markup, or ``none``.

    Atom 0.3's ``mode`` (``xml``, ``escaped``, ``base64``) and MIME-type ``type`` values are read
    too; content with ``src`` (out of line) or a binary type has no body to read.
    """
    if el is None or el.get("src"):
        return "none", ""
    typ = (el.get("type") or ("text/plain" if atom03 else "text")).strip().lower()
    mode = (el.get("mode") or "").strip().lower()
    is_html, is_xhtml = typ in _HTML_TYPES, typ in _XHTML_TYPES
    is_text = typ in ("text", "text/plain") or typ.startswith("text/") or typ.endswith(("+xml", "/xml"))
    if mode == "base64" or not (is_html or is_xhtml or is_text):
        if not (is_html or is_xhtml or is_text) and mode != "base64":
            mode = "base64"  # Atom 1.0: any other MIME type is base64-encoded
        try:
            raw = base64.b64decode("".join((el.text or "").split()), validate=False)
        except (binascii.Error, ValueError):
            return "none", ""
        if not (is_html or is_xhtml or is_text):
            try:  # another MIME type: kept only if it is in fact text
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return "none", ""
            return ("text", text) if "\x00" not in text else ("none", "")
        return ("html" if is_html or is_xhtml else "text"), raw.decode("utf-8", errors="replace")
    if mode == "escaped":
        return ("html" if is_html or is_xhtml else "text"), el.text or ""
    if is_xhtml or (atom03 and len(el) and not is_text):
        return "xhtml", el
    if len(el) and (is_html or typ.endswith(("+xml", "/xml"))):
        return "xhtml", el  # inline markup where escaped markup was expected
    return ("html" if is_html else "text"), "".join(el.itertext()) if len(el) else (el.text or "")


def _plain(kind: str, value) -> str:
    """A text construct as one line of plain text (titles)."""
    if kind == "html":
        return squash(" ".join(b.text for b in html_blocks(value, "")))
    if kind == "xhtml":
        return squash(" ".join(b.text for b in html_blocks(_markup(kind, value), "")))
    return squash(value) if kind == "text" else ""


def _markup(kind: str, value, unwrap: bool = True) -> str:
    """A body as a string to measure and parse: HTML for html/xhtml, the text itself for text.
    ``unwrap``: drop the one div an Atom 1.0 XHTML construct is wrapped in."""
    if kind == "xhtml":
        inner = value
        divs = [c for c in value if isinstance(c.tag, str)]
        if unwrap and len(divs) == 1 and _local(divs[0].tag) == "div" and not (value.text or "").strip():
            inner = divs[0]  # Atom 1.0 wraps XHTML in one div
        return escape(inner.text or "", quote=False) + "".join(etree.tostring(x, encoding="unicode") for x in inner)
    return value if kind in ("html", "text") else ""


#: sanitised title markup that plain text would lose: an element, a comment, or an angle bracket
#: written as an entity ("History of the &lt;blink&gt; tag")
_TITLE_MARKUP = re.compile(r"<[A-Za-z!/?]|&(?:lt|gt|#0*6[02]|#x0*3[ce]);", re.I)


def _title_html(title_el: etree._Element | None, kind: str, value, doc_base: str, atom10: bool) -> str:
    """An HTML or XHTML title's markup, kept when its plain text would lose something (an element,
    an escaped ``<``): relative URIs resolved against the base in scope at the title, then cleaned by
    feedparser's HTML sanitiser (scripts, event handlers and unsafe attributes dropped), the same
    rules that decided the titles feedparser's test corpus expects. "" for a text title, or an
    HTML title that is plain text once cleaned (then the text headline says it all)."""
    if title_el is None:
        return ""
    if kind == "text" and any(isinstance(c.tag, str) for c in title_el):
        kind, value, atom10 = "xhtml", title_el, False  # undeclared inline markup: kept as markup
    if kind not in ("html", "xhtml"):
        return ""
    markup = _markup(kind, value, unwrap=atom10)  # only Atom 1.0 wraps XHTML in a div not the title's
    markup = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", markup) if kind == "xhtml" else markup
    if not _TITLE_MARKUP.search(markup):
        return ""
    from feedparser.sanitizer import _sanitize_html  # feedparser (BSD-2): its sanitiser, its rules
    from feedparser.urls import resolve_relative_uris
    base, _ = _base_of(title_el, doc_base)
    if base:
        markup = resolve_relative_uris(markup, base, "utf-8", "text/html")
    clean = _sanitize_html(markup, "utf-8", "text/html").strip()
    return clean if _TITLE_MARKUP.search(clean) else ""


# ------------------------------------------------------------------ authors
_MAIL_NAME = re.compile(r"^(\S[^\s@]*+@\S+)\s*\((.+)\)$")
_MAIL = re.compile(r"[^\s@()]++@[^\s()]++")


def _rss_author(value: str) -> Author | None:
    """``jane@example.org (Jane Doe)``, ``Jane Doe (jane@…)``, ``Jane Doe <jane@…>`` or a plain name."""
    value = squash(value)
    if not value:
        return None
    # "[^\s@]*+": the address's first "@" only, and only a value ending in ")" is tried (the value is
    # squashed): "\S+@\S+" retried every "@" against every "(" (quadratic in a long author field)
    m = _MAIL_NAME.match(value) if value.endswith(")") else None
    if m:
        return Author(squash(m.group(2)), email=m.group(1))
    open_at = value.rfind("(") if value.endswith(")") else -1  # the last "(" alone: linear
    if open_at > 0 and _MAIL.fullmatch(value, open_at + 1, len(value) - 1) and value[:open_at].strip():
        return Author(squash(value[:open_at]), email=value[open_at + 1:-1])  # Jane Doe (jane@example.org)
    lt = value.rfind("<") if value.endswith(">") else -1  # Jane Doe <jane@example.org>
    if lt > 0 and _MAIL.fullmatch(value, lt + 1, len(value) - 1) and value[:lt].strip(' "'):
        # not email.utils.parseaddr: it recurses once per "(" and a hostile field overflows the stack
        return Author(squash(value[:lt].strip().strip('"')), email=value[lt + 1:-1])
    if "@" in value and " " not in value:
        return None  # a bare e-mail address names nobody
    return Author(value)


def _atom_person(p: etree._Element, own: frozenset[str], doc_base: str) -> Author | None:
    """An Atom person; its ``uri`` (0.3: ``url`` or ``homepage``) resolved against the base in scope on that element."""
    k = _Kids(p, own)
    name = _text(k.first("name"))
    if not name:
        return None
    uri_el = k.first("uri", "url", "homepage")
    uri = _resolve(uri_el, _text(uri_el), doc_base) if uri_el is not None else None
    return Author(name, uri if _is_web(uri) else None, _text(k.first("email")) or None)


def cut_body(html: str, limits: Limits, notes: list[str]) -> str:
    """A post body cut at ``--max-description-bytes`` (at a character boundary), with a note."""
    size = len(html.encode("utf-8", "surrogatepass")) if len(html) * 4 > limits.max_description_bytes else len(html)
    if size > limits.max_description_bytes:
        html = html.encode("utf-8", "surrogatepass")[:limits.max_description_bytes].decode("utf-8", "ignore")
        notes.append(f"body of {size} bytes is over the {limits.max_description_bytes} limit; kept its "
                     "first part (raise --max-description-bytes to read it whole)")
    return html


def identify(guid: str, link: str | None, content: str, title: str, feed: FeedInfo, n: int,
             guids: dict[str, tuple[int, str, str, str]], notes: list[str]) -> str:
    """The post IRI of item ``n``: its http(s) link, else an IRI minted from its guid (when no
    earlier item holds that guid with other content) or from ``content`` (a digest of title, date
    and text), never from its position. ``guids`` remembers each guid's first item."""
    prev = guids.get(guid) if guid else None
    if guid and prev is None:
        guids[guid] = (n, title, content, link or "")
    elif prev is not None and prev[2] != content and not (link and prev[3] == link):
        notes.append(f"same guid {guid[:80]!r} as item {prev[0]} {prev[1][:60]!r} but different content; "
                     "both kept as different posts")
    if link:
        return safe_iri(link)
    # identity: the guid if there is one (tag:, urn: or any string) and it is not already
    # taken by another item, else title + date + text; either way never the position
    by_guid = bool(guid) and (prev is None or prev[2] == content)
    key = f"guid\x1f{guid}" if by_guid else f"content\x1f{content}"
    link = f"{POST_BASE}{digest(feed.iri or feed.title or feed.source.rsplit('/', 1)[-1], key)}"
    notes.append(f"no http(s) link or guid URL; identified as <{link}> (from its "
                 + (f"guid {guid[:60]!r})" if by_guid else "title, date and text)"))
    return link


#: the parsed HTML kept between builds (:class:`graphbuild.pipeline.HtmlCache`), while
#: :func:`graphbuild.graph.load_feeds` reads with one; None: every body is parsed
HTML_CACHE: ContextVar = ContextVar("HTML_CACHE", default=None)


def body_blocks(kind: str, html: str, base: str, notes: list[str]) -> tuple:
    """A body (``text`` or HTML) as blocks, links resolved against ``base``; a note when the HTML
    cannot be parsed (the post is kept without its text) or is nested so deep that the parser drops
    part of it. HTML is read through :data:`HTML_CACHE` when there is one."""
    if kind == "text":
        return text_blocks(html)
    cache = HTML_CACHE.get()
    try:
        blocks, depth = parse_blocks(html, base) if cache is None else cache.parse(html, base)
    except UnreadableHtml as e:
        notes.append(f"post HTML could not be parsed ({e}): the post is kept without its text")
        return ()
    if depth >= 255:
        notes.append(f"HTML nested {depth} levels deep: the HTML parser drops what lies below 255 "
                     "levels, so part of this post may be missing")
    return blocks


# ------------------------------------------------------------------ one item
@dataclass
class _Raw:
    """What one item element holds, before deciding its identity."""

    title: str
    link: str | None
    guid: str
    date: str
    authors: tuple[Author, ...]
    cats: tuple[str, ...]
    body: tuple[str, object]  # (kind, value) of the richest body
    body_el: etree._Element | None
    title_html: str = ""  # the title's sanitised markup, when it has some (_title_html)


def _read_atom(el: etree._Element, fmt: str, doc_base: str) -> _Raw:
    own = frozenset({el.tag[1:].partition("}")[0]} if el.tag[:1] == "{" else {""})
    atom03 = fmt == "atom03"
    k = _Kids(el, own)
    title_el = k.first("title")
    title_kind, title_value = _construct(title_el, atom03)
    title = _plain(title_kind, title_value)
    title_html = _title_html(title_el, title_kind, title_value, doc_base, atom10=not atom03)
    link = None
    for l in k.all("link"):
        if (l.get("rel") or "alternate").strip() == "alternate" and l.get("href"):
            link = _resolve(l, l.get("href"), doc_base)
            if link:
                break
    id_el = k.first("id")
    guid = _text(id_el)
    date = _text(k.first("published", "issued", "created", "updated", "modified", f"{{{DC}}}date"))
    authors = tuple(a for a in (_atom_person(p, own, doc_base) for p in k.all("author")) if a)
    cats = tuple(c.get("label") or c.get("term") or _text(c) for c in k.all("category"))
    body_el, body = None, ("none", "")
    for c in (k.first("content"), k.first("summary")):
        if c is not None:
            body_el, body = c, _construct(c, atom03)
            if body[0] != "none":
                break
    return _Raw(title, link, guid, date, authors, cats, body, body_el, title_html)


def _rss_own(el: etree._Element) -> frozenset[str]:
    """RSS elements: no namespace, RSS 0.90/1.0's or Userland's, or the namespace of the root."""
    return RSS_NS | {_split(el.getroottree().getroot().tag)[0]}


def _read_rss(el: etree._Element, fmt: str, doc_base: str) -> _Raw:
    fold = fmt == "cdf"
    k = _Kids(el, _rss_own(el), fold)
    title = _text(k.first("title", f"{{{DC}}}title", f"{{{MEDIA}}}title"))
    link_el = k.first("link")
    link = _resolve(link_el, _text(link_el), doc_base) if link_el is not None else None
    if not link and el.get("HREF" if fold else "href"):
        link = _resolve(el, el.get("HREF" if fold else "href"), doc_base)  # CDF <ITEM HREF="...">
    if not link:
        for l in k.all(f"{{{ATOM}}}link"):
            if (l.get("rel") or "alternate") == "alternate" and l.get("href"):
                link = _resolve(l, l.get("href"), doc_base)
                break
    guid = _text(k.first("guid")) or (el.get(f"{{{RDF}}}about") or "").strip()
    date = _text(k.first("pubdate" if fold else "pubDate", f"{{{DC}}}date", f"{{{DCTERMS}}}issued",
                         f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified", f"{{{ATOM}}}published",
                         f"{{{ATOM}}}updated")) or (el.get("LASTMOD" if fold else "lastmod") or "")
    names = [_text(a) for a in k.all("author", f"{{{DC}}}creator", f"{{{DC}}}author")]
    authors = tuple(a for a in (_rss_author(x) for x in names) if a)
    cats = tuple(_text(c) for c in k.all("category", f"{{{DC}}}subject"))
    body_el = k.first(f"{{{CONTENT}}}encoded", f"{{{XHTML}}}body", "fullitem", "description",
                      "abstract", f"{{{DC}}}description", f"{{{ATOM}}}content", f"{{{ATOM}}}summary")
    if body_el is None:
        body = ("none", "")
    elif body_el.tag == f"{{{XHTML}}}body":
        body = ("xhtml", body_el)
    elif _split(body_el.tag)[0] == ATOM:
        body = _construct(body_el)
    else:
        body = ("html", "".join(body_el.itertext()) if len(body_el) else (body_el.text or ""))
    return _Raw(title, link, guid, date, authors, cats, body, body_el)


def _where(source: str, n: int, line: int | None, title: str) -> str:
    t = f" {title[:60]!r}" if title else ""
    return f"{source} item {n}{t}" + (f" (line {line})" if line else "")


def _item(el: etree._Element, fmt: str, feed: FeedInfo, n: int, limits: Limits, notes: list[str],
          doc_base: str, guids: dict[str, tuple[int, str, str, str]]) -> FeedItem:
    """Convert one item/entry element; ``notes`` receives what was repaired, ``guids`` remembers
    each guid's first item. Raises FeedError for an item with nothing in it."""
    raw = (_read_atom if fmt in ("atom", "atom03") else _read_rss)(el, fmt, doc_base)
    title = strip_controls(raw.title)
    guid = strip_controls(raw.guid)
    link = raw.link if _is_web(raw.link) else None
    if raw.link and not link:
        notes.append(f"link {raw.link[:80]!r} is not a usable http(s) URL")
    if not link and guid and _is_web(guid):
        link = guid
    elif not link and guid and re.match(r"(?i)https?:", guid):
        notes.append(f"guid {guid[:80]!r} is a malformed URL")
    kind, value = raw.body
    html = cut_body(_markup(kind, value), limits, notes)
    if not (raw.link or guid or raw.date or len(el) or (el.text or "").strip()):
        raise FeedError("an empty item (no element or text in it); skipped")
    if title or raw.date or html.strip():
        content = digest(title, raw.date, squash(html[:100_000]))
    else:  # only an author, a category, an enclosure ...: the item's whole canonical XML
        content = digest(etree.tostring(el, method="c14n").decode("utf-8", "replace"))
    link = identify(guid, link, content, title, feed, n, guids, notes)
    minted = link.startswith(POST_BASE)
    body_base, scoped = _base_of(raw.body_el, doc_base) if raw.body_el is not None else ("", False)
    base = body_base if scoped and _is_web(body_base) else (feed.link or feed.iri if minted else link)
    blocks = body_blocks(kind, html, base, notes)
    published = parse_date(raw.date) if raw.date else None
    if raw.date and published is None:
        notes.append(f"date {raw.date[:40]!r} not understood; the post has no datePublished")
    if not title:  # the link stands in; an item without one is named by its first words
        title = squash(blocks[0].text)[:80] if minted and blocks else link
    return FeedItem(id=guid or link, link=link, title=title, title_html=raw.title_html,
                    feed=feed, published=published,
                    authors=tuple(dict.fromkeys(raw.authors)), blocks=blocks,
                    categories=tuple(c for c in raw.cats if c), minted=minted)


# ------------------------------------------------------------------ the feed
_ROOTS = {
    ("feed", ATOM): "atom", ("feed", ATOM03): "atom03", ("RDF", RDF): "rss1",
}


def _detect(root: etree._Element, source: str) -> str:
    ns, local = _split(root.tag)
    fmt = _ROOTS.get((local, ns))
    if fmt:
        return fmt
    if local == "rss":
        return "rss"  # in any namespace (Userland's, Harvard's, none ...)
    if local == "feed":
        return "atom03"  # an Atom draft namespace, or none: read as Atom 0.3
    if local.lower() == "channel" and ns == "":
        return "cdf" if local == "CHANNEL" else "rss"
    what = {"html": " (an HTML page, not a feed)", "opml": " (an OPML outline, not a feed)"}.get(local.lower(), "")
    raise FeedError(f"{source}: not a feed: root element <{local or root.tag}>"
                    + (f" in namespace {ns}" if ns else "") + (what or " (expected rss, Atom feed or rdf:RDF)"))


def _is_item(el: etree._Element, fmt: str, root_ns: str) -> bool:
    ns, local = _split(el.tag)
    if fmt in ("atom", "atom03"):
        return local == "entry" and (ns in ATOM_NS or ns == root_ns)
    if fmt == "cdf":
        return local.lower() == "item" and ns == ""
    return local == "item" and (ns in RSS_NS or ns == root_ns)


def _feed_info(root: etree._Element, fmt: str, source: str) -> FeedInfo:
    doc_base = source if _is_web(source) else ""
    if fmt in ("atom", "atom03"):
        own = frozenset({_split(root.tag)[0]})
        k = _Kids(root, own)
        title = _plain(*_construct(k.first("title"), fmt == "atom03"))
        links: dict[str, str | None] = {}
        for l in k.all("link"):
            rel = (l.get("rel") or "alternate").strip()
            if rel not in links and l.get("href"):
                links[rel] = _resolve(l, l.get("href"), doc_base)
        link, self_link = links.get("alternate"), links.get("self")
    else:
        fold = fmt == "cdf"
        own = _rss_own(root)
        chan = root if _local(root.tag).lower() == "channel" else next(
            (c for c in root if _local(c.tag).lower() == "channel" and _split(c.tag)[0] in own), root)
        k = _Kids(chan, own, fold)
        title = _text(k.first("title", f"{{{DC}}}title"))
        link_el = k.first("link")
        link = _resolve(link_el, _text(link_el), doc_base) if link_el is not None else None
        if not link and chan.get("HREF" if fold else "href"):
            link = _resolve(chan, chan.get("HREF" if fold else "href"), doc_base)
        self_link = next((l.get("href") for l in k.all(f"{{{ATOM}}}link") if l.get("rel") == "self"), None)
        if fmt == "rss1" and not self_link:
            self_link = chan.get(f"{{{RDF}}}about")
    iri = next((safe_iri(u) for u in (self_link, source, link) if _is_web(u)), "")
    return FeedInfo(source=source, iri=iri, title=strip_controls(title),
                    link=safe_iri(link) if _is_web(link) else None)


class _Reader(io.RawIOBase):
    """A byte stream for the XML parser: counts what it reads (and stops at a limit), and passes
    the bytes through :class:`ByteScan` (control bytes dropped, HTML entities made numeric)."""

    def __init__(self, raw: IO[bytes], limit: int, scan: ByteScan) -> None:
        self.raw, self.limit, self.scan = raw, limit, scan
        self.count = 0
        self.out = b""
        self.eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        while not self.out and not self.eof:
            data = self.raw.read(max(len(buf), 65536))
            if not data:
                self.eof = True
                self.out = self.scan.feed(b"", final=True)
                break
            self.count += len(data)
            if self.count > self.limit:
                raise _TooLarge()
            self.out = self.scan.feed(data)
        n = min(len(buf), len(self.out))
        buf[:n] = self.out[:n]
        self.out = self.out[n:]
        return n


class _TooLarge(Exception):
    pass


def _sniff(head: bytes, source: str) -> str:
    """What the bytes are before any parsing: ``json`` (a JSON Feed, or JSON refused with its
    reason), ``html`` (a web page: its feed links are listed) or ``xml``; nothing at all is refused."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise FeedError(f"{source}: empty input, no XML found")
    if text[:1] in (b"{", b"["):
        return "json"
    return "html" if looks_like_html(head) else "xml"


def _entity_refusal(source: str, lines: list[int]) -> FeedError:
    at = f" (line {lines[0]})" if lines else ""
    return FeedError(f"{source}: entity declarations are refused{at}: the feed declares XML entities in its "
                     "DTD, which graphbuild refuses (entity expansion is a known attack: billion laughs, "
                     "external entities)")


def _check_dtd(root: etree._Element, source: str, problems: list[Problem], scan: ByteScan) -> None:
    """Refuse entity declarations (billion laughs, external entities); note an external DTD."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entity_refusal(source, scan.entity_lines)
    if info.system_url or info.public_id:
        problems.append(Problem(source, "the feed names an external DTD; it was not loaded"))


def _utf16(head: bytes) -> bool:
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 3 and (head[0] == 0 or head[1] == 0))


def _utf32(head: bytes) -> str:
    """``utf-32-be``/``utf-32-le`` for a UTF-32 document (by its BOM or its first '<'), else ''."""
    if head[:4] == b"\x00\x00\xfe\xff" or head[:4] == b"\x00\x00\x00<":
        return "utf-32-be"
    if head[:4] == b"\xff\xfe\x00\x00" or head[:4] == b"<\x00\x00\x00":
        return "utf-32-le"
    return ""


def _ascii_compatible(head: bytes) -> bool:
    """Whether '&', '<' and newline bytes always stand for themselves in this document's encoding."""
    if _utf16(head):
        return False
    m = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", head.removeprefix(b"\xef\xbb\xbf"))
    if not m:
        return True
    name = m.group(1).decode("ascii").lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        pass
    return not re.search(r"utf.?16|utf.?32|ucs|2022|utf.?7|cp0?37|cp500|cp1140|ebcdic|ibm", name)


def parse_feed(stream: IO[bytes] | bytes, source: str, limits: Limits = Limits()) -> Feed:
    """Parse one feed, keeping every readable item and recording a Problem for each repaired or
    skipped one (one per item, naming the feed, the item's position, title and line).

    Args:
        stream: the feed's bytes, or a binary file object (read incrementally).
        source: the path or URL it came from; named in messages and used as the base URL.
        limits: size and count limits (see :class:`Limits`).
    Returns:
        The Feed, items in document order.
    Raises:
        FeedError: the bytes are not a well-formed feed, hold no usable item, declare
            entities, or exceed the limits; the message says which.
    """
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(stream)
    raw = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = raw.peek(4096)[:4096]
    utf32 = _utf32(head)
    if utf32:  # libxml2 does not detect UTF-32: decode it here, the parser gets UTF-8
        data = raw.read(limits.max_feed_bytes + 1)
        if len(data) > limits.max_feed_bytes:
            raise FeedError(f"{source}: larger than {limits.max_feed_bytes} bytes (raise --max-feed-bytes)")
        text = data.decode(utf32, errors="replace").lstrip("\ufeff")
        text = re.sub(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", r"\1", text)
        raw = io.BufferedReader(io.BytesIO(text.encode("utf-8")))
        head = raw.peek(4096)[:4096]
    kind = _sniff(head, source)
    if kind == "json":
        from .jsonfeed import parse_json_feed
        return parse_json_feed(raw, source, limits)
    if kind == "html":
        page = raw.read(HEAD_BYTES)
        raise HTMLPageError(source, find_feeds(page, source if _is_web(source) else ""))
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


def _end_line(el: etree._Element) -> int:
    """The line of an element's end tag, counted from its start line and the newlines of its text."""
    n = el.sourceline or 0
    last = n
    for d in el.iter():
        if d.sourceline:
            last = max(last, d.sourceline)
        n += (d.text or "").count("\n") + ((d.tail or "").count("\n") if d is not el else 0)
    return max(n, last)


def _syntax_reason(msg: str) -> str:
    """libxml2's message, made plain where it misleads."""
    m = re.search(r"Entity '([^']+)' not defined", msg)
    if m:
        return f"undefined entity &{m.group(1)};"
    return msg


def _parse(raw: IO[bytes], head: bytes, source: str, limits: Limits) -> Feed:
    ascii_ok = _ascii_compatible(head)
    scan = ByteScan(entities=ascii_ok, controls=not _utf16(head))
    reader = _Reader(raw, limits.max_feed_bytes, scan)
    ctx = etree.iterparse(io.BufferedReader(reader), events=("start", "end"), **SAFE_PARSER)
    doc_base = source if _is_web(source) else ""
    fmt = info = root = None
    root_ns = ""
    items: list[FeedItem] = []
    problems: list[Problem] = []
    # per item: (n, start line, end line, title, notes) -> one Problem each, at the end
    spans: list[tuple[int, int, int, str, list[str]]] = []
    guids: dict[str, tuple[int, str, str, str]] = {}
    n = 0
    try:
        for event, el in ctx:
            if fmt is None:
                if scan.entity_lines and el.getroottree().docinfo.internalDTD is not None:
                    raise _entity_refusal(source, scan.entity_lines)
                fmt = _detect(el, source)
                root, root_ns = el, _split(el.tag)[0]
                _check_dtd(root, source, problems, scan)
                continue
            if event != "end" or not _is_item(el, fmt, root_ns):
                continue
            n += 1
            if n > limits.max_items:
                problems.append(Problem(source, f"more than {limits.max_items} items; read the first "
                                                f"{limits.max_items} (raise --max-items)"))
                break
            if info is None:
                info = _feed_info(root, fmt, source)
            notes: list[str] = []
            start = el.sourceline or 0
            title = ""
            try:
                item = _item(el, fmt, info, n, limits, notes, doc_base or (info.link or info.iri), guids)
                title = item.title
                items.append(item)
            except FeedError as e:
                title = _text(next((c for c in el if _local(c.tag).lower() == "title"), None))
                notes.append(str(e))
            spans.append((n, start, _end_line(el), title, notes))
            el.clear(keep_tail=True)  # stream: drop finished items, keep the channel header
            while (prev := el.getprevious()) is not None and _is_item(prev, fmt, root_ns):
                el.getparent().remove(prev)
    except _TooLarge:
        raise FeedError(f"{source}: larger than {limits.max_feed_bytes} bytes (raise --max-feed-bytes)") from None
    except etree.XMLSyntaxError as e:
        if scan.entity_lines:
            raise _entity_refusal(source, scan.entity_lines) from None
        line = f" line {e.lineno}" if getattr(e, "lineno", None) else ""
        msg = _syntax_reason(squash(e.msg or str(e)))
        if re.search(r"not proper UTF-8|encoding|Invalid bytes in character", msg, re.I):
            raise _Recode(f"not valid in its declared encoding at{line} ({msg})") from None
        if fmt is None and re.search(r"empty|no element found|Start tag expected", msg, re.I):
            raise FeedError(f"{source}:{line and line[6:]} not XML ({msg})") from None
        if fmt is None:
            raise FeedError(f"{source}:{line and line[6:]} not well-formed XML before the first element "
                            f"({msg})") from None
        if not items:
            raise FeedError(f"{source}:{line and line[6:]} not a well-formed feed ({msg})") from None
        problems.append(Problem(source, f"XML error at{line}, kept the {len(items)} items before it ({msg})"))
    if fmt is None:
        raise FeedError(f"{source}: empty input, no XML found")
    _assign_repairs(scan, spans, problems, source)
    info = _feed_info(root, fmt, source)  # the whole channel header has been read by now
    items = [replace(i, feed=info) for i in items]
    problems += [Problem(_where(source, k, line, title), "; ".join(notes)) for k, line, _, title, notes in spans
                 if notes]
    if not items:
        kind = {"atom": "Atom", "atom03": "Atom 0.3", "rss1": "RSS 1.0", "cdf": "CDF"}.get(fmt, "RSS")
        why = "; ".join("; ".join(span[4]) for span in spans[:3])
        raise FeedError(f"{source}: no usable items ({why or f'the {kind} feed has no items'})")
    return Feed(info, items, problems)


def _assign_repairs(scan: ByteScan, spans: list, problems: list[Problem], source: str) -> None:
    """Give each byte-level repair to the item whose lines hold it, else to the feed."""
    per_item: dict[int, list] = {}
    feed_notes = []
    for note in scan.notes:
        k = next((i for i, span in enumerate(spans) if span[1] <= note[0] <= span[2]), None)
        (feed_notes if k is None else per_item.setdefault(k, [])).append(note)
    for k, notes in per_item.items():
        spans[k][4][:0] = describe(notes)
    problems.extend(Problem(source, d) for d in describe(feed_notes))
