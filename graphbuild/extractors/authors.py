"""Feed-level authors (RSS ``author``/``dc:creator``, Atom ``author``) -> who wrote the post.

A byline is usually a person; "The Kelpie Team", "4kda" or "KDA" are organisations.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..models import FeedItem, Mention, Quote
from ..names import ORG_CUES, WORDS, is_acronym, is_person_name

DESCRIPTION = "feed author fields (author, dc:creator, atom:author) -> Person (or Organization), schema:author"
NAME = "authors"


def author_kind(name: str) -> str:
    """Person or Organization, by the byline's shape: "Example Developers", "The X Team", "ACME",
    "exampleOrg" (one word with inner capitals) and "@example" (a handle standing for its owner) are
    organisations."""
    words = name.split()
    if words and words[-1].lower() in WORDS["collective_bylines"]:
        return "Organization"
    if is_person_name(name):
        return "Person"
    if ORG_CUES.search(name) or is_acronym(name) or re.search(r"\d", name) or name.lower().startswith("the "):
        return "Organization"
    if len(words) == 1 and (name.startswith("@") or re.search(r"[a-z][A-Z]", name)):
        return "Organization"
    return "Person"


_SEP = re.compile(r"\s*(?:;|,|&|\band\b)\s*")


def split_byline(name: str) -> list[str]:
    """"Ada Lovelace, Grace Hopper and Alan Turing" -> three names; a byline that does not read as a
    list of people's names ("Lovelace, Ada"; "Example Lab, University of X") stays whole."""
    parts = [p.strip() for p in _SEP.split(name) if p.strip()]
    if len(parts) >= 2 and all(is_person_name(p) for p in parts) and all(len(p.split()) >= 2 for p in parts):
        return parts
    return [name]


def extract(item: FeedItem, context: object = None) -> Iterator[Mention]:
    for a in item.authors:
        names = split_byline(a.name.strip()) if a.name.strip() else []
        for name in names:
            # a URL identifies the byline's one author, not each of several
            urls = (a.url,) if a.url and a.url.startswith(("http://", "https://")) and len(names) == 1 else ()
            yield Mention(name, author_kind(name), item.link, Quote(name, "author: "), NAME, urls, role="author")
