"""People named in running text, where blogs name people: acknowledgements ("Thanks to A, B and C"),
"Name (Org)", "Name of/from Org", talk listings ("Title - Name and Name"), role titles ("BIDS
Executive Director Imelda Sorensen", "our People Operations Lead, April Tennant"), "our own Name".
Each affiliation the pattern states becomes a relation with its sentence."""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import alternation, is_person_name, proper_phrases
from ..text import quote_at, sentence_span
from .publisher import publisher_name

DESCRIPTION = "people from acknowledgements, 'Name (Org)', 'Name of Org', talk listings, role titles"
NAME = "people"
#: a sentence that thanks people (words.toml: ack_words, and ack_stems followed by any word ending)
ACK = re.compile(rf"\b(?:{alternation('ack_words')}|(?:{alternation('ack_stems')})\w*)\b", re.I)
#: a capitalised role title before or after a name (words.toml: role_titles), singular or plural
ROLE = re.compile(rf"\b(?:{alternation('role_titles')})s?\b")
#: role titles ending a name: "Example Concepts CEO", "Example Labs Lead Engineer"
ROLE_TAIL = re.compile(rf"(?:\s+(?:{alternation('role_titles')})s?)+$")
LISTING = re.compile(r"\s[-–—]\s$")
# matched at a position of the block (``rx.match(text, pos)``), never on a slice ``text[pos:]``:
# slicing the rest of the block for every name made long blocks quadratic
ORG_PAREN = re.compile(r"\s*\(([^()]{2,60})\)")
ORG_PREP = re.compile(r"(?:\s+et al\.?)?\s+(?:of|from|at)\s+(?:the\s+)?")
ACK_FOR = re.compile(r"\s+for\s+(?:being|providing|leading|organi[sz]ing|hosting|supporting|their|his|her|the|a|an)\b")
ROLE_NEXT = re.compile(r"\s*(?:&|and)\s*")
LIST_SEP = re.compile(r",?\s+(?:and|&)\s+|,\s+")
HANDLE_PAREN = re.compile(r"\s*\((@[A-Za-z0-9_][A-Za-z0-9_.-]{0,38})\)")
APPOSITION = re.compile(r"\s*,\s+(?:our|the|a|an)\s+[a-z]")


def _org_after(text: str, end: int) -> tuple[str, int, int] | None:
    """The proper name in "Name (Org)" or "Name of/from Org" right after ``end``."""
    m = ORG_PAREN.match(text, end)
    if m:
        # "(Example Labs; Widgetry, Gadgetry)": a list of affiliations names its first one here
        inner = re.split(r"\s*[;,]\s*", m.group(1).strip())[0].strip()
        title = ROLE_TAIL.search(inner)
        if title and title.start() > 0:
            inner = inner[:title.start()]  # "(Example Concepts CEO)": the role held there is no part of its name
        start = m.start(1) + m.group(1).index(inner) if inner else 0
        return (inner, start, start + len(inner)) if inner[:1].isupper() and not is_person_name(inner) else None
    m = ORG_PREP.match(text, end)
    if not m:
        return None
    for s, e, phrase in proper_phrases(text[m.end():m.end() + 80]):
        if s == 0 and not is_person_name(phrase):
            return phrase, m.end(), m.end() + e
        break
    return None


def _split_role(phrase: str) -> tuple[str, str, str] | None:
    """"KDA Executive Director Imelda Sorensen" -> ("KDA", "Executive Director", "Imelda Sorensen");
    "Quentin Alder Program Officers" -> ("", "Program Officers", "Quentin Alder")."""
    roles = list(ROLE.finditer(phrase))
    if not roles:
        return None
    last = roles[-1]
    after, before = phrase[last.end():].strip(" ,"), phrase[:last.start()].strip(" ,")
    if after and is_person_name(after):
        words = before.split()
        # role titles are capitalised words before the role noun: "Executive", "People Operations"
        org = words[0] if words and (words[0].isupper() or re.search(r"\d|[a-z][A-Z]", words[0])) else ""
        return org, before[len(org):].strip(), after
    if not after and before and is_person_name(" ".join(before.split()[:2])):
        return "", "", " ".join(before.split()[:2])
    return None


PROFILE = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|x\.com|twitter\.com|bsky\.app/profile)/@?[\w.-]+/?$"
                     r"|^https?://[^/]+/@[\w.-]+/?$", re.I)


def _profile_link(block: Block, start: int, end: int) -> bool:
    """Is ``block.text[start:end]`` one word linked to a person's profile page (GitHub, X, Mastodon)?"""
    return " " not in block.text[start:end].strip() and any(
        lk.start <= start and end <= lk.end and PROFILE.match(lk.href) for lk in block.links)


def _person(item, text, s, e, name, how, weak=False) -> Mention:
    return Mention(name, "Person", item.link, quote_at(text, s, e), f"{NAME}:{how}", weak=weak)


#: what follows a name that makes it software rather than a body: "the TIDE-Kelp hub"
SOFTWARE_AFTER = re.compile(rf"^\s+(?:\d{{1,2}}\s+)?(?:{alternation('software_after')})\b", re.I)  # words.toml: software_after


def _org(item, text, s, e, name, how, weak=True) -> Mention:
    kind = "Project" if SOFTWARE_AFTER.match(text[e:e + 20]) else "Organization"
    return Mention(name, kind, item.link, quote_at(text, s, e), f"{NAME}:{how}", weak=weak)


#: "Imelda Sorensen of KDA QWL"; the name ends where a white-space run starts (or is the first
#: character), so the run is not tried again from each of its characters
GLUED = re.compile(r"^(.+?)(?:(?<!\s)|(?<=^\s))\s+(?:of|at)\s+(?:the\s+)?(.+)$")


def _listed_after(text: str, last_end: int, s: int) -> bool:
    """Is ``text[last_end:s]`` a list separator (", ", " and ")? Matched in place: a slice from a
    name far back would copy the block between them for every name."""
    if last_end < 0 or last_end > s:  # no person yet: ``text[-10:s]``, as the slice always read it
        return bool(LIST_SEP.fullmatch(text[last_end:s]))
    return bool(LIST_SEP.fullmatch(text, last_end, s))


def block_mentions(item: FeedItem, block: Block, publisher: str | None = None) -> Iterator[Mention | Relation]:
    text = block.text
    last_end = -10  # end of the last person taken from a listing or acknowledgement
    phrases = proper_phrases(text)
    ack: dict[tuple[int, int], bool] = {}  # sentence span -> does it thank or acknowledge?
    for i, (s, e, phrase) in enumerate(phrases):
        role = _split_role(phrase)
        if role:
            org, _title, person = role
            # "Ada Lovelace Program Officers": a name before a role noun is also how titles read
            # ("Example Life Science Fellow"); "Ada Lovelace, CTO" and "A & B Program Officers" are firm
            rest = phrase[len(person):]
            weak = phrase.startswith(person) and not rest.startswith(",") and not re.search(r"s$", rest.strip())
            p = _person(item, text, s, e, person, "role", weak=weak)
            yield p
            if org:
                o = _org(item, text, s, s + len(org), org, "role")
                yield o
                yield Relation(p, "worksFor", o, item.link, p.quote, f"{NAME}:role")
            continue
        glued = GLUED.match(phrase)
        if glued and is_person_name(glued.group(1)) and not is_person_name(glued.group(2)):
            # "Imelda Sorensen of KDA QWL" reads as one capitalised run
            pe = s + len(glued.group(1))
            os_ = s + phrase.index(glued.group(2))
            p = _person(item, text, s, pe, glued.group(1), "affiliation")
            o = _org(item, text, os_, e, glued.group(2), "affiliation", weak=False)
            yield p
            yield o
            yield Relation(p, "affiliation", o, item.link, p.quote, f"{NAME}:affiliation")
            continue
        if not is_person_name(phrase):
            continue
        handle = HANDLE_PAREN.match(text, e)
        if handle and len(phrase.split()) >= 2:
            # "Ada Lovelace (@adalove)": a person signing with her handle (an embedded post, a byline)
            yield Mention(phrase, "Person", item.link, quote_at(text, s, handle.end()), f"{NAME}:handle",
                          aliases=(handle.group(1),))
            continue
        org = _org_after(text, e)
        if org and _profile_link(block, org[1], org[2]):
            # "Ada Lovelace (adalove)" with the handle linked to a profile page: her handle, not an employer
            yield Mention(phrase, "Person", item.link, quote_at(text, s, e), f"{NAME}:handle", aliases=(org[0],))
            continue
        if org:
            p = _person(item, text, s, e, phrase, "affiliation")
            # "Quentin Alder (Saltreed)": the pattern names an organisation for sure
            o = _org(item, text, org[1], org[2], org[0], "affiliation", weak=False)
            yield p
            yield o
            yield Relation(p, "affiliation", o, item.link, p.quote, f"{NAME}:affiliation")
            continue
        if block.tag == "li" and s == 0 and ACK_FOR.match(text, e):
            # an acknowledgements list: "Tessaly Marsh for being the community champion"
            yield _person(item, text, s, e, phrase, "acknowledgement")
            last_end = e
            continue
        nxt = phrases[i + 1] if i + 1 < len(phrases) else None
        if nxt and ROLE_NEXT.fullmatch(text, e, nxt[0]) and _split_role(nxt[2]):
            # "Rosa Lind & Quentin Alder Program Officers"
            yield _person(item, text, s, e, phrase, "role")
            continue
        ss, se = sentence_span(text, s, e)
        if (ss, se) not in ack:  # one search per sentence, not one per name in it
            ack[ss, se] = bool(ACK.search(text[ss:se]))
        before = text[max(ss, s - 40):s]
        if publisher and re.search(r"\bour own\s+$|\bour (?:[A-Z][\w-]* ){1,4}(?:[A-Z][\w-]*),\s+$", before):
            # "our own Tessaly Marsh", "our People Operations Lead, April Tennant": the publisher's people
            p = _person(item, text, s, e, phrase, "our")
            o = _org(item, text, s, e, publisher, "our")
            yield p
            yield o
            yield Relation(p, "worksFor", o, item.link, p.quote, f"{NAME}:our")
            continue
        if block.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            continue  # a heading is a title, not a sentence that thanks or lists people
        if ack[ss, se] or LISTING.search(text[max(0, s - 3):s]) or re.search(r"\bour own\s+$|\bby\s+$", before) \
                or _listed_after(text, last_end, s) or APPOSITION.match(text, e):
            yield _person(item, text, s, e, phrase, "context")
            last_end = e


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    publisher = publisher_name(item.feed.title, item.feed.link or item.feed.iri)
    for block in item.blocks:
        yield from block_mentions(item, block, publisher)
