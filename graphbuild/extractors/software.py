"""Well-known software named without a link: popular PyPI project names (graphbuild/data/software.tsv,
derived from a public download ranking, see graphbuild/data/NOTICE) weighed with how the post writes
them. A name from the list is a signal, never proof on its own:

- written as code (``<code>tqdm</code>``) or installed (``pip install tabulate``): software;
- in its own spelling with inner capitals ("SQLAlchemy", "PyYAML", "MarkupSafe"): software;
- capitalised inside a sentence and standing alone ("with Alembic"), or in lower case ("httpx",
  "orjson"), when the name is not an English word or proper noun;
- an English word ("requests", "black", "Sphinx", "Redis") only with more context: code, "the X
  library", an install command, or listed together with software found by the rules above
  ("Alembic/SQLAlchemy", "pip or pipx", "Formatters: black, yapf, isort").
"""
from __future__ import annotations

import builtins
import keyword
import re
from bisect import bisect_right
from functools import lru_cache
from importlib.resources import files
from typing import Iterator

from ..models import Block, FeedItem, Mention
from ..names import COMMON_WORDS, NOT_NAMES, alternation, is_person_name, proper_phrases
from ..text import Cued, name_key, sentence_spans
from .quotes import Quoter

DESCRIPTION = "well-known software named without a link: PyPI names in code spans, install commands and prose"
NAME = "software"

#: Python's keywords and built-in names ("None", "True", "print"), which code spans name often and
#: which are never a package meant by the post, whatever the package index holds
PYTHON_WORDS = frozenset(w.lower() for w in (*keyword.kwlist, *dir(builtins)))
#: a package-like token: letters/digits with inner - _ . separators (linear: each separator starts a group)
TOKEN = re.compile(r"(?<![\w@/.#=-])[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*(?![\w/@-]|\.\w)")
#: the package installers an install command starts with: software themselves ("with pip or conda")
INSTALLERS = ("pip", "pip3", "conda", "mamba", "micromamba", "pixi", "uv", "pipx")
INSTALL = re.compile(r"\b(?:pip3?|conda|mamba|micromamba|pixi|uv|pipx)\s+(?:install|add)\s+((?:-{1,2}[\w-]+\s+)*)"
                     r"([A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*)")
INSTALL = Cued(INSTALL, "install", "add")
#: words after a name that say it is software: "the tqdm package", "Redis server"
WHAT = re.compile(rf"^\s+(?:(?:{alternation('software_languages')})\s+)?(?:{alternation('software_what')})\b",
                  re.I)  # words.toml: software_languages, software_what
#: only a package can be these: "the requests library", "the black formatter"
PACKAGE_AFTER = re.compile(rf"^\s+(?:(?:Python|R)\s+)?(?:{alternation('package_only')})\b")  # words.toml: package_only
#: verbs before a tool written as code: "format with `black`", "run `isort`"
TOOL_BEFORE = re.compile(r"\b(?:with|using|via|run|runs|running|use|uses|install|installs|installing)\s+$", re.I)
#: words before a name that say it is an organisation, not its software: "works at X", "joined X"
ORG_BEFORE = re.compile(r"\b(?:at|from|join(?:ed|s)?)\s+$", re.I)
#: "something like orjson", "tools such as httpx": what follows is an example of something
LIKE = re.compile(r"\b(?:like|such as|e\.g\.,?|including)\s+$")
#: separators of a list of names: ", ", " or ", " and ", "/"
LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|/)\s*$")


#: a capitalised word and another after a name: the name starts a longer one ("X Project Summit")
IN_LONGER_NAME = re.compile(r"\s+[A-Z][\w-]*\s+[A-Z]")
#: an apposition that says what a name is: ", a WebAssembly distribution", " — a type-checking tool",
#: ", the networking library" (words.toml: software_what)
APPOSITION = re.compile(rf"^\s*(?:,|—|–|\s-)\s*(?:a|an|the)\s+(?:(?!(?:with|of|for|that|and|in|on|at|by|to)\b)[\w-]+\s+){{0,3}}?"
                        rf"(?:{alternation('software_what')})\b", re.I)
#: what APPOSITION needs first after spaces (a test before the search, made for every token: it
#: may look further than the 60 characters the search is given, never find less)
_APPOSITION_FIRST = re.compile(r"\s*[,—–-]")

#: a name spelled with inner capitals, which no English word is: "FrobDB", "QuuxLab" (not "McEwen")
CAMEL = re.compile(r"^(?!(?:Mc|Mac|De|Di|La|Le|Van|Von|O)[A-Z])[A-Z][a-z]+(?:[A-Z][a-z]*|[A-Z]{2,})[A-Za-z]*$")
CAMEL_WORD = re.compile(r"(?<![\w-])[A-Z]?[a-z]+[A-Z][A-Za-z]*\b")
#: a run of names joined by slashes, "Celery/Airflow/Luigi" (no URL: no dot, colon or slash before it)
SLASHED = Cued(re.compile(r"(?<![\w@/.:#=-])[A-Za-z][A-Za-z0-9]*(?:/[A-Za-z][A-Za-z0-9]*)+(?![\w@.:-]|/\w)"), "/")
#: what may follow a name inside its link text: a possessive, closing punctuation
LINK_REST = re.compile(r"^(?:['’]s?)?[\s.,;:!?)]*$")


def _tokens(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, token, end of its slash list or 0) of every package-like token, the parts of slash lists
    ("Kubernetes/Yarn") included; a slash between two letters is no part of a path or URL there."""
    out = [(m.start(), m.end(), m.group(0), 0) for m in TOKEN.finditer(text)]
    for m in SLASHED.finditer(text):
        parts = m.group(0).split("/")
        if len(parts) > 6 or not all(p[:1].isupper() for p in parts):
            continue  # "and/or", "input/output": words; a path
        pos = m.start()
        for p in parts:
            out.append((pos, pos + len(p), p, m.end()))  # (the end of the slash list, where its noun may follow)
            pos += len(p) + 1
    out.sort()
    return out


@lru_cache(maxsize=1)
def known() -> dict[str, str]:
    """Name key -> flag ("" neither, "w" English word, "n" English proper noun) of the bundled list."""
    out: dict[str, str] = {}
    text = files("graphbuild").joinpath("data/software.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, flag = line.partition("\t")
        k = name_key(name)
        if k and k not in out:
            out[k] = flag.strip()
    for name in INSTALLERS:
        out[name] = ""  # no English word in a post about software ("pip" and "conda" install packages)
    return out


def _sentence_start(text: str, starts: list[int], s: int) -> bool:
    """Is ``text[s]`` the first word of a sentence or of a labelled part ("Linters: ...")?"""
    before = text[:s].rstrip()
    return not before or s in starts or before.endswith((":", "•", "-", "–", "—", "(", "\"", "“"))


def _span_at(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> tuple[int, int] | None:
    """The span of ``spans`` (sorted, not overlapping) that holds ``[s, e)``, found by bisection."""
    i = bisect_right(starts, s) - 1
    return spans[i] if i >= 0 and spans[i][1] >= e else None


def _code_token(text: str, span: tuple[int, int] | None, s: int, e: int) -> bool:
    """The token is (nearly) all of its code span: ``<code>ruff</code>``, not ``<code>np.matrix</code>``."""
    return bool(span) and not text[span[0]:span[1]].strip(" `'\"").replace(text[s:e], "").strip(" ,;:()[]")


def _candidates(block: Block, table: dict[str, str]) -> list[tuple[int, int, str, int]]:
    """(start, end, name, strength) of each listed name in a block: strength 2 is enough alone,
    1 needs a strong neighbour in a list, 0 is not enough."""
    text = block.text
    starts = {s for s, _ in sentence_spans(text)}
    links = sorted((l.start, l.end) for l in block.links)
    link_starts = [a for a, _ in links]
    code_spans = sorted(block.code)
    code_starts = [a for a, _ in code_spans]
    capital_runs = set()
    for s, e, ph in proper_phrases(text):  # "SQLAlchemy, Alembic" reads as one run: each part stands alone
        pos = s
        for piece in ph.split(", "):
            at = text.find(piece, pos)
            pos = at + len(piece)
            capital_runs.add((at, pos))
    out = []
    for s, e, tok, slashed in _tokens(text):
        if tok.endswith((".", "-")) or "." in tok:
            continue  # "pyproject.toml", "tqdm.auto": files and modules, not package names
        flag = table.get(name_key(tok))
        # "X, a Y tool": the text says what it is
        said = _APPOSITION_FIRST.match(text, e) is not None and bool(APPOSITION.match(text[e:e + 60]))
        if slashed and block.tag != "pre" and WHAT.match(text[slashed:slashed + 40]) and len(tok) >= 2 \
                and tok.lower() not in NOT_NAMES and tok.lower() not in COMMON_WORDS:
            out.append((s, e, tok, 2))  # "the A/B libraries": each name of the slash list is one
            continue
        if flag is None and CAMEL.match(tok) and block.tag != "pre" and not _span_at(code_spans, code_starts, s, e) \
                and not _span_at(links, link_starts, s, e) and not _sentence_start(text, starts, s):
            # "the FooBar Project Summit": a cue word inside a longer name says nothing of FooBar
            what = WHAT.match(text[e:e + 40]) and not IN_LONGER_NAME.match(text, e)
            out.append((s, e, tok, 2 if what or said else 1))
            continue
        if flag is None and said and block.tag != "pre" and len(tok) >= 3 and tok.lower() not in NOT_NAMES \
                and tok.lower() not in COMMON_WORDS and not _span_at(links, link_starts, s, e) \
                and (_code_token(text, _span_at(code_spans, code_starts, s, e), s, e) or CAMEL_WORD.fullmatch(tok)):
            out.append((s, e, tok, 2))  # "`stubtest` — a type-checking tool", "FooLite, a web distribution"
            continue
        if flag is None and slashed and block.tag != "pre" and len(tok) >= 3 and tok.lower() not in NOT_NAMES \
                and tok.lower() not in COMMON_WORDS:
            out.append((s, e, tok, 1))  # "Kubernetes/Yarn/Mesos": strong when a neighbour is known software
            continue
        if flag is None or len(tok) < 2:
            continue
        link = _span_at(links, link_starts, s, e)
        if link:
            # a link whose whole text is a listed name that is no English word ("pyarrow’s" to the
            # docs of a differently named project): the link rules may not know its address
            if flag == "" and LINK_REST.match(text[e:link[1]]) and not text[link[0]:s].strip() \
                    and tok.lower() not in NOT_NAMES and tok.lower() not in COMMON_WORDS:
                out.append((s, e, tok, 2))
            continue
        code = _code_token(text, _span_at(code_spans, code_starts, s, e), s, e)
        if block.tag == "pre" and not code:
            continue  # code listings: only install commands (below)
        low = tok.lower()
        after = text[e:e + 40]
        cue = bool(WHAT.match(after)) or said or (flag == "c" and bool(LIKE.search(text[max(0, s - 12):s])))
        if code:
            tool = TOOL_BEFORE.search(text[max(0, s - 12):s])
            strength = 2 if (flag == "" or cue or (tool and flag in ("w", "c"))) and low not in NOT_NAMES else \
                1.5 if low not in NOT_NAMES and low not in PYTHON_WORDS else 1  # 1.5: strong in a list of such
        elif len(tok) < 3:
            continue
        elif re.search(r"[a-z][A-Z]|^[A-Z]{2,}[a-z]", tok):  # SQLAlchemy, PyYAML, MarkupSafe
            strength = 2 if flag not in ("w", "c") or tok[0].islower() or re.search(r"[a-z][A-Z]", tok) else 1
        elif tok.isupper():
            continue  # acronyms: orgs as often as software
        elif tok[0].isupper() and slashed:
            strength = 2 if flag == "" and low not in NOT_NAMES and low not in COMMON_WORDS else 1
        elif tok[0].isupper():
            if _sentence_start(text, starts, s) or (s, e) not in capital_runs or low in NOT_NAMES \
                    or low in COMMON_WORDS or ORG_BEFORE.search(text[max(0, s - 12):s]):
                strength = 2 if cue and flag == "" else 0
            else:
                strength = 2 if flag == "" or cue else 1
        else:
            if low in NOT_NAMES:
                continue
            strong_cue = bool(PACKAGE_AFTER.match(after))
            strength = 2 if (flag == "" and (len(tok) >= 4 or re.search(r"\d", tok))) or (cue and flag != "w") \
                or strong_cue else 1
            if low in COMMON_WORDS and not strong_cue:
                strength = 1  # a common noun ("requests") only when listed next to software
        if strength:
            out.append((s, e, tok, strength))
    return out


def _listed(text: str, cands: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str]]:
    """Names strong alone, plus weaker names listed next to a strong one ("pip or pipx"), plus listed
    names written as code next to each other ("`black`, `isort`")."""
    keep = [c[3] == 2 for c in cands]
    linked = [i > 0 and len(text[cands[i - 1][1]:c[0]]) <= 7 and bool(LIST_SEP.match(text[cands[i - 1][1]:c[0]]))
              for i, c in enumerate(cands)]  # linked[i]: cands[i - 1] and cands[i] are listed together
    for i in range(1, len(cands)):  # "`vulture`, `radon`": listed names written as code, listed together
        if linked[i] and cands[i - 1][3] == cands[i][3] == 1.5:
            keep[i - 1] = keep[i] = True
    for i in range(1, len(cands)):  # one sweep each way carries strength along a list
        keep[i] = keep[i] or (keep[i - 1] and linked[i])
    for i in range(len(cands) - 2, -1, -1):
        keep[i] = keep[i] or (keep[i + 1] and linked[i + 1])
    return [(s, e, tok) for (s, e, tok, _), k in zip(cands, keep) if k]


def _plural_nouns(item: FeedItem) -> set[str]:
    """Names with inner capitals the post writes both singular and plural ("DataTree", "DataTrees"):
    a class of things (a concept, a type), not the name of one product."""
    seen = {m.group(0) for b in item.blocks for m in CAMEL_WORD.finditer(b.text)}
    return {w for w in seen if w + "s" in seen} | {w + "s" for w in seen if w + "s" in seen}


def block_mentions(item: FeedItem, block: Block, people: set[str], plural: frozenset[str] = frozenset()) -> Iterator[Mention]:
    table = known()
    text = block.text
    quote_at = Quoter(text)
    for m in INSTALL.finditer(text):
        name = m.group(2).split("[")[0]
        if name.lower() not in NOT_NAMES and len(name) >= 2:
            yield Mention(name, "Project", item.link, quote_at(m.start(2), m.end(2)), f"{NAME}:install")
    if block.tag == "pre" and not block.code:
        return
    for s, e, tok in _listed(text, _candidates(block, table)):
        if tok in people or tok in plural:
            continue  # "Mike" is the person named in full in this post; "DataTrees" a class of things
        yield Mention(tok, "Project", item.link, quote_at(s, e), f"{NAME}:known")


def _first_names(item: FeedItem) -> set[str]:
    names = {a.name for a in item.authors}
    for b in item.blocks:
        for _, _, p in proper_phrases(b.text):
            if len(p.split()) >= 2 and is_person_name(p):
                names.add(p)
    return {w for n in names for w in n.split()}


def extract(item: FeedItem, context=None) -> Iterator[Mention]:
    people = _first_names(item)
    plural = frozenset(_plural_nouns(item))
    for block in item.blocks:
        yield from block_mentions(item, block, people, plural)
