"""Time from navigation to the end of layout stabilisation in headless Chromium (median of 5),
for the reference graph and synthetic graphs of 1k and 5k nodes; also saves docs/graph.png.

usage: python benchmarks/viz.py [--repeat 5] [--no-screenshot]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from graphbuild.graph import build_graph
from graphbuild.viz import to_pyvis, write_html

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parent.parent / "docs"


def synthetic(n_nodes: int, seed: int = 3) -> nx.MultiDiGraph:
    """Posts and the entities they mention, in the proportions of a real build, until the graph
    has ``n_nodes`` nodes: each post names 3-12 entities drawn with skewed popularity from a pool
    (so a few are everywhere, most are named once), plus co-mention edges."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    pool = [f"https://e.example/{i}" for i in range(n_nodes)]
    together: dict = {}
    p = 0
    while G.number_of_nodes() < n_nodes:
        post = f"https://p.example/{p}"
        p += 1
        G.add_node(post, kind="Post", label=f"Post {p}", date="2025-01-01", aliases=[], urls=[post], mentions=0)
        named = {pool[min(int(len(pool) ** rng.random()) - 1, len(pool) - 1)] for _ in range(rng.randint(3, 12))}
        for e in sorted(named):
            if e not in G:
                G.add_node(e, kind=rng.choice(["Person", "Organization", "Project"]), label=f"Entity {e[21:]}",
                           aliases=[], urls=[], mentions=0)
            G.nodes[e]["mentions"] += 1
            G.add_edge(post, e, kind="mentions", label="mentions", evidence=[(post, "a sentence")])
        for a in named:
            for b in named:
                if a < b:
                    together[(a, b)] = together.get((a, b), 0) + 1
    for (a, b), w in together.items():
        G.add_edge(a, b, kind="co-mention", label=f"{w} posts", weight=w, evidence=[])
    return G


def stabilisation(ctx, path: Path) -> float:
    page = ctx.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    t = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.graphbuild && window.graphbuild.state.stabilized", timeout=300_000)
    wall = time.perf_counter() - t
    page.close()
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-screenshot", action="store_true")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright
    cases = [("reference (2i2c feed)", build_graph(), {}),
             ("synthetic 1k nodes", synthetic(1000), {"max_nodes": 5000}),
             ("synthetic 5k nodes", synthetic(5000), {"max_nodes": 5000}),
             ("synthetic 5k nodes, default cap", synthetic(5000), {})]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium",
                                                   args=ARGS, headless=True, viewport={"width": 1400, "height": 900})
        for name, g, kw in cases:
            net = to_pyvis(g, **kw)
            path = write_html(net, Path(tmp) / "page.html", title=name)
            times = [stabilisation(ctx, path) for _ in range(a.repeat)]
            rows.append((name, len(net.nodes), len(net.edges), statistics.median(times)))
            print(f"{name}: done", file=sys.stderr)
        if not a.no_screenshot:
            net = to_pyvis(build_graph())
            path = write_html(net, Path(tmp) / "ref.html", title="graphbuild: Community | 2i2c",
                              subtitle="28 posts from 1 feed")
            page = ctx.new_page()
            page.goto(path.as_uri())
            page.wait_for_function("window.graphbuild && window.graphbuild.state.stabilized", timeout=60_000)
            page.evaluate("window.graphbuild.focus(window.graphbuild.find('BIDS'))")
            page.wait_for_timeout(600)
            page.evaluate("window.graphbuild.network.fit()")
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / "graph.png"))
        ctx.close()
    print(f"medians of {a.repeat} loads, headless Chromium, navigation to end of stabilisation\n")
    print("| graph | nodes drawn | edges | stabilised in s |\n|---|---:|---:|---:|")
    for name, n, e, t in rows:
        print(f"| {name} | {n} | {e} | {t:.2f} |")


if __name__ == "__main__":
    main()
