"""What a build did, for people: counts, the most mentioned, merges, ambiguities, skipped items."""
from __future__ import annotations

import json
from collections import Counter

from .graph import Build

KIND_NAMES = {"Person": "people", "Organization": "organisations", "Project": "projects",
              "OrgProject": "organisations & projects", "Agent": "people or organisations"}


def triple_count(g) -> int:
    """len(g), without a SPARQL COUNT on pyoxigraph-backed graphs (one graph per store there)."""
    store = getattr(g.store, "_inner", None)
    return len(store) if store is not None and hasattr(store, "named_graphs") else len(g)


def summary(b: Build) -> dict:
    """Counts and the five most mentioned entities of a build, as plain data."""
    kinds = Counter(e.kind for e in b.resolution.entities.values() if e.posts)
    top = sorted((e for e in b.resolution.entities.values() if e.posts), key=lambda e: (-len(e.posts), e.name))[:5]
    return {
        "feeds": len(b.feeds),
        "posts": len(b.items),
        "people": kinds.get("Person", 0),
        "organisations": kinds.get("Organization", 0) + kinds.get("OrgProject", 0),
        "projects": kinds.get("Project", 0) + kinds.get("OrgProject", 0),
        "kinds": dict(kinds),
        "relations": len(b.relations),
        "triples": triple_count(b.graph),
        "top": [(e.name, e.kind, len(e.posts)) for e in top],
        "skipped": [str(p) for p in b.problems],
        "merges": len(b.resolution.merges),
        "ambiguous": len(b.resolution.ambiguous),
    }


def render_report(b: Build) -> str:
    """The build report as Markdown (``output/report.md``)."""
    s = summary(b)
    feeds = ", ".join(f.info.title or f.info.source for f in b.feeds)
    lines = ["# Build report", "", f"Feeds: {feeds}", "",
             "| what | count |", "|---|---|", f"| posts | {s['posts']} |"]
    lines += [f"| {KIND_NAMES[k]} | {n} |" for k, n in sorted(s["kinds"].items())]
    lines += [f"| relations | {s['relations']} |", f"| triples | {s['triples']} |", "",
              "## Most mentioned", ""]
    lines += [f"{i}. {name} ({kind}): {n} posts" for i, (name, kind, n) in enumerate(s["top"], 1)]
    lines += ["", f"## Merges ({len(b.resolution.merges)})", "",
              "Surface forms resolved to one entity (canonical name first):", ""]
    lines += [f"- {m}" for m in b.resolution.merges]
    lines += ["", f"## Ambiguous names kept apart ({len(b.resolution.ambiguous)})", ""]
    lines += [f"- {a}" for a in b.resolution.ambiguous] or ["None."]
    lines += ["", f"## Skipped or repaired ({len(b.problems)})", ""]
    lines += [f"- {p}" for p in b.problems] or ["None."]
    if b.analysis is not None:
        lines += ["", NETWORK_INTRO.strip(), "", render_analysis(b.analysis, "md", headings="###").rstrip()]
    return "\n".join(lines) + "\n"


NETWORK_INTRO = """
## Network

The entities as a network (tied when a post names both, or the text states a relation), analysed
with networkx; the same numbers are in the graph (`gb:pageRank`, `gb:betweenness`, `gb:community`,
`gb:trend`, see docs/vocabulary.md) and `graphbuild analyze` prints them.
"""
TABLE_TITLES = {
    "hubs": "Hubs: the most central (PageRank; degree = entities it is tied to)",
    "brokers": "Brokers: on the most shortest paths between others (betweenness)",
    "communities": "Communities (Louvain), named after their most central members",
    "bridges": "Bridges: the strongest ties between communities",
    "rising": "Rising: named in more posts in the last 6 months than in the 6 before",
    "quiet": "Gone quiet: named in 2+ posts, none in the last 6 months",
}
TABLES = tuple(TABLE_TITLES)


def _cell(v) -> str:
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def render_analysis(a, fmt: str = "table", limit: int = 10, tables: tuple[str, ...] = TABLES,
                    headings: str = "##") -> str:
    """Tables of an :class:`graphbuild.analysis.Analysis` as text: ``table``, ``md``, ``csv`` or ``json``.

    ``csv`` takes one table; ``json`` is an object of tables, each a list of row objects.
    """
    from rdflib import Literal

    from .results import format_results

    found = a.tables(limit)
    if fmt == "json":
        return json.dumps({t: [dict(zip(found[t][0], row)) for row in found[t][1]] for t in tables},
                          ensure_ascii=False, indent=1) + "\n"
    out = []
    for t in tables:
        cols, rows = found[t]
        text = format_results([{c: Literal(_cell(v)) for c, v in zip(cols, row)} for row in rows], cols,
                              "table" if fmt == "table" else fmt) if rows else "None.\n"
        out.append(text if fmt == "csv" else f"{headings} {TABLE_TITLES[t]}\n\n{text}")
    return "\n".join(out)
