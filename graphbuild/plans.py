"""Bundled questions with parameters answered without running their text, the same rows in the
same order (docs/performance.md, "Sixteenth pass"). Each is used only for the text of the bundled
query it was checked against (:data:`CHECKED`); a copy edited by a user, or the package's own file
edited in place, is answered by the engine as written.

- **Within a made answer** (:data:`FILTERS`, :func:`within`): a bound parameter that the query
  projects as it is, binds by a triple pattern of its WHERE clause's own group, or of each group
  of a UNION that is all of it (so in every solution: the VALUES join then keeps exactly the
  solutions with the bound value), groups by when
  it groups, in a query without LIMIT or OFFSET, selects rows of the query's whole answer, in its
  order. So when the build made the whole answer (:mod:`graphbuild.madeanswers`), the bound
  question is answered by the rows with the bound values (:meth:`graphbuild.graphstore.Kept.answer`;
  tests/test_graphstore.py compares them with the engine's, tests/test_plans.py checks the
  premises on each query's text).
- **By a plan** (:data:`PLANS`, used by :meth:`graphbuild.sparql.OxEngine.execute`): in Python over
  the store's indexes, the rows the query's own text gives (tests/test_plans.py compares them with
  pyoxigraph's). Where the graph holds what a plan does not order as SPARQL does (a blank node
  where it looks, a name that is not a plain string), the engine answers.

  ``connection`` (two entities): its "through a third entity" branch lists every two-step path
  (post, entity, post) from one to the other before its ``FILTER NOT EXISTS`` drops a pair some
  post names together, and pyoxigraph joins the branch's patterns in an order that makes that over
  a minute at 10,000 posts. The plan takes first the posts naming both (if any, that branch has no
  rows, and only the first posts by IRI are read for the rows of those named together), and
  otherwise the entities named with the one in fewer posts (a ``SELECT DISTINCT``), each kept if a
  post naming the other names it too.

  ``where_said`` (an entity): asked without its ``ORDER BY``, its rows sorted in Python
  (:func:`sorted_here`): pyoxigraph's on-disk store reads the terms it compares back from RocksDB
  at each comparison, most of the time of a first ask for an entity with thousands of quotes.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Callable, Iterable

import pyoxigraph as ox

from .querydefs import Bound, Query, bundled

_S = "https://schema.org/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
_DEFAULT = ox.DefaultGraph()
_MENTIONS, _NAME, _HEADLINE = (ox.NamedNode(_S + x) for x in ("mentions", "name", "headline"))
_TYPE, _POSTING = ox.NamedNode(_RDF + "type"), ox.NamedNode(_S + "BlogPosting")


class Unplanned(Exception):
    """The graph holds what the plan does not answer as the query does: the engine answers."""


def answer(store: ox.Store, q: Query, bound: Bound) -> tuple[list[str], list[tuple]] | None:
    """(variables, rows of pyoxigraph terms, None where unbound) of the bundled query ``q`` bound as
    ``bound`` says, when a plan answers it; else None."""
    plan = PLANS.get(_checked_texts().get(q.text))
    iris = _iris(bound)
    if plan is None or iris is None:
        return None
    try:
        return plan(store, {k: [ox.NamedNode(v) for v in vs] for k, vs in iris.items()}, bound.text)
    except Unplanned:
        return None


def _iris(bound: Bound) -> dict[str, list[str]] | None:
    """The values bound, each an IRI (None: nothing bound, or a literal, which the engine compares)."""
    if not bound.terms or not all(v.startswith("<") and v.endswith(">") for vs in bound.terms.values() for v in vs):
        return None
    return {k: [v[1:-1] for v in vs] for k, vs in bound.terms.items()}


#: the first 16 hex digits of the SHA-256 of each bundled query's text that a plan or
#: :data:`FILTERS` was written and tested for (tests/test_plans.py: they are the bundled files')
CHECKED = {
    "co_mentioned_with": "33ded4a1b59f32d6", "connection": "2ed37edf322d1ea1", "entity_posts": "90613cae71420f67",
    "members_of": "76c2e89015eeb32f", "mentions_per_month": "7282404a320eaba6",
    "people_by_organization": "e4cf1ef2c7e67f11", "post_citations": "b3b9df9debb3bfab",
    "post_mentions": "a7db0cee44af5391", "project_maintainers": "7ca025e31febedb7", "relations": "772d8140140877d1",
    "single_mentions": "3089acc05e51132b", "top_mentioned": "ae1148273b73958e", "where_said": "6ac4886e9e3a6bc7",
}


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def _checked_texts() -> dict[str, str]:
    """The text of each bundled query of :data:`CHECKED` that is still the text it was checked
    against -> its name."""
    qs = bundled()
    return {qs[n].text: n for n, digest in CHECKED.items() if n in qs and text_digest(qs[n].text) == digest}


def _objects(store: ox.Store, s, p) -> Iterable:
    return (q.object for q in store.quads_for_pattern(s, p, None, _DEFAULT))


def _subjects(store: ox.Store, p, o) -> set:
    return {q.subject for q in store.quads_for_pattern(None, p, o, _DEFAULT)}


def _has(store: ox.Store, s, p, o) -> bool:
    return next(iter(store.quads_for_pattern(s, p, o, _DEFAULT)), None) is not None


def _iri(t) -> ox.NamedNode:
    if not isinstance(t, ox.NamedNode):
        raise Unplanned  # a blank node (or a literal) orders apart from IRIs
    return t


def _plain(t) -> ox.Literal:
    if not isinstance(t, ox.Literal) or t.language is not None or t.datatype != _STRING:
        raise Unplanned  # SPARQL orders other literals by their type and value
    return t


#: ``connection``'s LIMIT
LIMIT = 200
#: the relations ``connection`` follows, in its FILTER
_RELATIONS = [ox.NamedNode(_S + x) for x in ("affiliation", "memberOf", "worksFor", "funder", "sponsor",
                                             "maintainer", "parentOrganization", "founder", "organizer")]
#: the entities named in a post with ?e (a post naming ?e names ?e too)
_NAMED_WITH = f"SELECT DISTINCT ?e ?v WHERE {{ ?p <{_S}mentions> ?e , ?v }}"
_HOW = {k: ox.Literal(k) for k in ("relation", "relation (inverse)", "named together in a post",
                                   "through a third entity")}


def connection(store: ox.Store, terms: dict[str, list[ox.NamedNode]],
               text: str = "") -> tuple[list[str], list[tuple]]:
    """``connection`` for ?from and ?to: each branch of its union for each (from, to) of its VALUES
    rows, DISTINCT, ORDER BY ?how ?from ?to ?via ?viaName (unbound first), LIMIT 200 (``text``, the
    bound query's, is not needed)."""
    if set(terms) != {"from", "to"}:
        raise Unplanned
    rows: set[tuple] = set()
    for f in terms["from"]:
        for t in terms["to"]:
            if f != t:  # FILTER (?from != ?to)
                rows |= _connected(store, f, t)

    def key(row):
        how, f, t, via, name = row
        return how, f, t, via, (0, "") if name is None else (1, name)

    ordered = sorted(rows, key=key)[:LIMIT]
    h = _HOW
    return ["from", "to", "how", "via", "viaName"], [
        (ox.NamedNode(f), ox.NamedNode(t), h[how], ox.NamedNode(via), None if name is None else ox.Literal(name))
        for how, f, t, via, name in ordered]


def _connected(store: ox.Store, f: ox.NamedNode, t: ox.NamedNode) -> set[tuple]:
    """The rows of ``connection`` for one (from, to), as strings (IRIs and plain literals only)."""
    F, T = f.value, t.value
    rows = set()
    for r in _RELATIONS:
        if _has(store, f, r, t):
            rows.add(("relation", F, T, r.value, None))
        if _has(store, t, r, f):
            rows.add(("relation (inverse)", F, T, r.value, None))
    posts_f, posts_t = _subjects(store, _MENTIONS, f), _subjects(store, _MENTIONS, t)
    both = posts_f & posts_t
    # the posts naming both, in the order of their rows, until the LIMIT is reached: of the 3,660
    # posts the two most named entities share at 10,000 posts, the first few hundred
    for p in both:
        if not isinstance(p, ox.NamedNode) and _has(store, p, _TYPE, _POSTING) and _has(store, p, _HEADLINE, None):
            raise Unplanned  # a blank node orders before every IRI
    named = 0
    for p in sorted((p for p in both if isinstance(p, ox.NamedNode)), key=lambda p: p.value):
        if named >= LIMIT:
            break
        if _has(store, p, _TYPE, _POSTING):
            for h in _objects(store, p, _HEADLINE):
                rows.add(("named together in a post", F, T, p.value, _plain(h).value))
                named += 1
    if both:  # FILTER NOT EXISTS { ?p3 schema:mentions ?from , ?to }: no third entity
        return rows
    # any post naming f and one naming t: never the same post (none names both), so ?p1 != ?p2 holds;
    # the entities named with the one in fewer posts, each kept if a post of the other names it
    (fewer, _), (_more, others) = sorted([(f, posts_f), (t, posts_t)], key=lambda ep: len(ep[1]))
    for via in _named_with(store, fewer) - {f, t}:
        if isinstance(via, ox.Literal) or not any(q.subject in others for q in
                                                  store.quads_for_pattern(None, _MENTIONS, via, _DEFAULT)):
            continue  # a literal is the subject of no name
        for name in _objects(store, via, _NAME):
            rows.add(("through a third entity", F, T, _iri(via).value, _plain(name).value))
    return rows


def _named_with(store: ox.Store, e: ox.NamedNode) -> set:
    return {s["v"] for s in store.query(_NAMED_WITH, substitutions={ox.Variable("e"): e})}


#: bundled query name -> the parameters whose bound values select rows of its whole answer (see the
#: module's docstring)
FILTERS: dict[str, tuple[str, ...]] = {
    "relations": ("relation",), "people_by_organization": ("org",), "members_of": ("org",),
    "single_mentions": ("type",), "top_mentioned": ("type",), "project_maintainers": ("project",),
    "post_citations": ("post",), "mentions_per_month": ("entity",), "entity_posts": ("entity",),
    "post_mentions": ("post",), "co_mentioned_with": ("entity",), "where_said": ("entity",),
}


def within(q: Query, bound: Bound) -> tuple[str, dict[str, set[str]]] | None:
    """(the bundled query's text, {variable: the IRIs bound}) when ``q`` is a bundled query of
    :data:`FILTERS` with only such parameters bound, each to IRIs; else None."""
    name, iris = _checked_texts().get(q.text), _iris(bound)
    if name not in FILTERS or iris is None or not set(iris) <= set(FILTERS[name]):
        return None
    return q.text, {k: set(vs) for k, vs in iris.items()}


def sorted_here(store: ox.Store, terms: dict[str, list[ox.NamedNode]], text: str) -> tuple[list[str], list[tuple]]:
    """A plan for a bundled query (``text``: as bound) whose last clause is an ``ORDER BY`` of every
    variable it projects, each ascending: the bound query without that clause, its rows then sorted
    here as SPARQL orders them: unbound first, then IRIs, then plain strings, each by code point
    (what pyoxigraph compares too); a blank node or another literal where it sorts: Unplanned. The
    same rows in the same order (rows equal in every key are equal). pyoxigraph's on-disk store reads each
    term it compares back from RocksDB, again at every comparison: ``where_said`` bound to the most
    named entity of 10,000 posts (16,518 rows) 1.8 s with its ORDER BY, 0.65 s without it and
    0.04 s to sort them here."""
    at = text.rindex("ORDER BY")
    keys = text[at + len("ORDER BY"):].split()
    result = store.query(text[:at])
    variables = [v.value for v in result.variables]
    if sorted(keys) != sorted(f"?{v}" for v in variables):
        raise Unplanned  # (not so in any text of CHECKED)
    places = [variables.index(k[1:]) for k in keys]
    rows = [tuple(solution[i] for i in range(len(variables))) for solution in result]
    rows.sort(key=lambda row: tuple(_order_key(row[i]) for i in places))
    return variables, rows


def _order_key(t) -> tuple[int, str]:
    if t is None:
        return 0, ""
    if isinstance(t, ox.NamedNode):
        return 1, t.value
    return 2, _plain(t).value  # a blank node or a literal that is no plain string: Unplanned


#: bundled query name -> plan(store, {variable: [IRI, ...]}, the bound text) -> (variables, rows);
#: raises Unplanned
PLANS: dict[str, Callable] = {"connection": connection, "where_said": sorted_here}
