"""Relations read from the way people write about who does what, each with its sentence as evidence:

- role lines and appositions: "Ada Byron, Staff, Example Lab: built the thing" (a list item),
  "Ada Byron, Example Lab", "Ada Byron, Research Engineer at Example Lab", "(Ada Byron, Example Lab)";
- bracketed affiliation lists: "Ada Byron (Example Lab; Foo, Bar)", "Ada Byron (Example Lab CEO)";
- "creator / founder / maintainer of": "Ada Byron (creator of Foo, Bar and Baz)", "Ada and Alan are
  co-creators of Foo", "She is a founder of Foo";
- an organisation's people: "Example Lab collaborators Ada Byron and Alan Turing", "Foo maintainers:
  Ada Byron, Alan Turing", "Ada Byron and Alan Turing at/from Example Lab";
- "Name is a developer on the Foo project", "hired Ada Byron as the Foo Fellow";
- first-person statements when the post has one author: "I created foo", "I'm interning at X",
  "I am a student at X", "my internship at X", "I'm a part of the X team";
- named units and possessives: "Example Lab Steering Council" (part of Example Lab), "Acme's Widget"
  (maintained by Acme), "Acme's Widget team" (part of Acme).

Ends that only a loose pattern names are weak mentions: they count only when the run names them
otherwise. Every pattern below is anchored at a phrase already found and reads a bounded window of
text after it, so the cost stays linear in the length of the post."""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Block, FeedItem, Mention, Relation
from ..names import COMMON_WORDS, NOT_NAMES, ORG_CUES, WORDS, alternation, is_person_name, proper_phrases
from ..text import Cued, name_key, quote_at, sentence_span
from .publisher import publisher_name

DESCRIPTION = "role lines, 'creator/founder/maintainer of', bracketed affiliations, first-person statements -> relations"
NAME = "roles"

#: nouns that name what someone is or does somewhere (lower or upper case)
ROLE_NOUN = rf"(?:{alternation('role_nouns')})s?"  # words.toml: role_nouns
ROLE_RX = re.compile(rf"\b{ROLE_NOUN}\b", re.I)
#: a role in a role line: a few words, one of them a role noun ("Software developer", "Staff")
ROLE_SEG = re.compile(rf"^(?:[\w-]+\s+){{0,4}}{ROLE_NOUN}$", re.I)
#: units of an organisation: "X Steering Council" is part of X
UNIT_NOUN = alternation("unit_nouns")  # words.toml: unit_nouns
UNIT_NOUN_ANY = rf"(?:{UNIT_NOUN}|{UNIT_NOUN.lower()})"  # capitalised or lower case
UNIT_END = re.compile(rf"(?:^|\s){UNIT_NOUN_ANY}$")
UNIT_DESCRIPTOR = WORDS["unit_descriptors"]
#: "co-creators of", "founder and organizer of", "the lead maintainer of"
ROLE_OF = re.compile(r"\b(?:(?:the|a|an|one of the)\s+)?(?:original\s+|lead\s+|core\s+)?(?:co-?)?"
                     r"(creator|founder|maintainer|author|organi[sz]er|developer)s?"
                     r"(?:\s+and\s+(?:co-?)?(creator|founder|maintainer|organi[sz]er|lead)s?)?\s+of\s+(?:the\s+)?", re.I)
ROLE_OF = Cued(ROLE_OF, "creator", "founder", "maintainer", "author", "organi", "developer")
ROLE_OF_PRED = {"creator": "creator", "author": "creator", "founder": "founder", "maintainer": "maintainer",
                "organizer": "organizer", "organiser": "organizer", "developer": "contributor", "lead": "organizer"}
#: first person: what the author made or maintains
I_MADE = re.compile(r"\bI\s+(?:have\s+|had\s+)?(?:originally\s+|also\s+|first\s+|then\s+)?(?:co-?)?"
                    r"(created|wrote|founded|started|built|developed|maintain|prototyped|co-created|authored)\s+"
                    r"(?:was\s+|is\s+)?(?:the\s+)?", re.I)
#: first person: where the author is
I_AT = re.compile(r"\bI(?:[’']m|\s+am|\s+was|\s+have\s+been|\s+had\s+been)?\s+(?:currently\s+|now\s+|also\s+)?"
                  r"(?:(interning|working|employed|studying(?:\s+[a-z]+){0,3})\s+(?:at|with|for)\s+"
                  r"|(?:a|an)\s+(?:[\w-]+\s+){0,3}?(student|intern|fellow|engineer|developer|researcher|scientist|"
                  r"professor|postdoc|maintainer|member|contributor)\s+(?:at|of|with|for|in)\s+"
                  r"|(?:a\s+)?part\s+of\s+)(?:the\s+)?", re.I)
MY_AT = re.compile(r"\b(?:my|this)\s+(?:[\w-]+\s+){0,3}?(?:internship|fellowship|job|position|residency)\s+(?:at|with)\s+"
                   r"(?:the\s+)?", re.I)
AS_A = re.compile(r"\b(?:I|I\s+started\s+[\w\s]{0,30}?|I\s+(?:was|got|have\s+been)\s+(?:accepted|selected|chosen|hired))"
                  r"\s+as\s+(?:a|an|the)\s+(?=[A-Z])")
#: "we decided to create a new project for this, called Foo": the author made Foo
WE_MADE = re.compile(r"\b(?:I|[Ww]e)\s+(?:decided\s+to\s+|then\s+|also\s+)?(?:create|created|start|started|build|built|"
                     r"write|wrote)\s+(?:a|an)\s+(?:new\s+|separate\s+)?(?:project|package|library|tool)(?:\s+for\s+this)?"
                     r",?\s+(?:called|named)\s+")
#: "I managed to get a small commit merged into SciPy", "My first contribution was to a project called foo"
I_MERGED = re.compile(r"\b(?:I\s+(?:managed\s+to\s+|finally\s+)?(?:get|got|had)\s+(?:a|an|my|\w+)\s+(?:[a-z]+\s+){0,2}?"
                      r"(?:commits?|pull\s+requests?|PRs?|patch(?:es)?)\s+merged\s+(?:in|into|to)\s+(?:the\s+main\s+branch\s+of\s+)?|"
                      r"[Mm]y\s+first\s+(?:contribution|commit|pull\s+request|PR)\s+was\s+(?:actually\s+)?to\s+"
                      r"(?:a\s+project\s+called\s+)?)(?:the\s+)?")
#: "Name is a developer on the Foo project", "Name is an active member of"
IS_A_ROLE = re.compile(rf"\s+(?:is|was|has been)\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}?({ROLE_NOUN})\s+"
                       r"(on|for|at|with|of|in)\s+(?:the\s+)?", re.I)
#: "... hired Name as the Foo Fellow", "welcome Name as our new Foo Chair"
AS_ROLE = re.compile(r"\s+(?:\([^()]{1,30}\)\s+)?as\s+(?:(?:the|our|a|an)\s+)?(?:new\s+)?", re.I)
ITEM = re.compile(r"(?:[A-Z0-9][\w.+’'-]*[\w+]|[A-Z]|[a-z]+[A-Z][\w.+-]*|[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+)"
                  r"(?:\s+(?:(?:of|de)\s+)?(?:[A-Z0-9][\w.+’'-]*[\w+]|[a-z]+[A-Z][\w.+-]*)){0,5}")
SEP = re.compile(r"(?:\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&|\+)\s+)(?:the\s+)?")
PRONOUN = re.compile(r"(?:^|(?<=[.!?]\s))(?:He|She|They)\s+(?=(?:is|was|are|were|has|have|had|also|now|currently|"
                     r"serves|served|co-founded|founded|created)\b)")
WORK_ROLES = re.compile(rf"\b(?:{alternation('work_roles')})s?\b", re.I)  # words.toml: work_roles


def _ok_item(s: str) -> bool:
    s = s.strip()
    return bool(s) and s.lower() not in NOT_NAMES and s.lower() not in COMMON_WORDS and len(s) <= 80


LOOSE_ITEM = re.compile(r"[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*")


def items_at(text: str, pos: int, limit: int = 12, loose: bool = False) -> list[tuple[int, int, str]]:
    """The coordinated names starting at ``pos``: "Foo, Bar and the Baz" -> three (start, end, name);
    ``loose`` also takes a plain lower-case word ("uv") where the context says it is a name."""
    out = []
    while len(out) < limit:
        m = ITEM.match(text, pos) or (LOOSE_ITEM.match(text, pos) if loose else None)
        if not m:
            break
        name = m.group(0).rstrip(".’'")
        if not _ok_item(name):
            break
        out.append((m.start(), m.start() + len(name), name))
        sep = SEP.match(text, m.end())
        if not sep:
            break
        pos = sep.end()
    return out


def _segments(inner: str, base: int) -> list[list[tuple[int, int, str]]]:
    """"Org; A, B and C" -> [[Org], [A, B, C]] with absolute offsets (``base`` = start of ``inner``)."""
    segs, at = [], 0
    for part in inner.split(";"):
        seg, off = [], at
        for piece in re.split(r"(,\s*(?:and\s+)?|\s+and\s+|\s+&\s+)", part):
            if piece and not re.fullmatch(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+", piece):
                name = piece.strip()
                if name:
                    s = base + off + piece.index(name)
                    seg.append((s, s + len(name), name))
            off += len(piece)
        segs.append(seg)
        at += len(part) + 1
    return segs


def _name_like(s: str) -> bool:
    """A bracketed list item that names something: capitalised, camel-case or a package name."""
    words = s.split()
    return 1 <= len(words) <= 5 and _ok_item(s) and (s[:1].isupper() or s[:1].isdigit() or bool(
        re.fullmatch(r"[a-z]+[A-Z][\w.+-]*|[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+(?:\s+\w+)*", s))) \
        and not ROLE_RX.fullmatch(s) and not re.search(r"\d{4}", s)


def post_subject(item: FeedItem) -> str | None:
    """The person a post is about: the full name whose first name recurs most, clearly most
    (worked out once for the item three extractors ask about in turn)."""
    global _subject_of
    if _subject_of[0] is not item:
        _subject_of = (item, _post_subject(item))
    return _subject_of[1]


#: (the item :func:`post_subject` was last asked about, its answer)
_subject_of: tuple = (None, None)


def _post_subject(item: FeedItem) -> str | None:
    full: dict[str, str] = {}
    for b in item.blocks:
        for _, _, p in proper_phrases(b.text):
            if is_person_name(p) and len(p.split()) >= 2:
                full.setdefault(p.split()[0], p)
    if not full:
        return None
    words = re.findall(r"[^\W\d_]+", item.text)
    tally: dict[str, int] = {}
    for w in words:
        if w in full:
            tally[w] = tally.get(w, 0) + 1
    counts = sorted(((tally.get(f, 0), n) for f, n in full.items()), reverse=True)
    if counts[0][0] >= 3 and (len(counts) == 1 or counts[0][0] >= 2 * counts[1][0]):
        return counts[0][1]
    return None


class _Post:
    """What one item's patterns share: the item, the byline author and the publisher."""

    def __init__(self, item: FeedItem) -> None:
        self.item = item
        people = [a.name for a in item.authors if is_person_name(a.name)]
        self.author = people[0] if len(people) == 1 and len(item.authors) == 1 else None
        self.publisher = publisher_name(item.feed.title, item.feed.link or item.feed.iri)
        self.subject = post_subject(item)  # whom "She is a founder of ..." is about

    def m(self, text, s, e, name, kind="Organization", weak=True) -> Mention:
        return Mention(name, kind, self.item.link, quote_at(text, s, e), NAME, weak=weak)

    def rel(self, subj: Mention, pred: str, obj: Mention, text: str, s: int, e: int) -> Iterator[Mention | Relation]:
        if subj.name == obj.name:
            return
        yield subj
        yield obj
        yield Relation(subj, pred, obj, self.item.link, quote_at(text, s, e), NAME)


def _person(post: _Post, text: str, s: int, e: int, name: str) -> Mention:
    return post.m(text, s, e, name, "Person", weak=False)


def _thing_kind(name: str) -> str:
    return "Organization" if ORG_CUES.search(name) else "Project"


def _bracketed(post: _Post, text: str, s: int, e: int, name: str) -> Iterator[Mention | Relation]:
    """"Name (Org; A, B)", "Name (Org CEO)", "Name (creator of A, B and C)"."""
    m = re.match(r"\s*\(([^()]{2,200})\)", text[e:e + 210])
    if not m:
        return
    inner, base = m.group(1), e + m.start(1)
    end = e + m.end()
    p = _person(post, text, s, e, name)
    ro = ROLE_OF.match(inner)
    if ro:
        for x in items_at(text, base + ro.end()):
            for pred in {ROLE_OF_PRED[r.lower()] for r in ro.groups() if r}:
                yield from post.rel(post.m(text, x[0], x[1], x[2], _thing_kind(x[2]), weak=False), pred, p, text, s, end)
        return
    segs = _segments(inner, base)
    if len(segs) == 1 and len(segs[0]) == 1:
        x = segs[0][0]
        role = re.match(rf"^(.+?)\s+{ROLE_NOUN}$", x[2], re.I)
        if role and _name_like(role.group(1)):
            # "Name (Example Org CEO)"
            o = post.m(text, x[0], x[0] + len(role.group(1)), role.group(1), weak=False)
            yield from post.rel(p, "worksFor", o, text, s, end)
        return
    if len(segs) < 2 and not all(_name_like(x[2]) and not is_person_name(x[2]) for x in segs[0]):
        return
    for i, seg in enumerate(segs):
        for x in seg:
            if _name_like(x[2]) and (len(segs) > 1 or not is_person_name(x[2])):
                kind = "Organization" if i == 0 and len(segs) > 1 or ORG_CUES.search(x[2]) else "Project"
                yield from post.rel(p, "affiliation", post.m(text, x[0], x[1], x[2], kind, weak=False), text, s, end)


def _role_line(post: _Post, block: Block) -> Iterator[Mention | Relation]:
    """A list item "Name, Org", "Name, Role, Org", "Name, Role at Org", optionally ": what they did"."""
    text = block.text
    head_end = text.find(":")
    head_end = head_end if 0 < head_end <= 160 else len(text) if len(text) <= 160 else -1
    if head_end < 0:
        return
    parts = []
    for m in re.finditer(r"[^,]+", text[:head_end]):
        raw = m.group(0)
        if raw.strip():
            at = m.start() + len(raw) - len(raw.lstrip())
            parts.append((at, at + len(raw.strip()), raw.strip()))
    if not 2 <= len(parts) <= 3 or not is_person_name(parts[0][2]):
        return
    p = _person(post, text, *parts[0])
    orgs = []
    if len(parts) == 3 and ROLE_SEG.match(parts[1][2]):
        last = re.split(r"\.\s|:", parts[2][2] + " ")[0]
        orgs = [(x, "worksFor") for x in proper_phrases(last) if not is_person_name(x[2])]
        orgs = [((parts[2][0] + s, parts[2][0] + e, n), pr) for (s, e, n), pr in orgs]
    elif len(parts) == 2:
        seg = parts[1]
        at = re.match(rf"^(?:[\w-]+\s+){{0,4}}?{ROLE_NOUN}\s+(?:at|of|with)\s+(?:the\s+)?", seg[2], re.I)
        lead = re.match(rf"^(.+?)\s+(?:[a-z-]+\s+){{0,3}}{ROLE_NOUN}$", seg[2])
        if at:
            rest = seg[2][at.end():]
            if rest[:1].isupper():
                orgs = [((seg[0] + at.end(), seg[1], rest), "worksFor")]
        elif lead and _name_like(lead.group(1)) and not is_person_name(lead.group(1)):
            orgs = [((seg[0], seg[0] + len(lead.group(1)), lead.group(1)), "affiliation")]
        elif _name_like(seg[2]) and not ROLE_RX.search(seg[2]) and \
                any(x[0] == 0 and x[1] == len(seg[2]) for x in proper_phrases(seg[2])):
            orgs = [(seg, "affiliation")]
    for (s, e, n), pred in orgs:
        # "Name, Two Words" may be two people: such an end counts only when the run knows it
        o = post.m(text, s, e, n, "Organization", weak=is_person_name(n))
        yield from post.rel(p, pred, o, text, 0, len(text))
    if orgs and head_end < len(text):
        yield from _did(post, text, head_end + 1, p)


MADE_VERB = re.compile(r"\s*(?:(?:also|then|first)\s+)?(developed|created|wrote|built|prototyped|started|founded|"
                       r"designed|tuned|extended|helped(?:\s+to)?|improved|optimi[sz]ed|added|fixed|implemented|"
                       r"ported|contributed\s+to|worked\s+on|maintained|led)\s+(?:the\s+)?(?:original\s+|early\s+|"
                       r"initial\s+|first\s+|a\s+)?(?-i:[a-z]+\s+)?", re.I)
CREATE_VERBS = {"developed", "created", "wrote", "built", "prototyped", "started", "founded", "designed"}


#: "JADE deployment and early Foo work": a work noun between two listed things
WORK_AND = re.compile(r"\s+(?:deployment|work|support|integration|development|prototype|port|packaging)\s+(?:and|&)\s+"
                      r"(?:(?:the\s+)?(?:original|early|initial|first|later)\s+)?")
#: a name that is plainly a name even where no other extractor saw it: "JADE", "FooBar", "foo-bar"
PLAIN_NAME = re.compile(r"[A-Z]{2,}[\w-]*|[A-Za-z]+[a-z][A-Z][\w-]*|[\w]+-[\w-]+")


def _did(post: _Post, text: str, pos: int, person: Mention) -> Iterator[Mention | Relation]:
    """": Developed Foo and Bar" after a role line, sentence by sentence: what the person made or
    worked on ("Provided data. Tuned Foo and Bar for speed." -> Foo and Bar)."""
    for n_sent in range(4):
        v = MADE_VERB.match(text, pos)
        if v:
            pred = "creator" if v.group(1).lower() in CREATE_VERBS else "contributor"
            names = items_at(text, v.end(), 4)
            while names and len(names) < 6:  # "JADE deployment and early Foo work"
                w = WORK_AND.match(text, names[-1][1])
                more = items_at(text, w.end(), 1) if w else []
                if not more:
                    break
                names += more
        elif n_sent == 0:  # ": Foo + Bar support"
            m = re.match(r"\s*", text[pos:])
            names = items_at(text, pos + m.end(), 4)
            names = names if names and re.match(r"\s+(?:support|integration|development|work)\b", text[names[-1][1]:]) else []
            pred = "contributor"
        else:
            names = []
        for s, e, n in names:
            # "early Foo work": work on Foo, not its making
            p = "contributor" if re.match(r"\s+(?:work|support|integration)\b", text[e:e + 13]) else pred
            yield from post.rel(post.m(text, s, e, n, "Project", weak=not PLAIN_NAME.fullmatch(n)), p, person,
                                text, 0, len(text))
        nxt = re.compile(r"[^.!?]{0,300}?[.!?]\s+(?=[A-Z])").match(text, pos)
        if not nxt:
            break
        pos = nxt.end()


def _apposition(post: _Post, text: str, s: int, e: int, name: str) -> Iterator[Mention | Relation]:
    """"Name, Role at the Org" and "(Name, Org)" in running text."""
    m = re.match(rf",\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:[\w-]+\s+){{0,4}}?{ROLE_NOUN}\s+(?:at|of|with)\s+(?:the\s+)?",
                 text[e:e + 90], re.I)
    if m:
        o = [x for x in proper_phrases(text[e + m.end():e + m.end() + 90]) if x[0] == 0]
        if o and not is_person_name(o[0][2]):
            os_ = e + m.end()
            pred = "worksFor" if WORK_ROLES.search(m.group(0)) else "affiliation"
            yield from post.rel(_person(post, text, s, e, name), pred,
                                post.m(text, os_, os_ + o[0][1], o[0][2], weak=False), text, s, os_ + o[0][1])
        return
    if text[s - 1:s] == "(":
        m = re.match(r",\s+(?:the\s+)?([^(),;]{2,80})\)", text[e:e + 90])
        if m and _name_like(m.group(1)) and any(x[0] == 0 and x[1] == len(m.group(1)) for x in proper_phrases(m.group(1))) \
                and not is_person_name(m.group(1)):
            os_ = e + m.start(1)
            yield from post.rel(_person(post, text, s, e, name), "affiliation",
                                post.m(text, os_, os_ + len(m.group(1)), m.group(1), weak=False), text, s, os_)


def _is_a_role(post: _Post, text: str, s: int, e: int, name: str) -> Iterator[Mention | Relation]:
    """"Name is a developer on the Foo project", "Name is a member of the Foo Council"."""
    m = IS_A_ROLE.match(text[e:e + 100])
    if not m:
        return
    pos = e + m.end()
    role = m.group(1).lower()
    if role.startswith(("member", "founder", "co-founder", "creator", "maintainer", "organi")) and m.group(2).lower() == "of":
        return  # "member of", "creator of": the relations and role-of patterns read these
    for x in items_at(text, pos, 3):
        pred = "memberOf" if role.startswith("member") else \
            "contributor" if role.startswith(("developer", "contributor", "maintainer", "packager", "core developer")) \
            else "affiliation"
        o = post.m(text, x[0], x[1], x[2], "Project" if pred == "contributor" else "Organization")
        if pred == "contributor":
            yield from post.rel(o, pred, _person(post, text, s, e, name), text, s, x[1])
        else:
            yield from post.rel(_person(post, text, s, e, name), pred, o, text, s, x[1])


def _role_of(post: _Post, text: str, phrases, by_end: dict) -> Iterator[Mention | Relation]:
    """"A and B are co-creators of Foo", "Name, founder of Foo", "She is a founder and organizer of A, B"."""
    for ro in ROLE_OF.finditer(text):
        ss, _ = sentence_span(text, ro.start(), ro.end())
        before = text[max(ss, ro.start() - 40):ro.start()]
        subj: list[tuple[int, int, str]] = []
        cop = re.search(r"(?:,\s*|\s+(?:is|are|was|were|has been|have been|became|become)\s+)$", before)
        if not cop:
            continue
        at = ro.start() - len(before) + cop.start()
        prev = by_end.get(at)
        if prev and (is_person_name(prev[2]) or _first_name(prev[2])):
            subj = [prev]
            # "A and B are co-creators": walk back over "and" / ","
            while True:
                j = re.search(r"(?:,\s*|\s+and\s+|,\s+and\s+)$", text[max(0, subj[0][0] - 8):subj[0][0]])
                q = by_end.get(subj[0][0] - len(j.group(0))) if j else None
                if not q or not (is_person_name(q[2]) or _first_name(q[2])):
                    break
                subj.insert(0, q)
        else:
            pr = re.search(r"(?:^|[.!?]\s+)(?:He|She|They)\s+(?:is|was|are|were|has been)\s+$", text[max(0, ss - 2):ro.start()])
            if pr and post.subject and not cop.group(0).startswith(","):
                subj = [(ro.start(), ro.start(), post.subject)]
            else:
                ii = re.search(r"\bI\s+(?:am|was|have been)\s+$|\bI[’']m\s+$", text[max(ss, ro.start() - 20):ro.start()])
                if ii and post.author:
                    subj = [(ro.start(), ro.start(), post.author)]
        if not subj:
            continue
        preds = {ROLE_OF_PRED[r.lower()] for r in ro.groups() if r}
        objs = items_at(text, ro.end())
        for x in objs:
            if x[2] in [y[2] for y in subj]:
                continue
            for ps in subj:
                person = post.m(text, ps[0], ps[1], ps[2], "Person", weak=not is_person_name(ps[2]))
                for pred in sorted(preds):
                    kind = "Organization" if pred == "founder" else _thing_kind(x[2])
                    yield from post.rel(post.m(text, x[0], x[1], x[2], kind, weak=False), pred, person,
                                        text, min(ps[0], ro.start()), x[1])


PERSON_AT = re.compile(r"(?:[A-Z]{1,3}|[A-ZÀ-Þ][\w’'-]+)(?:\s+(?:[A-Z]\.|[A-ZÀ-Þ][\w’'-]+|(?:van|von|de|der|den|da|del|di|du|la|le|bin|al)(?=\s+\w))){1,4}")
PARTICLE = re.compile(r"\s(?:van|von|de|der|den|da|del|di|du|la|le|bin|al)(?=\s)")


def person_at(text: str, pos: int) -> tuple[int, int, str] | None:
    """The person's name starting at ``pos``: "Ada Byron", "Ada van der Berg", "CJ Smith"."""
    m = PERSON_AT.match(text, pos)
    if not m:
        return None
    name = m.group(0)
    plain = PARTICLE.sub("", name)
    first, rest = plain.split(maxsplit=1)
    ok = is_person_name(plain) or (first.isupper() and len(first) <= 3 and is_person_name(f"{first.title()} {rest}"))
    return (pos, m.end(), name) if ok else None


def _first_name(s: str) -> bool:
    """A single capitalised word that can be someone's first name ("Jarrod"), resolved in the post."""
    return bool(re.fullmatch(r"[A-ZÀ-Þ][a-zà-ÿ’'-]+", s)) and s.lower() not in NOT_NAMES and s.lower() not in COMMON_WORDS


def _org_people(post: _Post, text: str, phrases, by_start: dict) -> Iterator[Mention | Relation]:
    """"Example Lab collaborators Ada Byron and Alan Turing", "Foo maintainers: A (x), B and C",
    "Example Lab advisory council member, Ada Byron"."""
    for s, e, org in phrases:
        if is_person_name(org):
            continue
        m = re.match(rf"\s+((?:[a-z][a-z-]*\s+){{0,3}}?{ROLE_NOUN})(?:\s*:\s*|\s+\(|,?\s+)", text[e:e + 80])
        if not m or not ROLE_RX.search(m.group(1)):
            continue
        pos = e + m.end()
        people = []
        while len(people) < 12:
            x = person_at(text, pos)
            if not x:
                break
            people.append(x)
            nxt = re.match(r"\s*(?:\([^()]{1,40}\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+&\s+)", text[x[1]:x[1] + 50])
            if not nxt:
                break
            pos = x[1] + nxt.end()
        if not people:
            continue
        roles = m.group(1).lower()
        words = roles.split()
        unit = [w for w in words[:-1] if w in UNIT_DESCRIPTOR]
        if unit and words[-2] in ("council", "committee", "board", "team", "group"):
            o = post.m(text, s, e + len(m.group(0).rstrip()) - len(words[-1]) - 1, f"{org} {' '.join(words[:-1])}")
            pred = "memberOf"
        else:
            o = post.m(text, s, e, org)
            pred = "maintainer" if roles.startswith("maintainer") or words[-1].startswith("maintainer") else \
                "memberOf" if words[-1].startswith("member") else "affiliation"
        for x in people:
            p = _person(post, text, *x)
            if pred == "maintainer":
                yield from post.rel(o, pred, p, text, s, x[1])
            else:
                yield from post.rel(p, pred, o, text, s, x[1])


def _people_at(post: _Post, text: str, phrases, by_end: dict) -> Iterator[Mention | Relation]:
    """"Ada Byron and Alan Turing at / from Example Lab": every listed person, not only the last."""
    for i, (s, e, name) in enumerate(phrases):
        glued = re.match(r"^(.+?)\s+(?:at|of|from)\s+(?:the\s+)?(.+)$", name)
        if glued and is_person_name(glued.group(1)) and not is_person_name(glued.group(2)):
            # "Paul Okafor at Harbor Trust" read as one capitalised run
            nxt = (e - len(glued.group(2)), e, glued.group(2))
            e, name = s + len(glued.group(1)), glued.group(1)
        else:
            if not is_person_name(name):
                continue
            m = re.match(r"\s+(at|from|of)\s+(?:the\s+)?", text[e:e + 12])
            if not m:
                continue
            nxt = phrases[i + 1] if i + 1 < len(phrases) else None
            if not nxt or nxt[0] != e + m.end() or is_person_name(nxt[2]):
                continue
        people, cur = [], (s, e, name)
        while True:
            j = re.search(r"(?:,\s*|\s+and\s+|,\s+and\s+|\s+&\s+)$", text[max(0, cur[0] - 8):cur[0]])
            q = by_end.get(cur[0] - len(j.group(0))) if j else None
            if not q or not is_person_name(q[2]) or len(people) >= 10:
                break
            people.append(q)
            cur = q
        if not people:
            continue  # one person: the people extractor reads "Name of/at Org"
        o = post.m(text, *nxt, weak=False)
        for x in [*people, (s, e, name)]:
            yield from post.rel(_person(post, text, *x), "affiliation", o, text, x[0], nxt[1])


ROLE_TITLE = re.compile(rf"((?:[A-Z][\w-]*\s+(?:(?:and|&|of|in)\s+)?){{0,5}}?)(?i:{ROLE_NOUN})\b(?:\s+(?:at|of|for)\s+(?:the\s+)?)?")


def _as_role(post: _Post, text: str, s: int, e: int, name: str) -> Iterator[Mention | Relation]:
    """"hired Name as the Foo Fellow", "welcome Name as our new Steering Council Chair",
    "introduce Name as our new Community Lead at Example Lab"."""
    m = AS_ROLE.match(text[e:e + 60])
    if not m:
        return
    pos = e + m.end()
    our = "our" in m.group(0).lower().split()
    t = ROLE_TITLE.match(text, pos)
    if not t:
        return
    head = t.group(1).strip()
    end = t.end()
    p = _person(post, text, s, e, name)
    unit = re.match(r"^(.*?\b(?:Council|Committee|Board|Team|Group))\b", head)
    if t.group(0).rstrip().endswith((" at", " of", " for", " the")):
        x = next(iter(items_at(text, t.end(), 1)), None)
        if x:
            pred = "memberOf" if unit else "worksFor"
            yield from post.rel(p, pred, post.m(text, *x, weak=not our), text, s, x[1])
            return
    if unit:
        uname = unit.group(1)
        if our and post.publisher and not uname.startswith(post.publisher):
            uname = f"{post.publisher} {uname}"
        yield from post.rel(p, "memberOf", post.m(text, pos, pos + len(unit.group(1)), uname), text, s, end)
    elif our and post.publisher:
        yield from post.rel(p, "worksFor", post.m(text, pos, end, post.publisher), text, s, end)
    elif head:
        words = head.split()
        # "the Quillpy Software Research Engineering Fellow": the first word names the project
        if words[0].lower() not in COMMON_WORDS and words[0].lower() not in NOT_NAMES:
            yield from post.rel(p, "affiliation", post.m(text, pos, pos + len(words[0]), words[0]), text, s, end)


def _first_person(post: _Post, text: str) -> Iterator[Mention | Relation]:
    if not post.author or not re.search(r"\bI\b|\bmy\b|\b[Ww]e\b", text):
        return
    def me(at: int) -> Mention:
        return post.m(text, at, at + 1, post.author, "Person")
    for m in I_MADE.finditer(text):
        verb = m.group(1).lower()
        pred = "maintainer" if verb == "maintain" else "creator"
        for x in items_at(text, m.end(), 4):
            yield from post.rel(post.m(text, x[0], x[1], x[2], "Project"), pred, me(m.start()), text, m.start(), x[1])
    for m in I_AT.finditer(text):
        x = next(iter(items_at(text, m.end(), 1)), None)
        if not x:
            continue
        pred = "memberOf" if "part" in m.group(0).lower() or (m.group(2) or "").lower() == "member" else \
            "worksFor" if (m.group(1) or m.group(2) or "").lower() in ("interning", "working", "employed", "intern",
                                                                       "engineer", "developer") else "affiliation"
        name, end = x[2], x[1]
        t = re.match(r"\s+(team|council|committee|board)\b", text[x[1]:x[1] + 12])
        if t:
            name, end = f"{x[2]} {t.group(1)}", x[1] + t.end()
        yield from post.rel(me(m.start()), pred, post.m(text, x[0], end, name, weak=not t), text, m.start(), end)
    for m in MY_AT.finditer(text):
        x = next(iter(items_at(text, m.end(), 1)), None)
        if x:
            yield from post.rel(me(m.start()), "worksFor", post.m(text, x[0], x[1], x[2]), text, m.start(), x[1])
    for m in WE_MADE.finditer(text):
        x = next(iter(items_at(text, m.end(), 1, loose=True)), None)
        if x:
            yield from post.rel(post.m(text, *x, "Project", weak=False), "creator", me(m.start()), text, m.start(), x[1])
    for m in I_MERGED.finditer(text):
        x = next(iter(items_at(text, m.end(), 1, loose=True)), None)
        if x and (not x[2].islower() or "-" in x[2] or m.group(0).rstrip().endswith("called")):
            yield from post.rel(post.m(text, *x, "Project"), "contributor", me(m.start()), text, m.start(), x[1])
    for m in AS_A.finditer(text):
        x = next((y for y in proper_phrases(text[m.end():m.end() + 80]) if y[0] == 0), None)
        if x:
            role = re.match(rf"^(.+?)\s+(?i:{ROLE_NOUN})$", x[2])
            if not role and re.compile(rf"\s+{ROLE_NOUN}\b").match(text, m.end() + x[1]):
                role = re.match(r"(.+)", x[2])  # "as a GSoC contributor"
            if role and not is_person_name(role.group(1)):
                at = m.end()
                yield from post.rel(me(m.start()), "affiliation", post.m(text, at, at + len(role.group(1)), role.group(1)),
                                    text, m.start(), at + x[1])


POSSESSIVE = re.compile(r"^(.+?)[’']s\s+(.+)$")


def _units_and_possessives(post: _Post, text: str, phrases) -> Iterator[Mention | Relation]:
    for s, e, phrase in phrases:
        pm = POSSESSIVE.match(phrase)
        if pm and not ORG_CUES.search(pm.group(2)):
            owner, thing = pm.group(1), pm.group(2)
            if is_person_name(owner) or owner.lower() in NOT_NAMES:
                continue
            team = re.match(r"\s+team\b", text[e:e + 8])
            o = post.m(text, s, s + len(owner), owner)
            t = post.m(text, e - len(thing), e, thing, "Organization" if team else "Project")
            yield from post.rel(t, "parentOrganization" if team else "maintainer", o, text, s, e)
            continue
        words = phrase.split()
        tail = re.match(r"\s+(team|council|committee|board)\b", text[e:e + 12])
        full = f"{phrase} {tail.group(1)}" if tail else phrase
        if not UNIT_END.search(full) or len(full.split()) < 2 or is_person_name(phrase):
            continue
        head = []
        for w in words:
            if w.lower() in UNIT_DESCRIPTOR:
                break
            head.append(w)
        if not head or len(head) == len(full.split()) - 1 and not tail and len(head) == len(words):
            continue
        parent = " ".join(head)
        if parent.lower() in NOT_NAMES or parent.lower() in COMMON_WORDS or len(head) == len(full.split()):
            continue
        if not any(w.lower() in UNIT_DESCRIPTOR for w in words[len(head):]):
            continue  # "the Kelpie team" is Kelpie itself
        unit = post.m(text, s, e + (tail.end() if tail else 0), full, weak=not tail)
        # "the EXAMPLE CoC Working Group": a body of people of a name spelled like no word (capitals
        # inside it) is a unit of that organisation, which the pattern names for sure
        sure = len(head) == 1 and bool(re.search(r"[a-z][A-Z]|[A-Z]{2}", parent)) and not tail
        yield from post.rel(unit, "parentOrganization", post.m(text, s, s + len(parent), parent, weak=not sure),
                            text, s, e)


def _people(text: str, phrases) -> list[tuple[int, int, str]]:
    """People named in a block, "Ada van der Berg" whole."""
    out, end = [], -1
    for s, e, name in phrases:
        if s < end:
            continue
        x = person_at(text, s)
        if x and x[1] >= e:
            out.append(x)
            end = x[1]
        elif is_person_name(name):
            out.append((s, e, name))
            end = e
    return out


def block_relations(post: _Post, block: Block) -> Iterator[Mention | Relation]:
    text = block.text
    phrases = proper_phrases(text)
    by_start = {x[0]: x for x in phrases}
    by_end = {x[1]: x for x in phrases}
    if block.tag in ("li", "p", "td", "dd") and len(text) <= 400:
        yield from _role_line(post, block)
    people = _people(text, phrases)
    yield from _publisher_people(post, text, people)
    yield from _maintainers_like(post, text)
    for s, e, name in people:
        yield from _name_made(post, text, s, e, name)
        if True:
            yield from _bracketed(post, text, s, e, name)
            yield from _apposition(post, text, s, e, name)
            yield from _is_a_role(post, text, s, e, name)
            yield from _as_role(post, text, s, e, name)
    yield from _role_of(post, text, phrases, by_end)
    yield from _org_people(post, text, phrases, by_start)
    yield from _people_at(post, text, phrases, by_end)
    yield from _first_person(post, text)
    yield from _units_and_possessives(post, text, phrases)
    for s, e, phrase in phrases:
        m = UNIT_ROLE_NAME.match(phrase)
        if m and is_person_name(m.group(2)) and len(m.group(1).split()) >= 2:
            ps = s + m.start(2)
            yield from post.rel(_person(post, text, ps, e, m.group(2)), "memberOf",
                                post.m(text, s, s + len(m.group(1)), m.group(1), weak=False), text, s, e)


def extract(item: FeedItem, context=None) -> Iterator[Mention | Relation]:
    post = _Post(item)
    for block in item.blocks:
        yield from block_relations(post, block)


OUR_ROLE = re.compile(rf"\b[Oo]ur\s+(?:new\s+)?((?:[A-Z][\w-]*\s+(?:(?:and|&|of|in)\s+)?){{0,5}}?(?i:{ROLE_NOUN}))\s*,\s+")
NAME_OUR = re.compile(rf",\s+our\s+(?:new\s+)?(?:(\S+)\s+)?((?:[A-Z][\w-]*\s+(?:(?:and|&|of|in)\s+)?){{0,4}}[A-Z][\w-]*)")
#: "our Field Data Guide": something the publisher makes
OUR_WORK = re.compile(rf"\bour\s+([A-Z][\w-]*\s+(?:[\w-]+\s+){{0,3}}?(?i:{alternation('publisher_works')}))\b")
#: "our Review Board": a unit of the publisher
OUR_UNIT = re.compile(rf"\bour\s+((?:[A-Z][\w-]*\s+){{1,3}}(?:{UNIT_NOUN}))\b")
#: "Steering Council Chair Ada Byron": a member of the unit
UNIT_ROLE_NAME = re.compile(rf"^(.*?\b(?:{UNIT_NOUN}))\s+(?:Co-)?(?:{alternation('unit_role_titles')})\s+(.+)$")
MAINTAINERS_LIKE = Cued(re.compile(r"\bmaintainers?\s+of\s+(?:[\w-]+\s+){0,4}?(?:like|such as|including)\s+"),
                        "maintainer")
NAME_MADE = re.compile(r"\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?(?:co-)?(created|developed|built|wrote|authored|founded|"
                       r"maintains|co-founded)\s+(?:the\s+)?")
SOFTWARE_NOUN = re.compile(rf"\s+(?:{alternation('software_nouns')})\b")  # words.toml: software_nouns
JOB_AT = re.compile(r"[’']s\s+(?:day\s+|full-time\s+|current\s+|new\s+)?(?:job|work|role|position)\s+(?:at|with)\s+(?:the\s+)?")


def _publisher_people(post: _Post, text: str, people) -> Iterator[Mention | Relation]:
    """"Our Executive Director and Founder, Name", "Name, our Editor in Chief", "our Python Guide"."""
    if not post.publisher or ("our" not in text and "Our" not in text):
        return  # (each pattern below needs "our" or "Our")
    by_start = {x[0]: x for x in people}
    for m in OUR_ROLE.finditer(text):
        x = by_start.get(m.end()) or person_at(text, m.end())
        if not x:
            continue
        p, o = _person(post, text, *x), post.m(text, m.start(), m.end(), post.publisher)
        yield from post.rel(p, "worksFor", o, text, m.start(), x[1])
        if re.search(r"\b(?:co-?)?founder\b", m.group(1), re.I):
            yield from post.rel(o, "founder", p, text, m.start(), x[1])
    for s, e, name in people:
        m = NAME_OUR.match(text, e)
        if m and ROLE_RX.search(m.group(2)):
            head = m.group(1) if m.group(1) and name_key(m.group(1)) == name_key(post.publisher) else None
            pred = "memberOf" if head or re.search(r"\b(?:member|editor|chair)", m.group(2), re.I) else "worksFor"
            yield from post.rel(_person(post, text, s, e, name), pred,
                                post.m(text, m.start(), m.end(), post.publisher), text, s, m.end())
    for m in OUR_UNIT.finditer(text):
        unit = post.m(text, m.start(1), m.end(1), m.group(1), weak=False)
        yield from post.rel(unit, "parentOrganization", post.m(text, m.start(), m.end(), post.publisher),
                            text, m.start(), m.end())
    for m in OUR_WORK.finditer(text):
        yield from post.rel(post.m(text, m.start(1), m.end(1), m.group(1), "Project"), "maintainer",
                            post.m(text, m.start(), m.end(), post.publisher), text, m.start(), m.end())


def _maintainers_like(post: _Post, text: str) -> Iterator[Mention | Relation]:
    """"maintainers of core tools like foo (Ada Byron) and Bar (Alan Turing)"."""
    for m in MAINTAINERS_LIKE.finditer(text):
        pos = m.end()
        for _ in range(8):
            it = ITEM.match(text, pos) or LOOSE_ITEM.match(text, pos)
            if not it:
                break
            br = re.match(r"\s*\(", text[it.end():it.end() + 3])
            x = person_at(text, it.end() + br.end()) if br else None
            if not x or not text.startswith(")", x[1]):
                break
            yield from post.rel(post.m(text, it.start(), it.end(), it.group(0), "Project"), "maintainer",
                                _person(post, text, *x), text, m.start(), x[1])
            sep = SEP.match(text, x[1] + 1)
            if not sep:
                break
            pos = sep.end()


def _name_made(post: _Post, text: str, s: int, e: int, name: str) -> Iterator[Mention | Relation]:
    """"Name has developed the foo package", "Name created Foo", "Name's day job at Org"."""
    j = JOB_AT.match(text, e)
    if j:
        x = next(iter(items_at(text, j.end(), 1)), None)
        if x:
            yield from post.rel(_person(post, text, s, e, name), "worksFor", post.m(text, *x, weak=False), text, s, x[1])
        return
    m = NAME_MADE.match(text, e)
    if not m:
        return
    x = next(iter(items_at(text, m.end(), 1, loose=True)), None)
    verb = m.group(1).lower()
    if not x or not (SOFTWARE_NOUN.match(text, x[1]) or verb in ("created", "founded", "co-founded")):
        return
    pred = "founder" if "founded" in verb else "maintainer" if verb == "maintains" else "creator"
    kind = "Organization" if pred == "founder" else "Project"
    yield from post.rel(post.m(text, *x, kind, weak=False), pred, _person(post, text, s, e, name), text, s, x[1])
