"""Feed-level authors (RSS ``author``/``dc:creator``, Atom ``author``) -> people who wrote the post."""
from __future__ import annotations

from typing import Iterator

from ..models import FeedItem, Mention, Quote

DESCRIPTION = "feed author fields (author, dc:creator, atom:author) -> Person, schema:author"
NAME = "authors"


def extract(item: FeedItem, context: object = None) -> Iterator[Mention]:
    for a in item.authors:
        if not a.name.strip():
            continue
        urls = (a.url,) if a.url and a.url.startswith(("http://", "https://")) else ()
        yield Mention(a.name.strip(), "Person", item.link, Quote(a.name.strip(), "author: "), NAME, urls, role="author")
