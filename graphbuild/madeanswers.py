"""Answers the build makes itself, kept with its store, for the bundled questions about pairs of
entities named together: ``co_mentions`` and ``co_mentioned_with`` without a parameter.

Both group every pair of entities that some post names together: at 10,000 posts, 900,000 pairs,
which pyoxigraph's on-disk store takes a minute and more to count and sort on a first ask
(docs/performance.md, "Fourteenth pass"). The build counts the same pairs on arrays
(:func:`graphbuild.network.co_mentions`) from its graph in memory, sorts them as the query's
``ORDER BY`` does, and keeps the first rows beside the store (:meth:`graphbuild.graphstore.Kept.answer`
gives them back, for the query's text exactly and a row cap they cover).

What the queries ask, and so what is computed here: the posts (``?post a schema:BlogPosting``)
that mention both entities (``schema:mentions``), each post once; names from ``schema:name``.
Where the graph holds what this code does not order as SPARQL does (an object of
``schema:mentions`` that is not an IRI, an entity with two names or a name that is not a plain
string: a graph edited or curated by hand), no answer is made and the query runs as before."""
from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import numpy as np
import pyoxigraph as ox

from .querydefs import bundled
from .sparql import DEFAULT_MAX_ROWS

_SCHEMA = "https://schema.org/"
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


def made_answers(store: ox.Store, most: int) -> list[Made]:
    """The answers this module makes for the graph in ``store``, each cut at ``most`` rows (none
    when the graph is outside what it orders as SPARQL does; see the module doc)."""
    if store.query(_NOT_IRI):
        return []
    by_post = {post: es.value.split(" ") for post, es in store.query(_MENTIONS)}
    found: dict[str, list[ox.Term]] = defaultdict(list)
    for q in store.quads_for_pattern(None, ox.NamedNode(_SCHEMA + "name"), None):
        found[q.subject.value].append(q.object)
    mentioned = {e for ents in by_post.values() for e in ents}
    names: dict[str, str] = {}
    for x, ns in found.items():
        plain = len(ns) == 1 and isinstance(ns[0], ox.Literal) and not ns[0].language \
            and ns[0].datatype.value == _XSD + "string"
        if plain:
            names[x] = ns[0].value
        elif x in mentioned:
            return []
    from .network import co_mentions

    pairs = co_mentions(by_post)
    # each entity's name as a number in the names' order (equal names, equal numbers); -1: none
    order = {n: i for i, n in enumerate(sorted(set(names.values())))}
    rank = np.array([order[names[x]] if x in names else -1 for x in pairs.names], dtype=np.int64)
    qs = bundled()
    return [_co_mentions(qs["co_mentions"].text, pairs, names, rank, most),
            _co_mentioned_with(qs["co_mentioned_with"].text, pairs, names, rank, most)]


def _co_mentions(text: str, pairs, names: dict[str, str], rank: np.ndarray, most: int) -> Made:
    """Pairs (a < b) named together in more than one post, both named, by posts (most first), then
    a's name, b's name, a, b."""
    a, b, w = pairs.a, pairs.b, pairs.posts
    keep = (w > 1) & (rank[a] >= 0) & (rank[b] >= 0)
    a, b, w = a[keep], b[keep], w[keep]
    top = np.lexsort((b, a, rank[b], rank[a], -w))
    rows = [(_iri(pairs.names[x]), _text(names[pairs.names[x]]), _iri(pairs.names[y]), _text(names[pairs.names[y]]),
             _count(n)) for x, y, n in zip(a[top[:most]].tolist(), b[top[:most]].tolist(), w[top[:most]].tolist())]
    return Made(text, ["a", "aName", "b", "bName", "posts"], rows, top.size <= most)


def _co_mentioned_with(text: str, pairs, names: dict[str, str], rank: np.ndarray, most: int) -> Made:
    """Every entity with each other one named in the same posts, the other named: by the entity,
    then posts (most first), the other's name, the other."""
    e = np.concatenate((pairs.a, pairs.b))
    o = np.concatenate((pairs.b, pairs.a))
    w = np.concatenate((pairs.posts, pairs.posts))
    keep = rank[o] >= 0
    e, o, w = e[keep], o[keep], w[keep]
    # only the first entities' rows are sorted: those up to the one whose rows reach ``most``
    last = int(np.searchsorted(np.cumsum(np.bincount(e, minlength=len(pairs.names))), most))
    first = e <= last
    every, e, o, w = e.size, e[first], o[first], w[first]
    top = np.lexsort((o, rank[o], -w, e))
    rows = [(_iri(pairs.names[x]), _iri(pairs.names[y]), _text(names[pairs.names[y]]), _count(n))
            for x, y, n in zip(e[top[:most]].tolist(), o[top[:most]].tolist(), w[top[:most]].tolist())]
    return Made(text, ["entity", "other", "otherName", "posts"], rows, every <= most)


def _iri(x: str) -> tuple:
    return ("uri", x)


def _text(x: str) -> tuple:
    return ("literal", x, _XSD + "string", None)


def _count(n: int) -> tuple:
    return ("literal", str(n), _XSD + "integer", None)
