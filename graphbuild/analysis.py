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
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import Graph

from .network import to_networkx

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


def entity_graph(G: nx.MultiDiGraph, pairs: list[tuple[str, str, int]] | None = None) -> nx.Graph:
    """Entities joined by co-mentions (weight = shared posts) and stated relations (+1), undirected.
    ``pairs``: the co-mentions as (a, b, posts) when ``G`` holds them not as edges
    (:func:`graphbuild.network.read_network`)."""
    H = nx.Graph()
    H.add_nodes_from(sorted((n, d) for n, d in G.nodes(data=True) if d["kind"] != "Post"))
    ties: Counter = Counter()
    for a, b, d in G.edges(data=True):
        if a in H and b in H and a != b and d["kind"] in ("co-mention", "relation"):
            ties[tuple(sorted((a, b)))] += d.get("weight", 1)
    for a, b, w in pairs or ():
        if a in H and b in H and a != b:
            ties[(a, b) if a < b else (b, a)] += w
    H.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(ties.items()))
    return H


def _communities(H: nx.Graph, rank: dict[str, float], seed: int) -> list[Community]:
    found = louvain(H, seed) if H.number_of_edges() else [{n} for n in H]
    order = lambda n: (-rank[n], -H.nodes[n]["mentions"], H.nodes[n]["label"], n)
    groups = sorted((sorted(c, key=order) for c in found), key=lambda m: (-len(m), order(m[0])))
    return [Community(f"c{i}", ", ".join(H.nodes[m]["label"] for m in members[:NAME_MEMBERS]), members)
            for i, members in enumerate(groups, 1)]


def louvain(H: nx.Graph, seed: int = SEED, threshold: float = 0.0000001) -> list[set]:
    """``nx.community.louvain_communities(H, weight="weight", seed=seed)`` for an undirected graph,
    to the last bit: networkx's levels, random order, moves and sums in its order (and its
    ``modularity`` between levels), with each level's moves worked on lists indexed by node number
    instead of dictionaries keyed by IRI (``tests/test_scale.py`` compares the two)."""
    rng = random.Random(seed)
    partition = [{u} for u in H]
    if nx.is_empty(H):
        return partition
    mod = nx.community.modularity(H, partition, weight="weight")
    graph = nx.Graph()
    graph.add_nodes_from(H)
    graph.add_weighted_edges_from(H.edges(data="weight", default=1))
    m = graph.size(weight="weight")
    partition, inner, improved = _louvain_level(graph, m, partition, rng)
    while improved:
        new_mod = nx.community.modularity(graph, inner, weight="weight")
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        graph = _louvain_graph(graph, inner)
        partition, inner, improved = _louvain_level(graph, m, partition, rng)
    return [s.copy() for s in partition]


def _louvain_level(G: nx.Graph, m: float, partition: list[set], rng: random.Random):
    """One level of Louvain (networkx's ``_one_level``, undirected, resolution 1)."""
    nodes = list(G)
    index = {u: i for i, u in enumerate(nodes)}
    degrees = [d for _, d in G.degree(weight="weight")]
    stot = list(degrees)
    nbrs = [[(index[v], d["weight"]) for v, d in G._adj[u].items() if v != u] for u in nodes]
    node2com = list(range(len(nodes)))
    inner = [{u} for u in nodes]
    order = list(range(len(nodes)))
    rng.shuffle(order)
    m2 = 2 * m**2
    moves, improved = 1, False
    while moves > 0:
        moves = 0
        for u in order:
            best_mod, best = 0, node2com[u]
            weights: dict[int, float] = defaultdict(float)
            for v, wt in nbrs[u]:
                weights[node2com[v]] += wt
            degree = degrees[u]
            stot[best] -= degree
            remove_cost = -weights[best] / m + (stot[best] * degree) / m2
            for com, wt in weights.items():
                gain = remove_cost + wt / m - (stot[com] * degree) / m2
                if gain > best_mod:
                    best_mod, best = gain, com
            stot[best] += degree
            if best != node2com[u]:
                name = nodes[u]
                com_nodes = G.nodes[name].get("nodes", {name})
                partition[node2com[u]].difference_update(com_nodes)
                inner[node2com[u]].remove(name)
                partition[best].update(com_nodes)
                inner[best].add(name)
                improved = True
                moves += 1
                node2com[u] = best
    return list(filter(len, partition)), list(filter(len, inner)), improved


def _louvain_graph(G: nx.Graph, partition: list[set]) -> nx.Graph:
    """The graph of the communities of a level (networkx's ``_gen_graph``)."""
    H = nx.Graph()
    node2com = {}
    for i, part in enumerate(partition):
        nodes = set()
        for node in part:
            node2com[node] = i
            nodes.update(G.nodes[node].get("nodes", {node}))
        H.add_node(i, nodes=nodes)
    for a, b, wt in G.edges(data="weight"):
        ca, cb = node2com[a], node2com[b]
        H.add_edge(ca, cb, weight=wt + H.get_edge_data(ca, cb, {"weight": 0})["weight"])
    return H


def _bridges(H: nx.Graph, where: dict[str, str], ties_per_bridge: int = 3) -> list[Bridge]:
    found: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for a, b, w in H.edges(data="weight"):
        ca, cb = where[a], where[b]
        if ca != cb:
            if int(ca[1:]) > int(cb[1:]):
                a, b, ca, cb = b, a, cb, ca
            found[(ca, cb)].append((a, b, w))
    out = []
    for (ca, cb), ties in found.items():
        ties.sort(key=lambda t: (-t[2], H.nodes[t[0]]["label"], H.nodes[t[1]]["label"]))
        out.append(Bridge(ca, cb, sum(w for *_, w in ties), ties[:ties_per_bridge]))
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


def analyze(g: Graph | nx.MultiDiGraph, *, seed: int = SEED, pairs: list[tuple[str, str, int]] | None = None) -> Analysis:
    """Hubs (degree, PageRank), brokers (betweenness), communities (Louvain), bridges and trends.

    Args:
        g: an rdflib Graph (as built or read) or its networkx form from :func:`to_networkx`.
        seed: seed of Louvain and of sampled betweenness (big graphs, see ``BETWEENNESS_BUDGET``).
        pairs: the co-mentions, when ``g`` is a networkx form without them (see :func:`entity_graph`).
    Returns:
        An :class:`Analysis`; it does not change ``g`` (``graph.add_analysis`` stores it).
    """
    G = to_networkx(g) if isinstance(g, Graph) else g
    H = entity_graph(G, pairs)
    n, m = H.number_of_nodes(), H.number_of_edges()
    rank, comms = _rank_and_communities(H, seed)
    k = None if n * m <= BETWEENNESS_BUDGET else min(n, max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_BUDGET // m))
    between = betweenness(H, k, seed) if n > 2 else {x: 0.0 for x in H}
    where = {m: c.id for c in comms for m in c.members}
    stats = {x: EntityStats(x, d["label"], d["kind"], d["mentions"], H.degree(x), rank[x],
                            round(between[x], ROUND), where[x]) for x, d in H.nodes(data=True)}
    monthly = monthly_mentions(G)
    months = sorted({G.nodes[p].get("date", "")[:7] for p, d in G.nodes(data=True)
                     if d["kind"] == "Post" and d.get("date")})
    window = ("", "", "")
    if months:
        before_from, recent_from = _trends(stats, monthly, months[-1])
        window = (before_from, recent_from, months[-1])
    return Analysis(stats, comms, _bridges(H, where), months, monthly, window)


def betweenness(H: nx.Graph, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """``nx.betweenness_centrality(H, k=k, seed=seed)`` (unweighted, normalised, endpoints left out),
    to the last bit: the same sources (``random.Random(seed).sample`` of the nodes), the same
    breadth-first order and the same sums in the same order (Brandes), on lists indexed by node
    number instead of networkx's dictionaries, which makes it about 2.5 times faster
    (``tests/test_scale.py`` compares the two)."""
    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    adj = [[index[w] for w in H._adj[v]] for v in nodes]
    n = len(nodes)
    sampled = None if k is None else random.Random(seed).sample(nodes, k)
    bc = [0.0] * n
    for s in (range(n) if sampled is None else [index[v] for v in sampled]):
        order, preds, sigma, dist = [], [[] for _ in range(n)], [0.0] * n, [-1] * n
        sigma[s], dist[s] = 1.0, 0
        queue = deque([s])
        while queue:  # breadth first: count the shortest paths
            v = queue.popleft()
            order.append(v)
            dv1, sv = dist[v] + 1, sigma[v]
            for w in adj[v]:
                dw = dist[w]
                if dw < 0:
                    queue.append(w)
                    dist[w] = dw = dv1
                if dw == dv1:
                    sigma[w] += sv
                    preds[w].append(v)
        delta = [0] * n
        while order:  # back from the farthest: each node's share of the paths through it
            w = order.pop()
            coeff = (1 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += delta[w]
    out = dict(zip(nodes, bc))
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


def _rank_and_communities(H: nx.Graph, seed: int) -> tuple[dict[str, float], list[Community]]:
    """PageRank (rounded) and the Louvain communities of the entity graph ``H``."""
    n = H.number_of_nodes()
    rank = nx.pagerank(H, weight="weight") if H.number_of_edges() else {x: 1 / max(n, 1) for x in H}
    rank = {x: round(v, ROUND) for x, v in rank.items()}
    return rank, _communities(H, rank, seed)


def communities_of(G: nx.MultiDiGraph, seed: int = SEED) -> dict[str, str]:
    """Community -> name, with ``community`` and ``pagerank`` set on every entity node of ``G``:
    as stored in the graph by the build (read by ``to_networkx``), else computed now (the same
    numbers as :func:`analyze`, without its betweenness and trends, which the page does not need)."""
    ents = [d for _, d in G.nodes(data=True) if d["kind"] != "Post"]
    if all("community" in d and "pagerank" in d for d in ents) and G.graph.get("communities") is not None:
        return dict(G.graph["communities"])
    rank, comms = _rank_and_communities(entity_graph(G), seed)
    for c in comms:
        for iri in c.members:
            G.nodes[iri].update(community=c.id, pagerank=rank[iri])
    G.graph["communities"] = {c.id: c.name for c in comms}
    return dict(G.graph["communities"])
