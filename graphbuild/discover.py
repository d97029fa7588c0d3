"""Feed autodiscovery: the feeds an HTML page names in ``<link rel="alternate" type="...">``.

A blog's pages name their feeds in the head: ``<link rel="alternate" type="application/rss+xml"
href="/feed.xml" title="...">`` (also ``application/atom+xml`` and JSON Feed's
``application/feed+json``). graphbuild never follows one silently: given a page, the build stops
with the list (:class:`HTMLPageError`); with ``--discover`` a URL's page is replaced by its first
feed on the same site, and the build says so on stderr.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from .errors import FeedError
from .html import resolve_href, safe_iri, strip_controls
from .text import squash

#: feed MIME types -> the name shown to users
FEED_TYPES = {"application/rss+xml": "RSS", "application/atom+xml": "Atom", "application/feed+json": "JSON Feed"}
#: only the start of a page is read for its links (they belong in <head>)
HEAD_BYTES = 1024 * 1024
#: a page's first element (after the XML declaration, comments and a doctype) is one of HTML's: a
#: doctype alone does not decide (feeds have been seen with XHTML's)
# possessive: each comment ends at its own first "-->", and nothing is retried (linear time)
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s++|<!--(?:[^-]++|-(?!->))*+-->|<\?xml[^>]*+>|<!doctype[^>\[]*+>)*+"
                         rb"<(?:html|head|body|meta|title|link|script|style)[\s>/]", re.I | re.S)
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)


@dataclass(frozen=True)
class FoundFeed:
    url: str
    type: str
    title: str = ""

    @property
    def kind(self) -> str:
        return FEED_TYPES.get(self.type, self.type)

    def __str__(self) -> str:
        return f"{self.url} ({self.kind}" + (f", {self.title[:60]!r})" if self.title else ")")


def looks_like_html(head: bytes) -> bool:
    """Whether a document starts like an HTML page (its first element is <html>, <head>, <meta> ...)."""
    return bool(_HTML_START.match(head[:8192]))


def find_feeds(page: bytes, base: str = "") -> list[FoundFeed]:
    """The feeds a page links to, in page order, each URL once; relative hrefs resolved against the
    page's ``<base href>`` and ``base`` (the page's URL), kept as written when neither is known."""
    try:
        doc = etree.fromstring(page[:HEAD_BYTES], _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    if doc is None:
        return []
    b = doc.find(".//base[@href]")
    if b is not None:
        base = resolve_href(base, b.get("href")) or base if base else b.get("href").strip()
    out: dict[str, FoundFeed] = {}
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        typ = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or typ not in FEED_TYPES or not href:
            continue
        url = (resolve_href(base, href) if base else href) or href
        url = safe_iri(strip_controls(url))
        out.setdefault(url, FoundFeed(url, typ, squash(strip_controls(link.get("title") or ""))))
    return list(out.values())


def _site(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def same_site(page: str, feed: str) -> bool:
    """Whether ``feed`` is an http(s) URL on the page's host (``www.`` or not)."""
    return urlsplit(feed).scheme in ("http", "https") and bool(_site(page)) and _site(page) == _site(feed)


def choose(page: str, feeds: list[FoundFeed]) -> FoundFeed | None:
    """The feed to use: the first on the page's own site that is not a comments feed, else the
    first on the site; None when none is on the site."""
    mine = [f for f in feeds if same_site(page, f.url)]
    plain = [f for f in mine if not re.search(r"comment", f.title + f.url, re.I)]
    return (plain or mine or [None])[0]


class HTMLPageError(FeedError):
    """An HTML page was given where a feed was expected; ``feeds`` holds the feeds it links to."""

    def __init__(self, source: str, feeds: list[FoundFeed]) -> None:
        self.source, self.feeds = source, feeds
        super().__init__(page_message(source, feeds))


def page_message(source: str, feeds: list[FoundFeed]) -> str:
    if not feeds:
        return (f"{source}: an HTML page, not a feed, and it links to no feed (no <link rel=\"alternate\" "
                "type=\"application/rss+xml|atom+xml|feed+json\"> in it); give the feed's own address")
    is_url = urlsplit(source).scheme in ("http", "https")
    pick = choose(source, feeds) if is_url else None
    pick = pick or feeds[0]
    listed = "; ".join(str(f) for f in feeds[:10]) + (f"; and {len(feeds) - 10} more" if len(feeds) > 10 else "")
    hint = f"use: graphbuild build {pick.url}"
    if is_url and same_site(source, pick.url):
        hint += " (or add --discover to follow it)"
    elif not re.match(r"(?i)https?://", pick.url):
        hint = f"use its feed {pick.url}, relative to the page's own address"
    return f"{source}: an HTML page, not a feed; it links to {len(feeds)} feed{'s' * (len(feeds) != 1)}: {listed}; {hint}"
