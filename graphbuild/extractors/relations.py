"""Relations a sentence states between two named things: membership ("joins the X team", "elected
to the X", "includes members of A, B and C"), funding ("funded by X", "received funding from X",
"X is financially supporting Y"), being housed at or part of ("housed at X", "X at the University
of Y"). "We" and "our" stand for the feed's publisher. Both ends are resolved with the run's other
mentions; a relation whose ends name nothing known is dropped."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import islice
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import ORG_CUE_WORDS, alternation, is_person_name, proper_phrases
from ..text import quote_at, sentence_spans
from .publisher import publisher_name

DESCRIPTION = "membership, funding and part-of relations stated by a sentence -> relations"
NAME = "relations"
#: (cue, predicate, direction): "forward" = thing before the cue -predicate-> thing after it
CUES = [
    (r"(?:has been invited to join|(?:has |have |will )?join(?:s|ed|ing)?(?: as)?|elected to|serv(?:e|es|ed|ing) on|"
     r"(?:is |are |was )?(?:a |an )?members? of|part of)", "memberOf", "forward"),
    (r"(?:(?:is |are |was |were )?(?:now )?(?:a )?fiscally sponsored (?:project|program|programme|organi[sz]ation) of|"
     r"fiscal (?:host|sponsor),?|(?:is |are |was |were )?(?:generously )?sponsored by)", "sponsor", "forward"),
    (r"(?:(?:is |are |was |were )?(?:generously )?(?:funded|supported) by|(?:received|receives|receiving) "
     r"(?:\$[\d.,]++\s*\w*|funding|a grant|support|grants?) from|(?:a )?grant from|funding from|(?:a )?grant (?:by|of))", "funder", "forward"),
    (r"(?:is |are |was |were )?(?:operated|maintained|run|published|developed) by", "maintainer", "forward"),
    (r"(?:is |are )?(?:financially )?(?:supporting|funding|sponsoring)", "funder", "backward"),
    (r"(?:is |are )?(?:housed|based|hosted|incubated) (?:at|by|in)", "affiliation", "forward"),
    (r"(?:ran|runs|organi[sz]ed|organi[sz]es|hosted|hosts|led|leads|convened|convenes)(?: a| an)?", "organizer", "backward"),
]
ORG_CUE_RX = re.compile(ORG_CUE_WORDS)
CUE_RX = [(re.compile(rf"\b{c}(?:\b|(?<=,))\s+(?:the\s+)?", re.I), p, d) for c, p, d in CUES]  # "fiscal host, X"
MEMBERS_OF = re.compile(r"\b(?:includes?|including|with) members of\s+", re.I)
WE = re.compile(r"\b(?:we|our|us)\b", re.I)
ORG_AT = re.compile(r"^\s*(?:\([^()]{1,15}\)\s*)?at\s+the\s+$")
#: lower-case names worth relating: "tidebinder.org", "kp-cli"
CODE_NAMES = re.compile(r"(?<![\w@/.-])[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+(?![\w-]|\.\w)")
#: camel-case names that start lower-case: "fooBar", "pyThing"
CAMEL_NAMES = re.compile(r"(?<![\w@/.-])[a-z]+[A-Z][A-Za-z0-9]*(?![\w-]|\.\w)")


def _mention(item, text, s, e, name, kind="Organization", weak=True) -> Mention:
    return Mention(name, kind, item.link, quote_at(text, s, e), NAME, weak=weak)


def _block_phrases(text: str) -> list[tuple[int, int, str]]:
    found = list(proper_phrases(text)) + [(m.start(), m.end(), m.group(0)) for rx in (CODE_NAMES, CAMEL_NAMES)
                                          for m in rx.finditer(text)]
    return sorted(found)


#: any cue at all: sentences without one are skipped cheaply
ANY_CUE = re.compile(r"\b(?:join|elected|serv|member|part of|fund|support|sponsor|grant|housed|based|hosted|fiscal|"
                     r"operated|maintained|run|published|developed|"
                     r"incubated|ran|runs|organi|led|leads|conven|at the)", re.I)


#: at most this many things listed after one cue
_LISTED_MAX = 12


def _adjective(text: str, x: tuple[int, int, str]) -> bool:
    """A hyphenated lower-case word before a lower-case one: "a two-year grant", "mission-driven startups"."""
    return bool(re.fullmatch(r"[a-z]+-[a-z]+", x[2]) and re.match(r"\s+[a-z]", text[x[1]:x[1] + 2]))


def _listed(text: str, after: list) -> list:
    """The first phrase after a cue and those listed with it: "by A, B and the C"."""
    out = [after[0]]
    for nxt in after[1:]:
        if not re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+&)\s+(?:the\s+)?", text[out[-1][1]:nxt[0]]) or len(out) >= _LISTED_MAX:
            break
        out.append(nxt)
    return out


def _end(item, text, s, e, p) -> Mention:
    return _mention(item, text, s, e, p, "Person" if is_person_name(p) else "Organization")


PRONOUN = re.compile(r"\b(?:[Ss]he|[Hh]e|[Tt]hey)\b")
#: "the X leadership team": a named unit of X, not X itself ("the X team" is X)
UNIT_TAIL = re.compile(rf"\s+(?:{alternation('unit_tail_modifiers')})\s+"
                       rf"(?:{alternation('unit_tail_nouns')})\b")  # words.toml: unit_tail_modifiers, unit_tail_nouns


def sentence_relations(item: FeedItem, text: str, ss: int, se: int, publisher: str | None,
                       block_phrases: list, block_starts: list[int],
                       subject: str | None = None) -> Iterator[Mention | Relation]:
    """The relations a sentence with a cue word (:data:`ANY_CUE`, tested by the caller) states."""
    sent = text[ss:se]
    # the block's phrases are sorted by start (``block_starts``): this sentence's by binary search
    phrases = [x for x in block_phrases[bisect_left(block_starts, ss):bisect_right(block_starts, se)] if x[1] <= se]
    starts = [x[0] for x in phrases]
    # a cue starts at a word boundary, so a word of these before it is a match in the sentence
    # that ends at or before the cue
    we_ends = [ss + m.end() for m in WE.finditer(sent)]
    pronoun_ends = [ss + m.end() for m in PRONOUN.finditer(sent)]
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
            # "a two-year grant": a hyphenated adjective is no name; only the nearest phrase before the
            # cue and the few after it count, found by binary search (a long sentence with many cues
            # would otherwise cost its length squared)
            before = next((x for x in map(phrases.__getitem__, range(bisect_right(starts, cs) - 1, -1, -1))
                           if x[1] <= cs and not _adjective(text, x)), None)
            # "supporting mission-driven startups": a hyphenated adjective is no name
            after = list(islice((x for x in map(phrases.__getitem__, range(bisect_left(starts, ce), len(phrases)))
                                 if not (direction == "backward" and _adjective(text, x))), _LISTED_MAX + 1))
            if not after or after[0][0] - ce > 3:
                continue
            objs = _listed(text, after) if direction == "forward" else after[:1]
            # "we" or "our" in the sentence before the cue: the last such word's end, if any
            we_end = we_ends[bisect_right(we_ends, cs) - 1] if we_ends and we_ends[0] <= cs else None
            we = WE.search(text[max(ss, cs - 25):cs]) or (we_end is not None and not before) or \
                (before and we_end is not None and we_end > before[1])
            opening = re.search(r"(?:^\s*|\bthat\s+|,\s+)[Ww]ith\s+(?:[\w$.,-]+\s+){0,3}?$", text[max(ss, cs - 60):cs])
            # "a grant from X in support of the Y project": Y is funded
            for_ = re.match(r"\s*(?:\([^()]{1,20}\)\s*)?,?\s+(?:in support of|to support)\s+(?:the\s+)?", text[objs[-1][1]:objs[-1][1] + 40])
            at = for_ and bisect_left(starts, objs[-1][1] + for_.end())
            beneficiary = phrases[at:at + 1] if for_ and at < len(phrases) and phrases[at][0] == objs[-1][1] + for_.end() else []
            pron = before and PRONOUN.search(text[before[1]:cs])
            if pred in ("funder", "sponsor") and beneficiary:
                b = beneficiary[0]
                # "in support of the Foo Bar project": a project, whatever its name looks like
                subj = _mention(item, text, *b, "Project") if re.match(r"\s+(?:project|initiative|programme|program)\b",
                                                                      text[b[1]:b[1] + 12]) else _end(item, text, *b)
            elif pred == "maintainer" and phrases and phrases[0][0] - ss <= 4 and phrases[0][0] < cs and \
                    re.match(r"\s+(?:is|was|are)\b", text[phrases[0][1]:phrases[0][1] + 5]):
                subj = _end(item, text, *phrases[0])  # "Foo is a big computer operated by X"
            elif pron or (not before and pronoun_ends and pronoun_ends[0] <= cs):
                if not subject:
                    continue
                subj = _mention(item, text, cs, ce, subject, "Person")  # "she has been serving on X"
            elif opening and pred in ("funder", "sponsor") and (", " in objs[0][2] or re.match(
                    r",\s+", text[objs[-1][1]:objs[-1][1] + 3])):
                # "With funding from X, Kelpie will ...": the funded thing follows the funder
                first = objs[0]
                if ", " in first[2]:  # "X, Kelpie" read as one name
                    name, rest = first[2].split(", ", 1)
                    objs = [(first[0], first[0] + len(name), name)]
                    later = [(first[1] - len(rest), first[1], rest)]
                else:
                    at = bisect_right(starts, objs[-1][1])
                    later = phrases[at:at + 1]
                    gap = text[objs[-1][1]:later[0][0]] if later else ""
                    if not later or not re.fullmatch(r",\s*(?:the\s+)?", gap):
                        continue
                subj = _end(item, text, *later[0])
            elif before and cs - before[1] <= 60 and not WE.search(text[before[1]:cs]):
                subj = _end(item, text, *before)
            elif publisher and we:
                subj = _mention(item, text, cs, ce, publisher)
            else:
                continue
            for o in objs:
                tail = UNIT_TAIL.match(text, o[1])
                obj = _end(item, text, o[0], tail.end(), text[o[0]:tail.end()]) if tail else _end(item, text, *o)
                if pred == "sponsor" and "fiscal" in cm.group(0).lower() and not tail:
                    # "a fiscally sponsored project of X", "fiscal host, X": only an organisation is one
                    obj = _mention(item, text, o[0], o[1], o[2], weak=False)
                s_, o_ = (obj, subj) if direction == "backward" else (subj, obj)
                if s_.name == o_.name:
                    continue
                yield s_
                yield o_
                yield Relation(s_, pred, o_, item.link, q, NAME)
    for prev, (s, e, p) in zip(phrases, phrases[1:]):  # "the X Institute (XI) at the University of Y"
        if ORG_AT.search(text[prev[1]:s]) and ORG_CUE_RX.search(prev[2]) and ORG_CUE_RX.search(p):
            child, parent = _end(item, text, *prev), _end(item, text, s, e, p)
            yield child
            yield parent
            yield Relation(child, "parentOrganization", parent, item.link, q, NAME)


def block_relations(item: FeedItem, block: Block, publisher: str | None,
                    subject: str | None = None) -> Iterator[Mention | Relation]:
    text = block.text
    phrases = starts = None  # found at the first sentence with a cue (many blocks have none)
    for ss, se in sentence_spans(text):
        if not ANY_CUE.search(text[ss:se]):
            continue  # no cue word: no relation stated
        if phrases is None:
            phrases = _block_phrases(text)
            starts = [x[0] for x in phrases]
        yield from sentence_relations(item, text, ss, se, publisher, phrases, starts, subject)


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    from .roles import post_subject

    publisher = publisher_name(item.feed.title, item.feed.link or item.feed.iri)
    subject = post_subject(item)
    for block in item.blocks:
        yield from block_relations(item, block, publisher, subject)
