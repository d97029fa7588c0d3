"""What a surface form looks like: a person's name, an organisation, a handle, a generic phrase."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from .text import name_key

_UP = r"[^\W\d_a-z]"  # an upper-case letter (any script with case)
_WORD = r"[^\W\d_][\w'’.-]*"
PERSON_NAME = re.compile(
    rf"^{_UP}[\w'’-]*\.?(?: (?:{_UP}\.|{_UP}[\w'’-]*|(?:van|von|de|da|del|der|di|du|la|le|bin|ibn|al)(?= {_UP}))){{1,3}}$"
)
#: a surname prefix written with a capital after it: "McEwen", "MacLeod", "DeWitt", "LaRue"
SURNAME_PREFIX = re.compile(r"^(?:Mc|Mac|De|Di|Da|La|Le|Van|Von|Fitz)(?=[A-Z][a-z]+$)")
HANDLE = re.compile(r"^@[A-Za-z0-9_][A-Za-z0-9_.-]{0,38}$")
CODE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$", re.I)


def _words_of(section: dict) -> list[str]:
    """The words of one section in file order and case: a string of words, or an array of phrases."""
    words = section["words"]
    return words.split() if isinstance(words, str) else list(words)


#: the environment variable naming the user's own word files (``build --words FILE`` sets it)
WORDS_ENV = "GRAPHBUILD_WORDS"


def user_word_files() -> list[Path]:
    """The user's word files: the paths in ``$GRAPHBUILD_WORDS``, separated like ``PATH``."""
    return [Path(p) for p in os.environ.get(WORDS_ENV, "").split(os.pathsep) if p]


def _load_data() -> dict[str, dict]:
    """``graphbuild/data/words.toml`` (documented in docs/words.md), parsed once, with the words of
    the user's own files (:func:`user_word_files`) added at the end of the sections they name.

    Raises:
        RulesError: a user's file cannot be read, is not TOML, or names a section that does not exist.
    """
    import tomllib
    from importlib import resources

    from .errors import RulesError

    data = tomllib.loads((resources.files("graphbuild") / "data" / "words.toml").read_text(encoding="utf-8"))
    for path in user_word_files():
        try:
            extra = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as e:
            raise RulesError(f"{path}: cannot read word file ({e.strerror or e})") from None
        except tomllib.TOMLDecodeError as e:
            raise RulesError(f"{path}: not a word file ({e})") from None
        for name, section in extra.items():
            if name not in data or not isinstance(section, dict) or "words" not in section:
                raise RulesError(f"{path}: [{name}] is not a section of graphbuild's words.toml with words = ..."
                                 f" (sections: {', '.join(sorted(data))})")
            bundled = data[name]
            data[name] = {**bundled, "words": _words_of(bundled) + _words_of(section)}
    return data


_DATA = _load_data()
#: the user word files this process loaded (compared by ``build --words``)
LOADED_WORD_FILES = tuple(str(p.resolve()) for p in user_word_files())
#: every word list by name, lower case: common_words, not_names, months, place_heads, modifiers,
#: collective_bylines, document_series, ... (docs/words.md lists them all)
WORDS = {k: frozenset(w.lower() for w in _words_of(v)) for k, v in _DATA.items()}


def alternation(name: str) -> str:
    """One section of words.toml as a regular-expression alternation: each word escaped, in file order
    (the first alternative that fits wins, so a list puts "Cookbooks" before "Cookbook"), joined by ``|``.
    The pattern around it (word boundaries, case flags) stays in the code that reads it."""
    return "|".join(re.escape(w) for w in _words_of(_DATA[name]))


#: words that make a capitalised phrase an organisation / a project (words.toml: org_cues, project_cues)
ORG_CUE_WORDS = alternation("org_cues")
PROJECT_CUE_WORDS = alternation("project_cues")
ORG_CUES = re.compile(rf"\b(?:{ORG_CUE_WORDS})\b\.?")
PROJECT_CUES = re.compile(rf"\b(?:{PROJECT_CUE_WORDS})\b")
#: link texts that name nothing ("read more", "click here", "slides"): a whole-text match
GENERIC = re.compile(rf"^(?:{alternation('generic_link_texts')})$", re.I)
#: capitalised English words that make a two-word phrase a thing rather than a person ("Open Hardware")
COMMON_WORDS = WORDS["common_words"]


@lru_cache(maxsize=262_144)  # pure, and asked of the same phrases again and again
def is_person_name(s: str) -> bool:
    """``Mirela Stavros``, ``Zsófia Várkonyi``, ``Julius J. Busecke``, ``Ludwig van Beethoven``."""
    if not PERSON_NAME.match(s) or ORG_CUES.search(s) or PROJECT_CUES.search(s):
        return False
    words = s.split()
    if words[0].lower().strip(".") in PLACE_HEADS:
        return False
    if any(len(w.rstrip(".")) > 1 and w.isupper() for w in words):  # "KDA Tidedata", "KDA QWL"; not "J."
        return False
    if any(w.lower().strip(".") in COMMON_WORDS or (w.lower() in NOT_NAMES and w.lower() not in MONTHS)
           for w in words):
        return False
    # "KelpHub", "4kda" are not people's names; "McEwen", "MacLeod", "DeWitt" are
    return not any(re.search(r"\d", w) or re.search(r"[a-z][A-Z]", SURNAME_PREFIX.sub("", w)) for w in words)


@lru_cache(maxsize=262_144)
def is_document(s: str) -> bool:
    """A numbered document or a document title, not a person, organisation or project: "PEP 8",
    "RFC 9110", "PEPs", "SPEC 1—Lazy Loading", "Example Accessibility Guidelines"."""
    words = re.split(r"[\s—–-]+", s.strip())
    if not words or not words[0]:
        return False
    if words[0].lower() in WORDS["document_series"] and (len(words) == 1 or words[1][:1].isdigit()):
        return True
    return len(words) >= 2 and words[-1].lower() in WORDS["document_tails"]


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
    """The run of words of ``text`` whose name key equals ``key`` (``Kelpie AI`` for ``kelpie-ai``)."""
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


_PAREN = re.compile(r"^(?P<a>[^()]*[^()\s])\s*\((?:the\s+)?(?P<b>[^()]+)\)$", re.I)  # linear: "a" greedy, ends on a non-space


@lru_cache(maxsize=65536)
def is_acronym(s: str) -> bool:
    """``RCOM``, ``KDA QWL``, ``ZE.LAB``, ``4kda``-like short upper-case forms."""
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
        return False  # "Kelpie" is a word of "Kelpie Steering Council", not its acronym
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


# ---------------------------------------------------------------- phrases in running text
#: a capitalised word: "Kelpie", "KelpHub", "4kda", "TideSat-2", "eTide", "ZE.LAB", "O’Neil"
CAP = r"(?:[A-Z]\.(?=\s)|[A-Z][\w’'.-]*[\w]|[A-Z]|[a-z]+[A-Z][\w-]*|\d[\w-]*[A-Za-z][\w-]*)"
#: lower-case words allowed inside a proper name: "University of Oskarvik", "Code for Rivers and Society"
JOIN = r"(?:of|for|and|the|de|du|des|la|le|van|von|on|in|at|&|to)"
# ", Oskarvik" continues a name ("University of Northshire, Oskarvik") only as one last word
PHRASE = rf"{CAP}(?:\s+(?:{JOIN}\s+)*{CAP})*(?:,\s+{CAP}(?![\w’'-]|,|\s+{CAP}|\s+(?:and|&|of|for)\s))?"
PHRASE_RE = re.compile(rf"(?<![\w@/.-]){PHRASE}")
#: capitalised words that start sentences or titles but name nothing
NOT_NAMES = WORDS["not_names"]
MONTHS = WORDS["months"]
#: words that start place names, which look like people's names ("San Diego", "New Haven")
PLACE_HEADS = WORDS["place_heads"]


def trim_phrase(s: str) -> str:
    """Drop leading capitalised function words ("The", "Our", "Thanks") and trailing joiners."""
    words = re.sub(r"[’']s$", "", s).split()
    while words and (words[0].lower().strip(",") in NOT_NAMES or (len(words) > 1 and re.fullmatch(r"[A-Z][a-z-]+ing", words[0]))):
        if words[0].lower() in MONTHS and len(words) > 1 and words[1][:1].isupper():
            break  # "April Tennant": a first name, not a month
        words.pop(0)
    while words and (re.fullmatch(JOIN, words[-1]) or words[-1].lower() in NOT_NAMES):
        words.pop()
    return " ".join(words).strip(" ,")


#: "(?<!\s)": try a white-space run from its start only, not again from each of its characters
_AND = re.compile(r"(?<!\s)\s+(and|&)\s+")


def _split_and(phrase: str) -> list[str]:
    """"Tidal Institute and KDA Labs" -> two names; "Code for Rivers and Society" stays one
    (an "and" joins one name when only the part after it carries an organisation cue)."""
    parts = _AND.split(phrase)
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        joiner, nxt = parts[i], parts[i + 1]
        if not ORG_CUES.search(out[-1]) and ORG_CUES.search(nxt.split()[-1]) and not is_person_name(out[-1]) \
                and not nxt.lower().startswith("the "):
            out[-1] = f"{out[-1]} {joiner} {nxt}"
        else:
            out.append(nxt)
    return out


def proper_phrases(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, phrase) of each run of capitalised words in ``text``, trimmed and split at
    "and" where it joins two names. Cached: several extractors read the same blocks."""
    return _proper_phrases(text)


@lru_cache(maxsize=8192)
def _proper_phrases(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(_find_phrases(text))


def _split_comma(raw: str) -> list[str]:
    """", Oskarvik" continues "University of Northshire, Oskarvik" (a place after an institution) and
    "Ada Lovelace, CTO" (a role after a person), not "Quillsoft, Quill": the comma ends that name."""
    head, sep, tail = raw.rpartition(", ")
    if sep and not ORG_CUES.search(head) and not is_person_name(head):  # "Ada Lovelace, CTO" stays
        return [head, tail]
    return [raw]


def _split_at(phrase: str) -> list[str]:
    """"Example Institute at the University of X" -> the unit and the university; "Program Officer at
    the Example Foundation" -> the part after "at" only names something."""
    m = re.match(r"^(.+?)\s+at\s+(?:the\s+)?(.+)$", phrase)
    if not m or not ORG_CUES.search(m.group(2)):
        return [phrase]
    return [m.group(1), m.group(2)]


def _find_phrases(text: str):
    for m in PHRASE_RE.finditer(text):
        raw, offset = m.group(0), m.start()
        for part in (p for c in _split_comma(raw) for a in _split_at(c) for p in _split_and(a)):
            at = raw.index(part)
            phrase = trim_phrase(part)
            if phrase:
                start = offset + at + part.index(phrase.split()[0])
                yield start, start + len(phrase), phrase


def abbreviates(short: str, long: str) -> bool:
    """Strict abbreviation, for names seen apart: every upper-case token of ``short`` spells the
    initials of the next words of ``long`` (skipping of/for/and/the), and every other token equals
    the next word. "UO" / "University of Oskarvik", "UN Oskarvik" / "University of Northshire, Oskarvik"."""
    words = [w for w in re.findall(r"[^\W_][\w’'.-]*", long) if w.lower() not in ("of", "for", "and", "the", "&", "at", "in")]
    i = 0
    for tok in short.split():
        if is_acronym(tok) and tok.isupper():
            for ch in [c for c in tok if c.isalpha()]:
                if i >= len(words) or words[i][0].upper() != ch:
                    return False
                i += 1
        else:
            if i >= len(words) or name_key(words[i]) != name_key(tok):
                return False
            i += 1
    return i == len(words) and len(words) >= 2
