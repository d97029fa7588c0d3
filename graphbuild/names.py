"""What a surface form looks like: a person's name, an organisation, a handle, a generic phrase."""
from __future__ import annotations

import re

from .text import name_key

_UP = r"[^\W\d_a-z]"  # an upper-case letter (any script with case)
_WORD = r"[^\W\d_][\w'’.-]*"
PERSON_NAME = re.compile(
    rf"^{_UP}[\w'’-]*\.?(?: (?:{_UP}\.|{_UP}[\w'’-]*|(?:van|von|de|da|del|der|di|du|la|le|bin|ibn|al)(?= {_UP}))){{1,3}}$"
)
HANDLE = re.compile(r"^@[A-Za-z0-9_][A-Za-z0-9_.-]{0,38}$")
CODE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$", re.I)
#: words that make a capitalised phrase an organisation
ORG_CUES = re.compile(
    r"\b(?:Foundation|Institute|Institution|University|Universit[éy]|College|School|Laborator(?:y|ies)|Lab|Labs|"
    r"Council|Committee|Board|Working Group|Group|Team|Society|Association|Consortium|Collaboration|"
    r"Agency|Administration|Department|Division|Office|Center|Centre|Centers|Inc|Ltd|LLC|GmbH|Corporation|Corp|"
    r"Company|Fund|Trust|Alliance|Network|Coalition|Federation|Initiative|Organi[sz]ation|Museum|Library|"
    r"Ministry|Academy|Service|Observatory|Commission|Partnership|Cooperative|Union|Fisheries)\b\.?",
)
PROJECT_CUES = re.compile(r"\b(?:Project|Hub|Toolkit|Library|Framework|Platform|Protocol|Cookbooks?|Book|System|Kit)\b")
GENERIC = re.compile(
    r"^(?:here|this|that|these|link|website|web ?site|homepage|home page|page|site|blog|blog post|post|"
    r"article|read more|more|docs|documentation|the docs|source|code|repo|repository|paper|slides|video|"
    r"recording|talk|announcement|report|press release|this post|this blog post|this page|click here|"
    r"learn more|see more|details|form|survey|guide|tutorial|issue|pull request|pr|discussion|thread|"
    r"newsletter|podcast|event|events|the event|join us|register|sign up|apply|contact us|email|"
    r"github|gitlab|linkedin|twitter|x|mastodon|bluesky|youtube|website here)$", re.I)


def is_person_name(s: str) -> bool:
    """``Jenny Wong``, ``Brigitta Sipőcz``, ``Julius J. Busecke``, ``Ludwig van Beethoven``."""
    return bool(PERSON_NAME.match(s)) and not ORG_CUES.search(s) and not PROJECT_CUES.search(s)


def is_generic(s: str) -> bool:
    return bool(GENERIC.match(s.strip(" .:!")))


def looks_like_name(s: str) -> bool:
    """A link text that names something (not a sentence, not 'here')."""
    s = s.strip()
    if not s or len(s) > 70 or is_generic(s):
        return False
    words = s.split()
    if len(words) > 7:
        return False
    if HANDLE.match(s) or (len(words) == 1 and CODE_NAME.match(s)):
        return True
    caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit() or any(c.isupper() for c in w[1:]))
    small = sum(1 for w in words if w.lower() in ("of", "for", "and", "the", "in", "on", "at", "de", "&", "to", "a"))
    return caps > 0 and caps + small >= len(words)


def window_matching(text: str, key: str, max_words: int = 5) -> str | None:
    """The run of words of ``text`` whose name key equals ``key`` (``Jupyter AI`` for ``jupyter-ai``)."""
    if not key:
        return None
    words = re.findall(r"\S+", text)
    for n in range(1, max_words + 1):
        for i in range(len(words) - n + 1):
            w = " ".join(words[i:i + n]).strip(".,;:!?()[]\"'“”‘’")
            if name_key(w) == key:
                return w
    return None


def org_or_project(s: str) -> str:
    """Kind of a capitalised name by its cue words: Organization, Project, or '' when no cue says."""
    if ORG_CUES.search(s):
        return "Organization"
    if PROJECT_CUES.search(s):
        return "Project"
    return ""


_PAREN = re.compile(r"^(?P<a>[^()]+?)\s*\((?:the\s+)?(?P<b>[^()]+)\)$", re.I)


def is_acronym(s: str) -> bool:
    """``BIDS``, ``NSF NCAR``, ``PO.DAAC``, ``2i2c``-like short upper-case forms."""
    s = s.strip()
    letters = [c for c in s if c.isalpha()]
    return 2 <= len(s) <= 15 and len(letters) >= 2 and sum(c.isupper() for c in letters) >= max(2, len(letters) * 0.6)


def acronym_of(acr: str, long: str) -> bool:
    """Does ``acr`` abbreviate ``long``? (Schwartz & Hearst 2003: its letters appear in order,
    right to left, the first one starting a word; the long form is not much longer.)"""
    s, l = acr.lower(), long.lower()
    n_words = len(re.findall(r"[^\W_]+", long))
    n_chars = sum(c.isalnum() for c in acr)
    if n_words < 2 or n_chars < 2 or n_words > min(n_chars + 5, n_chars * 2):
        return False
    if name_key(acr) in {name_key(w) for w in long.split()}:
        return False  # "Jupyter" is a word of "Jupyter Executive Council", not its acronym
    si, li = len(s) - 1, len(l) - 1
    while si >= 0:
        c = s[si]
        if not c.isalnum():
            si -= 1
            continue
        while li >= 0 and (l[li] != c or (si == 0 and li > 0 and l[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        li -= 1
        si -= 1
    return True


def split_defined(s: str) -> tuple[str, tuple[str, ...]]:
    """``Long Name (ACR)`` / ``ACR (the Long Name)`` -> (``Long Name``, (``ACR``,)); else (s, ())."""
    m = _PAREN.match(s.strip())
    if not m:
        return s, ()
    a, b = m.group("a").strip(), m.group("b").strip()
    if is_acronym(b) and acronym_of(b, a):
        return a, (b,)
    if is_acronym(a) and acronym_of(a, b):
        return b, (a,)
    return s, ()
