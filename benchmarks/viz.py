"""Time from navigation to a laid-out page in headless Chromium (median of 5), for the reference
graph, the merged dev feeds and synthetic graphs of 1k and 5k nodes; also counts the labels drawn in
the first view and saves the screenshots in docs/ (default view, a community opened, an ego page).

usage: python benchmarks/viz.py [--repeat 5] [--no-screenshot] [--write DIR] [--compare DIR]

--write DIR writes the pages only (run it with PYTHONPATH pointing at another version's code, e.g.
an older checkout, to get that version's pages); --compare DIR times those pages too, interleaved
with this version's in the same browser, so the two are measured in the same run.
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
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


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


def stabilisation(ctx, path: Path) -> tuple[float, int | None]:
    """Seconds from navigation to a laid-out page, and the labels drawn in the first view (None if
    the page cannot tell; "(N overlapping)" added if any two label boxes overlap)."""
    page = ctx.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    t = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.graphbuild && window.graphbuild.state.stabilized", timeout=300_000)
    wall = time.perf_counter() - t
    labels = page.evaluate("""(() => { if (!window.graphbuild.labels) return null;
        const b = window.graphbuild.labels(); let over = 0;
        for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++)
            if (b[i].x < b[j].x + b[j].w && b[j].x < b[i].x + b[i].w && b[i].y < b[j].y + b[j].h && b[j].y < b[i].y + b[i].h) over++;
        return b.length + (over ? ` (${over} overlapping)` : ""); })()""")
    page.close()
    return wall, labels


def cases() -> list[tuple[str, object, dict]]:
    out = [("reference (2i2c feed)", build_graph(), {})]
    dev = sorted((ROOT.parent / "shared" / "feeds" / "dev").glob("*.xml"))
    if dev:
        out.append(("dev feeds + reference merged", build_graph(dev + [ROOT / "graphbuild" / "data" / "2i2c-community.xml"]), {}))
    out += [("synthetic 1k nodes", synthetic(1000), {"max_nodes": 5000}),
            ("synthetic 5k nodes", synthetic(5000), {"max_nodes": 5000}),
            ("synthetic 5k nodes, default cap", synthetic(5000), {})]
    return out


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)


def screenshots(ctx, tmp: Path) -> None:
    """docs/graph.png (default view), docs/graph-community.png (merged feeds, one community opened),
    docs/graph-ego.png (the README's ego example)."""
    from graphbuild.queries import find_entity
    from graphbuild.viz import page_heading

    def shoot(net, heading, out, js=None):
        path = write_html(net, tmp / "shot.html", *heading)
        page = ctx.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("window.graphbuild && window.graphbuild.state.stabilized", timeout=60_000)
        if js:
            page.evaluate(js)
            page.wait_for_timeout(700)
        page.screenshot(path=str(DOCS / out))
        page.close()

    g = build_graph()
    shoot(to_pyvis(g), page_heading(g), "graph.png")
    center = str(find_entity(g, "Jason Grout"))
    shoot(to_pyvis(g, focus=center), page_heading(g, center), "graph-ego.png")
    dev = sorted((ROOT.parent / "shared" / "feeds" / "dev").glob("*.xml"))
    if dev:
        m = build_graph(dev + [ROOT / "graphbuild" / "data" / "2i2c-community.xml"])
        shoot(to_pyvis(m), page_heading(m), "graph-community.png",
              # a middle-sized community opened, the others still closed around it
              "window.graphbuild.showCommunity(document.querySelectorAll('#legend button.community')[4].dataset.community);"
              "window.graphbuild.network.fit()")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-screenshot", action="store_true")
    ap.add_argument("--write", type=Path, help="only write the pages into this folder")
    ap.add_argument("--compare", type=Path, help="also time the pages in this folder (another version's)")
    a = ap.parse_args()
    if a.write:
        a.write.mkdir(parents=True, exist_ok=True)
        for name, g, kw in cases():
            write_html(to_pyvis(g, **kw), a.write / f"{slug(name)}.html", title=name)
        return
    from playwright.sync_api import sync_playwright
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium",
                                                   args=ARGS, headless=True, viewport={"width": 1400, "height": 900})
        for name, g, kw in cases():
            t = time.perf_counter()
            net = to_pyvis(g, **kw)
            py = time.perf_counter() - t
            path = write_html(net, Path(tmp) / "page.html", title=name)
            old = a.compare / f"{slug(name)}.html" if a.compare else None
            new_t, old_t, labels = [], [], None
            for _ in range(a.repeat):  # interleaved, so both see the same machine load
                wall, labels = stabilisation(ctx, path)
                new_t.append(wall)
                if old and old.exists():
                    old_t.append(stabilisation(ctx, old)[0])
            rows.append((name, len(net.nodes), len(net.edges), py, statistics.median(new_t), labels,
                         statistics.median(old_t) if old_t else None))
            print(f"{name}: done", file=sys.stderr)
        if not a.no_screenshot:
            screenshots(ctx, Path(tmp))
        ctx.close()
    print(f"medians of {a.repeat} loads, headless Chromium, navigation to a laid-out page\n")
    print("| graph | nodes | edges | layout in Python, s | page ready in s | labels in first view |"
          + (" old page, s |" if a.compare else "") + "\n|---|---:|---:|---:|---:|---:|" + ("---:|" if a.compare else ""))
    for name, n, e, py, t, labels, old in rows:
        print(f"| {name} | {n} | {e} | {py:.2f} | {t:.2f} | {labels} |" + (f" {old:.2f} |" if a.compare and old else
                                                                         " |" if a.compare else ""))


if __name__ == "__main__":
    main()
