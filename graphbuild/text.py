"""Small text helpers shared by the stages: sentences, quotes, slugs, name keys."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache

from .models import Quote

# a sentence ends at . ! ? followed by space and an upper-case letter, digit or opening quote
_SENT_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“‘(])")
#: a UTF-16 surrogate code point: no character, and no UTF-8 text or RDF literal can hold one; Python
#: makes them of JSON's ``\\ud800`` escapes without their pair and of command-line bytes that are not UTF-8
SURROGATES = re.compile("[\ud800-\udfff]")
#: characters of context kept on each side of a quote
CONTEXT = 32
MAX_EXACT = 400


def squash(s: str) -> str:
    """Collapse runs of white space to one space and strip the ends: ``re.sub(r"\\s+", " ", s).strip()``,
    five times as fast (``str.split`` splits on the characters ``\\s`` matches, ``str.isspace``);
    reading a feed squashes every post's HTML for its digest."""
    return " ".join(s.split())


#: what Python's re.IGNORECASE matches to an ASCII letter besides its two cases: the dotless and
#: the dotted capital i to i, the long s to s (the Kelvin sign lower-cases to k)
_ODD_CASES = str.maketrans({"ı": "i", "İ": "i", "ſ": "s"})


def folded(text: str) -> str:
    """``text`` lower-cased for a cheap test before a search with a pattern compiled with
    re.IGNORECASE: an ASCII word that such a pattern matches in ``text`` is in ``folded(text)``, so
    a text without the pattern's cue words need not be searched (most blocks have none)."""
    return (text if text.isascii() else text.translate(_ODD_CASES)).lower()


class Cued:
    """A compiled pattern every match of which holds one of ``words``: :meth:`finditer` searches
    only a text that holds one (most blocks of a feed hold none, and the search costs more than the
    test); anything else is the pattern's own (``match``, ``pattern``, ...), the pattern itself is
    ``regex``. For a pattern compiled with re.IGNORECASE the words (lower-case, ASCII) are looked
    for in :func:`folded` text."""

    __slots__ = ("regex", "words", "_fold")

    def __init__(self, regex: re.Pattern, *words: str) -> None:
        self.regex, self.words = regex, words
        self._fold = bool(regex.flags & re.IGNORECASE)
        if self._fold and not all(w.isascii() and w == w.lower() for w in words):
            raise ValueError(f"cue words of a pattern that ignores case are lower-case ASCII: {words}")

    def __getattr__(self, name: str):
        return getattr(self.regex, name)

    def finditer(self, text: str):
        t = folded(text) if self._fold else text
        return self.regex.finditer(text) if any(w in t for w in self.words) else iter(())


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the (start, end) of the sentence of ``text`` that contains ``text[start:end]``."""
    starts, ends, closes = _sentence_ends(text)
    i = bisect_right(ends, start)  # the sentence ends before ``start``
    j = bisect_left(starts, end, i)  # the first one after ``end``
    return (ends[i - 1] if i else 0), (closes[j] if j < len(starts) else len(text))


@lru_cache(maxsize=256)
def _sentence_ends(text: str) -> tuple[list[int], list[int], list[int]]:
    """Starts, ends and closing offsets of every sentence end of ``text``, found once per text:
    quoting every mention of a block then costs a binary search, not a scan of the block."""
    starts, ends, closes = [], [], []
    for m in _SENT_END.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
        closes.append(m.start() + (1 if m.group(0)[:1] in "\"”’)" else 0))
    return starts, ends, closes


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``: each sentence from the end of the last one to
    where it closes (the sentence ends of a text are found once, :func:`_sentence_ends`: five
    extractors ask for the same block's sentences)."""
    _, ends, closes = _sentence_ends(text)
    spans = list(zip([0, *ends], closes))
    s = ends[-1] if ends else 0
    if s < len(text):
        spans.append((s, len(text)))
    return spans


def quote_at(text: str, start: int, end: int) -> Quote:
    """Quote the sentence around ``text[start:end]``, with a little context on each side."""
    s, e = sentence_span(text, start, end)
    if e - s > MAX_EXACT:  # a run-on "sentence": keep a window around the mention
        s = max(s, start - MAX_EXACT // 2)
        e = min(e, max(end, s + MAX_EXACT))
    return Quote(text[s:e].strip(), text[max(0, s - CONTEXT):s].lstrip(), text[e:e + CONTEXT].rstrip())


def fold(s: str) -> str:
    """Accent-free, case-free form of ``s`` (keeps letters, digits and spaces)."""
    s = unicodedata.normalize("NFKD", s).casefold()
    return "".join(c for c in s if not unicodedata.combining(c))


@lru_cache(maxsize=262_144)
def name_key(s: str) -> str:
    """The key names are compared by: folded, only letters and digits (as the gold scorer does)."""
    return re.sub(r"[\W_]+", "", fold(s))


def slugify(s: str) -> str:
    """A lower-case ASCII slug for IRIs: ``Mirela Stavros`` -> ``mirela-stavros``."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-zA-Z0-9]+", "-", s).strip("-").lower()
    return s[:80].strip("-") or "x"


def clean_name(s: str) -> str:
    """Trim a surface form: white space, quotes, trailing punctuation, a leading 'the'."""
    s = squash(s).strip(" \t\"'“”‘’`*_:;,.!?[]{}")
    # drop unbalanced outer parentheses, counting once (a count per character dropped was quadratic)
    i, j, opens, closes = 0, len(s), s.count("("), s.count(")")
    while i < j and (s[j - 1] == ")" and opens < closes or s[i] == "(" and opens > closes):
        if s[j - 1] == ")":
            j, closes = j - 1, closes - 1
        else:
            i, opens = i + 1, opens - 1
    s = s[i:j]
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    return re.sub(r"^the\s+(?=[A-Z0-9])", "", s)  # "the Kelpie team"; "The Lamplighters" keeps its The
