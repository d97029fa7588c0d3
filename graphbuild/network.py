"""Graph -> networkx graph (posts, entities, relations, co-mentions) and simple analytics."""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import IO

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SDO

from .namespaces import DOAP, FOAF, GB, OA

#: rdf type -> node kind shown to people
KIND_OF = {SDO.Person: "Person", SDO.Organization: "Organization", DOAP.Project: "Project",
           FOAF.Agent: "Agent", SDO.BlogPosting: "Post"}
RELATION_LABELS = {SDO.affiliation: "affiliation", SDO.memberOf: "member of", SDO.worksFor: "works for",
                   SDO.funder: "funded by", SDO.sponsor: "sponsored by", SDO.maintainer: "maintained by",
                   SDO.parentOrganization: "part of", SDO.founder: "founded by", SDO.organizer: "organised by"}


def node_kind(g: Graph, node: URIRef) -> str | None:
    """Person, Organization, Project, OrgProject, Agent or Post; None for other nodes."""
    kinds = {KIND_OF[t] for t in g.objects(node, RDF.type) if t in KIND_OF}
    if {"Organization", "Project"} <= kinds:
        return "OrgProject"
    for k in ("Post", "Person", "Organization", "Project", "Agent"):
        if k in kinds:
            return k
    return None


def _quotes(g: Graph) -> dict[tuple[str, str], list[str]]:
    """(body, post) -> quoted sentences, from the graph's oa:Annotations."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for anno in g.subjects(RDF.type, OA.Annotation):
        body, target = g.value(anno, OA.hasBody), g.value(anno, OA.hasTarget)
        if body is None or target is None:
            continue
        post, sel = g.value(target, OA.hasSource), g.value(target, OA.hasSelector)
        exact = g.value(sel, OA.exact) if sel is not None else None
        if post is not None and exact is not None and str(exact) not in out[(str(body), str(post))]:
            out[(str(body), str(post))].append(str(exact))
    for v in out.values():
        v.sort()
    return out


def _statement_quotes(g: Graph, quotes) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    by_body: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (body, post), qs in quotes.items():
        by_body[body] += [(post, q) for q in qs]
    out: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for st in g.subjects(RDF.type, RDF.Statement):
        key = (str(g.value(st, RDF.subject)), str(g.value(st, RDF.predicate)), str(g.value(st, RDF.object)))
        out[key] += by_body.get(str(st), [])
    return out


def to_networkx(g: Graph, posts: bool = True) -> nx.MultiDiGraph:
    """People, organisations, projects (and posts) as a networkx MultiDiGraph.

    Node attributes: ``kind``, ``label``, ``aliases``, ``urls``, ``mentions`` (number of posts);
    posts also ``url``, ``date``. Edges: ``kind`` is ``mentions``, ``relation`` (with ``label``),
    ``citation`` or ``co-mention`` (``weight`` = shared posts); ``evidence`` lists (post, quote).
    """
    G = nx.MultiDiGraph()
    quotes = _quotes(g)
    for s in sorted(set(g.subjects(RDF.type, None)), key=str):
        kind = node_kind(g, s)
        if kind is None:
            continue
        if kind == "Post":
            if posts:
                G.add_node(str(s), kind="Post", label=str(g.value(s, SDO.headline) or s), url=str(s),
                           date=str(g.value(s, SDO.datePublished) or "")[:10], aliases=[], urls=[str(s)], mentions=0)
            continue
        G.add_node(str(s), kind=kind, label=str(g.value(s, SDO.name) or s),
                   aliases=sorted(str(a) for a in g.objects(s, SDO.alternateName)),
                   urls=sorted(str(u) for u in g.objects(s, SDO.sameAs)),
                   mentions=int(g.value(s, GB.mentionCount) or 0))
    mentioned: dict[str, list[str]] = defaultdict(list)
    for post, ent in sorted(g.subject_objects(SDO.mentions)):
        if str(ent) in G:
            mentioned[str(post)].append(str(ent))
            if posts and str(post) in G:
                G.add_edge(str(post), str(ent), kind="mentions", label="mentions",
                           evidence=[(str(post), q) for q in quotes.get((str(ent), str(post)), [])])
    for (s, p, o), ev in sorted(_statement_quotes(g, quotes).items()):
        if s in G and o in G:
            G.add_edge(s, o, kind="relation", label=RELATION_LABELS.get(URIRef(p), p.rsplit("/", 1)[-1]),
                       predicate=p, evidence=sorted(ev))
    if posts:
        for s, o in sorted(g.subject_objects(SDO.citation)):
            if str(s) in G and str(o) in G and G.nodes[str(o)]["kind"] == "Post":
                G.add_edge(str(s), str(o), kind="citation", label="cites", evidence=[])
    for a, b, w in co_mentions(mentioned):
        G.add_edge(a, b, kind="co-mention", label=f"{w} post" + ("s" if w > 1 else ""), weight=w, evidence=[])
    return G


def co_mentions(mentioned: dict[str, list[str]]) -> list[tuple[str, str, int]]:
    """(a, b, number of posts mentioning both) for every pair of entities named together."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for ents in mentioned.values():
        for a, b in combinations(sorted(set(ents)), 2):
            pairs[(a, b)] += 1
    return [(a, b, n) for (a, b), n in sorted(pairs.items())]


def ego_graph(G: nx.MultiDiGraph, center: str, depth: int = 2) -> nx.MultiDiGraph:
    """The nodes within ``depth`` steps of ``center`` (edges in either direction)."""
    keep = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), center, cutoff=depth)
    return G.subgraph(keep).copy()


def write_graphml(G: nx.MultiDiGraph, out: IO[bytes]) -> None:
    """GraphML with list attributes joined by `` | `` (GraphML holds scalars only)."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: (" | ".join(v) if isinstance(v, list) else v) for k, v in d.items()})
    for a, b, d in G.edges(data=True):
        H.add_edge(a, b, **{k: (" | ".join(f"{p}: {q}" for p, q in v) if k == "evidence" else v)
                            for k, v in d.items()})
    nx.write_graphml(H, out)
