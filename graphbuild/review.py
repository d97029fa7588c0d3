"""``graphbuild review``: the entities of a graph most likely wrong, with their evidence.

Reads only the graph (any graphbuild graph file), so it works on the last build and on graphs
from elsewhere. Each entity gets a confidence, ``gb:confidence`` when the graph has it, else one
computed from what the graph records (posts that name it, identifying web pages, how many
different extractors found it, stated relations); then its shape is checked (all lower-case,
very long, digits or punctuation, common English words, a person without a surname, a heading
for evidence, mentions that disagree on its type). The doubt is ``1 - confidence`` plus the
weight of every such sign; entities are listed most doubtful first. Entities a curation rule
already touched are left out: somebody looked at them.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .errors import GraphbuildError
from .names import COMMON_WORDS, NOT_NAMES
from .text import name_key
from .store import term_text

#: frequent English words that are not names (adjectives, adverbs, verbs, general nouns); with the
#: word lists of names.py they flag "relevant", "only", "networking" made into entities
ENGLISH = frozenset("""
about above across actually after again against ago ahead almost alone along already although always
among another anyone anything around available away back based before behind being below best better
between beyond both brief broad built called can cannot case certain change clear close common complete
correct could current currently different done down during early easy either else enough entire even
ever example fast few final full further general good great hard help high however important include
including instead into itself key large later least less like likely little local long low main major
make making many might modern much must near nearly need networking never often only other others out
over own part per possible present quick quickly rather real really recent recently relevant right same
several should show simple since small soon specific still such sure than then though through thus
together too toward under until upon useful using usually various very via well whether within without
work working would
approach analysis business change changes collaboration cost costs development experience feature features
goal goals guide idea ideas indicator indicators information key loading management performance plan
planning plans practice practices problem problems process quality question questions release releases
result results solution solutions story stories style thing things time value values way ways world
""".split())
#: single words that are common words (names.py also lists "kubernetes" as a word that makes a
#: phrase a thing; alone it is a name)
_COMMON = (COMMON_WORDS | NOT_NAMES | ENGLISH) - {"kubernetes"}
#: URL rules whose links identify a person / a thing (for "mentions disagree on its type")
_PERSONISH = re.compile(r"^links:.*(?:person|author)")
_THINGISH = re.compile(r"^links:.*(?:collaborator|repo|org\b|project|readthedocs|pypi)")
TYPES = {"https://schema.org/Person": "Person", "https://schema.org/Organization": "Organization",
         "http://usefulinc.com/ns/doap#Project": "Project", "http://xmlns.com/foaf/0.1/Agent": "Agent"}

_Q_ENTITIES = """
PREFIX schema: <https://schema.org/>
PREFIX gb: <https://graphbuild.example/ns#>
SELECT ?e ?name ?type ?conf WHERE {
  ?e a ?type ; schema:name ?name .
  VALUES ?type { schema:Person schema:Organization <http://usefulinc.com/ns/doap#Project> <http://xmlns.com/foaf/0.1/Agent> }
  OPTIONAL { ?e gb:confidence ?conf }
}"""
_Q_POSTS = "PREFIX schema: <https://schema.org/> SELECT ?e ?p WHERE { ?p schema:mentions ?e }"
_Q_SAMEAS = "PREFIX schema: <https://schema.org/> SELECT ?e ?u WHERE { ?e schema:sameAs ?u }"
_Q_EVIDENCE = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX gb: <https://graphbuild.example/ns#>
PREFIX schema: <https://schema.org/>
SELECT ?e ?x ?post ?headline ?quote WHERE {
  ?a oa:hasBody ?e ; gb:extractor ?x ; oa:hasTarget ?t .
  ?t oa:hasSource ?post ; oa:hasSelector/oa:exact ?quote .
  OPTIONAL { ?post schema:headline ?headline }
}"""
_Q_RELATED = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?e WHERE { ?st a rdf:Statement ; rdf:subject|rdf:object ?e . ?a oa:hasBody ?st }"""
_Q_ALIASES = "PREFIX schema: <https://schema.org/> SELECT ?e ?a WHERE { ?e schema:alternateName ?a }"
_Q_CURATED = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?e WHERE { ?st prov:wasDerivedFrom ?rule ; rdf:subject ?e }"""


@dataclass
class Doubt:
    """One entity under review: who it is, how sure the graph is, why it may be wrong, evidence."""

    iri: str
    name: str
    types: list[str]
    posts: int
    confidence: float
    computed: bool  # True: computed here; False: the graph's gb:confidence
    reasons: list[str] = field(default_factory=list)
    doubt: float = 0.0
    evidence: list[tuple[str, str, str]] = field(default_factory=list)  # (quote, headline or post, extractor)

    @property
    def type(self) -> str:
        t = set(self.types)
        return "OrgProject" if {"Organization", "Project"} <= t else sorted(t)[0] if t else "Agent"


def _rows(g: Graph, q: str):
    return [tuple(r) for r in g.query(q)]


def _computed_confidence(posts: int, urls: int, extractors: set[str], related: bool) -> float:
    """0.3 to 1 from what the graph records, when it has no gb:confidence."""
    families = {x.split(":")[0] for x in extractors if not x.startswith("gazetteer")}
    c = 0.3 if families else 0.2  # found by a pattern or a link / only by the gazetteer
    c += 0.3 * bool(urls) + 0.1 * min(max(len(families) - 1, 0), 2)
    c += 0.1 * (posts >= 2) + 0.1 * (posts >= 4) + 0.05 * related
    return round(max(0.0, min(1.0, c)), 2)


def _words(name: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*", name)


def shape_signs(name: str, kind: str) -> list[tuple[str, float]]:
    """Signs in a name alone that it is not a name (reason, weight)."""
    signs = []
    words = _words(name)
    lower = [w.lower() for w in words]
    common = _COMMON
    if (name == name.lower() and words and kind in ("Person", "Organization") and not name.startswith("@")
            and not re.search(r"\d", name)):  # "4kda" is a name written so
        signs.append(("all lower-case", 0.3))
    if len(name) > 45 or len(name.split()) > 5:
        signs.append((f"very long ({len(name.split())} words)", 0.3))
    if re.search(r"\d", name) and kind == "Person":
        signs.append(("a person's name with digits", 0.3))
    elif re.search(r"[^\w\s.'’&+-]", name) and not name.startswith("@"):
        signs.append(("punctuation in the name", 0.15 if kind == "Person" else 0.1))
    if len(words) == 1 and lower[0] in common:
        signs.append(("a common English word", 0.4))
    elif len(words) > 1 and all(w in common for w in lower):
        signs.append(("made of common words only", 0.2))
    if kind == "Person" and len(name.split()) == 1:
        signs.append(("a person without a surname" if not name.startswith("@") else "a person known by a handle",
                      0.25 if not name.startswith("@") else 0.1))
    return signs


def unrelated(alias: str, name: str) -> bool:
    """True when an alias shares no word with the name and does not abbreviate it: "Compass" for
    "4kda" (a wrong merge), not "RCOM" for "Riverbend Centre for Open Models"."""
    aw, nw = {name_key(w) for w in alias.split()} - {""}, {name_key(w) for w in name.split()} - {""}
    if aw & nw or name_key(alias) in name_key(name) or name_key(name) in name_key(alias):
        return False
    letters, initials = [c for c in alias.lower() if c.isalpha()], iter(w[0].lower() for w in name.split() if w[:1].isalpha())
    return not (letters and alias.replace(".", "").isupper() and all(c in initials for c in letters))


def review_graph(g: Graph, limit: int | None = 20) -> list[Doubt]:
    """The entities of ``g`` most likely wrong, most doubtful first (at most ``limit``)."""
    ents: dict[str, Doubt] = {}
    conf: dict[str, float] = {}
    for e, name, typ, c in _rows(g, _Q_ENTITIES):
        d = ents.setdefault(str(e), Doubt(str(e), str(name), [], 0, 0.0, True))
        d.types.append(TYPES[str(typ)])
        if c is not None:
            try:
                conf[str(e)] = float(c)
            except ValueError:
                pass
    posts: dict[str, set] = defaultdict(set)
    for e, p in _rows(g, _Q_POSTS):
        posts[str(e)].add(str(p))
    urls: dict[str, int] = defaultdict(int)
    for e, _ in _rows(g, _Q_SAMEAS):
        urls[str(e)] += 1
    extractors: dict[str, set[str]] = defaultdict(set)
    evidence: dict[str, list] = defaultdict(list)
    for e, x, post, headline, quote in sorted(_rows(g, _Q_EVIDENCE), key=lambda r: tuple(map(str, r))):
        extractors[str(e)].add(str(x))
        evidence[str(e)].append((str(quote), term_text(headline or post), str(x)))
    related = {str(r[0]) for r in _rows(g, _Q_RELATED)}
    curated = {str(r[0]) for r in _rows(g, _Q_CURATED)}

    by_name: dict[str, list[Doubt]] = defaultdict(list)
    for d in ents.values():
        by_name[name_key(d.name)].append(d)
    for e, alias in _rows(g, _Q_ALIASES):
        if str(e) in ents:
            by_name[name_key(str(alias))].append(ents[str(e)])
    aliases: dict[str, list[str]] = defaultdict(list)
    for e, alias in _rows(g, _Q_ALIASES):
        aliases[str(e)].append(str(alias))
    out = []
    for iri, d in ents.items():
        if iri in curated:
            continue
        d.posts = len(posts[iri])
        xs = extractors[iri]
        d.computed = iri not in conf
        d.confidence = conf.get(iri, _computed_confidence(d.posts, urls[iri], xs, iri in related))
        signs = shape_signs(d.name, d.type)
        if d.confidence < 0.5:
            signs.insert(0, (f"low confidence ({d.confidence:.2f})", 0.0))
        if d.posts == 1:
            signs.append(("one post only", 0.1))
        strong = {x for x in xs if not x.startswith("gazetteer")}
        if len(strong) == 1 and not urls[iri]:
            signs.append((f"a single signal ({next(iter(strong))}) and no web page", 0.15))
        personish = sorted(x for x in strong if _PERSONISH.search(x))
        thingish = sorted(x for x in strong if _THINGISH.search(x) and not _PERSONISH.search(x))
        if personish and thingish:
            signs.append((f"mentions disagree on its type ({personish[0]} vs {thingish[0]})", 0.3))
        others = sorted({o.type for o in by_name[name_key(d.name)] if o is not d and o.type != d.type})
        if others:
            signs.append((f"its name also names a{'n' if others[0][0] in 'AO' else ''} {' and '.join(others)}", 0.25))
        stray = sorted(a for a in aliases[iri] if unrelated(a, d.name))
        if stray:
            signs.append((f"merged with {', '.join(map(repr, stray[:3]))}, which shares nothing with its name", 0.6))
        quotes = [q for q, _, _ in evidence[iri]]
        if quotes and all(q.strip(" :.") == d.name for q in quotes):
            signs.append(("its only evidence is the name alone (a heading or a title?)", 0.2))
        d.reasons = [r for r, _ in signs]
        d.doubt = round(min(1.0, (1 - d.confidence) * 0.4 + sum(w for _, w in signs)), 2)
        seen, d.evidence = set(), []
        for q, where, x in evidence[iri]:
            if (q, where) not in seen and len(d.evidence) < 2:
                seen.add((q, where))
                d.evidence.append((q, where, x))
        if d.reasons:
            out.append(d)
    out.sort(key=lambda d: (-d.doubt, d.posts, d.name.lower(), d.iri))
    return out[:limit] if limit is not None else out


def _clip(quote: str, name: str, width: int = 110) -> str:
    """The part of a quote around the name, at most ``width`` characters."""
    quote = " ".join(quote.split())
    if len(quote) <= width:
        return quote
    i = max(0, quote.find(name))
    start = max(0, min(i - width // 3, len(quote) - width))
    return ("…" if start else "") + quote[start:start + width].strip() + ("…" if start + width < len(quote) else "")


def format_review(doubts: list[Doubt]) -> str:
    """The review as text for the terminal."""
    if not doubts:
        return "Nothing doubtful found.\n"
    lines = []
    for i, d in enumerate(doubts, 1):
        how = "computed" if d.computed else "gb:confidence"
        lines.append(f"{i:>2}. {d.name}  [{d.type}]  doubt {d.doubt:.2f}  (confidence {d.confidence:.2f} {how}, "
                     f"{d.posts} post{'s' if d.posts != 1 else ''})  <{d.iri}>")
        lines.append(f"    why: {'; '.join(d.reasons)}")
        for q, where, x in d.evidence:
            lines.append(f'    "{_clip(q, d.name)}"  [{x}]  in {where}')
    return "\n".join(lines) + "\n"


def _toml(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def curation_skeleton(doubts: list[Doubt], source: str = "") -> str:
    """A curation file to edit: for each doubtful entity, commented-out [[drop]] and [[type]]."""
    lines = ["# Curation skeleton written by `graphbuild review`" + (f" from {source}" if source else "") + ".",
             "# For each entity below, uncomment what is right (or delete the block), then rebuild with",
             "#   graphbuild build --curation THIS_FILE",
             "# Tables: [[drop]], [[type]], [[merge]], [[split]], [[alias]]; see docs/curation.md.", ""]
    for i, d in enumerate(doubts, 1):
        lines.append(f"# {i}. {d.name} ({d.type}; doubt {d.doubt:.2f}): {'; '.join(d.reasons)}")
        for q, where, _ in d.evidence[:1]:
            lines.append(f'#    "{_clip(q, d.name, 90)}"')
        lines += ["# [[drop]]", f"# name = {_toml(d.name)}", "",
                  "# [[type]]", f"# name = {_toml(d.name)}",
                  f'# type = "{d.type}"   # Person | Organization | Project | OrgProject', ""]
    return "\n".join(lines)


def write_skeleton(doubts: list[Doubt], path: str | Path, force: bool = False, source: str = "") -> Path:
    """Write :func:`curation_skeleton` to ``path``; an existing file only with ``force``."""
    from .export import write_atomic

    path = Path(path)
    if path.exists() and not force:
        raise GraphbuildError(f"{path} exists: not overwritten (use --force, or choose another file)")
    return write_atomic(path, curation_skeleton(doubts, source).encode("utf-8"))
