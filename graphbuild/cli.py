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


def _default_out(graph: str | None, feeds: tuple[str, ...], suffix: str, name: str = "graph") -> Path:
    """Where a command writes when ``--out`` is not given: beside the graph it read.

    The last build's graph (no ``--graph``/``--feed``, or ``--graph output/graph.ttl``) -> ``output/NAME.SUFFIX``;
    ``--graph DIR/g.ttl`` -> ``DIR/g.SUFFIX`` (``DIR/g-NAME.SUFFIX`` for an ego page), never the input
    itself; ``--feed F.xml`` -> ``output/F.SUFFIX`` (``output/F-NAME.SUFFIX``). So a file the user did
    not name is never replaced unless it belongs to the graph they named.
    """
    from .text import slugify

    src = Path(graph) if graph else OUT / "graph.ttl"
    if feeds:
        src = OUT / f"{slugify(Path(feeds[0]).stem) or 'feed'}.ttl"
    elif src.resolve() == (OUT / "graph.ttl").resolve():
        return OUT / f"{name}{suffix}"
    path = src.parent / (f"{src.stem}{suffix}" if name == "graph" else f"{src.stem}-{name}{suffix}")
    if path.resolve() == src.resolve():
        raise click.UsageError(f"{path} is the graph being read: name the output with --out")
    return path


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="graphbuild")
def cli():
    """Turn blog and news feeds into a knowledge graph of posts, people, organisations and projects.

    Example: graphbuild build && graphbuild query top_mentioned
    """


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(), default=str(OUT), show_default=True,
              help="Folder for graph.ttl, graph.html and report.md.")
@click.option("--rules", multiple=True, type=click.Path(),
              help="Extra URL rules (TOML), consulted before the bundled ones. Repeatable.")
@click.option("--curation", type=click.Path(), default=None,
              help="Your corrections (TOML: drop, type, merge, split, alias; see docs/curation.md).")
@click.option("--base-uri", default=None, help="Base of minted entity IRIs.")
@click.option("--no-html", is_flag=True, help="Do not write graph.html.")
@click.option("--no-analysis", is_flag=True,
              help="Do not add the network analysis (centrality, communities, trends) to the graph and report.")
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_WARNINGS} if any item was skipped or repaired (for CI).")
@click.option("--max-feed-bytes", type=click.IntRange(min=1), default=512 * 2**20, show_default=True,
              help="Largest feed read (downloaded or decompressed).")
@click.option("--max-items", type=click.IntRange(min=1), default=100_000, show_default=True, help="Items read per feed.")
@click.option("--max-description-bytes", type=click.IntRange(min=1), default=10 * 2**20, show_default=True,
              help="Largest post body; a larger post is skipped with a warning.")
@click.option("--item-budget", type=click.FloatRange(min=0), default=DEFAULT_ITEM_BUDGET, show_default=True, metavar="SECONDS",
              help="CPU time the extractors may spend on one post (per MB of text, for longer posts); a post "
                   "that needs more keeps no mentions, with a warning. 0: no limit.")
@click.option("--cache-dir", type=click.Path(), default=None,
              help="Cache for fetched feeds (conditional GET). Default: ~/.cache/graphbuild/http.")
@click.option("--no-cache", is_flag=True, help="Do not cache fetched feeds.")
@click.option("--discover", is_flag=True,
              help="A URL that serves a blog's HTML page: read the feed the page links to (<link rel=\"alternate\">) "
                   "on the same site instead, saying so on stderr. Without it a page is refused with its feeds listed.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@_errors
def build(sources, out_dir, rules, curation, base_uri, no_html, no_analysis, strict, max_feed_bytes, max_items,
          max_description_bytes, item_budget, cache_dir, no_cache, discover, quiet):
    """Build the graph from feeds: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 (and CDF), given as file
    paths, - for stdin, or http(s) URLs; default: the bundled 2i2c feed. Other URL schemes (file://,
    ftp://) are refused: give a file's path instead. An HTML page is refused with the feeds it links to.

    Example: graphbuild build feed.xml https://example.org/index.xml feed.json --out output
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
    if discover:
        sources = _discover(sources, limits, cache)

    gc.disable()  # the build allocates millions of small objects and frees none: skip cyclic GC passes
    try:
        b = run_build(list(sources) or None, rules=rules, base_uri=base_uri or BASE_URI, limits=limits,
                      cache_dir=cache, keep_going=len(sources) > 1, curation=curation, analysis=not no_analysis,
                      item_budget=item_budget)
    finally:
        gc.enable()
    out = Path(out_dir)
    written = [write_atomic(out / "graph.ttl", serialize(b.graph, "ttl")),
               write_atomic(out / "report.md", render_report(b).encode("utf-8"))]
    if not no_html:
        from .viz import page_heading, to_pyvis, write_html
        written.append(write_html(to_pyvis(b.graph), out / "graph.html", *page_heading(b.graph)))
    for p in b.problems:
        click.echo(f"warning: {p}", err=True)
    if not quiet:
        _print_summary(summary(b), written, time.perf_counter() - t0)
    if strict and b.problems:
        sys.exit(EXIT_WARNINGS)


def _discover(sources, limits, cache) -> list[str]:
    """--discover: each URL of an HTML page replaced by the feed it links to, said on stderr."""
    from .errors import FeedError
    from .sources import discover

    out = []
    for source in sources:
        try:
            use, notice = discover(source, max_bytes=limits.max_feed_bytes, cache_dir=cache)
        except FeedError as e:
            if len(sources) == 1:
                raise
            click.echo(f"warning: {e}", err=True)  # the build skips it with its own message
            use, notice = source, None
        if notice:
            click.echo(f"discover: {notice}", err=True)
        out.append(use)
    return out


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
@click.option("--graph", type=click.Path(), help="Graph file to query (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead of reading a graph. Repeatable.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind any variable of the query: an IRI (<...> or http...), a name/alias of an entity, "
                   "\"text\" in double quotes for that literal, or a value. Repeat a NAME to bind several "
                   "values (the answers for each).")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md"]), default="table",
              show_default=True, help="Output format (csv/tsv/json are the SPARQL 1.1 results formats).")
@click.option("--full", is_flag=True, help="Print whole IRIs instead of prefixed names, and long values uncut.")
@click.option("--limit", type=click.IntRange(min=0), help="Print at most this many rows.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Stop the query after this many seconds (exit 1).")
@click.option("--max-rows", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="Read at most this many rows, with a notice if there were more (0: no cap).")
@click.option("--allow-update", is_flag=True, help="Allow INSERT/DELETE/LOAD/CLEAR/DROP (changes only the in-memory graph).")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE clauses (lets the query reach the network).")
@_errors
def query(query, graph, feeds, params, fmt, full, limit, timeout, max_rows, allow_update, allow_service):
    """Run a bundled query by name, a .rq file, or SPARQL text, on the last build.

    Example: graphbuild query people_by_organization --param org="BIDS" --format csv
    """
    kv = {}
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param {p!r}: expected NAME=VALUE")
        k, v = p.split("=", 1)
        k = k.strip().lstrip("?")
        if k in kv:  # repeated: bound to every value given (one VALUES row each)
            kv[k] = (kv[k] if isinstance(kv[k], list) else [kv[k]]) + [v]
        else:
            kv[k] = v
    if not feeds and not allow_update:  # a graph file: pyoxigraph alone, no rdflib to import
        from .fastquery import query_file_stream
        path = Path(graph) if graph else OUT / "graph.ttl"
        if not graph and not path.exists():
            raise click.ClickException(f"{path} not found: run 'graphbuild build' first, or pass --graph FILE or --feed FEED")
        out = query_file_stream(path, query, kv, fmt=fmt, full=full, limit=limit, allow_service=allow_service,
                                timeout=timeout, max_rows=max_rows or None)
        for chunk in out.chunks:  # streamed: a large answer is never held whole
            click.echo(chunk, nl=False)
        for notice in out.notices:
            click.echo(f"notice: {notice}", err=True)
        sys.exit(out.code)
    from .queries import format_rows, run_query

    g = _graph(graph, feeds)
    result = run_query(g, query, allow_update=allow_update, allow_service=allow_service, limit=limit, terms=True,
                       timeout=None if allow_update else timeout, max_rows=max_rows or None, **kv)
    if isinstance(result, bool):
        click.echo("yes" if result else "no")
        sys.exit(0 if result else 1)
    if hasattr(result, "serialize"):
        from .export import serialize
        click.echo(serialize(result, "ttl").decode("utf-8"), nl=False)
        return
    click.echo(format_rows(result, fmt, g, full), nl=False)
    if result.cut is not None:
        click.echo(f"notice: stopped at {result.cut} rows (--max-rows {max_rows}); the query has more: raise "
                   "--max-rows, or add LIMIT or a filter", err=True)


@cli.command(name="queries")
@_errors
def list_queries():
    """List the bundled questions: name, title and parameters.

    Example: graphbuild queries
    """
    from .querydefs import bundled  # no RDF library: listing is as quick as the query fast path

    qs = bundled()
    width = max((len(n) for n in qs), default=0)
    for name, q in qs.items():
        params = " ".join("?" + p + (":" + "|".join(q.allowed(p)) if q.allowed(p) else "") for p in q.params)
        click.echo(f"{name.ljust(width)}  {q.title}" + (f"  [{params}]" if params else ""))


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "jsonld-expanded", "trig", "graphml"]),
              default="ttl", show_default=True, help="Output format.")
@click.option("--graph", type=click.Path(), help="Graph file to export (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("-o", "--out", "out_path", type=click.Path(),
              help="File to write (default: beside the graph read: output/graph.<format>, or "
                   "DIR/NAME.<format> for --graph DIR/NAME.ttl; - for stdout).")
@_errors
def export(fmt, graph, feeds, out_path):
    """Write the graph as Turtle, N-Triples, JSON-LD (compacted with the graph's prefixes as its
    @context; jsonld-expanded for full IRIs), TriG or GraphML.

    Example: graphbuild export --format jsonld --out graph.jsonld
    """
    from .export import FORMATS, export_graph, serialize

    path = None if out_path == "-" else Path(out_path) if out_path else _default_out(graph, feeds, f".{FORMATS[fmt][0]}")
    g = _graph(graph, feeds)
    if path is None:
        sys.stdout.buffer.write(serialize(g, fmt))
        return
    click.echo(f"wrote: {export_graph(g, path, fmt)}")


@cli.command()
@click.option("--graph", type=click.Path(), help="Graph file (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("--focus", help="Name, alias or IRI of a node: draw only its neighbourhood.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="Steps from --focus (1: the focus and what it is directly tied to).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=None, help="Most mentioned entities to draw at most.")
@click.option("-o", "--out", "out_path", type=click.Path(), default=None,
              help="Page to write (default: beside the graph read: output/graph.html, output/ego-NAME.html "
                   "with --focus; DIR/G.html for --graph DIR/G.ttl).")
@_errors
def viz(graph, feeds, focus, depth, max_nodes, out_path):
    """Write the interactive page (one self-contained HTML file that works offline).

    Example: graphbuild viz --focus "Jenny Wong"
    """
    from .queries import find_entity
    from .text import slugify
    from .viz import MAX_NODES, page_heading, to_pyvis, write_html

    path = Path(out_path) if out_path else _default_out(graph, feeds, ".html",
                                                        f"ego-{slugify(focus)}" if focus else "graph")
    g = _graph(graph, feeds)
    center = None
    if focus:
        center = focus.strip("<>") if focus.startswith(("http://", "https://", "<")) else find_entity(g, focus)
        if center is None:
            raise click.ClickException(f"No entity named {focus!r}; try 'graphbuild query top_mentioned'")
        center = str(center)
    net = to_pyvis(g, focus=center, depth=depth, max_nodes=max_nodes or MAX_NODES)
    write_html(net, path, *page_heading(g, center or ""))
    click.echo(f"wrote: {path}")


@cli.command()
@click.option("--graph", type=click.Path(), help="Graph file (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "md", "csv", "json"]), default="table",
              show_default=True, help="Output format (csv: one table, chosen with --table).")
@click.option("-t", "--table", "tables", multiple=True,
              type=click.Choice(["hubs", "brokers", "communities", "bridges", "rising", "quiet"]),
              help="Print only this table. Repeatable. Default: all.")
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True, help="Rows per table (0: all).")
@_errors
def analyze(graph, feeds, fmt, tables, limit):
    """Network analysis: hubs, brokers, communities, bridges between them, who is rising or quiet.

    Example: graphbuild analyze --table communities --format md
    """
    from .analysis import analyze as run_analysis
    from .report import TABLES, render_analysis

    if fmt == "csv" and len(tables) != 1:
        raise click.UsageError("--format csv prints one table: choose it with --table")
    click.echo(render_analysis(run_analysis(_graph(graph, feeds)), fmt, limit, tuple(tables) or TABLES), nl=False)


@cli.command()
@click.argument("name")
@click.option("--graph", type=click.Path(), help="Graph file (default: output/graph.ttl).")
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
    if d["confidence"] is not None:
        click.echo(f"confidence: {d['confidence']:.2f}")
    for direction, pred, other, quote in d["relations"]:
        this, that = (d["name"], other) if direction == "->" else (other, d["name"])
        click.echo(f"{this} {pred} {that}" + (f'   "{quote}"' if quote else ""))
    named = [p for p in d["posts"] if p["named"]]
    unnamed = [p for p in d["posts"] if not p["named"]]
    groups = [(f"mentioned in {len(named)} post{'s' if len(named) != 1 else ''}", named)]
    if unnamed:  # e.g. the owner of a linked repository: evidence, but not named (no schema:mentions)
        groups.append((f"not named, but implied by {len(unnamed)} post{'s' if len(unnamed) != 1 else ''} "
                       "(e.g. through a link)", unnamed))
    for heading, posts in groups:
        click.echo(heading + ":")
        for p in posts:
            click.echo(f"  {p['date']}  {p['headline']}\n            {p['post']}")
            for quote, how in p["quotes"]:
                click.echo(f'    "{quote}"  [{how}]')


@cli.command()
@click.option("--graph", type=click.Path(), help="Graph file (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="List at most this many.")
@click.option("--write-curation", "skeleton", type=click.Path(),
              help="Also write a curation skeleton for the listed entities to this file.")
@click.option("--force", is_flag=True, help="Let --write-curation overwrite an existing file.")
@_errors
def review(graph, feeds, limit, skeleton, force):
    """List the entities most likely wrong, with their evidence (to fix with a curation file).

    Ranked by doubt: low confidence (gb:confidence, else computed from posts, web pages and
    extractors), one post only, a single signal, and names shaped unlike names.

    Example: graphbuild review --limit 10 --write-curation curation.toml
    """
    from .review import format_review, review_graph, write_skeleton

    doubts = review_graph(_graph(graph, feeds), limit=limit)
    click.echo(format_review(doubts), nl=False)
    if skeleton:
        click.echo(f"wrote: {write_skeleton(doubts, skeleton, force, source=graph or 'output/graph.ttl')}")


@cli.command()
@click.argument("graph_file", required=False, type=click.Path())
def validate(graph_file):
    """Check a graph against the SHACL shapes of graphbuild's public contract (pySHACL).

    GRAPH_FILE defaults to output/graph.ttl. Exit 0 when it conforms; 1 with one violation a
    line (focus node, path, message), or when the file cannot be read as RDF.

    Example: graphbuild validate output/graph.ttl
    """
    from .errors import ExportError
    from .export import read_graph
    from .report import triple_count
    from .validate import validate_graph

    t0 = time.perf_counter()
    path = Path(graph_file) if graph_file else OUT / "graph.ttl"
    try:
        g = read_graph(path)
    except ExportError as e:
        raise click.ClickException(str(e)) from None
    violations = validate_graph(g)
    for v in violations:
        click.echo(str(v))
    seconds = time.perf_counter() - t0
    if violations:
        click.echo(f"{path}: {len(violations)} violation{'s' if len(violations) != 1 else ''} of the graphbuild "
                   f"shapes ({seconds:.1f} s)", err=True)
        sys.exit(1)
    click.echo(f"{path}: conforms to the graphbuild shapes ({triple_count(g)} triples, {seconds:.1f} s)")


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
