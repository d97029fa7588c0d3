"""Relations from the casual way posts credit work, each with its sentence as evidence:

- who did what: "Ada and Alan fixed an issue in foo-bar", "Ada, Alan, and Grace worked together to
  extend Foo Theme's tests", "Ada added her foo-action to the suite" (she made it);
- thanks: "Thanks to Ada Byron and Alan Turing for their help when building and testing foo-bar",
  "Special thanks go out to Ada Byron, for making Foo release the lock";
- contribution lists: "Ada has contributed to many projects, including Foo, Bar and Baz",
  "She's worked with projects like Foo and Bar";
- a funder list that names its beneficiary in the sentence before: "Sponsors allowed our team to work
  on Foo. We'd like to acknowledge in particular: A, B and C" (only when that sentence names exactly
  one beneficiary);
- first names: a person written by first name ("Ada is a developer on the Foo project") stands for
  the one person of the post with that first name, and only when the post names exactly one.

Every pattern is anchored at a person already found (or a cue word) and reads a bounded window after
it, so the cost stays linear in the length of the post. Project ends are weak mentions: they count
only when the run names them otherwise."""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import ORG_CUES, alternation, is_person_name, proper_phrases
from ..text import Cued, quote_at, sentence_spans
from .roles import _first_name, _is_a_role, _Post, items_at, person_at

DESCRIPTION = "credit for work: 'A and B fixed X', thanks for work on X, contribution lists, funder lists -> relations"
NAME = "contributions"

#: a separator between listed people: ", ", " and ", ", and ", " & "
PEOPLE_SEP = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+")
#: what someone did to a thing, right after the people who did it
DID = re.compile(r"\s+(?:also\s+|together\s+|then\s+)?(?:(fixed|extended|improved|implemented|ported|refactored|"
                 r"tuned|optimi[sz]ed|updated|rewrote|added|contributed)|worked\s+(?:together\s+)?(?:on|to\s+(?:extend|"
                 r"improve|fix|add|update|port))|helped\s+(?:to\s+)?(?:extend|improve|fix|add|update|port))\b\s*")
#: the place of the work in the rest of the sentence: "an issue in X", "support to X"
IN_THING = re.compile(r"\s(?:in|to|into)\s+(?:the\s+)?(?=\S)")
#: "added his foo-action": a thing the person made
OWN = re.compile(r"(?:his|her|their)\s+(?:own\s+|new\s+)?")
THANKS = Cued(re.compile(r"\b(?:[Tt]hanks|[Tt]hank\s+you|[Gg]ratitude)\s+(?:[a-z]+\s+){0,3}?to\s+"), "hank", "ratitude")
FOR_WHAT = re.compile(r",?\s+for\s+(?:(?:their|his|her|all)\s+)?(?:(?:help|work|contributions?|efforts?)\s+)?"
                      r"(?:(?:with|on|to|in|when)\s+)?(?:[a-z]+ing\s+(?:and\s+[a-z]+ing\s+)?)(?:the\s+)?|"
                      r",?\s+for\s+(?:(?:their|his|her|all)\s+)?(?:help|work|contributions?|efforts?)\s+"
                      r"(?:with|on|to|in)\s+(?:the\s+)?")
CONTRIBUTED = re.compile(r"\s*(?:[’']s|\s+has|\s+have|\s+had)?\s*(?:also\s+)?(?:contributed|worked)\s+(?:to|with|on)\s+")
#: "... to many projects in the stack, including A, B": the list must be one of projects or the like
LIKE = re.compile(rf"[^.;:!?]{{0,120}}?\b(?:{alternation('contribution_classes')})\b[^.;:!?]{{0,80}}?"
                  r"\b(?:including|like|such\s+as)\s+(?:the\s+)?")  # words.toml: contribution_classes
#: last words that make a two-word name a thing, not a person ("Kelp Theme")
THING_TAIL = re.compile(rf"\s(?:{alternation('thing_tails')})$")  # words.toml: thing_tails
PAIR = re.compile(r"(?<![\w’'-])([A-ZÀ-Þ][a-zà-ÿ’'-]+)(?=\s+([A-ZÀ-Þ][\w’'-]*))")
FIRST = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ’'-]+")
SUBJ_PRONOUN = Cued(re.compile(r"(?:^|(?<=[.!?]\s))(?:She|He|They)(?=[’'\s])"), "He", "She", "They")
#: a sentence that says funders made work on one thing possible
FUND_WORDS = re.compile(rf"\b(?:{alternation('fund_words')})\b", re.I)  # words.toml: fund_words
BENEFIT = re.compile(r"\b(?:work(?:ing)?\s+on|development\s+of|in\s+support\s+of|to\s+support|maintenance\s+of)\s+(?:the\s+)?")
#: the next sentence lists them: "We'd like to acknowledge in particular: A, B", "Funders: A, B"
ACK = re.compile(r"^\s*(?:(?:We(?:[’']d|\s+would)?\s+(?:like\s+to\s+)?|We\s+)?(?:acknowledge|thank)\s+(?:in\s+particular\s*)?:\s*|"
                 r"(?:Funders?|Sponsors?|Funded\s+by|Supported\s+by)\s*:\s*)(?:the\s+)?")


class _Credit(_Post):
    """The roles extractor's per-post state, its mentions credited to this extractor."""

    def m(self, text, s, e, name, kind="Organization", weak=True) -> Mention:
        return Mention(name, kind, self.item.link, quote_at(text, s, e), NAME, weak=weak)

    def rel(self, subj: Mention, pred: str, obj: Mention, text: str, s: int, e: int) -> Iterator[Mention | Relation]:
        if subj.name != obj.name:
            yield subj
            yield obj
            yield Relation(subj, pred, obj, self.item.link, quote_at(text, s, e), NAME)


class _People:
    """The full names a post gives, by first name: a lone first name stands for the only person of
    the post who has it (none when two do)."""

    def __init__(self, item: FeedItem, post: _Post) -> None:
        firsts: dict[str, set[str]] = {}
        names = [a.name for a in item.authors if is_person_name(a.name)]
        for b in item.blocks:
            names += [p for _, _, p in proper_phrases(b.text) if is_person_name(p) and len(p.split()) >= 2]
        for n in names:
            firsts.setdefault(n.split()[0], set()).add(n)
        # "Dan McCloy" missed as a name still makes "Dan" ambiguous beside "Dan Schult"
        seconds = {f: {n.split()[1] for n in ns} for f, ns in firsts.items()}
        for b in (item.title, *(b.text for b in item.blocks)):
            for m in PAIR.finditer(b):
                if m.group(1) in seconds:
                    seconds[m.group(1)].add(m.group(2))
        self.by_first = {f: next(iter(ns)) for f, ns in firsts.items() if len(ns) == 1 and len(seconds[f]) == 1}
        self.names = set(names)

    def known(self, name: str) -> bool:
        """A person the post names, in full or by a first name."""
        if THING_TAIL.search(name) or ORG_CUES.search(name):
            return False  # "Kelp Theme", "Ada Lab": looks like a person's name, names a thing
        return name in self.names or name in self.by_first or name.split()[0] in self.by_first and is_person_name(name)

    def full(self, name: str) -> str | None:
        if is_person_name(name):
            return name
        return self.by_first.get(name) if _first_name(name) else None

    def at(self, text: str, pos: int) -> tuple[int, int, str] | None:
        """The person named at ``pos`` (full name, or a first name the post resolves): (start, end, full)."""
        x = person_at(text, pos)
        if x:
            return x
        m = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ’'-]+").match(text, pos)
        if m and not (m.end() < len(text) and text[m.end()] in "’'"):
            full = self.by_first.get(m.group(0)) if _first_name(m.group(0)) else None
            if full:
                return m.start(), m.end(), full
        return None

    def listed(self, text: str, pos: int, limit: int = 8) -> tuple[list[tuple[int, int, str]], int]:
        """"Ada, Alan, and Grace" at ``pos``: the people listed and where the list ends. A first name
        the post does not resolve (two people share it) is skipped, but the list goes on past it."""
        out: list[tuple[int, int, str]] = []
        end = pos
        while len(out) < limit:
            x = self.at(text, pos)
            if not x:
                m = FIRST.match(text, pos)
                if not out or not m or not _first_name(m.group(0)) or text[m.end():m.end() + 1] in "’'":
                    break
                x = (m.start(), m.end(), "")
            out.append(x)
            end = x[1]
            sep = PEOPLE_SEP.match(text, x[1])
            if not sep:
                break
            pos = sep.end()
        return [x for x in out if x[2]], end


def _thing(text: str, pos: int, people: _People) -> tuple[int, int, str] | None:
    """The named thing at ``pos``: a capitalised phrase (without a trailing possessive) or a code name."""
    x = next(iter(items_at(text, pos, 1, loose=True)), None)
    if x is None:
        return None
    ph = next((p for p in proper_phrases(text[pos:pos + 80]) if p[0] == 0), None)
    if ph:
        name = re.sub(r"[’']s$", "", ph[2])
        x = (pos, pos + len(name), name)
    if people.known(x[2]) or x[2].islower() and "-" not in x[2] and "." not in x[2] and "_" not in x[2]:
        return None  # a person, or a plain lower-case word
    return x


def _did(post: _Post, people: _People, text: str, ss: int, se: int) -> Iterator[Mention | Relation]:
    """"Ada and Alan fixed an issue in foo-bar": people at the start of a sentence, a verb of work,
    and the thing worked on right after the verb or after "in/to"."""
    lead = re.compile(r"\s*(?:Then,?\s+|Also,?\s+|Finally,?\s+)?").match(text, ss)
    if text.startswith("I ", lead.end()) and post.author:
        who, end = [(lead.end(), lead.end() + 1, post.author)], lead.end() + 1  # the post's one author
    else:
        who, end = people.listed(text, lead.end())
    if not who:
        return
    v = DID.match(text, end)
    if not v or v.end() >= se:
        return
    pos = v.end()
    own = OWN.match(text, pos)
    if own and v.group(1) == "added":
        x = _thing(text, own.end(), people)
        if x and len(who) == 1:
            yield from post.rel(post.m(text, *x, "Project"), "creator", post.m(text, *who[0], "Person", weak=False),
                                text, ss, se)
        return
    x = _thing(text, pos + len(re.match(r"(?:the\s+)?", text[pos:pos + 4]).group(0)), people)
    if not x:
        # "an issue in X": the place of the work in the same short clause, no other action in between
        window = re.split(r"[,;:(]", text[pos:min(se, pos + 50)])[0]
        m = IN_THING.search(window)
        x = _thing(text, pos + m.end(), people) if m and not re.search(
            r"[a-z]ing\s+(?:the|a|an|to|from|with|my|our|his|her|their)\b", window[:m.start()]) else None
    if not x or x[1] > se:
        return
    for p in who:
        yield from post.rel(post.m(text, *x, "Project"), "contributor", post.m(text, *p, "Person", weak=False),
                            text, ss, se)


def _thanks(post: _Post, people: _People, text: str) -> Iterator[Mention | Relation]:
    """"Thanks to Ada Byron and Alan Turing for their help when building and testing foo-bar"."""
    for m in THANKS.finditer(text):
        who, end = people.listed(text, m.end())
        if not who:
            continue
        f = FOR_WHAT.match(text, end)
        x = _thing(text, f.end(), people) if f else None
        if not x:
            continue
        for p in who:
            yield from post.rel(post.m(text, *x, "Project"), "contributor", post.m(text, *p, "Person", weak=False),
                                text, m.start(), x[1])


def _contributed(post: _Post, people: _People, text: str, subj: tuple[int, int, str]) -> Iterator[Mention | Relation]:
    """"Ada has contributed to many projects, including Foo, Bar and Baz", "She's worked with Foo"."""
    c = CONTRIBUTED.match(text, subj[1])
    if not c:
        return
    like = LIKE.match(text, c.end())
    pos = like.end() if like else c.end()
    things = items_at(text, pos, 8)
    if not like and things and _thing(text, pos, people) is None:
        return
    for x in things:
        if people.known(x[2]) or x[2].lower() in ("a", "an", "the"):
            continue
        yield from post.rel(post.m(text, *x, "Project"), "contributor", post.m(text, *subj, "Person", weak=False),
                            text, subj[0], x[1])


def _developing(post: _Post, people: _People, text: str, subj: tuple[int, int, str]) -> Iterator[Mention | Relation]:
    """"Ada submitted a package she's been developing called Foo", "Ada received a Foo fellowship"."""
    person = post.m(text, *subj, "Person", weak=False)
    d = DEVELOPING.match(text, subj[1])
    if d:
        x = _thing(text, d.end(), people)
        if x:
            yield from post.rel(post.m(text, *x, "Project"), "maintainer", person, text, subj[0], x[1])
        return
    r = RECEIVED.match(text, subj[1])
    ph = next((p for p in proper_phrases(text[r.end():r.end() + 80]) if p[0] == 0), None) if r else None
    if ph and not people.known(ph[2]):
        a = AWARD.match(text, r.end() + ph[1])
        if a:
            name = f"{ph[2]} {a.group(1)}"
            x = post.m(text, r.end(), r.end() + a.end(), name, "Project", weak=False)
            yield from post.rel(person, "funder", x, text, subj[0], r.end() + a.end())


def _with_funding(post: _Post, text: str) -> Iterator[Mention | Relation]:
    """"With Harbor Trust funding secured, we ...": the feed's publisher is funded by Harbor Trust."""
    if not post.publisher:
        return
    for m in WITH_FUNDING.finditer(text):
        ph = next((p for p in proper_phrases(text[m.end():m.end() + 80]) if p[0] == 0), None)
        if not ph or is_person_name(ph[2]):
            continue
        f = FUNDING_WE.match(text, m.end() + ph[1])
        if f:
            o = post.m(text, m.end(), m.end() + ph[1], ph[2], "Organization")
            yield from post.rel(post.m(text, m.start(), m.end() + f.end(), post.publisher), "funder", o,
                                text, m.start(), m.end() + f.end())


def _funder_list(post: _Post, text: str, spans: list[tuple[int, int]]) -> Iterator[Mention | Relation]:
    """Funders listed in the sentence after the one naming what they made possible."""
    for (ps, pe), (ss, se) in zip(spans, spans[1:]):
        ack = ACK.match(text[ss:se])
        if not ack or not FUND_WORDS.search(text, ps, pe):
            continue
        bens = [b for b in BENEFIT.finditer(text, ps, pe)]
        targets = {n for b in bens for n in [next(iter(items_at(text, b.end(), 1)), None)] if n}
        if len({t[2] for t in targets}) != 1:
            continue  # none, or several things: which one they funded is not said
        ben = next(iter(targets))
        # the list may run past a false sentence end ("Alfred P. Sloan"): read it from the block
        at = ss + ack.end()
        phrases = [(at + a, at + b, n) for a, b, n in proper_phrases(text[at:at + 600])]
        if not phrases or phrases[0][0] - at > 1:
            continue
        listed = [phrases[0]]
        for nxt in phrases[1:]:
            gap = text[listed[-1][1]:nxt[0]]
            if not re.fullmatch(r",?\s*(?:and\s+|&\s+)?(?:the\s+)?", gap) or len(listed) >= 15:
                break
            listed.append(nxt)
        b = post.m(text, *ben, "Project")
        for s, e, n in listed:
            if is_person_name(n) or n == ben[2]:
                continue
            yield from post.rel(b, "funder", post.m(text, s, e, n, "Organization"), text, ps, max(se, e))


def block_relations(post: _Post, people: _People, block: Block) -> Iterator[Mention | Relation]:
    text = block.text
    spans = sentence_spans(text)
    for ss, se in spans:
        yield from _did(post, people, text, ss, se)
    yield from _thanks(post, people, text)
    yield from _funder_list(post, text, spans)
    yield from _with_funding(post, text)
    seen = set()
    for s, e, name in proper_phrases(text):
        full = people.full(name)
        if full and full != name and " " not in name:
            # "Ada is a developer on the Foo project": the patterns of full names, for a first name
            yield from _is_a_role(post, text, s, e, full)
        if full:
            yield from _contributed(post, people, text, (s, e, full))
            yield from _developing(post, people, text, (s, e, full))
            seen.add(s)
    if post.subject:
        for m in SUBJ_PRONOUN.finditer(text):
            if m.start() not in seen:
                yield from _contributed(post, people, text, (m.start(), m.end(), post.subject))


#: "Ada submitted a package she's been developing called Foo": her package
DEVELOPING = re.compile(r"\s+(?:had\s+|has\s+|have\s+)?(?:also\s+)?(?:submitted|shared|presented|released|published|"
                        r"introduced|showed)\s+(?:a|an|her|his|their)\s+(?:new\s+)?(?:package|library|tool|project)\s+"
                        r"(?:that\s+)?(?:he|she|they)(?:[’']s|[’']ve|\s+has|\s+have|\s+had)\s+been\s+(?:developing|building|"
                        r"writing|maintaining|working\s+on)\s*,?\s+(?:called|named)\s+")
#: "Ada received a Foo Software (FS) fellowship": a named programme that funds her
RECEIVED = re.compile(r"\s+(?:also\s+|recently\s+)?(?:received|won|was\s+awarded|has\s+been\s+awarded)\s+(?:a|an|the)\s+"
                      r"(?:\d{4}\s+)?")
AWARD = re.compile(r"(?:\s*\([^()]{1,15}\))?\s+(fellowship|grant|award|scholarship)\b")
#: "With Harbor Trust funding secured, we hired": the publisher ("we") is funded
WITH_FUNDING = re.compile(r"\b[Ww]ith\s+(?:the\s+)?(?=[A-Z])")
FUNDING_WE = re.compile(r"\s+(?:funding|grants?|support)(?:\s+(?:secured|in\s+hand|confirmed))?\s*,\s+we\b")
#: "Pull requests submitted to Foo during the sprint", "Contributions to Foo:" before a list
TO_TARGET = re.compile(r"\b(?:pull\s+requests?|PRs|contributions?|patches|commits)\s+(?:[a-z]+\s+){0,2}?(?:to|for)\s+(?:the\s+)?", re.I)
#: a list item "Ada: fixed the docs" (or "ada Ada fixed the docs", a handle before the name)
ITEM_NAME = re.compile(r"^\s*(?:([a-z][\w-]{1,38})\s+(?=[A-Z]))?([A-ZÀ-Þ][\w’'-]+(?:\s+[A-ZÀ-Þ][\w’'-]+){0,2})(?=\s*:|\s+[a-z])")


def _contribution_list(post: _Post, people: _People, blocks) -> Iterator[Mention | Relation]:
    """List items "Ada: fixed the docs" under a line saying what they contributed to."""
    target = None
    in_list = False
    for b in blocks:
        if b.tag != "li":
            if in_list:
                target = None
            in_list = False
            m = TO_TARGET.search(b.text) if len(b.text) <= 300 else None
            x = next(iter(items_at(b.text, m.end(), 1)), None) if m else None
            if x and not people.known(x[2]):
                target = (b.text, x)
            continue
        in_list = True
        if not target:
            continue
        m = ITEM_NAME.match(b.text)
        if not m:
            continue
        name = m.group(2)
        if m.group(1) and m.group(1).lower() != name.lower():
            continue  # "foo Bar ...": a handle names the person only when it is their name
        if not m.group(1) and not b.text[m.end():].lstrip().startswith(":"):
            continue
        full = people.full(name) or (name if _first_name(name) else None)
        if not full:
            continue
        t_text, x = target
        yield from post.rel(post.m(t_text, *x, "Project"), "contributor",
                            post.m(b.text, m.start(2), m.end(2), full, "Person", weak=False), b.text, 0, len(b.text))


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    post = _Credit(item)
    people = _People(item, post)
    for block in item.blocks:
        yield from block_relations(post, people, block)
    yield from _contribution_list(post, people, item.blocks)
