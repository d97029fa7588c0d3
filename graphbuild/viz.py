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
from .network import ego_graph, to_networkx
from .urls import is_web_iri

#: above this many entity nodes the page starts from the most mentioned ones
MAX_NODES = 1000
#: at most this many co-mention edges (the strongest) and posts listed on one card
MAX_CO_EDGES = 4000
MAX_CARD_POSTS = 50
STYLE = {  # kind -> (colour, shape)
    "Person": ("#4e79a7", "dot"),
    "Organization": ("#f28e2b", "square"),
    "Project": ("#59a14f", "triangle"),
    "OrgProject": ("#b07aa1", "hexagon"),
    "Agent": ("#9c9c9c", "dot"),
    "Post": ("#cfcfcf", "box"),
}
KIND_LABELS = {"Person": "Person", "Organization": "Organisation", "Project": "Project",
               "OrgProject": "Organisation & project", "Agent": "Person or organisation", "Post": "Post"}
OPTIONS = {
    "autoResize": True,
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "scaling": {"min": 8, "max": 40}},
    "edges": {"smooth": False, "color": {"inherit": False, "color": "#b8b8b8", "highlight": "#333333"},
              "font": {"size": 10, "align": "middle"}},
    "physics": {"solver": "forceAtlas2Based",
                "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90, "avoidOverlap": 0.2},
                "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
                "minVelocity": 1.0},
    "layout": {"improvedLayout": False, "randomSeed": 7},
}


def _links(urls: list[str]) -> list[str]:
    return [u for u in urls if is_web_iri(u)]


def _posts_of(G: nx.MultiDiGraph, posts: dict[str, dict], node: str) -> list[dict]:
    """Posts that mention ``node``, newest first, each with its quoted sentences."""
    out = []
    for p, _, d in G.in_edges(node, data=True):
        if d.get("kind") == "mentions":
            info = posts.get(p, {})
            out.append({"url": p if is_web_iri(p) else "", "title": info.get("label", p),
                        "date": info.get("date", ""), "quotes": [q for _, q in d.get("evidence", [])]})
    return sorted(out, key=lambda x: (x["date"], x["title"]), reverse=True)[:MAX_CARD_POSTS]


def _select(G: nx.MultiDiGraph, max_nodes: int) -> tuple[set[str], int]:
    ents = [n for n, d in G.nodes(data=True) if d["kind"] != "Post"]
    if len(ents) <= max_nodes:
        return set(G.nodes), 0
    ranked = sorted(ents, key=lambda n: (-G.nodes[n]["mentions"], -G.degree(n), n))
    keep = set(ranked[:max_nodes])
    keep |= {p for p, e, d in G.edges(data=True) if d["kind"] == "mentions" and e in keep}
    return keep, len(ents) - max_nodes


def to_pyvis(g: Graph | nx.MultiDiGraph, *, focus: str | None = None, depth: int = 2,
             max_nodes: int = MAX_NODES, title: str = "") -> Network:
    """Build the pyvis Network for a graph (or a networkx graph from :func:`to_networkx`).

    Args:
        g: the rdflib Graph or its networkx form.
        focus: IRI of a node: keep only its neighbourhood of ``depth`` steps.
        max_nodes: above this many entities, keep the most mentioned ones (the page says so).
        title: the title bar text (default: the feeds' names).
    Returns:
        A pyvis Network; ``net.graphbuild`` holds the page's extra data (legend, counts, title).
    """
    G = to_networkx(g) if isinstance(g, Graph) else g
    if focus:
        G = ego_graph(G, focus, depth)
    keep, left_out = _select(G, max_nodes)
    posts = {n: d for n, d in G.nodes(data=True) if d["kind"] == "Post"}
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    net.options = OPTIONS
    for n in sorted(keep):
        d = G.nodes[n]
        colour, shape = STYLE[d["kind"]]
        extra: dict[str, Any] = {"kind": d["kind"], "aliases": d["aliases"], "links": _links(d["urls"]),
                                 "mentions": d["mentions"]}
        if d["kind"] == "Post":
            extra.update(date=d.get("date", ""), url=n if is_web_iri(n) else "", value=3,
                         label=d["label"][:40] + ("…" if len(d["label"]) > 40 else ""), fullname=d["label"])
        else:
            extra.update(value=max(1, d["mentions"]), posts=_posts_of(G, posts, n), label=d["label"],
                         fullname=d["label"], confidence=d.get("confidence"))
        label = extra.pop("label")
        net.add_node(n, label=label, shape=shape, color=colour, **extra)
    co = sorted(((d.get("weight", 1), a, b) for a, b, d in G.edges(data=True)
                 if d["kind"] == "co-mention" and a in keep and b in keep), reverse=True)
    strong = {(a, b) for _, a, b in co[:MAX_CO_EDGES]}
    for i, (a, b, d) in enumerate(G.edges(data=True)):
        if d["kind"] == "co-mention" and (a, b) not in strong:
            continue
        if a in keep and b in keep:
            # pyvis's add_edge scans every node and edge per call; its Edge record is used directly
            e = Edge(a, b, True, id=f"e{i}", kind=d["kind"], label=d["label"] if d["kind"] == "relation" else "",
                     relation=d["label"], value=d.get("weight", 1),
                     evidence=[{"post": p if is_web_iri(p) else "", "quote": q} for p, q in d.get("evidence", [])]
                     if d["kind"] != "mentions" else [])  # a mention's quotes are on the entity's card
            if d["kind"] in ("co-mention", "mentions"):
                e.options["arrows"] = ""
            net.edges.append(e.options)
    n_ents = sum(1 for n in keep if G.nodes[n]["kind"] != "Post")
    net.graphbuild = {"title": title, "entities": n_ents, "posts": len(keep) - n_ents,
                      "left_out": left_out, "focus": focus or ""}
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
    file makes the same heading as the build): the feeds' names, the number of posts, the newest date."""
    from rdflib.namespace import RDF, SDO

    feeds = sorted(str(g.value(f, SDO.name) or f) for f in set(g.subjects(RDF.type, SDO.DataFeed)))
    posts = set(g.subjects(RDF.type, SDO.BlogPosting))
    dates = [d for d in (g.value(p, SDO.datePublished) for p in posts) if d is not None]
    newest = f", newest post {max(str(d) for d in dates)[:10]}" if dates else ""
    title = "graphbuild: " + (f"around {focus} in " if focus else "") + (", ".join(feeds) or "graph")
    subtitle = f"{len(posts)} post{'s' if len(posts) != 1 else ''} from {len(feeds)} feed{'s' if len(feeds) != 1 else ''}{newest}"
    return title, subtitle


def render_html(net: Network, title: str = "", subtitle: str = "") -> str:
    """The whole page as a string: vis-network, styles, data and code inlined."""
    env = Environment(loader=PackageLoader("graphbuild", "templates"), autoescape=select_autoescape(["html"]))
    info = getattr(net, "graphbuild", {})
    data = {"nodes": net.nodes, "edges": net.edges, "options": net.options,
            "styles": {k: {"color": c, "shape": s, "label": KIND_LABELS[k]} for k, (c, s) in STYLE.items()},
            "kinds": list(STYLE),
            "info": info}
    vis_js = _asset("vis-network.min.js").replace("</script", "<\\/script")
    return env.get_template("graph.html").render(
        title=title or info.get("title") or "graphbuild", subtitle=subtitle, data=_json_for_script(data),
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
