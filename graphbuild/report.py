"""What a build did, for people: counts, the most mentioned, merges, ambiguities, skipped items."""
from __future__ import annotations

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
    return "\n".join(lines) + "\n"
