"""Network analysis of the entities (networkx): hubs, brokers, communities, bridges, trends.

The network analysed is the entity graph: people, organisations and projects, joined when a post
names both (weight = number of such posts) or when the text states a relation between them. The
result is plain data (:class:`Analysis`); ``graph.add_analysis`` writes it into the RDF graph
(``gb:`` terms, docs/vocabulary.md) and ``report.py`` / ``graphbuild analyze`` print it.

Every number is deterministic: nodes enter networkx in sorted order, Louvain and the sampled
betweenness use a fixed seed, and scores are rounded before they are stored.
"""
from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from rdflib import Graph

from .network import CoMentions, to_networkx

#: co-mentions given apart from a networkx form: (a, b, posts) tuples
Pairs = CoMentions | list[tuple[str, str, int]]

SEED = 42
#: betweenness is exact while (entities x ties) stays under this; above, it is estimated from a seeded
#: sample of source entities (at least BETWEENNESS_MIN_SAMPLE), so big graphs stay within seconds
BETWEENNESS_BUDGET = 2_000_000
BETWEENNESS_MIN_SAMPLE = 50
#: trends compare the last TREND_MONTHS months (up to the newest post) with the ones before
TREND_MONTHS = 6
#: a community is named after this many of its most central members
NAME_MEMBERS = 3
ROUND = 6


@dataclass
class EntityStats:
    """One entity's place in the network."""

    iri: str
    name: str
    kind: str
    mentions: int  # posts that name it
    degree: int  # distinct entities it is tied to
    pagerank: float
    betweenness: float
    community: str  # id of its community
    trend: str = ""  # "rising", "quiet" or ""
    recent: int = 0  # mentions in the last TREND_MONTHS months
    before: int = 0  # mentions in the TREND_MONTHS months before those
    last_month: str = ""  # newest month (YYYY-MM) that names it


@dataclass
class Community:
    """A group of entities named together more among themselves than with the rest (Louvain)."""

    id: str  # "c1", "c2", ... by size
    name: str  # its most central members
    members: list[str]  # IRIs, most central first


@dataclass
class Bridge:
    """Ties between two communities: how many and the strongest entity pairs that carry them."""

    a: str
    b: str
    weight: int  # sum of the tie weights (posts naming one entity of each)
    ties: list[tuple[str, str, int]]  # strongest (entity of a, entity of b, posts)


@dataclass
class Analysis:
    """What :func:`analyze` found. ``entities`` and ``communities`` are keyed by IRI / community id."""

    entities: dict[str, EntityStats]
    communities: list[Community]
    bridges: list[Bridge]
    months: list[str]  # every month (YYYY-MM) with a post, oldest first
    monthly: dict[str, dict[str, int]] = field(default_factory=dict)  # IRI -> month -> mentions
    window: tuple[str, str, str] = ("", "", "")  # first month before, first recent month, newest month

    def ranked(self, key: str) -> list[EntityStats]:
        """Entities by ``key`` (pagerank, betweenness, degree, mentions), highest first."""
        return sorted(self.entities.values(), key=lambda e: (-getattr(e, key), -e.mentions, e.name, e.iri))

    def rising(self) -> list[EntityStats]:
        return sorted((e for e in self.entities.values() if e.trend == "rising"),
                      key=lambda e: (-(e.recent - e.before), -e.recent, e.name))

    def quiet(self) -> list[EntityStats]:
        return sorted((e for e in self.entities.values() if e.trend == "quiet"),
                      key=lambda e: (-e.mentions, e.last_month, e.name))

    def tables(self, limit: int = 10) -> dict[str, tuple[list[str], list[list[Any]]]]:
        """The report's tables: name -> (column names, rows); ``limit`` rows each (0: all)."""
        cut = (lambda xs: xs[:limit]) if limit else (lambda xs: xs)
        name = lambda iri: self.entities[iri].name
        com = {c.id: c for c in self.communities}
        hubs = [[e.name, e.kind, e.pagerank, e.degree, e.mentions, com[e.community].name]
                for e in cut(self.ranked("pagerank"))]
        brokers = [[e.name, e.kind, e.betweenness, e.degree, com[e.community].name]
                   for e in cut([e for e in self.ranked("betweenness") if e.betweenness > 0])]
        comms = [[c.id, c.name, len(c.members), ", ".join(name(m) for m in c.members[:8])]
                 for c in cut([c for c in self.communities if len(c.members) > 1])]
        bridges = [[com[b.a].name, com[b.b].name, b.weight,
                    "; ".join(f"{name(x)} – {name(y)} ({w})" for x, y, w in b.ties)] for b in cut(self.bridges)]
        rising = [[e.name, e.kind, e.before, e.recent, e.last_month] for e in cut(self.rising())]
        quiet = [[e.name, e.kind, e.mentions, e.last_month] for e in cut(self.quiet())]
        before, recent, newest = self.window
        return {
            "hubs": (["name", "kind", "pagerank", "degree", "posts", "community"], hubs),
            "brokers": (["name", "kind", "betweenness", "degree", "community"], brokers),
            "communities": (["id", "name", "size", "members"], comms),
            "bridges": (["community", "other community", "ties", "strongest"], bridges),
            "rising": (["name", "kind", f"posts {before}..{_month_shift(recent, -1) if recent else ''}",
                        f"posts {recent}..{newest}", "last month"], rising),
            "quiet": (["name", "kind", "posts", "last month"], quiet),
        }


@dataclass
class EntityNetwork:
    """The entity graph in arrays (:func:`entity_network`): the analysis's input at any size,
    without networkx's dictionaries (at 10,000 posts, 900,000 ties held as a few numpy arrays).

    ``nodes`` are the entities' IRIs, sorted, and ``data`` their attributes (kind, label, mentions)
    from the networkx form; node ``i``'s neighbours are ``adj[start[i]:start[i + 1]]`` in ascending
    order, with the ties' weights in ``weight``: the order in which networkx holds the neighbours
    of :func:`entity_graph` (its ties added in sorted order), which the analysis's sums follow."""

    nodes: list[str]
    data: list[dict]
    start: np.ndarray
    adj: np.ndarray
    weight: np.ndarray

    def edges(self) -> tuple[list[int], list[int], list[int]]:
        """Each tie once as (i, j, weight), i < j, in order: ``networkx.Graph.edges`` of
        :func:`entity_graph`."""
        rows = np.repeat(np.arange(len(self.nodes)), np.diff(self.start))
        once = rows < self.adj
        return rows[once].tolist(), self.adj[once].tolist(), self.weight[once].tolist()

    def degrees(self) -> list[int]:
        return np.diff(self.start).tolist()

    def to_networkx(self) -> nx.Graph:
        H = nx.Graph()
        H.add_nodes_from(zip(self.nodes, self.data))
        i, j, w = self.edges()
        H.add_weighted_edges_from((self.nodes[a], self.nodes[b], x) for a, b, x in zip(i, j, w))
        return H


def entity_network(G: nx.MultiDiGraph, pairs: Pairs | None = None) -> EntityNetwork:
    """Entities joined by co-mentions (weight = shared posts) and stated relations (+1), undirected,
    as arrays. ``pairs``: the co-mentions as (a, b, posts) when ``G`` holds them not as edges
    (:func:`graphbuild.network.read_network`)."""
    ents = sorted((x, d) for x, d in G.nodes(data=True) if d["kind"] != "Post")
    nodes = [x for x, _ in ents]
    n = len(nodes)
    index = {x: i for i, x in enumerate(nodes)}
    ties = [(index.get(a, -1), index.get(b, -1), d.get("weight", 1)) for a, b, d in G.edges(data=True)
            if d["kind"] in ("co-mention", "relation")]
    a, b, w = np.array(ties, dtype=np.int64).reshape(-1, 3).T
    pairs = CoMentions.of(pairs)  # their places in the names, as places among the nodes
    at = np.array([index.get(x, -1) for x in pairs.names] or [-1], dtype=np.int64)
    a, b, w = np.concatenate([a, at[pairs.a]]), np.concatenate([b, at[pairs.b]]), np.concatenate([w, pairs.posts])
    keep = (a >= 0) & (b >= 0) & (a != b)
    a, b, w = a[keep], b[keep], w[keep]
    # each tie once (lesser end first), in order, its weights summed (integers: in any order)
    code, at = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_inverse=True)
    total = np.zeros(code.size, dtype=np.int64)
    np.add.at(total, at, w)
    lo, hi = code // n, code % n
    rows, cols, both = np.concatenate([lo, hi]), np.concatenate([hi, lo]), np.concatenate([total, total])
    order = np.lexsort((cols, rows))  # by node, then neighbour
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=start[1:])
    return EntityNetwork(nodes, [d for _, d in ents], start, cols[order], both[order])


def entity_graph(G: nx.MultiDiGraph, pairs: Pairs | None = None) -> nx.Graph:
    """:func:`entity_network` as a networkx Graph (node attributes those of ``G``, ties' ``weight``)."""
    return entity_network(G, pairs).to_networkx()


def _communities(net: EntityNetwork, rank: dict[str, float], seed: int) -> list[Community]:
    if net.adj.size:
        adj = [dict(zip(net.adj[a:b].tolist(), net.weight[a:b].tolist()))
               for a, b in zip(net.start[:-1].tolist(), net.start[1:].tolist())]
        found = _louvain(net.nodes, adj, seed)
    else:
        found = [{x} for x in net.nodes]
    data = dict(zip(net.nodes, net.data))
    order = lambda x: (-rank[x], -data[x]["mentions"], data[x]["label"], x)
    groups = sorted((sorted(c, key=order) for c in found), key=lambda m: (-len(m), order(m[0])))
    return [Community(f"c{i}", ", ".join(data[m]["label"] for m in members[:NAME_MEMBERS]), members)
            for i, members in enumerate(groups, 1)]


def louvain(H: nx.Graph, seed: int = SEED, threshold: float = 0.0000001) -> list[set]:
    """``nx.community.louvain_communities(H, weight="weight", seed=seed)`` for an undirected graph
    with integer weights (as :func:`entity_graph` makes them), to the last bit: networkx's levels,
    random order, moves and sums in its order, and its ``modularity`` between levels, worked on
    lists indexed by node number (each node's neighbours in the order networkx's copy of ``H``
    holds them) instead of networkx graphs keyed by IRI (``tests/test_scale.py`` compares the two).
    """
    nodes = list(H)
    if nx.is_empty(H):
        return [{u} for u in nodes]
    index = {u: i for i, u in enumerate(nodes)}
    adj: list[dict[int, int]] = [{} for _ in nodes]  # networkx's copy: neighbours as its edges come
    for a, b, w in H.edges(data="weight", default=1):
        i, j = index[a], index[b]
        adj[i][j] = w
        adj[j][i] = w
    return _louvain(nodes, adj, seed, threshold)


def _louvain(nodes: list, adj: list[dict[int, int]], seed: int = SEED, threshold: float = 0.0000001) -> list[set]:
    """:func:`louvain` of the graph of ``nodes`` whose node ``i`` has the neighbours ``adj[i]``
    (neighbour -> weight, in networkx's order), with at least one tie."""
    rng = random.Random(seed)
    partition = [{u} for u in nodes]
    members = [{u} for u in nodes]  # the nodes of the graph each node of a level stands for
    mod = _modularity(adj, [{i} for i in range(len(nodes))])
    m = sum(_degrees(adj)) / 2
    partition, inner, improved = _louvain_level(adj, members, m, partition, rng)
    while improved:
        new_mod = _modularity(adj, inner)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        adj, members = _louvain_graph(adj, members, inner)
        partition, inner, improved = _louvain_level(adj, members, m, partition, rng)
    return [s.copy() for s in partition]


def _degrees(adj: list[dict[int, int]]) -> list[int]:
    """Weighted degrees, a self-loop counted twice (networkx's ``Graph.degree(weight=...)``)."""
    return [sum(a.values()) + a.get(u, 0) for u, a in enumerate(adj)]


def _modularity(adj: list[dict[int, int]], communities: list[set[int]]) -> float:
    """``nx.community.modularity`` (undirected, resolution 1) of a level: the same float operations in
    the same order (the sums inside a community are of integers, so their order does not matter)."""
    degrees = _degrees(adj)
    deg_sum = sum(degrees)
    m, norm = deg_sum / 2, 1 / deg_sum**2

    def contribution(comm: set[int]) -> float:
        inside = sum(w for u in comm for v, w in adj[u].items() if v >= u and v in comm)
        total = sum(degrees[u] for u in comm)
        return inside / m - total * total * norm
    return sum(map(contribution, communities))


#: a node with at least this many neighbours has its moves weighed on numpy arrays (the same float
#: operations, element by element, in the same order): the nodes of a big graph's first level have
#: hundreds; below it, a Python loop is cheaper than the arrays' set-up
DENSE = 48


def _louvain_level(adj: list[dict[int, int]], members: list[set], m: float, partition: list[set],
                   rng: random.Random):
    """One level of Louvain (networkx's ``_one_level``, undirected, resolution 1)."""
    n = len(adj)
    degrees = _degrees(adj)
    stot = list(degrees)
    nbrs: list[list[tuple[int, int]] | None] = []  # a node's (neighbour, tie), or its arrays when dense
    dense: list[tuple[np.ndarray, np.ndarray] | None] = []
    for u, a in enumerate(adj):
        k = len(a) - (u in a)
        if k >= DENSE:
            nbrs.append(None)
            dense.append((np.fromiter((v for v in a if v != u), dtype=np.int64, count=k),
                          np.fromiter((w for v, w in a.items() if v != u), dtype=np.float64, count=k)))
        else:
            nbrs.append([(v, w) for v, w in a.items() if v != u])
            dense.append(None)
    node2com = list(range(n))
    com_of = np.arange(n, dtype=np.int64)  # node2com and stot as arrays, kept in step, for dense nodes
    stot_of = np.array(stot, dtype=np.int64)
    scratch = _Scratch(n, max((d[0].size for d in dense if d is not None), default=0))
    inner = [{u} for u in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    m2 = 2 * m**2
    moves, improved = 1, False
    while moves > 0:
        moves = 0
        for u in order:
            here = node2com[u]
            degree = degrees[u]
            if dense[u] is None:
                best = _move(nbrs[u], here, degree, node2com, stot, m, m2)
            else:
                best = _dense_move(*dense[u], here, degree, com_of, stot, stot_of, m, m2, scratch)
            stot[best] += degree
            stot_of[here] = stot[here]
            stot_of[best] = stot[best]
            if best != here:
                partition[here].difference_update(members[u])
                inner[here].remove(u)
                partition[best].update(members[u])
                inner[best].add(u)
                improved = True
                moves += 1
                node2com[u] = best
                com_of[u] = best
    return list(filter(len, partition)), list(filter(len, inner)), improved


def _move(nbrs: list[tuple[int, int]], here: int, degree: int, node2com: list[int], stot: list[int],
          m: float, m2: float) -> int:
    """The community a node with neighbours ``nbrs`` (neighbour, tie) moves to, now in ``here``
    (networkx's loop: the first best gain over 0, in the order of the communities' first neighbours).
    ``stot`` loses the node's degree from ``here`` (the caller adds it where the node goes)."""
    best_mod, best = 0, here
    weights: dict[int, float] = defaultdict(float)
    for v, wt in nbrs:
        weights[node2com[v]] += wt
    stot[best] -= degree
    remove_cost = -weights[best] / m + (stot[best] * degree) / m2
    for com, wt in weights.items():
        gain = remove_cost + wt / m - (stot[com] * degree) / m2
        if gain > best_mod:
            best_mod, best = gain, com
    return best


class _Scratch:
    """Arrays over a level's communities that :func:`_dense_move` fills for a node's neighbours and
    clears again (so a move costs its neighbours, not the level's nodes): ``first``, each
    community's first neighbour (:data:`_NONE` when none), ``weight``, the ties into it."""

    def __init__(self, n: int, k: int) -> None:
        self.first = np.full(n, _NONE, dtype=np.int64)
        self.weight = np.zeros(n, dtype=np.float64)
        self.places = np.arange(k, dtype=np.int64)


_NONE = np.iinfo(np.int64).max


def _dense_move(vs, ws, here: int, degree: int, com_of, stot: list[int], stot_of, m: float, m2: float,
                scratch: _Scratch) -> int:
    """:func:`_move` on arrays (neighbours ``vs``, ties ``ws``; ``com_of`` and ``stot_of``: node2com
    and stot as arrays), the same float operations element by element: the gains of the neighbours'
    communities in the order they are met, and of the best the first (its own community, when no
    neighbour is in it, gains exactly 0 there)."""
    k = vs.size
    where = com_of[vs]
    places = scratch.places[:k]
    first, weight = scratch.first, scratch.weight
    np.minimum.at(first, where, places)  # each community's first neighbour
    coms = where[first[where] == places]  # each community once, in the order met
    np.add.at(weight, where, ws)  # sums of integers: exact in any order
    wts = weight[coms]
    inside = float(weight[here])  # 0.0 when no neighbour is in its own community
    first[where] = _NONE
    weight[where] = 0.0
    stot[here] -= degree
    stot_of[here] = stot[here]
    remove_cost = -inside / m + (stot[here] * degree) / m2
    gains = remove_cost + wts / m - (stot_of[coms] * degree) / m2
    if not k or gains.max() <= 0:  # (no neighbour: a community's only node, on a level)
        return here
    return int(coms[np.argmax(gains)])  # the first best


def _louvain_graph(adj: list[dict[int, int]], members: list[set], partition: list[set[int]]):
    """The graph of the communities of a level (networkx's ``_gen_graph``): its neighbours in the
    order networkx adds them (the level's edges, each once, from its lower-numbered end)."""
    node2com = [0] * len(adj)
    grouped = []
    for i, part in enumerate(partition):
        nodes: set = set()
        for u in part:
            node2com[u] = i
            nodes.update(members[u])
        grouped.append(nodes)
    out: list[dict[int, int]] = [{} for _ in partition]
    for u, a in enumerate(adj):
        cu = node2com[u]
        for v, w in a.items():
            if v >= u:
                cv = node2com[v]
                out[cu][cv] = total = w + out[cu].get(cv, 0)
                out[cv][cu] = total
    return out, grouped


def _bridges(net: EntityNetwork, where: dict[str, str], ties_per_bridge: int = 3) -> list[Bridge]:
    """Each pair of communities with ties between them: the sum of those ties' weights and the
    ``ties_per_bridge`` strongest (then by the ends' labels, then in the ties' order), its lower-numbered
    community first. Worked on arrays: at 10,000 posts there are a million ties."""
    i, j, w = (np.asarray(x, dtype=np.int64) for x in net.edges())
    com = np.array([int(where[x][1:]) for x in net.nodes], dtype=np.int64)
    cross = com[i] != com[j]
    i, j, w = i[cross], j[cross], w[cross]
    swap = com[i] > com[j]  # each tie from the lower-numbered community's end
    a, b = np.where(swap, j, i), np.where(swap, i, j)
    ca, cb = com[a], com[b]
    labels = [d["label"] for d in net.data]
    place = {x: k for k, x in enumerate(sorted(set(labels)))}
    label = np.array([place[x] for x in labels], dtype=np.int64)  # equal labels, equal places
    order = np.lexsort((np.arange(a.size), label[b], label[a], -w, cb, ca))
    a, b, w, ca, cb = a[order], b[order], w[order], ca[order], cb[order]
    if not a.size:  # (no tie between two communities)
        return []
    starts = np.flatnonzero(np.r_[True, (ca[1:] != ca[:-1]) | (cb[1:] != cb[:-1])])  # a pair's first tie
    totals = np.add.reduceat(w, starts).tolist()
    ends = [*starts[1:].tolist(), a.size]
    nodes, out = net.nodes, []
    for s, e, total in zip(starts.tolist(), ends, totals):
        top = slice(s, min(e, s + ties_per_bridge))
        strongest = [(nodes[x], nodes[y], z) for x, y, z in zip(a[top].tolist(), b[top].tolist(), w[top].tolist())]
        out.append(Bridge(f"c{ca[s]}", f"c{cb[s]}", total, strongest))
    return sorted(out, key=lambda x: (-x.weight, int(x.a[1:]), int(x.b[1:])))


def _month_shift(month: str, n: int) -> str:
    y, m = map(int, month.split("-"))
    k = y * 12 + (m - 1) + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def monthly_mentions(G: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Entity IRI -> month (YYYY-MM) -> number of posts of that month that name it."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p, e, d in G.edges(data=True):
        month = G.nodes[p].get("date", "")[:7] if d["kind"] == "mentions" else ""
        if month:
            out[e][month] += 1
    return {e: dict(sorted(ms.items())) for e, ms in sorted(out.items())}


def _trends(stats: dict[str, EntityStats], monthly: dict[str, dict[str, int]], newest: str) -> tuple[str, str]:
    """Mark entities rising (more posts in the recent window than in the one before, at least 2)
    or quiet (named in 2+ posts, none in the recent window)."""
    recent_from = _month_shift(newest, 1 - TREND_MONTHS)
    before_from = _month_shift(recent_from, -TREND_MONTHS)
    for iri, e in stats.items():
        ms = monthly.get(iri, {})
        e.recent = sum(n for m, n in ms.items() if m >= recent_from)
        e.before = sum(n for m, n in ms.items() if before_from <= m < recent_from)
        e.last_month = max(ms, default="")
        if e.recent >= 2 and e.recent > e.before:
            e.trend = "rising"
        elif e.recent == 0 and sum(ms.values()) >= 2:
            e.trend = "quiet"
    return before_from, recent_from


def analyze(g: Graph | nx.MultiDiGraph, *, seed: int = SEED, pairs: Pairs | None = None) -> Analysis:
    """Hubs (degree, PageRank), brokers (betweenness), communities (Louvain), bridges and trends.

    Args:
        g: an rdflib Graph (as built or read) or its networkx form from :func:`to_networkx`.
        seed: seed of Louvain and of sampled betweenness (big graphs, see ``BETWEENNESS_BUDGET``).
        pairs: the co-mentions, when ``g`` is a networkx form without them (see :func:`entity_graph`).
    Returns:
        An :class:`Analysis`; it does not change ``g`` (``graph.add_analysis`` stores it).
    """
    G = to_networkx(g) if isinstance(g, Graph) else g
    net = entity_network(G, pairs)
    n, m = len(net.nodes), net.adj.size // 2
    rank, comms = _rank_and_communities(net, seed)
    k = None if n * m <= BETWEENNESS_BUDGET else min(n, max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_BUDGET // m))
    between = _betweenness(net.nodes, net.start, net.adj, k, seed) if n > 2 else {x: 0.0 for x in net.nodes}
    where = {m: c.id for c in comms for m in c.members}
    stats = {x: EntityStats(x, d["label"], d["kind"], d["mentions"], degree, rank[x], round(between[x], ROUND),
                            where[x]) for x, d, degree in zip(net.nodes, net.data, net.degrees())}
    monthly = monthly_mentions(G)
    months = sorted({G.nodes[p].get("date", "")[:7] for p, d in G.nodes(data=True)
                     if d["kind"] == "Post" and d.get("date")})
    window = ("", "", "")
    if months:
        before_from, recent_from = _trends(stats, monthly, months[-1])
        window = (before_from, recent_from, months[-1])
    return Analysis(stats, comms, _bridges(net, where), months, monthly, window)


def betweenness(H: nx.Graph, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """``nx.betweenness_centrality(H, k=k, seed=seed)`` (unweighted, normalised, endpoints left out),
    to the last bit: the same sources (``random.Random(seed).sample`` of the nodes) and Brandes's
    sums in the same order, worked a breadth-first level at a time on numpy arrays instead of a
    node at a time on networkx's dictionaries (about 6 times faster at 10,000 posts;
    ``tests/test_scale.py`` compares the two). Each level is found in networkx's order (a node
    enters when the first of its neighbours in the level before, taken in order, reaches it); a
    node's shortest paths are summed over those neighbours in that order; and a node's share of
    the paths through it is summed over the nodes of the next level from the last met back, as
    Brandes pops them (``np.bincount`` adds its weights in the order given, from 0)."""
    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    start = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(H._adj[v]) for v in nodes), dtype=np.int64, count=len(nodes)), out=start[1:])
    adj = np.fromiter((index[w] for v in nodes for w in H._adj[v]), dtype=np.int64, count=int(start[-1]))
    return _betweenness(nodes, start, adj, k, seed)


#: a level of at most this many nodes is ordered on 16-bit keys (see :func:`_betweenness`)
RADIX = 65536


def _betweenness(nodes: list, start: np.ndarray, adj: np.ndarray, k: int | None, seed: int) -> dict:
    """:func:`betweenness` of the graph of ``nodes`` whose node ``i`` has the neighbours
    ``adj[start[i]:start[i + 1]]`` (in networkx's order)."""
    n = len(nodes)
    degree = np.diff(start)
    sampled = None if k is None else random.Random(seed).sample(nodes, k)
    bc = np.zeros(n)
    pos = np.empty(n, dtype=np.int64)
    index = {v: i for i, v in enumerate(nodes)}
    for s in (range(n) if sampled is None else [index[v] for v in sampled]):
        dist = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n)
        dist[s], sigma[s] = 0, 1.0
        levels = [np.array([s], dtype=np.int64)]
        steps = []  # (v, w) of each level's edges to the next, in the order Brandes meets them
        while True:
            frontier = levels[-1]
            lens = degree[frontier]
            total = int(lens.sum())
            if not total:
                break
            src = np.repeat(frontier, lens)  # each frontier node's neighbours, in order
            nbr = adj[np.repeat(start[frontier] - (np.cumsum(lens) - lens), lens) + np.arange(total)]
            new = nbr[dist[nbr] < 0]
            if not new.size:
                break
            nxt = new[np.sort(np.unique(new, return_index=True)[1])]  # in the order first reached
            dist[nxt] = len(levels)
            on = dist[nbr] == len(levels)
            v, w = src[on], nbr[on]
            sigma += np.bincount(w, weights=sigma[v], minlength=n)
            steps.append((v, w))
            levels.append(nxt)
        delta = np.zeros(n)
        for level, (v, w) in zip(levels[:0:-1], steps[::-1]):  # back from the farthest
            # the last met first: a stable sort by the place in its level, backwards; as 16-bit
            # keys where they fit, which numpy sorts by radix (linear) instead of by merging
            pos[level] = np.arange(level.size - 1, -1, -1)
            back = pos[w]
            last_first = np.argsort(back.astype(np.uint16) if level.size <= RADIX else back, kind="stable")
            v, w = v[last_first], w[last_first]
            delta += np.bincount(v, weights=sigma[v] * ((1 + delta[w]) / sigma[w]), minlength=n)
        reached = dist >= 0
        reached[s] = False
        bc[reached] += delta[reached]
    out = dict(zip(nodes, bc.tolist()))
    N = n - 1  # (s, t) pairs without v as an end
    if N < 2:
        return out
    if sampled is None:
        scale = 1 / (N * (N - 1))
        if scale != 1:
            for v in out:
                out[v] *= scale
        return out
    scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
    scale_other = 1 / (k * (N - 1))
    chosen = set(sampled)
    for v in out:
        out[v] *= scale_source if v in chosen else scale_other
    return out


def _rank_and_communities(net: EntityNetwork, seed: int) -> tuple[dict[str, float], list[Community]]:
    """PageRank (rounded) and the Louvain communities of the entity graph ``net``."""
    n = len(net.nodes)
    rank = pagerank(net) if net.adj.size else {x: 1 / max(n, 1) for x in net.nodes}
    rank = {x: round(v, ROUND) for x, v in rank.items()}
    return rank, _communities(net, rank, seed)


def pagerank(net: EntityNetwork, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> dict[str, float]:
    """``nx.pagerank(entity_graph(...), weight="weight")`` to the last bit: networkx's own power
    iteration (``_pagerank_scipy``, no personalisation), on the same sparse matrix made from the
    arrays instead of from networkx's dictionaries (``tests/test_scale.py`` compares the two)."""
    import scipy as sp

    N = len(net.nodes)
    A = sp.sparse.csr_array((net.weight.astype(float), net.adj, net.start), shape=(N, N))
    S = A.sum(axis=1)
    S[S != 0] = 1.0 / S[S != 0]
    Q = sp.sparse.dia_array((S.T, 0), shape=A.shape).tocsr()
    A = Q @ A
    x = np.repeat(1.0 / N, N)
    p = np.repeat(1.0 / N, N)
    is_dangling = np.where(S == 0)[0]
    for _ in range(max_iter):
        xlast = x
        x = alpha * (x @ A + sum(x[is_dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - xlast).sum() < N * tol:
            return dict(zip(net.nodes, map(float, x)))
    raise nx.PowerIterationFailedConvergence(max_iter)


def communities_of(G: nx.MultiDiGraph, seed: int = SEED, pairs: Pairs | None = None) -> dict[str, str]:
    """Community -> name, with ``community`` and ``pagerank`` set on every entity node of ``G``:
    as stored in the graph by the build (read by ``to_networkx``), else computed now (the same
    numbers as :func:`analyze`, without its betweenness and trends, which the page does not need).
    ``pairs``: the co-mentions, when ``G`` holds them not as edges (:func:`entity_network`)."""
    ents = [d for _, d in G.nodes(data=True) if d["kind"] != "Post"]
    if all("community" in d and "pagerank" in d for d in ents) and G.graph.get("communities") is not None:
        return dict(G.graph["communities"])
    rank, comms = _rank_and_communities(entity_network(G, pairs), seed)
    for c in comms:
        for iri in c.members:
            G.nodes[iri].update(community=c.id, pagerank=rank[iri])
    G.graph["communities"] = {c.id: c.name for c in comms}
    return dict(G.graph["communities"])
