"""Answers the build makes itself, kept with its store, so that a first ask of a bundled question
without parameters is answered at once on a big graph (docs/performance.md, "Fourteenth pass" and
"Fifteenth pass"). Each is the first rows of the query's answer, in its order, cut at ``most``
(:meth:`graphbuild.graphstore.Kept.answer` gives them back for the query's text exactly and a row
cap they cover). Four ways, each the cheapest that gives the query's own rows:

- **Pairs** (``co_mentions``, ``co_mentioned_with``): every pair of entities some post names
  together, 900,000 at 10,000 posts, which pyoxigraph's on-disk store takes a minute and more to
  count and sort. The build counts the same pairs on arrays
  (:func:`graphbuild.network.co_mentions`) and sorts them as the query's ``ORDER BY`` does. What
  the queries ask, and so what is computed: the posts (``?post a schema:BlogPosting``) that mention
  both entities (``schema:mentions``), each post once; names from ``schema:name``.
- **By the first values** (:data:`BY_FIRST`): a query whose ``ORDER BY`` starts with a parameter
  that every solution binds, grouped (if at all) by it, answers first the rows of its least value,
  then of the next, and so on. So its first rows are those of the query bound to its least values:
  the values (IRIs, in code-point order, as SPARQL orders IRIs) are taken a few at a time (see
  :func:`_by_first`) until the rows are enough. At 10,000 posts ``entity_posts`` has 233,000 rows;
  its first 10,001 come from its first 21 entities.
- **Indexed** (:class:`Indexed`): ``co_mentioned_with`` bound to any entity, from the same arrays:
  every entity's co-mentions (the other, the posts) grouped by entity in a file of numbers beside
  the answers, read a slice at a time (:func:`indexed_rows`) and sorted as the query orders them
  when a first ask of ``-p entity=`` (an IRI, or a name that stands for it) comes. The on-disk
  store takes 0.5-0.6 s for an entity named in 1,000 posts (10,000 posts) and up to 1.4 s (100,000);
  the file is 8 bytes for each entity of each pair (15 MB at 10,000 posts), where an answer kept as
  JSON would be about 250 bytes a row (docs/performance.md, "Nineteenth pass").
- **Said** (:class:`Said`): ``entity_posts`` and ``where_said`` bound to any entity, recorded by
  :func:`graphbuild.graph.to_graph` as it writes each entity (its posts, its annotations, the
  statements about it), each entity's rows sorted as the query orders them and kept as one
  compressed piece of JSON in a file beside the answers, found through the entities' IRIs (read by
  :func:`indexed_rows`). The on-disk store takes over a second for the entities named most at
  10,000 posts (docs/performance.md, "Twentieth pass").
- **Whole** (:data:`WHOLE`): small answers, asked as they are of the build's store in memory (under
  a second each at 10,000 posts, against up to 5 s of the on-disk store on a first ask).
- **In Python** (``people_by_organization``): each tie of a person to an organisation with the
  number of posts naming both; the query's OPTIONAL over every mention takes 35 s at 10,000 posts
  even in memory, the same count from each entity's posts a fraction of a second.

Where the graph holds what this code does not order as SPARQL does (an object of
``schema:mentions`` that is not an IRI, an entity with two names or a name that is not a plain
string: a graph edited or curated by hand), that answer is not made and the query runs as before."""
from __future__ import annotations

import bisect
import itertools
import json
import mmap
import os
import re
import zlib
from collections import defaultdict
from contextlib import nullcontext
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple

import pyoxigraph as ox

from .querydefs import bind_values, bundled
from .sparql import DEFAULT_MAX_ROWS, portable

if TYPE_CHECKING:  # numpy is imported where the build makes answers: a query reading them needs none
    import numpy as np

_SCHEMA = "https://schema.org/"
_OA = "http://www.w3.org/ns/oa#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_POSTS = f"?post a <{_SCHEMA}BlogPosting> ; <{_SCHEMA}mentions> ?e"
#: each post's entities in one string (IRIs hold no space): 10,000 rows, not 233,000
_MENTIONS = f'SELECT ?post (GROUP_CONCAT(STR(?e); separator=" ") AS ?es) WHERE {{ {_POSTS} }} GROUP BY ?post'
_NOT_IRI = f"ASK {{ {_POSTS} FILTER (!isIRI(?e)) }}"
#: the rows kept of each answer: those of the default row cap and one more, to know it cut them
ROWS = DEFAULT_MAX_ROWS + 1


class Made(NamedTuple):
    """The first ``rows`` (portable terms, :func:`graphbuild.sparql.portable`) of the answer to the
    query ``text``, its ``variables``, and whether they are all of it."""

    text: str
    variables: list[str]
    rows: list[tuple]
    complete: bool

    def dumps(self) -> str:
        """The answer as the store's reader reads it (:meth:`graphbuild.graphstore.Kept.answer`)."""
        return json.dumps(self._data(), ensure_ascii=False, separators=(",", ":"))

    def _data(self) -> dict:
        return {"variables": self.variables, "rows": self.rows, "complete": self.complete}


class Dumped(NamedTuple):
    """A made answer already in its kept form, in a file (a few MB each, not held in memory)."""

    text: str
    path: Path

    def dumps(self) -> str:
        return self.path.read_text(encoding="utf-8")


def made_answers(store: ox.Store, most: int) -> list[Made | Indexed]:
    """The answers this module makes for the graph in ``store``, each cut at ``most`` rows (those
    the graph is outside of left out; see the module doc)."""
    return pair_answers(store, most) + list(other_answers(store, most))


def pair_answers(store: ox.Store, most: int) -> list[Made | Indexed]:
    """``co_mentions`` and ``co_mentioned_with`` (and its index), or none (the most memory: the
    arrays of every pair)."""
    return _pairs(store, bundled(), _names(store), most)


def other_answers(store: ox.Store, most: int, aside=None) -> Iterator[Made]:
    """The answers but the pairs', one at a time. ``aside``: the triples of the graph a build kept
    out of ``store`` (:class:`graphbuild.aside.Aside`): the questions that read them
    (:data:`ASIDE`) are answered from what the build recorded of them instead."""
    qs = bundled()
    names = _names(store)
    values: dict[tuple, list | None] = {}
    for name, (var, *where) in BY_FIRST.items():
        if aside is not None and name in ASIDE:
            made = ASIDE[name](store, qs[name], aside, names, most)
        else:
            if tuple(where) not in values:
                values[tuple(where)] = _values(store, *where)
            made = _by_first(store, qs[name], var, values[tuple(where)], most)
        if made is not None:
            yield made
    for name in WHOLE:
        made = ASIDE[name](store, qs[name], aside, names, most) if aside is not None and name in ASIDE else \
            _whole(store, qs[name], most)
        if made is not None:
            yield made
    made = _people_by_organization(store, qs["people_by_organization"], names, most)
    if made is not None:
        yield made


def dumped(answers: Iterable[Made], folder: Path) -> list[Dumped]:
    """``answers``, each written to a file in ``folder`` and let go of as soon as it is made; then
    what their making freed is given back to the system (a thread other than the main one makes them
    in its own arena of the C library's allocator, which the rest of the build does not reuse)."""
    import tempfile

    out = []
    for m in answers:
        fd, path = tempfile.mkstemp(suffix=".json", dir=folder)
        with open(fd, "w", encoding="utf-8") as f:
            f.write(m.dumps())  # in one piece: json.dump writes many small ones, 3x the time
        out.append(Dumped(m.text, Path(path)))
    _give_back_memory()
    return out


def _give_back_memory() -> None:
    """Return to the system what this thread's allocations freed: glibc keeps it in the thread's own
    arena, where the rest of the build cannot reuse it (measured: 48 MiB at 10,000 posts, held to
    the end of the build); nothing where there is no glibc."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


#: ``query: (variable, where its values stand, in triples of which predicates)``: the bundled
#: questions answered by their first values (module doc). Each query's ``ORDER BY`` starts with the
#: variable, ascending; a required triple pattern of every solution binds it; a ``GROUP BY`` holds
#: it; and every value it can take stands there (tests/test_madeanswers.py checks the query texts)
BY_FIRST = {
    "entity_posts": ("entity", "object", (_SCHEMA + "mentions",)),
    "mentions_per_month": ("entity", "object", (_SCHEMA + "mentions",)),
    "post_mentions": ("post", "subject", (_SCHEMA + "mentions",)),
    "members_of": ("org", "object", tuple(_SCHEMA + p for p in ("affiliation", "memberOf", "worksFor",
                                                                 "parentOrganization"))),
    "where_said": ("entity", "object", (_OA + "hasBody", _RDF + "subject", _RDF + "object")),
}
#: the bundled questions asked whole: an order with no ties (curated_facts' has: its rows could come
#: in another order from the on-disk store) and small answers, cheap in memory
WHOLE = ("post_citations", "posts_per_month", "project_maintainers", "relations", "single_mentions",
         "top_cited_sites", "top_mentioned")
#: every bundled question whose answer the build may make
NAMES = ("co_mentions", "co_mentioned_with", *BY_FIRST, *WHOLE, "people_by_organization")


def _names(store: ox.Store) -> dict[str, list[ox.Term]]:
    """Every subject's ``schema:name`` objects."""
    found: dict[str, list[ox.Term]] = defaultdict(list)
    for q in store.quads_for_pattern(None, ox.NamedNode(_SCHEMA + "name"), None, ox.DefaultGraph()):
        found[q.subject.value].append(q.object)
    return found


def _plain(terms: list[ox.Term]) -> str | None:
    """The one name of ``terms`` if it is a plain string (ordered by its code points), else None."""
    if len(terms) == 1 and isinstance(terms[0], ox.Literal) and not terms[0].language \
            and terms[0].datatype.value == _XSD + "string":
        return terms[0].value
    return None


def _pairs(store: ox.Store, qs: dict, found: dict[str, list[ox.Term]], most: int) -> list[Made | Indexed]:
    """``co_mentions`` and ``co_mentioned_with`` (and its index), or none."""
    if store.query(_NOT_IRI):
        return []
    by_post = {post: es.value.split(" ") for post, es in store.query(_MENTIONS)}
    mentioned = {e for ents in by_post.values() for e in ents}
    names: dict[str, str] = {}
    for x, ns in found.items():
        name = _plain(ns)
        if name is not None:
            names[x] = name
        elif x in mentioned:
            return []
    import numpy as np

    from .network import co_mentions

    pairs = co_mentions(by_post)
    # each entity's name as a number in the names' order (equal names, equal numbers); -1: none
    order = {n: i for i, n in enumerate(sorted(set(names.values())))}
    rank = np.array([order[names[x]] if x in names else -1 for x in pairs.names], dtype=np.int64)
    return [_co_mentions(qs["co_mentions"].text, pairs, names, rank, most),
            *_co_mentioned_with(qs["co_mentioned_with"].text, pairs, names, rank, most)]


def _values(store: ox.Store, where: str, predicates: tuple[str, ...]) -> list[tuple[str, int]] | None:
    """The IRIs standing as ``where`` ("subject" or "object") in triples of ``predicates``, in
    code-point order, each with the number of such triples; None if one of them is not an IRI
    (SPARQL orders other terms otherwise)."""
    pattern = "?v ?p ?x" if where == "subject" else "?x ?p ?v"
    among = " ".join(f"<{p}>" for p in predicates)
    found = list(store.query(f"SELECT ?v (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {among} }} {pattern} }} GROUP BY ?v"))
    if not all(isinstance(v, ox.NamedNode) for v, _ in found):
        return None
    return sorted((v.value, int(n.value)) for v, n in found)


def _ask(store: ox.Store, text: str, most: int | None = None) -> tuple[list[str], list[tuple]]:
    """A SELECT query's variables and rows (portable terms), the first ``most`` + 1 if ``most``."""
    result = store.query(text)
    variables = [v.value for v in result.variables]
    solutions = result if most is None else itertools.islice(result, most + 1)
    return variables, [tuple(portable(sol[i]) for i in range(len(variables))) for sol in solutions]


def _by_first(store: ox.Store, q, var: str, values: list[tuple[str, int]] | None, most: int) -> Made | None:
    """The first ``most`` rows of ``q`` as those of ``q`` bound to the least ``values`` of ``var``,
    taken a few at a time: as many as the rows still wanted, if each value's triples (its weight)
    made one row, and at least twice as many as the last time (so a query whose values give fewer
    rows than triples is asked a few times, not once a value)."""
    if values is None:
        return None
    weight = list(itertools.accumulate(w for _, w in values))
    rows: list[tuple] = []
    done, n = 0, 0
    while True:
        before = weight[done - 1] if done else 0
        enough = bisect.bisect_left(weight, before + most - len(rows), lo=done) + 1 - done
        n = max(enough, 2 * n, 1)
        variables, more = _ask(store, bind_values(q, {var: [f"<{v}>" for v, _ in values[done:done + n]]}).text)
        rows += more
        done += n
        if done >= len(values) or len(rows) >= most:
            break
    return Made(q.text, variables, rows[:most], done >= len(values) and len(rows) <= most)


def _said_first(store: ox.Store, q, aside, names: dict, most: int) -> Made | None:
    """The first ``most`` rows of ``entity_posts`` or ``where_said`` (``q``) from the index of
    them :class:`Said` wrote (``aside.indexes``): the rows of each entity in turn, the entities in
    code-point order as SPARQL orders IRIs (what :func:`_by_first` asks the engine for, a few at a
    time). None when Said wrote none (a graph whose answer it cannot order: the engine answers)."""
    index = next((s for s in aside.indexes if s.text == q.text), None)
    if index is None:
        return None
    variables, rows = _sliced(index.data, index.posts, index.meta, {index.meta["variable"]: set(index.meta["iris"])},
                              most + 1)
    return Made(q.text, variables, rows[:most], len(rows) <= most)


_KINDS = (_SCHEMA + "Person", _SCHEMA + "Organization", "http://usefulinc.com/ns/doap#Project")


def _post_mentions(store: ox.Store, q, aside, names: dict[str, list[ox.Term]], most: int) -> Made | None:
    """The first ``most`` rows of ``post_mentions`` (``q``): each post (``a schema:BlogPosting``,
    in code-point order) with each entity it ``schema:mentions`` that has a name and is a person,
    an organisation or a project (a row for each such type), by name, type and entity, and the
    least words of the entity's annotations there (``aside.least``: the build's record of them).
    None where names or mentions are not what this code orders as SPARQL does."""
    posts = _values(store, "subject", (_SCHEMA + "mentions",))
    if posts is None or store.query(_NOT_IRI):
        return None
    kind, blog, mentions = ox.NamedNode(_RDF + "type"), ox.NamedNode(_SCHEMA + "BlogPosting"), \
        ox.NamedNode(_SCHEMA + "mentions")
    types: dict[str, list[str]] = {}
    rows: list[tuple] = []
    for post, _ in posts:
        node = ox.NamedNode(post)
        if next(store.quads_for_pattern(node, kind, blog, ox.DefaultGraph()), None) is None:
            continue
        found = []
        for m in store.quads_for_pattern(node, mentions, None, ox.DefaultGraph()):
            entity = m.object.value
            if entity not in types:
                types[entity] = sorted(t.object.value for t in store.quads_for_pattern(m.object, kind, None)
                                       if t.object.value in _KINDS)
            if not types[entity] or entity not in names:
                continue
            name = _plain(names[entity])
            if name is None:
                return None
            quote = aside.least.get((post, entity))
            found += [(name, t, entity, None if quote is None else _text(quote)) for t in types[entity]]
        found.sort(key=lambda r: r[:3])
        rows += [(_iri(post), _iri(entity), _text(name), _iri(t), quote) for name, t, entity, quote in found]
        if len(rows) > most:
            break
    return Made(q.text, ["post", "entity", "name", "type", "quote"], rows[:most], len(rows) <= most)


_MEMBERS = tuple(_SCHEMA + p for p in ("affiliation", "memberOf", "worksFor", "parentOrganization"))


def _members_of(store: ox.Store, q, aside, names: dict[str, list[ox.Term]], most: int) -> Made | None:
    """The first ``most`` rows of ``members_of`` (``q``): each (member, relation, organisation)
    the store holds (affiliation, membership, employment, part of), a row for each of the member's
    names, by organisation, name, member and relation; the least words of the annotations of the
    relation's statement (``aside.stated``: those the build kept out of the store). None where
    names or terms are not what this code orders as SPARQL does."""
    keyed = []
    for relation in _MEMBERS:
        for x in store.quads_for_pattern(None, ox.NamedNode(relation), None, ox.DefaultGraph()):
            member, org = x.subject, x.object
            if member.value not in names:
                continue
            name = _plain(names[member.value])
            if name is None or not isinstance(member, ox.NamedNode) or not isinstance(org, ox.NamedNode):
                return None
            quotes = [exact for _, exact in aside.stated.get((member.value, relation, org.value), ())]
            keyed.append(((org.value, name, member.value, relation),
                          (_iri(org.value), _iri(member.value), _text(name), _iri(relation),
                           _text(min(quotes)) if quotes else None)))
    keyed.sort(key=lambda k: k[0])
    return Made(q.text, ["org", "member", "name", "relation", "quote"], [row for _, row in keyed[:most]],
                len(keyed) <= most)


def _relations(store: ox.Store, q, aside, names: dict[str, list[ox.Term]], most: int) -> Made | None:
    """The first ``most`` rows of ``relations`` (``q``): each statement's subject, predicate and
    object (the store's, ``a rdf:Statement``, and the relations' the build kept aside), both ends
    named, by predicate, names and ends; the least words and the least post of the annotations of
    the statements of those three (``aside.stated``). None where names or terms are not what this
    code orders as SPARQL does."""
    statements = set(aside.stated)
    for s, p, o in store.query(f"SELECT ?s ?p ?o WHERE {{ ?st a <{_RDF}Statement> ; <{_RDF}subject> ?s ; "
                               f"<{_RDF}predicate> ?p ; <{_RDF}object> ?o }}"):  # (curation's: no annotation)
        if isinstance(o, ox.Literal):
            continue  # (no name: no row)
        if not all(isinstance(x, ox.NamedNode) for x in (s, p, o)):
            return None
        statements.add((s.value, p.value, o.value))
    keyed = []
    for s, p, o in statements:
        if s not in names or o not in names:
            continue
        s_name, o_name = _plain(names[s]), _plain(names[o])
        if s_name is None or o_name is None:
            return None
        found = aside.stated.get((s, p, o), ())
        quote = min((exact for _, exact in found), default=None)
        post = min((post for post, _ in found), default=None)
        keyed.append(((p, s_name, o_name, s, o), (_iri(s), _text(s_name), _iri(p), _iri(o), _text(o_name),
                                                  None if quote is None else _text(quote),
                                                  None if post is None else _iri(post))))
    keyed.sort(key=lambda k: k[0])
    return Made(q.text, ["subject", "subjectName", "relation", "object", "objectName", "quote", "post"],
                [row for _, row in keyed[:most]], len(keyed) <= most)


#: the questions :func:`other_answers` answers from what the build kept aside, and how (each given
#: the store, the query, the aside, every subject's names (:func:`_names`) and the rows wanted)
ASIDE = {"entity_posts": _said_first, "where_said": _said_first, "post_mentions": _post_mentions,
         "members_of": _members_of, "relations": _relations}


def _whole(store: ox.Store, q, most: int) -> Made:
    variables, rows = _ask(store, q.text, most)
    return Made(q.text, variables, rows[:most], len(rows) <= most)


def _people_by_organization(store: ox.Store, q, found: dict[str, list[ox.Term]], most: int) -> Made | None:
    """Each person (``a schema:Person``, named) tied by affiliation, membership or employment to an
    organisation (``a schema:Organization``, named), with the number of subjects that mention both
    (``COUNT(DISTINCT ?post)``, 0 for none): by the organisation's name, the person's, the relation,
    the organisation, the person."""
    def typed(t: str) -> set:
        return {x.subject for x in store.quads_for_pattern(None, ox.NamedNode(_RDF + "type"),
                                                            ox.NamedNode(_SCHEMA + t), ox.DefaultGraph())}

    mentions = ox.NamedNode(_SCHEMA + "mentions")

    def naming(x: ox.Term) -> set:
        return {m.subject for m in store.quads_for_pattern(None, mentions, x, ox.DefaultGraph())}

    people, orgs = typed("Person"), typed("Organization")
    posts_of: dict[ox.Term, set] = {}
    keyed = []
    for relation in ("affiliation", "memberOf", "worksFor"):
        rel = ox.NamedNode(_SCHEMA + relation)
        for x in store.quads_for_pattern(None, rel, None, ox.DefaultGraph()):
            person, org = x.subject, x.object
            if person not in people or org not in orgs or person.value not in found or org.value not in found:
                continue
            person_name, org_name = _plain(found[person.value]), _plain(found[org.value])
            if person_name is None or org_name is None or not isinstance(person, ox.NamedNode) \
                    or not isinstance(org, ox.NamedNode):
                return None
            for entity in (person, org):
                if entity not in posts_of:
                    posts_of[entity] = naming(entity)
            posts = len(posts_of[person] & posts_of[org])
            keyed.append(((org_name, person_name, rel.value, org.value, person.value),
                          (_iri(org.value), _text(org_name), _iri(person.value), _text(person_name),
                           _iri(rel.value), _count(posts))))
    keyed.sort(key=lambda k: k[0])
    return Made(q.text, ["org", "orgName", "person", "personName", "relation", "posts"],
                [row for _, row in keyed[:most]], len(keyed) <= most)


def _co_mentions(text: str, pairs, names: dict[str, str], rank: np.ndarray, most: int) -> Made:
    """Pairs (a < b) named together in more than one post, both named, by posts (most first), then
    a's name, b's name, a, b."""
    import numpy as np

    a, b, w = pairs.a, pairs.b, pairs.posts
    keep = (w > 1) & (rank[a] >= 0) & (rank[b] >= 0)
    a, b, w = a[keep], b[keep], w[keep]
    top = np.lexsort((b, a, rank[b], rank[a], -w))
    rows = [(_iri(pairs.names[x]), _text(names[pairs.names[x]]), _iri(pairs.names[y]), _text(names[pairs.names[y]]),
             _count(n)) for x, y, n in zip(a[top[:most]].tolist(), b[top[:most]].tolist(), w[top[:most]].tolist())]
    return Made(text, ["a", "aName", "b", "bName", "posts"], rows, top.size <= most)


def _co_mentioned_with(text: str, pairs, names: dict[str, str], rank: np.ndarray,
                       most: int) -> tuple[Made, Indexed]:
    """Every entity with each other one named in the same posts, the other named: by the entity,
    then posts (most first), the other's name, the other; and every entity's rows, indexed."""
    import numpy as np

    e = np.concatenate((pairs.a, pairs.b))
    o = np.concatenate((pairs.b, pairs.a))
    w = np.concatenate((pairs.posts, pairs.posts))
    keep = rank[o] >= 0
    e, o, w = e[keep], o[keep], w[keep]
    counts = np.bincount(e, minlength=len(pairs.names))
    by_entity = np.argsort(e, kind="stable")  # (a radix sort: 0.1 s for 2 million rows)
    start = np.concatenate(([0], np.cumsum(counts)))
    named = [names.get(x) for x in pairs.names]
    index = Indexed(text, "entity", pairs.names, named, rank, start,
                    np.stack((o[by_entity].astype("<i4"), w[by_entity].astype("<i4")), axis=1))
    # the whole answer: each entity's rows as the index gives them, in the entities' order, until
    # ``most`` (only the first entities' rows are sorted)
    order, at = rank.tolist(), start.tolist()
    each = (_entity_rows(x, *index.rows[at[i]:at[i + 1]].T.tolist(), pairs.names, named, order)
            for i, x in enumerate(pairs.names))
    rows = list(itertools.islice(itertools.chain.from_iterable(each), most))
    return Made(text, list(_CO_MENTIONED_WITH), rows, e.size <= most), index


_CO_MENTIONED_WITH = ("entity", "other", "otherName", "posts")


class Indexed(NamedTuple):
    """The rows of the query ``text`` bound to each value of its first ``variable``, in a file of
    numbers: ``co_mentioned_with``'s, each entity's co-mentions with a named entity (the other's
    place in ``iris``, the posts naming both): entity i's are ``rows[start[i]:start[i + 1]]``, in no
    order. Kept as two files (:meth:`keep`), read by :func:`indexed_rows` a slice at a time,
    without numpy (whose import would be a fifth of a quick ask's time)."""

    #: the key it is kept under (:func:`graphbuild.graphstore.answer_file`), beside the made answers'
    KIND = "indexed"

    text: str
    variable: str
    iris: list[str]
    names: list[str | None]
    rank: np.ndarray  # each entity's name's place in the names' order (equal names, equal places); -1: none
    start: np.ndarray
    rows: np.ndarray

    def keep(self, path: Path) -> None:
        """Write the index to ``path`` (JSON: the IRIs, names, their order and where each entity's rows start)
        and its rows to ``path`` with the suffix ``.i32`` (each row two 32-bit little-endian
        integers, nothing else)."""
        self.rows.astype("<i4", copy=False).tofile(path.with_suffix(".i32"))
        path.write_text(json.dumps({"variable": self.variable, "iris": self.iris, "names": self.names,
                                    "rank": self.rank.tolist(), "start": self.start.tolist()},
                                   ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")


def indexed_rows(path: Path, values: dict[str, set[str]],
                 most: int | None = None) -> tuple[list[str], list[tuple]] | None:
    """The variables and rows (portable terms) of the indexed question kept at ``path``
    (:meth:`Indexed.keep`, :meth:`Sliced.keep`) bound to ``values`` ({its variable: IRIs}), in the
    query's order, the first ``most`` if given; None when there is no such index or it is not for
    that variable."""
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta.get("form") == Sliced.FORM:
            return _sliced(path.with_suffix(".z"), path.with_suffix(".posts"), meta, values, most)
        variable, iris, names, rank, start = (meta[k] for k in ("variable", "iris", "names", "rank", "start"))
        rows = open(path.with_suffix(".i32"), "rb")
    except (OSError, ValueError, TypeError, KeyError, zlib.error):
        return None
    with rows:
        if set(values) != {variable}:
            return None
        return list(_CO_MENTIONED_WITH), list(itertools.islice(_indexed(rows, values[variable], iris, names, rank,
                                                                        start), most))


def _indexed(rows, values: set[str], iris: list[str], names: list, rank: list[int],
             start: list[int]) -> Iterator[tuple]:
    """The rows of :func:`indexed_rows` for the IRIs ``values`` (each entity's in the query's order:
    posts, most first, the other's name, the other), read from the file ``rows``."""
    from array import array
    from sys import byteorder

    for x in sorted(values):  # IRIs in code-point order, as SPARQL orders them (and ``iris``)
        i = bisect.bisect_left(iris, x)
        if i == len(iris) or iris[i] != x:  # in no post
            continue
        rows.seek(start[i] * 8)
        part = array("i")
        part.frombytes(rows.read((start[i + 1] - start[i]) * 8))
        if byteorder == "big":
            part.byteswap()
        yield from _entity_rows(x, part[::2], part[1::2], iris, names, rank)


def _entity_rows(x: str, others, posts, iris: list[str], names: list, rank: list[int]) -> Iterator[tuple]:
    """The rows of ``co_mentioned_with`` bound to the entity ``x``, from its co-mentions (each
    other's place in ``iris``, the posts naming both) in the query's order: posts, most first, the
    other's name (``rank``: its place in the names' order), the other."""
    for y, n in sorted(zip(others, posts), key=lambda r: (-r[1], rank[r[0]], r[0])):
        yield _iri(x), _iri(iris[y]), _text(names[y]), _count(n)


class Sliced(NamedTuple):
    """The rows of the query ``text`` bound to each value of its first ``variable`` (an IRI), kept
    as one piece each: ``data``, a file of them (each value's rows zlib-compressed, as lines of
    JSON lists of at most :attr:`_Slices.ROWS` rows, so that the first rows are read without the
    rest; in the query's order, without the first column, each row's post as its number in the
    table of posts, then the other cells: where_said's in its ORDER BY's order, ``columns`` in
    ``meta`` says where each is), ``posts`` that table (a JSON list a line: the post's IRI, then its headline and date),
    ``meta`` what :func:`indexed_rows` needs to find and read them (the values, sorted, where each
    one's piece is, where each line of the table begins). Kept (:meth:`keep`) as a JSON file, the
    data beside it with the suffix ``.z`` and the table with ``.posts``."""

    KIND = "indexed"
    #: the ``form`` its JSON names (an :class:`Indexed`'s names none)
    FORM = "slices-2"

    text: str
    data: Path
    posts: Path
    meta: dict

    def keep(self, path: Path) -> None:
        os.replace(self.data, path.with_suffix(".z"))
        os.replace(self.posts, path.with_suffix(".posts"))
        path.write_text(json.dumps(self.meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _sliced(data: Path, table: Path, meta: dict, values: dict[str, set[str]],
            most: int | None) -> tuple[list[str], list[tuple]] | None:
    """:func:`indexed_rows` of a :class:`Sliced` index (``meta``: its JSON; ``data`` and ``table``:
    its files)."""
    variable, iris, at, size, kinds, lines, width, order = (
        meta[k] for k in ("variable", "iris", "at", "size", "kinds", "lines", "post_columns", "columns"))
    if set(values) != {variable}:
        return None
    rows: list[tuple] = []
    with open(data, "rb") as f, open(table, "rb") as table, \
            (mmap.mmap(table.fileno(), 0, access=mmap.ACCESS_READ) if lines[-1] else nullcontext(b"")) as mapped:
        # (the table mapped: a post's line is a slice of it, all a piece's new posts parsed at once)
        posts: dict[int, list] = {}
        for x in sorted(values[variable]):  # IRIs in code-point order, as SPARQL orders them (and ``iris``)
            i = bisect.bisect_left(iris, x)
            if i == len(iris) or iris[i] != x:  # no rows
                continue
            f.seek(at[i])
            part = list(_piece_rows(f, size[i], None if most is None else most - len(rows)))
            new = sorted({row[0] for row in part}.difference(posts))
            found = json.loads(b"[%s]" % b",".join([mapped[lines[n]:lines[n + 1] - 1] for n in new])) if new else ()
            posts.update(zip(new, (cells[:width] for cells in found)))
            part = list(zip(*[posts[row[0]] + row[1:] for row in part]))
            columns = [[_iri(x)] * len(part[0])] + [_cells(part[c], kind) for c, kind in zip(order, kinds)] if part else []
            rows += zip(*columns)
            if most is not None and len(rows) >= most:
                break
    return meta["variables"], rows


def _piece_rows(f, size: int, most: int | None) -> Iterator[list]:
    """The first ``most`` rows (all if None) of the piece of ``size`` bytes at ``f``'s position
    (:meth:`_Slices.add`): decompressed a block at a time, as far as they reach (the most named
    entity's where_said at 100,000 posts: 17 MB of JSON, of which a first ask of 10,000 rows reads about 1 MB)."""
    z = zlib.decompressobj()
    left, rest, n = size, b"", 0
    while most is None or n < most:
        block = f.read(min(left, _BLOCK))
        left -= len(block)
        if not block:
            if z.eof and not rest:
                return
            raise zlib.error("a piece ends before its last row")  # (indexed_rows: no index)
        *lines, rest = (rest + z.decompress(block)).split(b"\n")
        for line in lines:
            rows = json.loads(line)
            yield from rows[:None if most is None else most - n]
            n += len(rows)
            if most is not None and n >= most:
                return


#: compressed bytes of a piece read at a time (about ten times as many once decompressed)
_BLOCK = 1 << 16


def _cells(cells, kind: str) -> list:
    """Portable terms from a column of a :class:`Sliced` piece: each cell null (unbound), a string
    (an IRI or a plain string, as the column's ``kind`` says) or [value, datatype] (another literal)."""
    if kind == "uri":
        return [c if c is None else ("uri", c) for c in cells]
    string = _XSD + "string"
    return [("literal", c, string, None) if c.__class__ is str else c if c is None else ("literal", c[0], c[1], None)
            for c in cells]


class _Slices:
    """Writes a :class:`Sliced` index: each value's rows (cells as :func:`_cells` reads them; a post
    as its number), sorted by the caller, appended to a file as the value comes."""

    #: rows encoded at a time
    ROWS = 256

    def __init__(self, folder: Path, text: str, variables: list[str], kinds: list[str], post_columns: int,
                 columns: list[int] | None = None) -> None:
        import tempfile

        fd, path = tempfile.mkstemp(suffix=".z", dir=folder)
        self.file, self.path, self.folder = os.fdopen(fd, "wb"), Path(path), folder
        self.text, self.variables, self.kinds, self.post_columns = text, variables, kinds, post_columns
        #: where each column of the answer (but the first) is in a row, its post's cells in front
        self.columns = columns or list(range(len(kinds)))
        self.at: dict[str, tuple[int, int]] = {}
        self.odd = False

    def add(self, value: str, rows: list) -> None:
        if value in self.at:
            self.odd = True  # (never: to_graph writes each entity once)
        if not rows or self.odd:
            return
        # made a few hundred rows at a time: no buffer of megabytes (the most named entity's rows)
        # that the C library would then keep, in pieces, for the rest of the build
        z = zlib.compressobj(1)
        data = [z.compress((json.dumps(rows[i:i + self.ROWS], ensure_ascii=False, separators=(",", ":"))
                            + "\n").encode("utf-8")) for i in range(0, len(rows), self.ROWS)]
        data.append(z.flush())
        self.at[value] = (self.file.tell(), sum(map(len, data)))
        self.file.writelines(data)

    def close(self, posts: list[list]) -> Sliced | None:
        """The index written, with the table of ``posts`` (each post's cells, by its number); None
        (and its file removed) when it is not one (:attr:`odd`)."""
        import tempfile

        self.file.close()
        if self.odd:
            self.path.unlink(missing_ok=True)
            return None
        fd, table = tempfile.mkstemp(suffix=".posts", dir=self.folder)
        lines = [0]
        with os.fdopen(fd, "wb") as f:
            for cells in posts:
                lines.append(lines[-1] + f.write(json.dumps(cells, ensure_ascii=False).encode("utf-8") + b"\n"))
        iris = sorted(self.at)
        return Sliced(self.text, self.path, Path(table), {
            "form": Sliced.FORM, "variable": "entity", "variables": self.variables, "kinds": self.kinds,
            "post_columns": self.post_columns, "columns": self.columns, "lines": lines,
            "iris": iris, "at": [self.at[x][0] for x in iris], "size": [self.at[x][1] for x in iris]})


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_DATE_TIME = _XSD + "dateTime"


class Said:
    """The rows of ``entity_posts`` and ``where_said`` bound to each entity, recorded by
    :func:`graphbuild.graph.to_graph` as it writes the graph, written to files in ``folder`` (two
    :class:`Sliced` indexes, :meth:`close`). What to_graph tells it, in its order: each post
    (:meth:`post`), each relation's annotation (:meth:`relation`), then each entity once
    (:meth:`entity`: its annotations, the posts that ``schema:mentions`` it), when its rows are
    sorted and written; so a 10,000-post graph's 580,000 rows of ``where_said`` are never held.

    The rows are the queries' over the graph to_graph writes: ``entity_posts`` (each post naming the
    entity, a ``schema:BlogPosting``: its headline, its date, the least words of the entity's
    annotations there; by date, latest first, undated last, then by post) and ``where_said`` (one row
    for each annotation of the entity, and for each annotation of each statement it is the subject or
    the object of, twice when both: by post, support, quote, extractor; all IRIs or plain strings,
    ordered by code point as SPARQL orders them; a statement, the body of its annotations, has their
    "mention" rows). Where the graph would hold what that order does not cover, the question is not
    indexed (the engine answers it): a post given two headlines or dates, or a date without a time
    zone (its order against the others' is not the instants'); and where_said where an annotation's
    post is none of the posts."""

    #: the predicates the two questions read (and ``rdf:type``, of posts)
    READS = frozenset([_SCHEMA + "mentions", _SCHEMA + "headline", _SCHEMA + "datePublished", _RDF + "subject",
                       _RDF + "predicate", _RDF + "object", "https://graphbuild.example/ns#extractor",
                       *(_OA + p for p in ("hasBody", "hasTarget", "hasSource", "hasSelector", "exact"))])

    @classmethod
    def reads(cls, q: ox.Quad) -> bool:
        """Whether the triple ``q``, added to the graph, could change the two questions' answers."""
        return q.predicate.value in cls.READS or (q.predicate.value == _RDF + "type"
                                                  and q.object.value == _SCHEMA + "BlogPosting")

    def __init__(self, folder: Path) -> None:
        qs = bundled()
        self.posts: dict[str, tuple] = {}  # post IRI -> (headline cell, date (lexical form, instant in µs))
        self.by_entity: dict[str, list[tuple]] = defaultdict(list)  # where_said rows of the statements
        self._stated: set[tuple] = set()
        self._number: dict[str, int] | None = None  # post IRI -> its number (the IRIs' order)
        self._latest: list[int] = []  # post number -> its place by date (latest first, undated last), then IRI
        self._made: list[Sliced] | None = None
        self.parts = {"entity_posts": _Slices(folder, qs["entity_posts"].text,
                                              ["entity", "post", "headline", "date", "quote"],
                                              ["uri", "literal", "literal", "literal"], 3),
                      "where_said": _Slices(folder, qs["where_said"].text,  # (rows: post, supports, quote, extractor)
                                            ["entity", "post", "quote", "extractor", "supports"],
                                            ["uri", "literal", "literal", "literal"], 1, [0, 2, 3, 1])}

    def post(self, iri: str, headline: str, datatype: str | None, published: datetime | None) -> None:
        """A post (``a schema:BlogPosting``) with its headline (a plain string, or of ``datatype``)
        and its date, if any."""
        cell = headline if datatype is None else [headline, datatype]
        date = None
        if published is not None and published.utcoffset() is None:
            self.parts["entity_posts"].odd = True
        elif published is not None:
            date = (published.isoformat(), (published - _EPOCH) // _MICROSECOND)
        if self.posts.setdefault(iri, (cell, date)) != (cell, date) or self._number is not None:
            self.parts["entity_posts"].odd = True  # two headlines or dates; or a post after the entities

    def relation(self, statement: str, subject: str, predicate: str, obj: str, annotation: tuple, post: str | None,
                 exact: str, extractor: str) -> None:
        """An annotation (``annotation``: what makes it one) of the ``statement`` (``subject``,
        ``predicate``, ``obj``): the words ``exact`` of ``post`` (None: not known), read by
        ``extractor``."""
        if (subject, predicate, obj, annotation) in self._stated:
            return  # the same annotation of the same statement: the same triples
        self._stated.add((subject, predicate, obj, annotation))
        row = (post, "relation " + re.sub(r"^.*[/#]", "", predicate), exact, extractor)
        self.by_entity[subject].append(row)
        self.by_entity[obj].append(row)  # (the subject's twice when it is the object too: two branches)
        self.by_entity[statement].append((post, "mention", exact, extractor))

    def entity(self, iri: str, annotations: Iterable[tuple[str, str, str]], mentioned_in: Iterable[str]) -> None:
        """An entity's rows, written: ``annotations``, one (post, exact words, extractor) for each
        of its annotations; ``mentioned_in``, the posts that ``schema:mentions`` it."""
        number = self._numbers()
        try:  # (post, support, quote, extractor): in the order of the query's ORDER BY, sorted as they are
            own = [(number[post], "mention", exact, extractor) for post, exact, extractor in annotations]
            rows = own + [(number[post], *rest) for post, *rest in self.by_entity.pop(iri, ())]
        except KeyError:  # an annotation's post is not a post (never, from to_graph)
            for part in self.parts.values():
                part.odd = True
            return
        rows.sort()
        self.parts["where_said"].add(iri, rows)
        if self.parts["entity_posts"].odd:
            return
        quote: dict[int, str] = {}  # the least words of its annotations in each post
        for n, _, exact, _ in own:
            if n not in quote or exact < quote[n]:
                quote[n] = exact
        latest = self._latest
        posts = sorted({number[p] for p in mentioned_in if p in number}, key=latest.__getitem__)
        self.parts["entity_posts"].add(iri, [(n, quote.get(n)) for n in posts])

    def _numbers(self) -> dict[str, int]:
        """Each post's number (first call: all posts are in)."""
        if self._number is None:
            iris = sorted(self.posts)
            self._number = {x: n for n, x in enumerate(iris)}
            dates = [self.posts[x][1] for x in iris]
            by_date = sorted(range(len(iris)), key=lambda n: (dates[n] is None, -dates[n][1] if dates[n] else 0, n))
            self._latest = [0] * len(iris)
            for place, n in enumerate(by_date):
                self._latest[n] = place
        return self._number

    def _table(self) -> list[list]:
        """The posts' cells by number: IRI, headline, date as the store gives it back (pyoxigraph writes
        an ``xsd:dateTime`` in its canonical form: "+00:00" as "Z", no trailing zeros in the seconds)."""
        store, p, dt = ox.Store(), ox.NamedNode(_SCHEMA + "datePublished"), ox.NamedNode(_DATE_TIME)
        store.extend(ox.Quad(ox.NamedNode(x), p, ox.Literal(date[0], datatype=dt))
                     for x, (_, date) in self.posts.items() if date is not None)
        dates = {q.subject.value: [q.object.value, _DATE_TIME] for q in store}
        return [[x, self.posts[x][0], dates.get(x)] for x in sorted(self.posts)]

    def close(self) -> list[Sliced]:
        """The indexes written (those that are not :attr:`_Slices.odd`), once all is told: the files
        are closed and what was held let go (to_graph closes it as it ends, before the analysis's
        peak); the same list again on a later call."""
        if self._made is None:
            for iri in sorted(self.by_entity):  # the statements' (to_graph writes each entity's before)
                self.entity(iri, (), ())
            table = self._table()
            self._made = [s for s in (part.close(table) for part in self.parts.values()) if s is not None]
            self.posts, self._stated, self._number, self._latest = {}, set(), {}, []
        return self._made

    def abandon(self) -> None:
        """Remove the indexes' files, written or not."""
        for part in self.parts.values():
            if self._made is None:
                part.odd = True
                part.close([])
        for made in self._made or ():
            made.data.unlink(missing_ok=True)
            made.posts.unlink(missing_ok=True)
        self._made = []


def _iri(x: str) -> tuple:
    return ("uri", x)


def _text(x: str) -> tuple:
    return ("literal", x, _XSD + "string", None)


def _count(n: int) -> tuple:
    return ("literal", str(n), _XSD + "integer", None)
