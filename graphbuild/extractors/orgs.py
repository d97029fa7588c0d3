"""Organisations and projects named in running text: cue words ("... Foundation", "University of
...", "... Working Group", "the X team", "X project"), acronym definitions ("Long Name (ACR)",
"ACR (the Long Name)"), possessives ("KDA's Tidal Institute")."""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import COMMON_WORDS, NOT_NAMES, ORG_CUE_WORDS, WORDS, PROJECT_CUE_WORDS, acronym_of, alternation, is_acronym, is_person_name, proper_phrases
from ..text import Cued, quote_at

DESCRIPTION = "organisations and projects from cue words, acronym definitions and 'the X team' -> entities"
NAME = "orgs"
#: words after a name that make it a body of people ("the Kelpie team") or software ("X project")
TEAM_AFTER = re.compile(rf"^\s+(?:{alternation('team_after')})\b", re.I)  # words.toml: team_after
PROJECT_AFTER = re.compile(rf"^\s+(?:{alternation('project_after')})\b", re.I)  # words.toml: project_after
#: an organisation cue as the last word, or "University of X", "Institute for X"
ORG_TAIL = re.compile(rf"(?:^|\s)(?:{ORG_CUE_WORDS})\.?$")
ORG_HEAD = re.compile(rf"(?:^|\s)(?:{ORG_CUE_WORDS})\s+(?:of|for|on|in)\s")
PROJECT_TAIL = re.compile(rf"(?:^|\s)(?:{PROJECT_CUE_WORDS})$")


#: a lower-case noun after a name makes the name a modifier: "GitHub Project board", "Team Logbook page"
COMPOUND = re.compile(rf"^\s+(?:{alternation('compound_nouns')})\b")  # words.toml: compound_nouns


#: "is a", "as an" right before a phrase: a description of something, not a name
DESCRIBED = re.compile(r"\b(?:is|are|was|were|as|becomes?|became)\s+an?\s+$")


#: a role title before "of (the)": "Director of the", "Executive Director of", "Chair of the"
ROLE_OF = re.compile(rf"^(?:[A-Z][\w-]*\s+){{0,3}}?(?:{alternation('role_of_titles')})s?\s+(?:of|for|at)\s+(?:the\s+)?")
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "title"))


#: the last word of a programme's name ("Initiative"), and what says an organisation runs it: "at", "from"
PROGRAMME_TAIL = re.compile(rf"\s(?:{alternation('programme_tails')})$")  # words.toml: programme_tails
PROGRAMME_OF = re.compile(r"\s+(?:at|from)\s+(?:the\s+)?[A-Z]")


def _kind(phrase: str) -> str | None:
    if ORG_TAIL.search(phrase) or ORG_HEAD.search(phrase):
        return "Organization"
    if PROJECT_TAIL.search(phrase) or phrase.startswith("Project "):
        return "Project"
    return None


# these are matched at a position of the block (``rx.match(text, pos)``), never on a slice
# ``text[pos:]``: slicing the rest of the block for every phrase made long blocks quadratic
DEFINED = re.compile(r"\s*\(([^()]{2,15})\)")
LISTED = re.compile(r"\s*\(([^()]{2,120})\)")
EXPANDED = re.compile(r"\s*\((?:the\s+)?([^()]{5,90})\)")
LIST_SEP = re.compile(r",?\s+(?:and|or|&)\s+|,\s+")


def _definition(text: str, end: int) -> tuple[str, int] | None:
    """An acronym right after a phrase: "... (BIDS)" -> ("BIDS", end of the parenthesis)."""
    m = DEFINED.match(text, end)
    if m and is_acronym(m.group(1)):
        return m.group(1).strip(), m.end()
    return None


PLURAL_CLASS = re.compile(rf"\b(?:{alternation('plural_classes')})$")  # words.toml: plural_classes


def _class_list(item: FeedItem, text: str, start: int, end: int, phrase: str) -> Iterator[Mention | Relation]:
    """"KDA Research Labs (QWL, TRMX, ZE.LAB)": each listed acronym is an organisation
    that is part of the phrase's owner (its first word, when that is a name: "NASA")."""
    m = LISTED.match(text, end)
    items = [x.strip() for x in re.split(r",\s*|\s+and\s+", m.group(1))] if m else []
    if len(items) < 2 or not all(is_acronym(x) for x in items):
        return
    q = quote_at(text, start, m.end())
    head = phrase.split()[0]
    parent = Mention(head, "Organization", item.link, q, f"{NAME}:list") if is_acronym(head) else None
    if parent:
        yield parent
    for x in items:
        child = Mention(x, "Organization", item.link, q, f"{NAME}:list")
        yield child
        if parent:
            yield Relation(child, "parentOrganization", parent, item.link, q, f"{NAME}:list")


#: "projects like A, B and C", "organizations such as A and B": the class names what the items are
#: also "job schedulers (A/B/C)", "a queueing system, such as A, B or C", "databases (e.g. A, B)": a
#: parenthesis right after the class noun counts when it lists (a comma or a slash inside it)
EXAMPLES = re.compile(rf"\b(?:(?P<p>{alternation('project_classes')})|(?P<o>{alternation('org_classes')}))"
                      r"(?:,?\s+(?:like|such as|including)\s+|\s+\((?=[^()]{1,200}[,/])(?:like\s+|such as\s+|e\.g\.,?\s+)?)",
                      re.I)  # words.toml: project_classes, org_classes
EXAMPLES = Cued(EXAMPLES, "(", "like", "such", "including")
#: between two items of such a list: a comma, "and", "or", or a slash ("SGE/LSF/PBS")
EXAMPLE_SEP = re.compile(r",?\s+(?:and|or|&)\s+|,\s+|/(?=[A-Za-z])")
LIST_ITEM = re.compile(r"(?:[A-Z][\w+-]*(?:\.[\w+-]+)*(?:\s+[A-Z][\w+-]*(?:\.[\w+-]+)*){0,3}|[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+|[a-z]+[A-Z][\w-]*)")


THE = re.compile(r"the\s+(?=[A-Z])")
#: one capitalised word right after a definition: "(EERC) Center"
CUE_AFTER = re.compile(r"\s+([A-Z][a-z]+)\b")
#: a code of capitals and digits ending a phrase: "BIOL222", "CS50"
CODE_TAIL = re.compile(r"\s+[A-Z]{2,}\d+[A-Z]?$")
#: a short aside in parentheses after a listed name
ASIDE = re.compile(r"\s*\([^()]{1,60}\)")
LOWER_WORD = re.compile(r"[a-z][a-z0-9]*(?![\w-])")


def _known_package(text: str, pos: int, kind: str):
    """A lower-case word listed as software that the package list knows ("tools like uv and ...")."""
    from .software import known

    m = LOWER_WORD.match(text, pos) if kind == "Project" else None
    if m and len(m.group(0)) >= 2 and m.group(0) in known() and m.group(0) not in NOT_NAMES \
            and m.group(0) not in COMMON_WORDS and m.group(0) not in WORDS["modifiers"]:
        return m
    return None


def _examples(item: FeedItem, text: str) -> Iterator[Mention]:
    """Each item of "projects like Quillpy, tidal-image, GraphKit, and KelpHub"."""
    for m in EXAMPLES.finditer(text):
        kind = "Project" if m.group("p") else "Organization"
        pos = m.end()
        the = THE.match(text, pos)  # "storage systems like the Example FileSystem (EFS)"
        pos = the.end() if the else pos
        while True:
            it = LIST_ITEM.match(text, pos) or _known_package(text, pos, kind)
            if not it:
                break
            name = it.group(0).rstrip(".")
            if name.lower() not in NOT_NAMES:
                yield Mention(name, kind, item.link, quote_at(text, it.start(), it.end()), f"{NAME}:examples")
            aside = ASIDE.match(text, it.end())  # "uv (Jane Doe) and Hatch (John Roe)": who made each
            sep = EXAMPLE_SEP.match(text, aside.end() if aside else it.end())
            if not sep:
                break
            pos = sep.end()


def _thanked(item: FeedItem, block: Block) -> Iterator[Mention]:
    """An acknowledgements list item naming an organisation: "KDA QCX for providing $2k funding"."""
    # ``[\w.&-]*+`` is possessive: a word is one token, never split at each capital in every way
    # (the backtracking pattern ran for minutes on one 5,000-character name)
    m = re.match(r"^((?:[A-Z][\w.&-]*+\s?){1,6}?)\s+for\s+(?:providing|supporting|hosting|funding|their|the|a|an)\b",
                 block.text)
    if block.tag == "li" and m:
        name = m.group(1).strip()
        if (is_acronym(name.split()[0]) or _kind(name) == "Organization") and not is_person_name(name):
            yield Mention(name, "Organization", item.link, quote_at(block.text, 0, m.end(1)), f"{NAME}:acknowledgement")


LIBRARY = re.compile(r"\bthe\s+([a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*)\s+(?:(?:Python|R|JavaScript|Julia|Rust|Go|Java)\s+)?"
                     r"(?:library|package|toolkit|module|crate|gem|extension|plugin)\b")
LIBRARY = Cued(LIBRARY, "library", "package", "toolkit", "module", "crate", "gem", "extension", "plugin")


def _libraries(item: FeedItem, text: str) -> Iterator[Mention]:
    """"the tideaccess Python library": a lower-case software name, named by what it is."""
    for m in LIBRARY.finditer(text):
        if m.group(1) not in NOT_NAMES and m.group(1) not in WORDS["modifiers"] and len(m.group(1)) >= 3:
            yield Mention(m.group(1), "Project", item.link, quote_at(text, m.start(1), m.end(1)), f"{NAME}:library")


#: "a project called Example", "an organisation named Example Works": the noun says what the name is
CALLED = re.compile(rf"\b(?:(?P<p>{alternation('project_classes')}|project|library|package|tool|app)|"
                    rf"(?P<o>{alternation('org_classes')}|organi[sz]ation|company|nonprofit|non-profit|startup|group))"
                    r"\s+(?:called|named)\s+", re.I)
CALLED = Cued(CALLED, "called", "named")
#: the name after "called": capitalised words, or up to three lower-case words before a clause or a stop
CALLED_NAME = re.compile(r"(?:[A-Z][\w.+-]*[\w+](?:\s+[A-Z][\w.+-]*[\w+]){0,4}|"
                         r"[a-z][\w-]*(?:\s+(?!(?:which|that|who|and|or|to|for|in|on|with|from|by|as|at|is|was)\b)[a-z][\w-]*){0,2})"
                         r"(?=\s*(?:[,.;:!?)]|$|\s+(?:which|that|who|and|to|for|in|on|with|from|by|as|at|is|was)\b))")


def _called(item: FeedItem, text: str) -> Iterator[Mention]:
    """"a project called first steps which ...": the name after "called"/"named", of the noun's kind."""
    for m in CALLED.finditer(text):
        n = CALLED_NAME.match(text, m.end())
        if n and n.group(0).lower() not in NOT_NAMES and not is_person_name(n.group(0)):
            yield Mention(n.group(0), "Project" if m.group("p") else "Organization", item.link,
                          quote_at(text, n.start(), n.end()), f"{NAME}:called")


def block_mentions(item: FeedItem, block: Block) -> Iterator[Mention | Relation]:
    text = block.text
    yield from _examples(item, text)
    yield from _called(item, text)
    yield from _libraries(item, text)
    yield from _thanked(item, block)
    for start, end, phrase in proper_phrases(text):
        if PLURAL_CLASS.search(phrase):
            yield from _class_list(item, text, start, end, phrase)
            continue
        role = ROLE_OF.match(phrase)
        if role and _kind(phrase[role.end():]):
            # "Director of the Example Initiative": the role is not part of the name
            start, phrase = start + role.end(), phrase[role.end():]
        code = CODE_TAIL.search(phrase)
        if code and _kind(phrase[:code.start()]) == "Organization" and len(phrase[:code.start()].split()) >= 2:
            # "University of Example BIOL222": a course or unit code after the organisation's name
            end, phrase = start + code.start(), phrase[:code.start()]
        q = quote_at(text, start, end)
        words = phrase.split()
        kind = _kind(phrase) if len(words) >= 2 else None
        acr = _definition(text, end)
        tail = CUE_AFTER.match(text, acr[1]) if acr and not kind else None
        defined = bool(acr) and acronym_of(acr[0], phrase)
        if defined and tail and ORG_TAIL.search(" " + tail.group(1)):
            # "Example Energy Research Computing (EERC) Center": the cue word after the acronym ends the name
            phrase, kind = f"{phrase} {tail.group(1)}", "Organization"
            words = phrase.split()
        if defined:
            # "Riverbend Centre for Open Models (RCOM)": a definition names the thing for sure
            yield Mention(phrase, kind or "Project", item.link, q, f"{NAME}:acronym", aliases=(acr[0],),
                          weak=kind is None and (len(words) < 3 or acr[0].endswith("s")))
            continue
        owner = re.match(r"^(.+?)[’']s\s+(.+)$", phrase)
        if owner and _kind(owner.group(2)) == "Organization":
            # "KDA's Tidal Institute": the unit (named with its owner) and the owner
            unit = Mention(phrase, "Organization", item.link, q, f"{NAME}:possessive")
            parent = Mention(owner.group(1), "Organization", item.link, q, f"{NAME}:possessive", weak=True)
            yield unit
            yield parent
            yield Relation(unit, "parentOrganization", parent, item.link, q, f"{NAME}:possessive")
            continue
        if kind == "Organization" and PROGRAMME_OF.match(text, end) and PROGRAMME_TAIL.search(phrase):
            # "the Example Data Initiative from the Kelp Foundation": a programme an organisation runs
            kind = "Project"
        if kind and not is_person_name(phrase):
            if DESCRIBED.search(text, max(0, start - 8), start):
                continue  # "X is a Community Library for Y": what X is, not the name of another thing
            if not COMPOUND.match(text[end:end + 20]):  # "the GitHub Project board" is a board
                # a heading that is only the phrase is a title ("Cost and Collaboration"): it needs
                # another signal (a link, the same name in running text) to stand
                title = block.tag in HEADINGS and len(phrase) + 3 >= len(text.strip()) and \
                    not any(w.lower().strip(".").removesuffix("s") in WORDS["institution_cues"] for w in words)
                yield Mention(phrase, kind, item.link, q, f"{NAME}:cue", weak=title)
            continue
        after = text[end:end + 30]
        if TEAM_AFTER.match(after):
            yield Mention(phrase, "Organization", item.link, q, f"{NAME}:team", weak=True)
        elif PROJECT_AFTER.match(after):
            yield Mention(phrase, "Project", item.link, q, f"{NAME}:project", weak=True)
        elif is_acronym(phrase) and len(words) == 1:
            # "ACR (the Long Name)"
            m = EXPANDED.match(text, end)
            if m and acronym_of(phrase, m.group(1)) and (_kind(m.group(1)) or "") != "":
                yield Mention(m.group(1).strip(), _kind(m.group(1)), item.link, q, f"{NAME}:acronym",
                              aliases=(phrase,))


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    for block in item.blocks:
        yield from block_mentions(item, block)
