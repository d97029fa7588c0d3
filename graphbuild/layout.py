"""Positions for the page, computed before it is written (so it opens laid out, the same every time).

Communities are laid out first (networkx's spring layout of the community graph, seeded), each
gets a disc whose area grows with its size, the discs are pushed apart until none overlap, and
each community is laid out inside its disc. Posts sit near the entities they name. Working by
community keeps the cost low on big graphs (no layout of thousands of nodes at once) and draws
each community as a visible group.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np

from .analysis import entity_network
from .namespaces import digest

SEED = 7
#: canvas units per node: a community of n members gets a disc of radius UNIT * sqrt(n)
UNIT = 42.0
#: a community of more members is laid out by its CORE most tied members (see _spring)
CORE = 300


def _spring(H: nx.Graph, seed: int) -> dict:
    """Positions in about [-1, 1]² for a community's members. A big community (over CORE members)
    is laid out by its CORE most tied members only; each of the others is put beside the members
    it is tied to (a fixed offset from their mean), which costs one pass instead of a spring
    layout of thousands of nodes (most of them named in a single post)."""
    if H.number_of_nodes() == 1:
        return {next(iter(H)): np.zeros(2)}
    strength = dict(H.degree(weight="weight"))
    order = sorted(H, key=lambda n: (-strength[n], n))
    core = order[:CORE]
    # weights grow with shared posts; log-damped so one very strong tie does not collapse the rest
    W = nx.Graph()
    W.add_nodes_from(core)
    inner = set(core)
    W.add_weighted_edges_from((a, b, 1 + math.log(w)) for a, b, w in H.edges(data="weight") if a in inner and b in inner)
    pos = nx.spring_layout(W, weight="weight", seed=seed, iterations=50, method="force")
    if len(order) > CORE:
        step = 2.0 / math.sqrt(len(order))  # about the spacing of nodes filling the square
        rest = order[CORE:]
        for _ in range(3):  # a member tied only to other outer members waits for them
            later = []
            for n in rest:
                placed = [pos[m] for m in H[n] if m in pos]
                if placed:
                    pos[n] = np.mean(placed, axis=0) + _jitter(n, step * 3)
                else:
                    later.append(n)
            rest = later
        for n in rest:  # tied to nothing placed: on a ring around the community
            pos[n] = _jitter(n, 1.0) / max(1e-9, float(np.hypot(*_jitter(n, 1.0)))) * 1.1
    return pos


def _separate(centres: np.ndarray, radii: np.ndarray, gap: float, rounds: int = 300) -> np.ndarray:
    """Push discs apart (each pair along the line of their centres) until none overlap."""
    pos = centres.copy()
    n = len(pos)
    if n < 2:
        return pos
    need = radii[:, None] + radii[None, :] + gap
    np.fill_diagonal(need, 0)
    for _ in range(rounds):
        d = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        over = np.clip(need - dist, 0, None)
        np.fill_diagonal(over, 0)
        if over.max() < 0.5:
            break
        safe = np.where(dist == np.inf, 1, np.maximum(dist, 1e-6))
        push = (d / safe[..., None]) * (over / 2)[..., None]
        pos += push.sum(1) * 0.4  # damped: many overlapping pairs would overshoot
    return pos


def _jitter(key: str, r: float) -> np.ndarray:
    """A small fixed offset per node (from a hash of its IRI), so co-located posts do not stack."""
    h = int(digest(key, n=8), 16)
    angle, frac = (h & 0xFFFF) / 0xFFFF * 2 * math.pi, 0.4 + ((h >> 16) & 0xFF) / 0xFF * 0.6
    return np.array([math.cos(angle), math.sin(angle)]) * r * frac


def layout(G: nx.MultiDiGraph, community: dict[str, str], seed: int = SEED,
           pairs=None) -> dict[str, tuple[int, int]]:
    """Node -> (x, y) in canvas units for every node of ``G`` (entities and posts).

    Args:
        G: the networkx graph of the page (:func:`graphbuild.network.to_networkx`, possibly cut).
        community: entity -> community id; entities missing from it are their own community.
        seed: seed of every spring layout.
        pairs: co-mentions (a, b, posts) that are not edges of ``G``, a list or
            :class:`graphbuild.network.CoMentions` (:func:`graphbuild.analysis.entity_network`).
    """
    net = entity_network(G, pairs)
    i, j, w = net.edges()
    ties = list(zip(map(net.nodes.__getitem__, i), map(net.nodes.__getitem__, j), w))  # entity_graph's edges, in order
    groups: dict[str, list[str]] = {}
    for n in net.nodes:
        groups.setdefault(community.get(n, n), []).append(n)
    names = sorted(groups, key=lambda c: (-len(groups[c]), c))
    index = {c: i for i, c in enumerate(names)}
    C = nx.Graph()
    C.add_nodes_from(range(len(names)))
    for a, b, w in ties:
        ca, cb = index[community.get(a, a)], index[community.get(b, b)]
        if ca != cb:
            C.add_edge(ca, cb, weight=C.get_edge_data(ca, cb, {"weight": 0})["weight"] + w)
    radii = np.array([UNIT * math.sqrt(len(groups[c])) for c in names])
    if len(names) > 1:
        raw = nx.spring_layout(C, weight="weight", seed=seed, iterations=100)
        centres = np.array([raw[i] for i in range(len(names))]) * radii.sum() * 0.12
        centres = _separate(centres, radii, gap=UNIT)
    else:
        centres = np.zeros((len(names), 2))
    subgraphs = {c: nx.Graph() for c in names}  # every community's own ties, in one pass over the edges
    for c in names:
        subgraphs[c].add_nodes_from(groups[c])
    for a, b, w in ties:
        ca = community.get(a, a)
        if ca == community.get(b, b):
            subgraphs[ca].add_edge(a, b, weight=w)
    pos: dict[str, np.ndarray] = {}
    for c, centre, r in zip(names, centres, radii):
        inner = _spring(subgraphs[c], seed) if groups[c] else {}
        # scale so that most members fill the disc; the few far-out ones are pulled to its edge
        dist = np.array([float(np.hypot(*p)) for p in inner.values()])
        spread = float(np.percentile(dist, 85)) if len(dist) > 1 else 1.0
        for n, p in inner.items():
            p = np.asarray(p) / (spread or 1.0)
            p = p / max(1.0, float(np.hypot(*p)) / 1.15)
            pos[n] = centre + p * (r - UNIT / 2 if len(inner) > 1 else 0) / 1.15
    for p, d in G.nodes(data=True):
        if d["kind"] == "Post":
            named = [pos[e] for _, e, k in G.out_edges(p, data="kind") if k == "mentions" and e in pos]
            base = np.mean(named, axis=0) if named else np.zeros(2)
            pos[p] = base + _jitter(p, UNIT * 1.5)
    return {n: (int(round(x)), int(round(y))) for n, (x, y) in sorted(pos.items())}
