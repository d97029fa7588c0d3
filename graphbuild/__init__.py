"""graphbuild: blog and news feeds -> a knowledge graph of posts, people, organisations and projects.

    import graphbuild
    g = graphbuild.build_graph(["feed.xml"])            # an rdflib Graph
    rows = graphbuild.run_query(g, "top_mentioned")    # list of dicts
    a = graphbuild.analyze(g)                          # hubs, brokers, communities, trends
    graphbuild.write_html(graphbuild.to_pyvis(g), "g.html")
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "build", "build_graph", "load_feeds", "parse_feed", "run_query", "export_graph", "serialize",
    "read_graph", "to_networkx", "analyze", "add_analysis", "to_pyvis", "write_html", "show", "resolve",
    "GraphbuildError", "FeedError", "QueryError", "ExportError", "UnknownExtractor", "RulesError", "CurationError",
    "review_graph", "validate_graph", "load_curation", "push", "serve", "query_endpoint",
]


def __dir__() -> list[str]:
    """The public API (imported lazily), so that tab completion in Jupyter shows it."""
    return sorted(set(__all__) | {"__version__"})


def __getattr__(name: str):
    """Import the public API lazily so that ``import graphbuild`` and the CLI start fast."""
    from importlib import import_module

    where = {
        "build": "graph", "build_graph": "graph", "load_feeds": "graph", "parse_feed": "feeds",
        "run_query": "queries", "export_graph": "export", "serialize": "export", "read_graph": "export",
        "to_networkx": "network", "analyze": "analysis", "add_analysis": "graph", "to_pyvis": "viz", "write_html": "viz", "show": "viz", "resolve": "resolve",
        "GraphbuildError": "errors", "FeedError": "errors", "QueryError": "errors", "ExportError": "errors",
        "UnknownExtractor": "errors", "RulesError": "errors", "CurationError": "errors",
        "review_graph": "review", "validate_graph": "validate", "load_curation": "curation",
        "push": "gsp", "serve": "endpoint", "query_endpoint": "remote",
    }
    if name in where:
        return getattr(import_module(f".{where[name]}", __name__), name)
    raise AttributeError(f"module 'graphbuild' has no attribute {name!r}")
