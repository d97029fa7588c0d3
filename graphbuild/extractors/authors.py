"""Feed-level authors (RSS ``author``/``dc:creator``, Atom ``author``) -> who wrote the post.

A byline is usually a person; "The Jupyter Team", "2i2c" or "NASA" are organisations.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..models import FeedItem, Mention, Quote
from ..names import ORG_CUES, is_acronym, is_person_name

DESCRIPTION = "feed author fields (author, dc:creator, atom:author) -> Person (or Organization), schema:author"
NAME = "authors"


def author_kind(name: str) -> str:
    if is_person_name(name):
        return "Person"
    if ORG_CUES.search(name) or is_acronym(name) or re.search(r"\d", name) or name.lower().startswith("the "):
        return "Organization"
    return "Person"


def extract(item: FeedItem, context: object = None) -> Iterator[Mention]:
    for a in item.authors:
        name = a.name.strip()
        if not name:
            continue
        urls = (a.url,) if a.url and a.url.startswith(("http://", "https://")) else ()
        yield Mention(name, author_kind(name), item.link, Quote(name, "author: "), NAME, urls, role="author")
