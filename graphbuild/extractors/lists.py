"""Names in lists, where blogs list people and organisations without links:

- labelled names: "Presenters: A, B, and C", "Moderator: X", and list items after a lead-in that
  says what they are ("Panelists:", "We had attendees from the following companies:");
- "Name, Org", "Name, Role, Org" and "Name: talk title" list items;
- runs of three or more people's names ("Max Mustermann, Erika Mustermann, Jan Jansen, ...");
- "Name, Role at Org" appositions ("said Jane Roe, Program Officer at the Example Trust");
- funders and supporters listed after a cue ("supported by the Example Foundation, ACME and Initech");
- first names as the subject of what people do ("Nick and Ariel explored ...").

The cue words live in graphbuild/data/recall.toml. All patterns are linear in the text.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib.resources import files
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import COMMON_WORDS, NOT_NAMES, ORG_CUES, PROJECT_CUES, is_acronym, is_person_name, proper_phrases, split_defined
from ..text import sentence_spans
from .quotes import Quoter
from .people import ROLE

DESCRIPTION = "people and organisations in lists: labelled names, 'Name, Org' items, name runs, funders, first names"
NAME = "lists"

#: what separates two names of a list: ", ", ", and ", " and ", " & "
SEP = re.compile(r"\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+")
SEP_THE = re.compile(r"(?:\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+)(?:the\s+)?")


@lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    """The cue-word sections of graphbuild/data/recall.toml, as sets of lower-case words."""
    data = tomllib.loads(files("graphbuild").joinpath("data/recall.toml").read_text(encoding="utf-8"))
    return {k: frozenset(v.split()) for k, v in data.items()}


@lru_cache(maxsize=64)
def _quoter(text: str) -> Quoter:
    return Quoter(text)


def _person(item: FeedItem, text: str, s: int, e: int, how: str, weak: bool = False) -> Mention:
    return Mention(text[s:e], "Person", item.link, _quoter(text)(s, e), f"{NAME}:{how}", weak=weak)


def _org(item: FeedItem, text: str, s: int, e: int, how: str, weak: bool = False) -> Mention:
    name, aliases = split_defined(text[s:e])
    kind = "Project" if PROJECT_CUES.search(name) and not ORG_CUES.search(name) else "Organization"
    return Mention(name, kind, item.link, _quoter(text)(s, e), f"{NAME}:{how}", weak=weak, aliases=aliases)


def _is_role(seg: str) -> bool:
    """"Staff", "Assistant Professor", "Software developer": a role, not an organisation."""
    ws = seg.lower().split()
    return bool(ws) and (ws[0] in words()["role_words"] or ws[-1] in words()["role_words"] or bool(ROLE.search(seg)))


def _whole_phrase(seg: str) -> bool:
    """Is ``seg`` one capitalised name and nothing else ("Geoscience Oskarvik", "Example Lab (EL)")?"""
    name, _ = split_defined(seg)
    ps = proper_phrases(name)
    return len(ps) == 1 and ps[0][0] == 0 and ps[0][1] >= len(name.rstrip(" .")) - 1


def _label_kind(text: str) -> str | None:
    """The kind a lead-in announces by its last label word ("attendees from the following companies:")."""
    kind = None
    for w in re.findall(r"[A-Za-z-]+", text[-120:]):
        lw = w.lower()
        if lw in words()["person_labels"] or lw in ("talks", "speakers"):
            kind = "Person"
        elif lw in words()["org_labels"]:
            kind = "Organization"
    return kind


def _labelled(item: FeedItem, text: str) -> Iterator[Mention]:
    """"Presenters: A, B, and C", "Moderator: X Panelists:" -> people."""
    labels = words()["person_labels"]
    for m in re.finditer(r"(?:^|(?<=[.;:!?]\s))((?:[A-Z][a-z-]+\s+)?[A-Za-z-]+)\s*:\s+", text):
        if m.group(1).split()[-1].lower() not in labels:
            continue
        pos = m.end()
        for s, e, phrase in proper_phrases(text):
            if s < pos:
                continue
            if s > pos:
                break
            ws = phrase.split()
            cut = next((i for i, w in enumerate(ws) if w.lower().strip(":") in labels), len(ws))
            name = " ".join(ws[:cut])
            if not name or len(ws[:cut]) < 2 or not is_person_name(name) \
                    or (cut == len(ws) and re.match(r"\s+[a-z]+\s+[A-Z]", text[s + len(name):])):
                break  # "Pieter Van den Aalst" is not "Pieter Van"
            yield _person(item, text, s, s + len(name), "label")
            sep = SEP.match(text, s + len(name))
            if cut < len(ws) or not sep:
                break
            pos = sep.end()


def _list_item(item: FeedItem, block: Block, lead: str | None) -> Iterator[Mention | Relation]:
    """"Name, Org", "Name, Role, Org: ...", "Name and Name: title"; items after an organisations lead-in."""
    text = block.text
    colon = text.find(":")
    head = text[:colon] if 0 < colon <= 90 else text
    if lead == "Organization":
        if colon > 0 and colon <= 90:
            return  # "Org: what they do" is a description, not a list of organisations
        pos = 0
        for seg in re.split(r",\s+", head.rstrip(" .;")):
            at = text.find(seg, pos)
            pos = at + len(seg)
            if _whole_phrase(seg) and not seg.lower().startswith(("the ", "and ")) or is_acronym(seg):
                yield _org(item, text, at, at + len(seg.rstrip(" .")), "lead")
        return
    segs = [s.strip() for s in head.split(",")]
    names = [n.strip() for n in re.split(r"(?<!\s)\s+(?:and|&)\s+", segs[0])]  # (?<!\s): linear in space runs
    if not names or not all(len(n.split()) >= 2 and is_person_name(n) for n in names):
        return
    rest = [s for s in segs[1:] if s]
    orgs = [s for s in rest if not _is_role(s) and _whole_phrase(s) and not is_person_name(s)]
    talk = colon > 0 and head is not text and lead == "Person"
    if not (orgs or talk or (lead == "Person" and not rest)):
        return
    people = []
    for n in names:
        at = text.find(n)
        people.append(_person(item, text, at, at + len(n), "item"))
    yield from people
    for o in orgs[-1:]:  # "Name, Role, Unit, Org": the last segment is the employer
        at = text.find(o, len(segs[0]))
        org = _org(item, text, at, at + len(o), "item")
        yield org
        for p in people:
            yield Relation(p, "affiliation", org, item.link, p.quote, f"{NAME}:item")


def _runs(text: str, phrases, ok, sep=SEP) -> list[list[tuple[int, int, str]]]:
    """Maximal runs of consecutive phrases that pass ``ok`` and are separated by list separators."""
    runs, cur = [], []
    for p in phrases:
        if not ok(p[2]):
            if cur:
                runs.append(cur)
            cur = []
            continue
        if cur and not sep.fullmatch(text[cur[-1][1]:p[0]]):
            runs.append(cur)
            cur = []
        cur.append(p)
    if cur:
        runs.append(cur)
    return runs


def _full_name(s: str) -> bool:
    return len(s.split()) >= 2 and is_person_name(s)


PARTICLE = re.compile(r"\s+(?:van|von|de|da|del|der|den|di|du|la|le|ter|ten)(?:\s+(?:der|den|de|la|le))?\s+")


def _name_parts(text: str, phrases) -> list[tuple[int, int, str]]:
    """Phrases split at commas ("Ann Lee, Bo" -> two), a name put back together across a lower-case
    particle ("Bo" + " van " + "Dijk")."""
    parts: list[tuple[int, int, str]] = []
    for s, e, ph in phrases:
        pos = s
        for piece in ph.split(", "):
            at = text.find(piece, pos)
            pos = at + len(piece)
            prev = parts[-1] if parts else None
            if prev and PARTICLE.fullmatch(text[prev[1]:at]):
                parts[-1] = (prev[0], pos, text[prev[0]:pos])
            else:
                parts.append((at, pos, piece))
    return parts


def _name_runs(item: FeedItem, text: str, phrases) -> Iterator[Mention]:
    """Three or more people's names in a row: a list of people."""
    for run in _runs(text, _name_parts(text, phrases), _full_name):
        before = text[max(0, run[0][0] - 40):run[0][0]].lower()
        labelled = any(w in words()["person_labels"] for w in re.findall(r"[a-z-]+", before))
        if len(run) >= 3 or (len(run) == 2 and labelled):
            for s, e, _ in run:
                yield _person(item, text, s, e, "run")


def _apposition(item: FeedItem, text: str, phrases) -> Iterator[Mention]:
    """"Jane Roe, Program Officer at the Example Trust": a person with a role."""
    for s, e, phrase in phrases:
        if not _full_name(phrase):
            continue
        m = re.match(r",\s+(?:the\s+|an?\s+|our\s+)?((?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*)\b", text[e:e + 80])
        if m and ROLE.search(m.group(1)):
            yield _person(item, text, s, e, "apposition")


#: a title before a name ("Prof. ", "Dr ") and what follows a name that does something ("also wrote")
TITLE_BEFORE = re.compile(r"\b([A-Z][a-z]{1,8})\.?\s+$")
VERB_AFTER = re.compile(r"\s+(?:also\s+|then\s+)?([a-z]+)\b")


def _doers(item: FeedItem, text: str, phrases) -> Iterator[Mention]:
    """A full name that does what people do ("Ada Lovelace wrote ...") or has a title ("Prof. Ada
    Lovelace"): a person, without any list or acknowledgement around it."""
    verbs, titles = words()["human_verbs"], words()["person_titles"]
    for s, e, phrase in phrases:
        if not _full_name(phrase) or len(phrase.split()) > 3 or "’" in phrase or "'" in phrase:
            continue
        v = VERB_AFTER.match(text, e)
        t = TITLE_BEFORE.search(text, max(0, s - 12), s)
        if (v and v.group(1) in verbs) or (t and t.group(1).lower() in titles):
            yield _person(item, text, s, e, "doer")


def _funders(item: FeedItem, text: str, phrases) -> Iterator[Mention]:
    """Organisations listed after a cue about funding or support (within the 150 characters before)."""
    cues = words()["funding_cues"]

    def ok(ph: str) -> bool:
        return not is_person_name(ph) and ph.lower() not in NOT_NAMES and ph.lower() not in COMMON_WORDS

    for run in _runs(text, phrases, ok, SEP_THE):
        cued = sum(1 for _, _, ph in run if ORG_CUES.search(ph) or is_acronym(ph.split()[0]))
        if len(run) < 3 or cued < 2:
            continue
        before = text[max(0, run[0][0] - 150):run[0][0]].lower()
        if not any(w in cues for w in re.findall(r"[a-z]+", before)):
            continue
        for s, e, ph in run:
            if re.match(r"\s+(?:program|programme|project|grant|award|fellowship)\b", text[e:e + 14], re.I) \
                    or re.search(r"[a-z][A-Z]", ph) and not ORG_CUES.search(ph) \
                    or not re.search(r"(?:^|[,:;]\s*|\b(?:and|the|by|from|to|of|&)\s+)$", text[max(0, s - 12):s]):
                continue  # "the Example program"; "Quillpy" among funders; a part of a longer name
            yield _org(item, text, s, e, "funders")


def _first_names(item: FeedItem, text: str, li: bool, known_first: set[str]) -> Iterator[Mention]:
    """"Nick and Ariel explored ...", "Mirela, Paul, and Dan worked ...": first names doing things.
    One name alone ("Odhran worked on ...") only in a list item or as the first name of someone the
    post names in full ("Tests discussed below" is not a person)."""
    from .software import known

    verbs = words()["human_verbs"]
    for ss, _ in sentence_spans(text):
        m = re.compile(r"([A-Z][a-z]+)((?:(?:,\s+(?:and\s+)?|\s+and\s+)[A-Z][a-z]+)*)\s+(?:also\s+)?([a-z]+)\b").match(text, ss)
        if not m or m.group(3) not in verbs or not (m.group(2) or li or m.group(1) in known_first):
            continue
        for w in re.finditer(r"[A-Z][a-z]+", m.group(0)[:m.start(3) - m.start()]):
            low = w.group(0).lower()
            if low in NOT_NAMES or low in COMMON_WORDS or known().get(low, "n") != "n" or low.endswith("ing"):
                continue
            s = ss + w.start()
            yield _person(item, text, s, s + len(w.group(0)), "subject")


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    lead: str | None = None
    first = {a.name.split()[0] for a in item.authors if a.name.split()}
    for block in item.blocks:
        first |= {p.split()[0] for _, _, p in proper_phrases(block.text) if _full_name(p)}
    for block in item.blocks:
        text = block.text
        phrases = proper_phrases(text)
        yield from _labelled(item, text)
        yield from _name_runs(item, text, phrases)
        yield from _apposition(item, text, phrases)
        yield from _funders(item, text, phrases)
        yield from _doers(item, text, phrases)
        yield from _first_names(item, text, block.tag == "li", first)
        if block.tag == "li":
            yield from _list_item(item, block, lead)
        if text.rstrip().endswith(":"):
            lead = _label_kind(text.rstrip()[:-1])
        elif block.tag != "li":
            lead = None
