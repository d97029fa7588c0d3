"""Charts drawn offline: posts per month and mentions over time of the most mentioned entities.

The charts are inline SVG written here (no chart library, nothing fetched, no script): the page's
side panel and ``report.html`` embed the same markup. Every text from a feed is escaped
(:func:`html.escape`); every mark carries ``data-*`` attributes with its numbers and a ``<title>``
(the tooltip), so a person and a test can read the values.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable
from html import escape

import networkx as nx

from .analysis import monthly_mentions

#: entities drawn in the mentions-over-time chart (the most mentioned)
TOP = 5
#: line colours of the entities (Tableau 10), in rank order
COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"]
WIDTH, HEIGHT, LEFT, RIGHT, TOP_PAD, BOTTOM = 320, 150, 30, 8, 10, 22


@dataclass
class ChartData:
    """What the charts show: every month from the first post to the newest (gaps included)."""

    months: list[str]  # YYYY-MM, oldest first, no gaps
    posts: list[int]  # posts per month
    series: list[tuple[str, str, list[int]]]  # (IRI, name, mentions per month) of the TOP entities


def _month_range(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def chart_data(G: nx.MultiDiGraph, top: int = TOP) -> ChartData:
    """Posts per month and the monthly mentions of the ``top`` most mentioned entities of ``G``
    (the networkx graph of :func:`graphbuild.network.to_networkx`); posts without a date are left out."""
    per_month = Counter(d["date"][:7] for _, d in G.nodes(data=True)
                        if d["kind"] == "Post" and len(d.get("date") or "") >= 7)
    if not per_month:
        return ChartData([], [], [])
    months = _month_range(min(per_month), max(per_month))
    monthly = monthly_mentions(G)
    ranked = sorted(monthly, key=lambda e: (-sum(monthly[e].values()), G.nodes[e]["label"], e))[:top]
    series = [(e, G.nodes[e]["label"], [monthly[e].get(m, 0) for m in months]) for e in ranked]
    return ChartData(months, [per_month.get(m, 0) for m in months], series)


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 4))
    return list(range(0, top + 1, step))


def _frame(months: list[str], top: int, title: str, kind: str) -> tuple[list[str], Callable, Callable]:
    """The SVG start, axes and grid; returns the parts and the x (month index) and y (value) scales."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP_PAD - BOTTOM
    n = max(len(months), 1)
    x = lambda i: LEFT + plot_w * (i + 0.5) / n
    y = lambda v: TOP_PAD + plot_h * (1 - v / max(top, 1))
    parts = [f'<svg class="chart" data-chart="{kind}" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="system-ui, sans-serif" font-size="10">', f"<title>{escape(title)}</title>"]
    for t in _ticks(top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e4e4e4"/>'
                     f'<text x="{LEFT - 4}" y="{y(t) + 3:.1f}" text-anchor="end" fill="#555">{t}</text>')
    if len(months) <= 12:  # few months: each named under its mark ("24-03")
        marks = [(i, m[2:]) for i, m in enumerate(months)]
    else:  # many: the years, at most about six of them
        years = [i for i, m in enumerate(months) if m.endswith("-01") or i == 0]
        marks = [(i, months[i][:4]) for i in years[::max(1, -(-len(years) // 6))]]
    for i, label in marks:
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="#555">{label}</text>')
    return parts, x, y


def posts_svg(d: ChartData) -> str:
    """Bar chart: posts per month."""
    if not d.months:
        return '<p class="nochart">No dated posts.</p>'
    top = max(d.posts)
    parts, x, y = _frame(d.months, top, "Posts per month", "posts")
    bar = max(1.0, (WIDTH - LEFT - RIGHT) / len(d.months) * 0.8)
    for i, (m, v) in enumerate(zip(d.months, d.posts)):
        parts.append(f'<rect class="bar" data-month="{m}" data-value="{v}" x="{x(i) - bar / 2:.1f}" y="{y(v):.1f}" '
                     f'width="{bar:.1f}" height="{y(0) - y(v):.1f}" fill="#607d8b"><title>{m}: {v} post'
                     f'{"s" if v != 1 else ""}</title></rect>')
    return "".join(parts) + "</svg>"


def mentions_svg(d: ChartData) -> str:
    """Line chart: posts naming each of the most mentioned entities, per month, with a legend."""
    if not d.months or not d.series:
        return '<p class="nochart">No mentions with a date.</p>'
    top = max(max(s) for _, _, s in d.series)
    parts, x, y = _frame(d.months, top, "Mentions per month of the most mentioned", "mentions")
    for k, (iri, name, values) in enumerate(d.series):
        colour = COLOURS[k % len(COLOURS)]
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<g class="series" data-entity="{escape(iri)}" data-name="{escape(name)}">'
                     f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        for i, v in enumerate(values):
            if v:
                parts.append(f'<circle class="point" data-month="{d.months[i]}" data-value="{v}" cx="{x(i):.1f}" '
                             f'cy="{y(v):.1f}" r="2.2" fill="{colour}"><title>{escape(name)}, {d.months[i]}: '
                             f'{v} post{"s" if v != 1 else ""}</title></circle>')
        parts.append("</g>")
    parts.append("</svg>")
    legend = "".join(f'<li><span class="key" style="background:{COLOURS[k % len(COLOURS)]}"></span>{escape(name)} '
                     f'({sum(values)})</li>' for k, (_, name, values) in enumerate(d.series))
    return "".join(parts) + f'<ul class="chartkey">{legend}</ul>'


CSS = """.chart { max-width: 100%; height: auto; display: block; }
.chartkey { list-style: none; padding: 0; margin: 2px 0 8px; font-size: 12px; }
.chartkey li { display: flex; align-items: center; gap: 5px; }
.chartkey .key { display: inline-block; width: 14px; height: 3px; flex: none; }
.nochart { color: #666; font-size: 12px; }"""


def charts_html(G: nx.MultiDiGraph, top: int = TOP) -> str:
    """Both charts with their headings, as HTML to embed (escaped)."""
    d = chart_data(G, top)
    return (f'<h4>Posts per month</h4>{posts_svg(d)}'
            f'<h4>Mentions per month: the {len(d.series)} most mentioned</h4>{mentions_svg(d)}')
