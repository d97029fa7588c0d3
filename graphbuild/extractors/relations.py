"""Relations a sentence states between two named things: membership ("joins the X team", "elected
to the X", "includes members of A, B and C"), funding ("funded by X", "received funding from X",
"X is financially supporting Y"), being housed at or part of ("housed at X", "X at the University
of Y"). "We" and "our" stand for the feed's publisher. Both ends are resolved with the run's other
mentions; a relation whose ends name nothing known is dropped."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import ORG_CUE_WORDS, is_person_name, proper_phrases
from ..text import quote_at, sentence_spans
from .publisher import publisher_name

DESCRIPTION = "membership, funding and part-of relations stated by a sentence -> relations"
NAME = "relations"
#: (cue, predicate, direction): "forward" = thing before the cue -predicate-> thing after it
CUES = [
    (r"(?:has been invited to join|(?:has |have |will )?join(?:s|ed|ing)?(?: as)?|elected to|serv(?:es|ing) on|"
     r"(?:is |are |was )?(?:a |an )?members? of|part of)", "memberOf", "forward"),
    (r"(?:(?:is |are |was |were )?(?:generously )?(?:funded|supported|sponsored) by|(?:received|receives|receiving) "
     r"(?:\$[\d.,]++\s*\w*|funding|a grant|support|grants?) from|(?:a )?grant from|funding from)", "funder", "forward"),
    (r"(?:is |are )?(?:financially )?(?:supporting|funding|sponsoring)", "funder", "backward"),
    (r"(?:is |are )?(?:housed|based|hosted|incubated) (?:at|by|in)", "affiliation", "forward"),
    (r"(?:ran|runs|organi[sz]ed|organi[sz]es|hosted|hosts|led|leads|convened|convenes)(?: a| an)?", "organizer", "backward"),
]
ORG_CUE_RX = re.compile(ORG_CUE_WORDS)
CUE_RX = [(re.compile(rf"\b{c}\b\s+(?:the\s+)?", re.I), p, d) for c, p, d in CUES]
MEMBERS_OF = re.compile(r"\b(?:includes?|including|with) members of\s+", re.I)
WE = re.compile(r"\b(?:we|our|us)\b", re.I)
ORG_AT = re.compile(r"^\s*(?:\([^()]{1,15}\)\s*)?at\s+the\s+$")
#: lower-case names worth relating: "mybinder.org", "nb-cli"
CODE_NAMES = re.compile(r"(?<![\w@/.-])[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+(?![\w-]|\.\w)")


def _mention(item, text, s, e, name, kind="Organization", weak=True) -> Mention:
    return Mention(name, kind, item.link, quote_at(text, s, e), NAME, weak=weak)


def _block_phrases(text: str) -> list[tuple[int, int, str]]:
    found = list(proper_phrases(text)) + [(m.start(), m.end(), m.group(0)) for m in CODE_NAMES.finditer(text)]
    return sorted(found)


#: any cue at all: sentences without one are skipped cheaply
ANY_CUE = re.compile(r"\b(?:join|elected|serv|member|part of|fund|support|sponsor|grant|housed|based|hosted|"
                     r"incubated|ran|runs|organi|led|leads|conven|at the)", re.I)


def _end(item, text, s, e, p) -> Mention:
    return _mention(item, text, s, e, p, "Person" if is_person_name(p) else "Organization")


def _last_ending_by(phrases: list, starts: list[int], cs: int) -> tuple[int, int, str] | None:
    """The last phrase (in start order) that ends by ``cs``: only phrases starting by ``cs`` can,
    and of those only the few that straddle ``cs`` are skipped."""
    for k in range(bisect_right(starts, cs) - 1, -1, -1):
        if phrases[k][1] <= cs:
            return phrases[k]
    return None


def sentence_relations(item: FeedItem, text: str, ss: int, se: int, publisher: str | None,
                       block_phrases: list, block_starts: list[int] | None = None) -> Iterator[Mention | Relation]:
    sent = text[ss:se]
    if not ANY_CUE.search(sent):
        return
    # the block's phrases are sorted by start: find this sentence's by binary search, not a scan
    starts = block_starts if block_starts is not None else [x[0] for x in block_phrases]
    phrases = [x for x in block_phrases[bisect_left(starts, ss):bisect_right(starts, se)] if x[1] <= se]
    starts = [x[0] for x in phrases]
    q = quote_at(text, ss, se)
    m = MEMBERS_OF.search(sent)
    if m:
        group = [x for x in phrases if x[1] <= ss + m.start()]
        members = [x for x in phrases if x[0] >= ss + m.end()]
        if group and members:
            g = _end(item, text, *group[-1])
            for s, e, p in members:
                mem = _mention(item, text, s, e, p, weak=False)  # "members of A, B and C" names organisations
                yield mem
                yield Relation(mem, "memberOf", g, item.link, q, NAME)
            return
    for rx, pred, direction in CUE_RX:
        for cm in rx.finditer(sent):
            cs, ce = ss + cm.start(), ss + cm.end()
            last = _last_ending_by(phrases, starts, cs)
            j = bisect_left(starts, ce)  # the first phrase at or after the cue's end
            if j == len(phrases) or starts[j] - ce > 3:
                continue
            obj = _end(item, text, *phrases[j])
            if last and cs - last[1] <= 60 and not WE.search(text[last[1]:cs]):
                subj = _end(item, text, *last)
            elif publisher and WE.search(text[max(ss, cs - 25):cs]):
                subj = _mention(item, text, cs, ce, publisher)
            else:
                continue
            if direction == "backward":
                subj, obj = obj, subj
            if subj.name == obj.name:
                continue
            yield subj
            yield obj
            yield Relation(subj, pred, obj, item.link, q, NAME)
    for prev, (s, e, p) in zip(phrases, phrases[1:]):  # "the X Institute (XI) at the University of Y"
        if ORG_AT.search(text[prev[1]:s]) and ORG_CUE_RX.search(prev[2]) and ORG_CUE_RX.search(p):
            child, parent = _end(item, text, *prev), _end(item, text, s, e, p)
            yield child
            yield parent
            yield Relation(child, "parentOrganization", parent, item.link, q, NAME)


def block_relations(item: FeedItem, block: Block, publisher: str | None) -> Iterator[Mention | Relation]:
    text = block.text
    phrases = _block_phrases(text)
    starts = [x[0] for x in phrases]
    for ss, se in sentence_spans(text):
        yield from sentence_relations(item, text, ss, se, publisher, phrases, starts)


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    publisher = publisher_name(item.feed.title, item.feed.link or item.feed.iri)
    for block in item.blocks:
        yield from block_relations(item, block, publisher)
