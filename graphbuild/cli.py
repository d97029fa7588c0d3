"""The ``graphbuild`` command: parse options, call one library function, print the result.

Heavy modules are imported inside the commands so that ``graphbuild query`` starts fast.
"""
from __future__ import annotations

import gc
import sys
import time
from functools import wraps
from pathlib import Path

import click

from . import __version__
from .budget import DEFAULT_ITEM_BUDGET
from .errors import GraphbuildError

OUT = Path("output")
EXIT_WARNINGS = 3  # --strict and something was skipped


def _errors(f):
    """The library raises; the CLI turns its errors into one line and a non-zero exit."""
    @wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except GraphbuildError as e:
            raise click.ClickException(str(e)) from None
    return wrapper


def _graph(graph: str | None, feeds: tuple[str, ...], rules: tuple[str, ...] = ()):
    """The graph to work on: built from ``--feed`` sources, else read from ``--graph`` / the last build."""
    if feeds:
        from .graph import build_graph
        return build_graph(list(feeds), rules=rules)
    from .export import read_graph
    path = Path(graph) if graph else OUT / "graph.ttl"
    if not graph and not path.exists():
        raise click.ClickException(f"{path} not found: run 'graphbuild build' first, or pass --graph FILE or --feed FEED")
    return read_graph(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="graphbuild")
def cli():
    """Turn blog and news feeds into a knowledge graph of posts, people, organisations and projects.

    Example: graphbuild build && graphbuild query top_mentioned
    """


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(OUT), show_default=True,
              help="Folder for graph.ttl, graph.html and report.md.")
@click.option("--rules", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra URL rules (TOML), consulted before the bundled ones. Repeatable.")
@click.option("--base-uri", default=None, help="Base of minted entity IRIs.")
@click.option("--no-html", is_flag=True, help="Do not write graph.html.")
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_WARNINGS} if any item was skipped or repaired (for CI).")
@click.option("--max-feed-bytes", type=click.IntRange(min=1), default=512 * 2**20, show_default=True,
              help="Largest feed read (downloaded or decompressed).")
@click.option("--max-items", type=click.IntRange(min=1), default=100_000, show_default=True, help="Items read per feed.")
@click.option("--max-description-bytes", type=click.IntRange(min=1), default=10 * 2**20, show_default=True,
              help="Largest post body; a larger post is skipped with a warning.")
@click.option("--item-budget", type=click.FloatRange(min=0), default=DEFAULT_ITEM_BUDGET, show_default=True, metavar="SECONDS",
              help="CPU time the extractors may spend on one post (per MB of text, for longer posts); a post "
                   "that needs more keeps no mentions, with a warning. 0: no limit.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Cache for fetched feeds (conditional GET). Default: ~/.cache/graphbuild/http.")
@click.option("--no-cache", is_flag=True, help="Do not cache fetched feeds.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@_errors
def build(sources, out_dir, rules, base_uri, no_html, strict, max_feed_bytes, max_items, max_description_bytes,
          item_budget, cache_dir, no_cache, quiet):
    """Build the graph from feeds (paths, - for stdin, http(s) URLs; default: the bundled 2i2c feed).

    Example: graphbuild build feed.xml https://example.org/index.xml --out output
    """
    t0 = time.perf_counter()
    from .export import write_atomic, serialize
    from .feeds import Limits
    from .graph import build as run_build
    from .namespaces import BASE_URI
    from .report import render_report, summary
    from .sources import default_cache_dir

    limits = Limits(max_feed_bytes, max_items, max_description_bytes)
    cache = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()

    gc.disable()  # the build allocates millions of small objects and frees none: skip cyclic GC passes
    try:
        b = run_build(list(sources) or None, rules=rules, base_uri=base_uri or BASE_URI, limits=limits,
                      cache_dir=cache, keep_going=len(sources) > 1, item_budget=item_budget)
    finally:
        gc.enable()
    out = Path(out_dir)
    written = [write_atomic(out / "graph.ttl", serialize(b.graph, "ttl")),
               write_atomic(out / "report.md", render_report(b).encode("utf-8"))]
    if not no_html:
        from .viz import to_pyvis, write_html
        written.append(write_html(to_pyvis(b.graph), out / "graph.html", title=page_title(b),
                                  subtitle=page_subtitle(b)))
    for p in b.problems:
        click.echo(f"warning: {p}", err=True)
    if not quiet:
        _print_summary(summary(b), written, time.perf_counter() - t0)
    if strict and b.problems:
        sys.exit(EXIT_WARNINGS)


def page_title(b) -> str:
    return "graphbuild: " + ", ".join(f.info.title or f.info.source for f in b.feeds)


def page_subtitle(b) -> str:
    dates = [i.published for i in b.items if i.published]
    newest = f", newest post {max(dates).date().isoformat()}" if dates else ""
    return f"{len(b.items)} posts from {len(b.feeds)} feed{'s' if len(b.feeds) != 1 else ''}{newest}"


def _print_summary(s: dict, written: list[Path], seconds: float) -> None:
    click.echo(f"posts: {s['posts']}  people: {s['people']}  organisations: {s['organisations']}  "
               f"projects: {s['projects']}  relations: {s['relations']}  triples: {s['triples']}")
    if s["top"]:
        click.echo("most mentioned: " + "; ".join(f"{n} ({c})" for n, _, c in s["top"]))
    if s["skipped"]:
        click.echo(f"skipped or repaired: {len(s['skipped'])} (see report.md)")
    click.echo("wrote: " + ", ".join(str(p) for p in written))
    click.echo(f"time: {seconds:.2f} s")


@cli.command()
@click.argument("query")
@click.option("--graph", type=click.Path(dir_okay=False), help="Graph file to query (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead of reading a graph. Repeatable.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter: an IRI (<...> or http...), or a name/alias of an entity, or a value.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md"]), default="table",
              show_default=True, help="Output format (csv/tsv/json are the SPARQL 1.1 results formats).")
@click.option("--full", is_flag=True, help="Print whole IRIs instead of prefixed names.")
@click.option("--limit", type=click.IntRange(min=0), help="Print at most this many rows.")
@click.option("--allow-update", is_flag=True, help="Allow INSERT/DELETE/LOAD/CLEAR/DROP (changes only the in-memory graph).")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE clauses (lets the query reach the network).")
@_errors
def query(query, graph, feeds, params, fmt, full, limit, allow_update, allow_service):
    """Run a bundled query by name, a .rq file, or SPARQL text, on the last build.

    Example: graphbuild query people_by_organization --param org="BIDS" --format csv
    """
    kv = {}
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param {p!r}: expected NAME=VALUE")
        k, v = p.split("=", 1)
        kv[k.strip().lstrip("?")] = v
    if not feeds and not allow_update:  # a graph file: pyoxigraph alone, no rdflib to import
        from .fastquery import query_file
        path = Path(graph) if graph else OUT / "graph.ttl"
        if not graph and not path.exists():
            raise click.ClickException(f"{path} not found: run 'graphbuild build' first, or pass --graph FILE or --feed FEED")
        text, code = query_file(path, query, kv, fmt=fmt, full=full, limit=limit, allow_service=allow_service)
        click.echo(text, nl=False)
        sys.exit(code)
    from .queries import format_rows, run_query

    g = _graph(graph, feeds)
    result = run_query(g, query, allow_update=allow_update, allow_service=allow_service, limit=limit, **kv)
    if isinstance(result, bool):
        click.echo("yes" if result else "no")
        sys.exit(0 if result else 1)
    if hasattr(result, "serialize"):
        from .export import serialize
        click.echo(serialize(result, "ttl").decode("utf-8"), nl=False)
        return
    click.echo(format_rows(result, fmt, g, full), nl=False)


@cli.command(name="queries")
@_errors
def list_queries():
    """List the bundled questions: name, title and parameters.

    Example: graphbuild queries
    """
    from .queries import bundled

    qs = bundled()
    width = max((len(n) for n in qs), default=0)
    for name, q in qs.items():
        params = " ".join("?" + p for p in q.params)
        click.echo(f"{name.ljust(width)}  {q.title}" + (f"  [{params}]" if params else ""))


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig", "graphml"]),
              default="ttl", show_default=True, help="Output format.")
@click.option("--graph", type=click.Path(dir_okay=False), help="Graph file to export (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False),
              help="File to write (default: output/graph.<format>; - for stdout).")
@_errors
def export(fmt, graph, feeds, out_path):
    """Write the graph as Turtle, N-Triples, JSON-LD, TriG or GraphML.

    Example: graphbuild export --format jsonld --out graph.jsonld
    """
    from .export import export_graph, serialize

    g = _graph(graph, feeds)
    if out_path == "-":
        sys.stdout.buffer.write(serialize(g, fmt))
        return
    path = export_graph(g, out_path or OUT / f"graph.{fmt}", fmt)
    click.echo(f"wrote: {path}")


@cli.command()
@click.option("--graph", type=click.Path(dir_okay=False), help="Graph file (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("--focus", help="Name, alias or IRI of a node: draw only its neighbourhood.")
@click.option("--depth", type=click.IntRange(min=1), default=2, show_default=True, help="Steps from --focus.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=None, help="Most mentioned entities to draw at most.")
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Page to write (default: output/graph.html, or output/ego-NAME.html with --focus).")
@_errors
def viz(graph, feeds, focus, depth, max_nodes, out_path):
    """Write the interactive page (one self-contained HTML file that works offline).

    Example: graphbuild viz --focus "Jenny Wong" --depth 2
    """
    from .queries import find_entity
    from .text import slugify
    from .viz import MAX_NODES, to_pyvis, write_html

    g = _graph(graph, feeds)
    center = None
    if focus:
        center = focus.strip("<>") if focus.startswith(("http://", "https://", "<")) else find_entity(g, focus)
        if center is None:
            raise click.ClickException(f"No entity named {focus!r}; try 'graphbuild query top_mentioned'")
        center = str(center)
    net = to_pyvis(g, focus=center, depth=depth, max_nodes=max_nodes or MAX_NODES)
    path = Path(out_path) if out_path else OUT / (f"ego-{slugify(focus)}.html" if focus else "graph.html")
    title = f"graphbuild: around {focus}" if focus else "graphbuild"
    write_html(net, path, title=title)
    click.echo(f"wrote: {path}")


@cli.command()
@click.argument("name")
@click.option("--graph", type=click.Path(dir_okay=False), help="Graph file (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@_errors
def explain(name, graph, feeds):
    """Show what the graph says of one entity and where each fact came from.

    Example: graphbuild explain "BIDS"
    """
    from .queries import describe_entity

    d = describe_entity(_graph(graph, feeds), name)
    click.echo(f"{d['name']}  [{', '.join(d['types'])}]  {d['iri']}")
    if d["aliases"]:
        click.echo("also called: " + "; ".join(d["aliases"]))
    for u in d["urls"]:
        click.echo(f"web page: {u}")
    for direction, pred, other, quote in d["relations"]:
        this, that = (d["name"], other) if direction == "->" else (other, d["name"])
        click.echo(f"{this} {pred} {that}" + (f'   "{quote}"' if quote else ""))
    click.echo(f"mentioned in {len(d['posts'])} post{'s' if len(d['posts']) != 1 else ''}:")
    for p in d["posts"]:
        click.echo(f"  {p['date']}  {p['headline']}\n            {p['post']}")
        for quote, how in p["quotes"]:
            click.echo(f'    "{quote}"  [{how}]')


@cli.command()
def extractors():
    """List the registered extractors.

    Example: graphbuild extractors
    """
    from .extractors import describe

    for name, desc in describe():
        click.echo(f"{name:<12} {desc}")


def main() -> None:
    cli(prog_name="graphbuild")
