"""The organisation that publishes the feed, where a post writes its name.

The name comes from the feed's title ("Community | 4kda", "Example Lab blog"): the part of it that
also appears in the site's address, else the title without words like "blog" or "news".
"""
from __future__ import annotations

import re
from typing import Iterator

from ..models import FeedItem, Mention
from ..text import name_key, quote_at
from ..urls import host, split

DESCRIPTION = "the feed's publisher (from the feed title and address) where a post names it -> Organization"
NAME = "publisher"
_SEP = re.compile(r"(?<!\s)(?:\s+[|·•—–:-]\s+|\s+::\s+)")  # a white-space run is tried from its start only
_GENERIC = re.compile(r"\b(?:blog|news|feed|posts?|articles?|updates?|weblog|rss|atom|community|home)\b", re.I)


def publisher_name(title: str, link: str | None) -> str | None:
    """The publisher's name from a feed title, or None when the title gives none."""
    parts = [p.strip() for p in _SEP.split(title or "") if p.strip()]
    site = name_key(host(link or ""))
    cleaned = [re.sub(r"^(?:the|The)\s+", "", re.sub(r"\s+", " ", _GENERIC.sub(" ", p)).strip(" -|")) for p in parts]
    for c in sorted(cleaned, key=len):
        if len(name_key(c)) >= 2 and name_key(c) in site:
            return c
    if len(parts) == 1 and cleaned[0] and cleaned[0] != parts[0] and len(cleaned[0].split()) <= 4:
        return cleaned[0]
    return None


def site_root(link: str | None) -> str | None:
    h = split(link or "")
    return f"{h.scheme}://{h.netloc}/" if h and h.scheme in ("http", "https") and h.netloc else None


def extract(item: FeedItem, context=None) -> Iterator[Mention]:
    name = publisher_name(item.feed.title, item.feed.link or item.feed.iri)
    if not name:
        return
    rx = re.compile(rf"(?<![\w@/.-]){re.escape(name)}(?![\w-]|\.\w)")
    root = site_root(item.feed.link or item.link)
    urls = (root,) if root else ()
    for block in (*item.blocks,):
        m = rx.search(block.text)
        if m:
            yield Mention(name, "Organization", item.link, quote_at(block.text, m.start(), m.end()), NAME, urls)
            return
    m = rx.search(item.title)
    if m:
        yield Mention(name, "Organization", item.link, quote_at(item.title, m.start(), m.end()), NAME, urls)
