"""What a build did, for people: counts, the most mentioned, merges, ambiguities, skipped items."""
from __future__ import annotations

import json

from .graph import Build, entity_counts

KIND_NAMES = {"Person": "people", "Organization": "organisations", "Project": "projects",
              "OrgProject": "organisations & projects", "Agent": "people or organisations"}


def triple_count(g) -> int:
    """len(g), without a SPARQL COUNT on pyoxigraph-backed graphs (one graph per store there)."""
    store = getattr(g.store, "_inner", None)
    return len(store) if store is not None and hasattr(store, "named_graphs") else len(g)


def summary(b: Build) -> dict:
    """Counts and the five most mentioned entities of a build, as plain data."""
    counts = b.counts or entity_counts(b.resolution, b.relations)
    kinds = counts["kinds"]
    return {
        "feeds": len(b.feeds),
        "posts": len(b.items),
        "people": kinds.get("Person", 0),
        "organisations": kinds.get("Organization", 0) + kinds.get("OrgProject", 0),
        "projects": kinds.get("Project", 0) + kinds.get("OrgProject", 0),
        "kinds": dict(kinds),
        "relations": counts["relations"],
        "triples": triple_count(b.graph) + (b.aside.count if b.aside is not None else 0),
        "top": counts["top"],
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


REPORT_CSS = """body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 980px;
  margin: 0 auto; padding: 12px 20px 40px; }
h1 { font-size: 24px; } h2 { font-size: 19px; margin-top: 28px; } h3 { font-size: 16px; margin-top: 20px; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 14px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; }
.charts { display: flex; gap: 28px; flex-wrap: wrap; } .charts > div { flex: 1 1 360px; }
.charts h4 { margin: 4px 0; font-size: 14px; }
"""


def _html_table(cols: list[str], rows: list[list]) -> str:
    from html import escape

    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(str(c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{_cell(v)}</td>' if isinstance(v, (int, float)) else f"<td>{escape(str(v))}</td>"
        for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_report_html(b: Build, G=None) -> str:
    """The build report as one self-contained HTML page (``output/report.html``): the counts, the
    charts (posts per month, mentions over time, inline SVG from :mod:`graphbuild.charts`), the
    most mentioned and the network tables. ``G``: the graph's networkx form, if already made."""
    from html import escape

    from .charts import CSS, chart_data, mentions_svg, posts_svg
    from .network import to_networkx

    s = summary(b)
    G = G if G is not None else to_networkx(b.graph)
    d = chart_data(G)
    feeds = ", ".join(f.info.title or f.info.source for f in b.feeds)
    counts = [["posts", s["posts"]]] + [[KIND_NAMES[k], n] for k, n in sorted(s["kinds"].items())] + \
        [["relations", s["relations"]], ["triples", s["triples"]]]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
             "img-src data:\">", '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Build report: {escape(feeds)}</title><style>{REPORT_CSS}{CSS}</style></head><body>",
             "<h1>Build report</h1>", f"<p>Feeds: {escape(feeds)}</p>", _html_table(["what", "count"], counts),
             '<h2>Over time</h2><div class="charts">',
             f'<div id="posts-chart"><h4>Posts per month</h4>{posts_svg(d)}</div>',
             f'<div id="mentions-chart"><h4>Mentions per month: the {len(d.series)} most mentioned</h4>'
             f'{mentions_svg(d)}</div></div>',
             "<h2>Most mentioned</h2>", _html_table(["name", "kind", "posts"], [list(t) for t in s["top"]])]
    if b.analysis is not None:
        parts.append(f"<h2>Network</h2><p>{escape(' '.join(NETWORK_INTRO.strip().splitlines()[2:]))}</p>")
        for t, (cols, rows) in b.analysis.tables().items():
            parts += [f"<h3>{escape(TABLE_TITLES[t])}</h3>", _html_table(cols, rows)]
    for title, items in ((f"Merges ({len(b.resolution.merges)})", b.resolution.merges),
                         (f"Ambiguous names kept apart ({len(b.resolution.ambiguous)})", b.resolution.ambiguous),
                         (f"Skipped or repaired ({len(b.problems)})", b.problems)):
        parts.append(f"<h2>{escape(title)}</h2>" + ("<ul>" + "".join(f"<li>{escape(str(x))}</li>" for x in items)
                                                    + "</ul>" if items else "<p>None.</p>"))
    return "\n".join(parts) + "\n</body></html>\n"
