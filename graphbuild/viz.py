"""networkx -> pyvis Network -> one self-contained HTML page (our own template, nothing fetched).

pyvis builds the network and holds its options; its bundled vis-network files are inlined into
``templates/graph.html``. Every string from a feed reaches the page only as JSON data (with ``<``,
``>`` and ``&`` escaped) and is put into the page with ``textContent``; only http(s) URLs become links.
"""
from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.edge import Edge
from pyvis.network import Network
from rdflib import Graph

from .export import write_atomic
from .store import term_text
from .analysis import communities_of
from .charts import CSS as CHARTS_CSS, charts_html
from .layout import layout
from .network import CoMentions, add_co_mentions, ego_graph, induced, read_network
from .urls import is_web_iri

#: above this many entity nodes the page starts from the most mentioned ones
MAX_NODES = 1000
#: at most this many co-mention edges (the strongest) and posts listed on one card
MAX_CO_EDGES = 4000
MAX_CARD_POSTS = 50
#: above this many entities the first view shows communities as clusters that open on click
CLUSTER_ABOVE = 300
#: co-mention links drawn per node at first (its strongest); the page has a control for more
DEFAULT_LINKS = 2
#: labels: the most central HUBS always (where they do not cover each other), at most MAX_LABELS
HUBS = 12
MAX_LABELS = 150
SHAPES = {"Person": "dot", "Organization": "square", "Project": "triangle", "OrgProject": "hexagon",
          "Agent": "star", "Post": "diamond"}
KIND_LABELS = {"Person": "Person", "Organization": "Organisation", "Project": "Project",
               "OrgProject": "Organisation & project", "Agent": "Person or organisation", "Post": "Post"}
#: community colours, largest community first (Tableau 10 and two more); the rest share OTHER
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#2f9e8f", "#8c6bb1", "#d37295"]
OTHER, POST_COLOUR = "#a0a0a0", "#c8c8c8"
OPTIONS = {
    "autoResize": True,
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "scaling": {"min": 8, "max": 40},
              "borderWidth": 1},
    "edges": {"smooth": False, "color": {"inherit": False, "color": "#c4c4c4", "highlight": "#333333"},
              "font": {"size": 10, "align": "middle"}, "scaling": {"min": 1, "max": 6}},
    "physics": False,  # laid out in Python (graphbuild/layout.py)
    "layout": {"improvedLayout": False, "randomSeed": 7},
}


def _links(urls: list[str]) -> list[str]:
    return [u for u in urls if is_web_iri(u)]


def _cards(G: nx.MultiDiGraph, posts: dict[str, dict], ents: list[str]) -> dict:
    """The cards' posts and quotes as one compact table, read by the page only when a card opens:
    ``posts`` lists [url, title, date] once each; ``of`` maps an entity to [[post index, quotes], ...],
    newest first, at most MAX_CARD_POSTS."""
    order = sorted(posts, key=lambda p: (posts[p].get("date", ""), posts[p].get("label", p), p), reverse=True)
    index = {p: i for i, p in enumerate(order)}
    of: dict[str, list] = {}
    for n in ents:
        mine = sorted(((index[p], [q for _, q in d.get("evidence", [])]) for p, _, d in G.in_edges(n, data=True)
                       if d.get("kind") == "mentions" and p in index))
        if mine:
            of[n] = [[i, qs] for i, qs in mine[:MAX_CARD_POSTS]]
    return {"posts": [[p if is_web_iri(p) else "", posts[p].get("label", p), posts[p].get("date", "")] for p in order],
            "of": of}


def _select(G: nx.MultiDiGraph, max_nodes: int, pairs=()) -> tuple[set[str], int]:
    """The nodes on the page: the ``max_nodes`` most mentioned entities (then most tied) and the
    posts that name them; ``pairs``: co-mentions not (yet) edges of ``G``, which count as edges."""
    ents = [n for n, d in G.nodes(data=True) if d["kind"] != "Post"]
    if len(ents) <= max_nodes:
        return set(G.nodes), 0
    co = CoMentions.of(pairs).counts()
    ranked = sorted(ents, key=lambda n: (-G.nodes[n]["mentions"], -G.degree(n) - co.get(n, 0), n))
    keep = set(ranked[:max_nodes])
    keep |= {p for p, e, d in G.edges(data=True) if d["kind"] == "mentions" and e in keep}
    return keep, len(ents) - max_nodes


def _tiers(co: list[tuple[int, str, str]], rank: dict[str, int]) -> dict[tuple[str, str], int]:
    """Co-mention edge -> its tier: 1 if it is the strongest link of one of its ends, 2 if the
    second strongest, ... (ties broken by the other end's centrality). The page draws tiers up to
    the chosen number, so every node keeps its strongest links and the hairball thins out."""
    mine: dict[str, list[tuple[int, int, str, str]]] = {}
    for w, a, b in co:
        mine.setdefault(a, []).append((-w, rank.get(b, 0), a, b))
        mine.setdefault(b, []).append((-w, rank.get(a, 0), a, b))
    tier: dict[tuple[str, str], int] = {}
    for edges in mine.values():
        for i, (_, _, a, b) in enumerate(sorted(edges), 1):
            tier[(a, b)] = min(tier.get((a, b), i), i)
    return tier


def _communities(G: nx.MultiDiGraph, keep: set[str], names: dict[str, str]) -> list[dict]:
    """The communities present on the page, largest first, with their colours."""
    size: dict[str, int] = {}
    for n in keep:
        c = G.nodes[n].get("community")
        if c is not None:
            size[c] = size.get(c, 0) + 1
    order = sorted(size, key=lambda c: (-size[c], names.get(c, c), c))
    return [{"id": c, "name": names.get(c, c), "size": size[c],
             "color": PALETTE[i] if i < len(PALETTE) and size[c] > 1 else OTHER} for i, c in enumerate(order)]


def _node(G: nx.MultiDiGraph, n: str, colour: dict, rank: dict, xy: tuple[int, int]) -> dict:
    d = G.nodes[n]
    node: dict[str, Any] = {"id": n, "shape": SHAPES[d["kind"]], "kind": d["kind"], "aliases": d["aliases"],
                            "links": _links(d["urls"]), "mentions": d["mentions"], "x": xy[0], "y": xy[1]}
    if d["kind"] == "Post":
        node.update(date=d.get("date", ""), url=n if is_web_iri(n) else "", value=2, color=POST_COLOUR,
                    fullname=d["label"], rank=len(rank) + 1)
    else:
        node.update(value=max(1, d["mentions"]), fullname=d["label"],
                    community=d.get("community", ""), color=colour.get(d.get("community"), OTHER),
                    rank=rank[n], confidence=d.get("confidence"))
    return node


def to_pyvis(g: Graph | nx.MultiDiGraph, *, focus: str | None = None, depth: int = 1,
             max_nodes: int = MAX_NODES, title: str = "", pairs: list[tuple[str, str, int]] | None = None) -> Network:
    """Build the pyvis Network for a graph (or a networkx graph from :func:`to_networkx`).

    Nodes are laid out here (:func:`graphbuild.layout.layout`), coloured by community (the
    graph's stored analysis, or one computed now), shaped by kind; co-mention edges carry a
    ``tier`` (1 = the strongest link of one of its ends) that the page thins by.

    Args:
        g: the rdflib Graph or its networkx form.
        focus: IRI of a node: keep only its neighbourhood of ``depth`` steps (an ego page).
        max_nodes: above this many entities, keep the most mentioned ones (the page says so).
        title: the title bar text (default: the feeds' names).
        pairs: the co-mentions as (a, b, posts) when ``g`` is a networkx form without their edges
            (:func:`graphbuild.network.read_network`): only those between the entities on the
            page become edges (at 10,000 posts, a few thousand of 900,000), the same page.
    Returns:
        A pyvis Network; ``net.graphbuild`` holds the page's extra data (communities, counts, title).
    """
    G, pairs = read_network(g) if isinstance(g, Graph) else (g, CoMentions.of(pairs))
    names = communities_of(G, pairs=pairs)
    if focus:  # a neighbourhood: co-mentioned entities are neighbours
        G, pairs = ego_graph(G, focus, depth, pairs), CoMentions.of([])
    charts = charts_html(G)  # of every post and entity in view (before the cap on entities)
    keep, left_out = _select(G, max_nodes, pairs)
    if left_out:
        G = induced(G, keep)
    # the co-mentions between the nodes kept: all of them tie the layout's entities, and those the
    # page draws become edges of G (below), after the other edges as to_networkx adds them
    kept = pairs.among(keep)
    posts = {n: d for n, d in G.nodes(data=True) if d["kind"] == "Post"}
    comms = _communities(G, keep, names)
    colour = {c["id"]: c["color"] for c in comms}
    ents = sorted((n for n in keep if n not in posts), key=lambda n: (-G.nodes[n]["pagerank"], -G.nodes[n]["mentions"], n))
    rank = {n: i for i, n in enumerate(ents)}
    pos = layout(G, {n: G.nodes[n]["community"] for n in ents}, pairs=kept)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    net.options = OPTIONS
    for n in sorted(keep):
        net.nodes.append(_node(G, n, colour, rank, pos[n]))
        net.node_ids.append(n)
        net.node_map[n] = net.nodes[-1]
    co = [(d.get("weight", 1), a, b) for a, b, d in G.edges(data=True) if d["kind"] == "co-mention"]  # (focus)
    co += kept.strongest(MAX_CO_EDGES)
    co = sorted(co, key=lambda x: (-x[0], x[1], x[2]))[:MAX_CO_EDGES]
    tier = _tiers(co, rank)
    # only the co-mentions drawn (a few thousand of hundreds of thousands at 10,000 posts), in their
    # order: each edge of G comes where it came when every co-mention between the nodes kept was added
    add_co_mentions(G, kept.among_pairs(tier))
    for i, (a, b, d) in enumerate(G.edges(data=True)):
        if d["kind"] == "co-mention" and (a, b) not in tier:
            continue
        # pyvis's add_edge scans every node and edge per call; its Edge record is used directly
        e = Edge(a, b, True, id=f"e{i}", kind=d["kind"], value=d.get("weight", 1))
        if d["kind"] in ("relation", "citation"):
            e.options["relation"] = d["label"]
        if d["kind"] != "mentions" and d.get("evidence"):  # a mention's quotes are in the cards' table
            e.options["evidence"] = [{"post": p if is_web_iri(p) else "", "quote": q} for p, q in d["evidence"]]
        if d["kind"] in ("co-mention", "mentions"):
            e.options["arrows"] = ""
        if d["kind"] == "co-mention":
            e.options["tier"] = tier[(a, b)]
        net.edges.append(e.options)
    net.cards = _cards(G, posts, ents)
    net.charts = charts
    net.graphbuild = {"title": title, "entities": len(ents), "posts": len(posts), "left_out": left_out,
                      "focus": focus or "", "communities": comms, "cluster": len(ents) > CLUSTER_ABOVE and not focus,
                      "links": DEFAULT_LINKS, "hubs": HUBS, "maxLabels": MAX_LABELS}
    return net


def _json_for_script(data: Any) -> str:
    """JSON safe inside a <script> element: no ``</script>``, no HTML comment openers."""
    s = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _asset(name: str) -> str:
    return (resources.files("pyvis") / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def page_heading(g: Graph, focus: str = "") -> tuple[str, str]:
    """The page's title and subtitle, read from the graph alone (so ``graphbuild viz`` on a graph
    file makes the same heading as the build): the feeds' names, the number of posts, the newest date.
    ``focus`` (an entity's IRI or name) makes it an ego page's title: "network of NAME in FEEDS"."""
    from rdflib import URIRef
    from rdflib.namespace import RDF, SDO

    feeds = sorted(str(g.value(f, SDO.name) or f) for f in set(g.subjects(RDF.type, SDO.DataFeed)))
    posts = set(g.subjects(RDF.type, SDO.BlogPosting))
    dates = [d for d in (g.value(p, SDO.datePublished) for p in posts) if d is not None]
    newest = f", newest post {max(str(d) for d in dates)[:10]}" if dates else ""
    if focus and is_web_iri(focus):
        focus = term_text(g.value(URIRef(focus), SDO.name) or g.value(URIRef(focus), SDO.headline) or focus)
    title = "graphbuild: " + (f"network of {focus} in " if focus else "") + (", ".join(feeds) or "graph")
    subtitle = f"{len(posts)} post{'s' if len(posts) != 1 else ''} from {len(feeds)} feed{'s' if len(feeds) != 1 else ''}{newest}"
    return title, subtitle


EDGE_KINDS = ["co-mention", "mentions", "relation", "citation"]
#: node fields the page derives (shape from kind, size from mentions, a post's URL from its IRI)
DERIVED = {"shape", "value", "url", "x", "y"}


def _compact(nodes: list[dict], edges: list[dict]) -> tuple[list[dict], list[list]]:
    """The page's data without repetition, so a big graph's page parses fast: a node leaves out
    what the page derives and empty fields (position as ``xy``); an edge is a row
    ``[from index, to index, kind index, value, tier, relation, evidence]`` (trailing empties cut)."""
    index = {n["id"]: i for i, n in enumerate(nodes)}
    out_nodes = []
    for n in nodes:
        c = {k: v for k, v in n.items() if k not in DERIVED and v not in (None, [], "")}
        if n["kind"] == "Post":
            c.pop("rank", None)
            if n.get("links") == [n["id"]]:
                c.pop("links")
        c["xy"] = [n["x"], n["y"]]
        out_nodes.append(c)
    out_edges = []
    for e in edges:
        row = [index[e["from"]], index[e["to"]], EDGE_KINDS.index(e["kind"]), e.get("value", 1),
               e.get("tier", 0), e.get("relation", ""), e.get("evidence", [])]
        while row[-1] in (0, "", []) and len(row) > 3:
            row.pop()
        out_edges.append(row)
    return out_nodes, out_edges


def render_html(net: Network, title: str = "", subtitle: str = "") -> str:
    """The whole page as a string: vis-network, styles, data and code inlined."""
    env = Environment(loader=PackageLoader("graphbuild", "templates"), autoescape=select_autoescape(["html"]))
    info = getattr(net, "graphbuild", {})
    nodes, edges = _compact(net.nodes, net.edges)
    data = {"nodes": nodes, "edges": edges, "edgeKinds": EDGE_KINDS, "options": net.options,
            "styles": {k: {"shape": s, "label": KIND_LABELS[k]} for k, s in SHAPES.items()},
            "kinds": list(SHAPES),
            "info": info}
    vis_js = _asset("vis-network.min.js").replace("</script", "<\\/script")
    return env.get_template("graph.html").render(
        title=title or info.get("title") or "graphbuild", subtitle=subtitle, data=_json_for_script(data),
        cards=_json_for_script(getattr(net, "cards", {"posts": [], "of": {}})),
        charts=getattr(net, "charts", ""), charts_css=CHARTS_CSS,
        vis_js=vis_js, vis_css=_asset("vis-network.css"))


def write_html(net: Network, path: str | Path, title: str = "", subtitle: str = "") -> Path:
    """Write the page for ``net`` to ``path`` (atomically)."""
    return write_atomic(path, render_html(net, title, subtitle).encode("utf-8"))


class InlinePage:
    """What :func:`show` returns: Jupyter renders it through ``_repr_html_``; ``.data`` is the markup."""

    def __init__(self, data: str) -> None:
        self.data = data

    def _repr_html_(self) -> str:
        return self.data


def show(g: Graph | Network, height: int = 650, **kwargs) -> InlinePage:
    """Display the page inline in Jupyter (an iframe with ``srcdoc``, which JupyterLab and VS Code render).

    A plain object with ``_repr_html_`` rather than IPython's ``HTML``, which warns about iframes.
    """
    net = g if isinstance(g, Network) else to_pyvis(g, **kwargs)
    page = render_html(net, *(page_heading(g) if isinstance(g, Graph) else ("", "")))
    return InlinePage(f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{int(height)}px;'
                      f'border:1px solid #ddd" sandbox="allow-scripts"></iframe>')
