"""Links whose URL shape (the URL rules) identifies a person, organisation or project."""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Block, FeedItem, Link, Mention, Relation
from ..names import (HANDLE, acronym_of, is_person_name, looks_like_name, org_or_project,
                     split_defined, window_matching)
from ..rules import Rule
from ..rules import match_url
from ..text import clean_name, name_key, quote_at

DESCRIPTION = "links matched by URL rules (author pages, GitHub, LinkedIn, ORCID, ...) -> entities"
NAME = "links"
#: words that make "X <words>" a part of X rather than X itself ("Jupyter Executive Council")
UNIT_WORDS = re.compile(r"\b(?:Council|Committee|Board|Working Group|Group|Team|Steering|Office|Division|"
                        r"Department|Lab|Program|Programme|Community|Blog|Conference|Summit|Meeting)\b", re.I)
PROPER = re.compile(r"[A-Z0-9]|\w[-_.]\w")


def names_id(text: str, ident: str) -> bool:
    """Does the link text name the thing the URL id names? (same words, an acronym of them,
    a person's handle, or the id plus words that are not a sub-unit)"""
    k, kid = name_key(text), name_key(ident)
    if not k or not kid:
        return False
    if k == kid or acronym_of(ident, text) or acronym_of(text, ident.replace("-", " ")):
        return True
    if text.startswith("@") or is_person_name(text):
        return True  # people's handles rarely spell their names
    if (k.startswith(kid) or k.endswith(kid)) and len(kid) >= 3:
        rest = text.lower().replace(ident.lower().replace("-", " "), " ")
        return not UNIT_WORDS.search(rest)
    return False


def _name(rule: Rule, m: re.Match, text: str) -> tuple[str, tuple[str, ...]] | None:
    """(surface form, aliases) when the post names the linked thing, else None."""
    ident = m.group("id")
    text = clean_name(text)
    name, aliases = split_defined(text)
    deep = bool(m.groupdict().get("deep"))
    if looks_like_name(name) and not deep:
        if rule.name_from == "text" and (names_id(name, ident) or any(names_id(a, ident) for a in aliases)):
            return name, aliases
        if name_key(name) != name_key(ident):
            return None  # the text names something else ("Jupyter Executive Council" -> /jupyter/)
    found = window_matching(text, name_key(ident))
    if found and PROPER.search(found):
        return found, ()
    return None


def _kind(rule_kind: str, name: str) -> str:
    """The rule's kind, refined by the name: an Agent with a person's name or handle is a Person;
    an organisation cue in a project's name ("... Working Group") makes it an Organization."""
    if rule_kind == "Agent":
        return "Person" if is_person_name(name) or HANDLE.match(name) else "Agent"
    if rule_kind in ("Project", "Organization"):
        return org_or_project(name) or rule_kind
    return rule_kind


def link_mentions(item: FeedItem, block: Block, link: Link, context) -> Iterator[Mention | Relation]:
    """Mentions (and a maintainer relation) made by one link, if a rule knows its shape."""
    hit = match_url(context.rules, link.href)
    if hit is None:
        return
    rule, m = hit
    named = _name(rule, m, block.text[link.start:link.end])
    if named is None:
        return  # linked but not named: "this post", "the PR"
    name, aliases = named
    quote = quote_at(block.text, link.start, link.end)
    extractor = f"{NAME}:{rule.name}"
    mention = Mention(name, _kind(rule.kind, name), item.link, quote, extractor,
                      (rule.expand(rule.canonical, m),), aliases=aliases)
    yield mention
    if rule.maintainer:
        owner_url = rule.expand(rule.maintainer, m)
        owner = Mention(owner_url.rstrip("/").rsplit("/", 1)[-1], "Agent", item.link, quote, extractor,
                        (owner_url,), implicit=True)
        yield owner
        yield Relation(mention, "maintainer", owner, item.link, quote, extractor)


def extract(item: FeedItem, context) -> Iterator[Mention | Relation]:
    for block in item.blocks:
        for link in block.links:
            if link.href.startswith(item.link) and link.href[len(item.link):][:1] in ("", "#"):
                continue  # a link to the post itself
            yield from link_mentions(item, block, link, context)
