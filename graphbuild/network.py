"""Graph -> networkx graph (posts, entities, relations, co-mentions) and simple analytics."""
from __future__ import annotations

import itertools

from collections import defaultdict
from collections.abc import Sequence
from typing import IO

import networkx as nx
import numpy as np
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SDO

from .namespaces import DOAP, FOAF
from .store import from_oxigraph, term_text
from .prefixes import PREFIXES as _PREFIXES

#: rdf type -> node kind shown to people
KIND_OF = {SDO.Person: "Person", SDO.Organization: "Organization", DOAP.Project: "Project",
           FOAF.Agent: "Agent", SDO.BlogPosting: "Post"}
#: relation property -> how people read "subject property object" (schema.org's direction: "X funder Y"
#: is "X funded by Y"); the page's edges and ``graphbuild explain`` both say it this way
RELATION_LABELS = {SDO.affiliation: "affiliated with", SDO.memberOf: "member of", SDO.worksFor: "works for",
                   SDO.funder: "funded by", SDO.sponsor: "sponsored by", SDO.maintainer: "maintained by",
                   SDO.parentOrganization: "part of", SDO.founder: "founded by", SDO.organizer: "organised by",
                   SDO.author: "written by", SDO.creator: "created by", SDO.contributor: "with contributions from"}


PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _PREFIXES.items())
Q_NODES = PREFIXES + """SELECT ?s ?type ?name ?count ?confidence WHERE {
  ?s a ?type . FILTER (?type IN (schema:Person, schema:Organization, doap:Project, foaf:Agent))
  OPTIONAL { ?s schema:name ?name } OPTIONAL { ?s gb:mentionCount ?count } OPTIONAL { ?s gb:confidence ?confidence } }"""
Q_POSTS = PREFIXES + """SELECT ?s ?name ?date WHERE { ?s a schema:BlogPosting .
  OPTIONAL { ?s schema:headline ?name } OPTIONAL { ?s schema:datePublished ?date } }"""
Q_PAIRS = PREFIXES + "SELECT ?s ?o WHERE { ?s %s ?o }"
Q_MENTIONS = PREFIXES + """SELECT ?post ?e ?exact WHERE { ?post schema:mentions ?e .
  OPTIONAL { ?a oa:hasBody ?e ; oa:hasTarget ?t . ?t oa:hasSource ?post ; oa:hasSelector/oa:exact ?exact } }"""
# the statements and their evidence apart, joined in Python: pyoxigraph evaluates an OPTIONAL as a
# hash join over every annotation of the graph (at 10,000 posts 2.7 s, these two 1.0 s)
Q_STATEMENTS = PREFIXES + """SELECT ?st ?s ?p ?o WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"""
Q_EVIDENCE = PREFIXES + """SELECT ?st ?post ?exact WHERE { ?st a rdf:Statement .
  ?a oa:hasBody ?st ; oa:hasTarget ?t . ?t oa:hasSource ?post ; oa:hasSelector/oa:exact ?exact }"""
Q_ANALYSIS = PREFIXES + """SELECT ?s ?c ?name ?rank WHERE { ?s gb:community ?c ; gb:pageRank ?rank .
  OPTIONAL { ?c schema:name ?name } }"""
Q_CITES = PREFIXES + """SELECT ?s ?o WHERE { ?s a schema:BlogPosting ; schema:citation ?o . ?o a schema:BlogPosting }"""


def _rows(g: Graph, q: str):
    """Rows of a SELECT as tuples of strings (None when unbound, an rdf:HTML literal as its text:
    :func:`graphbuild.store.term_text`); run by the graph's own engine. A graph on a pyoxigraph
    store is asked directly (no rdflib term per value): the same rows in the same order, each value
    its lexical form as stored (rdflib's ``str`` may normalise a typed literal, "0.50" to "0.5";
    the readers here take numbers and dates through int, float and ``[:10]``, which gives the same
    values)."""
    store = getattr(g.store, "_inner", None)
    if isinstance(store, ox.Store):
        return [tuple(None if v is None else _text(v) for v in row) for row in store.query(q)]
    return [tuple(None if v is None else term_text(v) for v in row) for row in g.query(q)]


_RDF_HTML = "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"


def _text(v: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """:func:`graphbuild.store.term_text` of a pyoxigraph term."""
    if isinstance(v, ox.Literal) and v.datatype.value == _RDF_HTML:
        return term_text(from_oxigraph(v))
    return v.value


def _multi(g: Graph, prop: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for s, o in _rows(g, Q_PAIRS % prop):
        out[s].append(o)
    return {k: sorted(v) for k, v in out.items()}


def _nodes(g: Graph, G: nx.MultiDiGraph, posts: bool) -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    info: dict[str, tuple[str, int, float | None]] = {}
    for s, typ, name, count, conf in _rows(g, Q_NODES):
        kinds[s].add(KIND_OF[URIRef(typ)])
        info[s] = (name or s, int(count or 0), float(conf) if conf is not None else None)
    aliases, same = _multi(g, "schema:alternateName"), _multi(g, "schema:sameAs")
    for s in sorted(kinds):
        k = kinds[s]
        kind = "OrgProject" if {"Organization", "Project"} <= k else next(
            x for x in ("Person", "Organization", "Project", "Agent") if x in k)
        G.add_node(s, kind=kind, label=info[s][0], aliases=aliases.get(s, []), urls=same.get(s, []),
                   mentions=info[s][1], confidence=info[s][2])
    communities = {}
    for s, c, name, rank in _rows(g, Q_ANALYSIS):  # stored by the build's network analysis, if any
        if s in G:
            G.nodes[s].update(community=c, pagerank=float(rank))
            communities[c] = name or c
    G.graph["communities"] = dict(sorted(communities.items()))
    if posts:
        for s, name, date in sorted(_rows(g, Q_POSTS)):
            G.add_node(s, kind="Post", label=name or s, url=s, date=(date or "")[:10], aliases=[], urls=[s], mentions=0)


def to_networkx(g: Graph, posts: bool = True) -> nx.MultiDiGraph:
    """People, organisations, projects (and posts) as a networkx MultiDiGraph.

    Node attributes: ``kind``, ``label``, ``aliases``, ``urls``, ``mentions`` (number of posts),
    ``confidence`` (gb:confidence, None when the graph has none);
    posts also ``url``, ``date``; entities of an analysed graph also ``community`` (IRI) and
    ``pagerank`` (``G.graph["communities"]`` maps community IRIs to names). Edges: ``kind`` is ``mentions``, ``relation`` (with ``label``),
    ``citation`` or ``co-mention`` (``weight`` = shared posts); ``evidence`` lists (post, quote).
    Read with a few SPARQL queries, so a graph in a pyoxigraph store is read at native speed.
    """
    G, pairs = read_network(g, posts)
    add_co_mentions(G, pairs)
    return G


def add_co_mentions(G: nx.MultiDiGraph, pairs: list[tuple[str, str, int]]) -> nx.MultiDiGraph:
    """The co-mention edges (:func:`co_mentions`) of :func:`to_networkx`, added last as there."""
    for a, b, w in pairs:
        G.add_edge(a, b, kind="co-mention", label=f"{w} post" + ("s" if w > 1 else ""), weight=w, evidence=[])
    return G


def read_network(g: Graph, posts: bool = True, mentioned: list[tuple[str, str, tuple[str, ...]]] | None = None,
                 stated: dict[tuple[str, str, str], set[tuple[str, str]]] | None = None
                 ) -> tuple[nx.MultiDiGraph, CoMentions]:
    """:func:`to_networkx` without its co-mention edges, and those as (a, b, posts) apart
    (:class:`CoMentions`, arrays read as a list of tuples): on a big
    graph they are most of the edges (a million at 10,000 posts), which the analysis
    (:func:`graphbuild.analysis.analyze`) and the report do not need as networkx edges;
    :func:`add_co_mentions` adds them for the page. ``mentioned``: what :data:`Q_MENTIONS` would
    read, as the graph was made (:func:`graphbuild.graph.to_graph`): (post, entity, the quotes of
    the entity's annotations in the post, sorted, none empty) for each post that mentions the
    entity, each pair once. ``stated``: statements the graph holds besides its own (what a build
    kept out of it, :attr:`graphbuild.aside.Aside.stated`): (subject, predicate, object) -> the
    (post, exact words) of each of their annotations."""
    G = nx.MultiDiGraph()
    _nodes(g, G, posts)
    if mentioned is None:
        quotes: dict[tuple[str, str], set[str]] = defaultdict(set)
        for post, ent, exact in _rows(g, Q_MENTIONS):
            if ent in G:
                found = quotes[(post, ent)]
                if exact:
                    found.add(exact)
        mentioned = [(post, ent, tuple(sorted(qs))) for (post, ent), qs in quotes.items()]
        del quotes
    by_post: dict[str, list[str]] = defaultdict(list)
    for post, ent, qs in sorted(m for m in mentioned if m[1] in G):  # (a pair once: never compares qs)
        by_post[post].append(ent)
        if posts and post in G:
            G.add_edge(post, ent, kind="mentions", label="mentions", evidence=[(post, q) for q in qs])
    evidence: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for st, post, exact in _rows(g, Q_EVIDENCE):
        if post and exact:
            evidence[st].add((post, exact))
    found: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for st, s, p, o in _rows(g, Q_STATEMENTS):
        found[(s, p, o)] |= evidence.get(st, set())
    for spo, ev in (stated or {}).items():
        found[spo] |= {(post, exact) for post, exact in ev if post and exact}
    for (s, p, o), ev in sorted(found.items()):
        if s in G and o in G:
            G.add_edge(s, o, kind="relation", label=RELATION_LABELS.get(URIRef(p), p.rsplit("/", 1)[-1]),
                       predicate=p, evidence=sorted(ev))
    if posts:
        for s, o in sorted(set(_rows(g, Q_CITES))):
            if s in G and o in G and s != o:
                G.add_edge(s, o, kind="citation", label="cites", evidence=[])
    return G, co_mentions(by_post)


class CoMentions(Sequence):
    """Every pair of entities named together, as (a, b, posts) with a < b, in that order: a list of
    tuples to read, held as arrays (at 10,000 posts there are 900,000 pairs; as tuples, 55 MB and
    their making): ``names`` the entities sorted, ``a``, ``b`` places in it, ``posts`` the counts."""

    def __init__(self, names: list[str], a: np.ndarray, b: np.ndarray, posts: np.ndarray) -> None:
        self.names, self.a, self.b, self.posts = names, a, b, posts

    @classmethod
    def of(cls, pairs) -> CoMentions:
        """``pairs`` as CoMentions: itself if it is one, else a list of (a, b, posts) (or None)."""
        if isinstance(pairs, cls):
            return pairs
        pairs = list(pairs or ())
        names = sorted({x for a, b, _ in pairs for x in (a, b)})
        at = {x: i for i, x in enumerate(names)}
        return cls(names, np.array([at[a] for a, _, _ in pairs], dtype=np.int64),
                   np.array([at[b] for _, b, _ in pairs], dtype=np.int64),
                   np.array([w for *_, w in pairs], dtype=np.int64))

    def __len__(self) -> int:
        return int(self.a.size)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(self)[i]
        return self.names[int(self.a[i])], self.names[int(self.b[i])], int(self.posts[i])

    def __iter__(self):
        names = self.names
        for k in range(0, len(self), 65_536):  # a piece at a time: never all the tuples at once
            part = slice(k, k + 65_536)
            yield from zip(map(names.__getitem__, self.a[part].tolist()), map(names.__getitem__, self.b[part].tolist()),
                           self.posts[part].tolist())

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (list, tuple, CoMentions)) else NotImplemented

    def __repr__(self) -> str:
        return f"CoMentions({list(self)!r})"

    def among(self, keep) -> CoMentions:
        """The pairs of two entities of ``keep``, in order."""
        inside = np.fromiter((x in keep for x in self.names), dtype=bool, count=len(self.names))
        mask = inside[self.a] & inside[self.b]
        return CoMentions(self.names, self.a[mask], self.b[mask], self.posts[mask])

    def among_pairs(self, wanted) -> CoMentions:
        """The pairs that are (a, b) in ``wanted``, in order."""
        index = {x: i for i, x in enumerate(self.names)}
        n = len(self.names)
        codes = [index[a] * n + index[b] for a, b in wanted if a in index and b in index]
        mask = np.isin(self.a * n + self.b, np.array(codes, dtype=np.int64))
        return CoMentions(self.names, self.a[mask], self.b[mask], self.posts[mask])

    def counts(self) -> dict[str, int]:
        """Entity -> the number of entities it is named with."""
        k = np.bincount(self.a, minlength=len(self.names)) + np.bincount(self.b, minlength=len(self.names))
        return {self.names[i]: int(k[i]) for i in np.flatnonzero(k).tolist()}

    def strongest(self, n: int) -> list[tuple[int, str, str]]:
        """The ``n`` pairs named together in the most posts, as (posts, a, b), by posts (most first),
        then a, then b (the names' order: ``names`` is sorted)."""
        top = np.lexsort((self.b, self.a, -self.posts))[:n]
        return [(w, self.names[x], self.names[y]) for w, x, y in
                zip(self.posts[top].tolist(), self.a[top].tolist(), self.b[top].tolist())]


def co_mentions(mentioned: dict[str, list[str]]) -> CoMentions:
    """(a, b, number of posts mentioning both) for every pair of entities named together, a < b,
    in order; counted on numpy arrays (millions of pairs at 10,000 posts): each pair of a post is
    the number ``a * entities + b`` of its two entities' places in the sorted names."""
    names = sorted({e for ents in mentioned.values() for e in ents})
    index = {e: i for i, e in enumerate(names)}
    n = len(names)
    codes, upper = [], {}  # the pairs of k places, made once for each k (numpy's call costs 80 us)
    for ents in mentioned.values():
        ids = np.unique(np.fromiter((index[e] for e in ents), dtype=np.int64, count=len(ents)))
        if ids.size > 1:
            if ids.size not in upper:
                upper[ids.size] = np.triu_indices(ids.size, 1)
            a, b = upper[ids.size]
            codes.append(ids[a] * n + ids[b])
    if not codes:
        return CoMentions.of([])
    pairs, posts = np.unique(np.concatenate(codes), return_counts=True)
    return CoMentions(names, pairs // n, pairs % n, posts.astype(np.int64))


def induced(G: nx.Graph, nodes) -> nx.Graph:
    """A copy of ``G`` cut to ``nodes``, in ``G``'s own node and edge order (``G.subgraph`` iterates
    in set order, which changes with PYTHONHASHSEED and would make pages differ from run to run)."""
    keep = set(nodes)
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if n in keep)
    if G.is_multigraph():
        H.add_edges_from((a, b, k, d) for a, b, k, d in G.edges(keys=True, data=True) if a in keep and b in keep)
    else:
        H.add_edges_from((a, b, d) for a, b, d in G.edges(data=True) if a in keep and b in keep)
    return H


def ego_graph(G: nx.MultiDiGraph, center: str, depth: int = 1, pairs: CoMentions | None = None) -> nx.MultiDiGraph:
    """The nodes within ``depth`` steps of ``center`` (edges in either direction), with the edges
    among them; ``pairs``: co-mentions that are edges too, as :func:`add_co_mentions` would add them
    to ``G`` (left out of ``G``, which may be a :func:`read_network` form: the same graph comes out,
    made without the hundreds of thousands of co-mention edges outside the neighbourhood)."""
    pairs = CoMentions.of(pairs)
    if not len(pairs):
        keep = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), center, cutoff=depth)
        return induced(G, keep)
    if center not in G:
        raise nx.NodeNotFound(f"Source {center} is not in G")
    if any(x not in G for x in pairs.names):  # a pair would add a node of its own: as it would
        return ego_graph(add_co_mentions(G.copy(), pairs), center, depth)
    at = {x: i for i, x in enumerate(pairs.names)}
    keep, frontier = {center}, {center}
    for _ in range(depth):
        near = {y for x in frontier for y in itertools.chain(G.successors(x), G.predecessors(x))}
        ids = np.array([at[x] for x in frontier if x in at], dtype=np.int64)
        near.update(pairs.names[i] for i in np.concatenate((pairs.b[np.isin(pairs.a, ids)],
                                                            pairs.a[np.isin(pairs.b, ids)])).tolist())
        frontier = near - keep
        keep |= frontier
    # the co-mentions among them after the other edges, then copied again in that edge order: the
    # same node, edge and key order, successors and predecessors, as cut from G with every co-mention
    return induced(add_co_mentions(induced(G, keep), pairs.among(keep)), keep)


def write_graphml(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    """GraphML with list attributes joined by `` | `` (GraphML holds scalars only)."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: (" | ".join(v) if isinstance(v, list) else v) for k, v in d.items()})
    for a, b, d in G.edges(data=True):
        H.add_edge(a, b, **{k: (" | ".join(f"{p}: {q}" for p, q in v) if k == "evidence" else v)
                            for k, v in d.items()})
    nx.write_graphml(H, out)
