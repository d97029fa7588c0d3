"""Exports for network tools: GEXF for Gephi (networkx writes it) and CSV files for Neo4j's bulk importer.

Both start from the networkx form of the graph (:func:`graphbuild.network.to_networkx`) with the
communities (stored by the build's analysis, else computed now) and the page's layout
(:func:`graphbuild.layout.layout`), so Gephi opens the same picture as ``graph.html``.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import networkx as nx
from rdflib import Graph

from .analysis import communities_of
from .export import write_atomic
from .layout import layout
from .network import to_networkx
from .viz import OTHER, PALETTE, POST_COLOUR

#: Neo4j node labels by kind (an entity also carries ``Entity``)
NEO4J_LABELS = {"Person": "Person", "Organization": "Organization", "Project": "Project",
                "OrgProject": "Organization;Project", "Agent": "Agent", "Post": "Post"}


def _flat(v) -> str:
    """One line of text: Neo4j's importer and Gephi's tables read a value per field."""
    return " ".join(str(v).split())


def _prepared(g: Graph | nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict[str, str], dict[str, tuple[int, int]]]:
    G = to_networkx(g) if isinstance(g, Graph) else g
    names = communities_of(G)
    pos = layout(G, {n: d["community"] for n, d in G.nodes(data=True) if d["kind"] != "Post"})
    return G, names, pos


def _colours(G: nx.MultiDiGraph) -> dict[str, str]:
    size: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        if d.get("community"):
            size[d["community"]] = size.get(d["community"], 0) + 1
    order = sorted(size, key=lambda c: (-size[c], c))
    return {c: PALETTE[i] if i < len(PALETTE) and size[c] > 1 else OTHER for i, c in enumerate(order)}


def to_gexf_graph(g: Graph | nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph as networkx will write it to GEXF: scalar attributes only, ``viz`` positions,
    colours (by community) and sizes. Every edge is directed (a co-mention from the entity
    whose IRI sorts first; its ``kind`` says what it is): a graph of mixed edges does not read back
    into networkx."""
    G, names, pos = _prepared(g)
    colour = _colours(G)
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        c = d.get("community", "")
        rgb = colour.get(c, POST_COLOUR if d["kind"] == "Post" else OTHER)
        attrs = {"label": _flat(d["label"]), "kind": d["kind"], "mentions": int(d["mentions"]),
                 "aliases": _flat(" | ".join(d["aliases"])), "urls": " | ".join(d["urls"]),
                 "viz": {"position": {"x": float(pos[n][0]), "y": float(-pos[n][1]), "z": 0.0},
                         "size": float(4 + 2 * d["mentions"] ** 0.5),
                         "color": {"r": int(rgb[1:3], 16), "g": int(rgb[3:5], 16), "b": int(rgb[5:7], 16), "a": 1.0}}}
        if d["kind"] == "Post":
            attrs["date"] = d.get("date", "")
        else:
            attrs.update(community=c, community_name=_flat(names.get(c, c)), pagerank=float(d.get("pagerank", 0.0)))
        H.add_node(n, **attrs)
    for i, (a, b, d) in enumerate(G.edges(data=True)):
        H.add_edge(a, b, key=f"e{i}", id=f"e{i}", kind=d["kind"], label=_flat(d["label"]), weight=float(d.get("weight", 1)))
    return H


def write_gexf(g: Graph | nx.MultiDiGraph, path: str | Path) -> Path:
    """Write a GEXF 1.2 file for Gephi (atomically)."""
    H = to_gexf_graph(g)
    return write_atomic(path, lambda fh: nx.write_gexf(H, fh, version="1.2draft"))


def _rel_type(label: str) -> str:
    """A relationship type in Neo4j's convention: "member of" -> MEMBER_OF."""
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").upper() or "RELATED_TO"


NODE_HEADER = ["iri:ID", "name", "kind", "mentions:int", "date", "aliases:string[]", "urls:string[]",
               "community", "pageRank:double", ":LABEL"]
REL_HEADER = [":START_ID", ":END_ID", ":TYPE", "weight:int", "label", "evidence"]
EDGE_TYPES = {"mentions": "MENTIONS", "co-mention": "CO_MENTIONED_WITH", "citation": "CITES"}


def _array(values: list[str]) -> str:
    # ";" is the importer's default array delimiter: a value holding one keeps it as ","
    return ";".join(_flat(v).replace(";", ",") for v in values)


def neo4j_tables(g: Graph | nx.MultiDiGraph) -> dict[str, list[list]]:
    """The CSV files for ``neo4j-admin database import full`` as rows (header first):
    ``nodes.csv`` (posts, entities, communities), ``relationships.csv``."""
    G, names, _ = _prepared(g)
    nodes = [NODE_HEADER]
    for n, d in G.nodes(data=True):
        post = d["kind"] == "Post"
        labels = NEO4J_LABELS[d["kind"]] if post else "Entity;" + NEO4J_LABELS[d["kind"]]
        nodes.append([n, _flat(d["label"]), d["kind"], d["mentions"], d.get("date", "") if post else "",
                      _array(d["aliases"]), _array(d["urls"]), "" if post else d.get("community", ""),
                      "" if post else d.get("pagerank", ""), labels])
    for c, name in sorted(names.items()):
        nodes.append([c, _flat(name), "Community", "", "", "", "", "", "", "Community"])
    rels = [REL_HEADER]
    for a, b, d in G.edges(data=True):
        typ = EDGE_TYPES.get(d["kind"]) or _rel_type(d["label"])
        ev = " | ".join(_flat(q) for _, q in d.get("evidence", []))
        rels.append([a, b, typ, int(d.get("weight", 1)), _flat(d["label"]), ev])
    for n, d in G.nodes(data=True):
        if d["kind"] != "Post" and d.get("community") in names:
            rels.append([n, d["community"], "IN_COMMUNITY", 1, "in community", ""])
    return {"nodes.csv": nodes, "relationships.csv": rels}


def write_neo4j(g: Graph | nx.MultiDiGraph, folder: str | Path) -> list[Path]:
    """Write ``nodes.csv`` and ``relationships.csv`` into ``folder`` (created if needed), each atomically.

    Import: ``neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv neo4j``
    (docs/exports.md has Cypher examples)."""
    folder = Path(folder)
    out = []
    for name, rows in neo4j_tables(g).items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        out.append(write_atomic(folder / name, buf.getvalue().encode("utf-8")))
    return out
