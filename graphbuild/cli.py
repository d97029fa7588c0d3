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


def _graph(graph: str | None, feeds: tuple[str, ...], rules: tuple[str, ...] = (), store: str | None = None,
           use_store: bool = True):
    """The graph to work on: built from ``--feed`` sources, else read from ``--graph`` / the last
    build: on the store that build kept (``store``: its ``--store`` folder) when it is current for
    the file, else parsed from the file (always with ``use_store=False``)."""
    if feeds:
        from .graph import build_graph
        return build_graph(list(feeds), rules=rules)
    from .export import read_graph
    path = Path(graph) if graph else OUT / "graph.ttl"
    if not graph and not path.exists():
        raise click.ClickException(f"{path} not found: run 'graphbuild build' first, or pass --graph FILE or --feed FEED")
    return read_graph(path, (store or True) if use_store else False)


def _store_option(f):
    """``--store DIR``: where the build of the graph kept its store (its own ``--store``)."""
    return click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
                        help="The state folder of the build that wrote the graph (its --store), whose kept "
                             "store is read instead of the file when current. Default: .graphbuild beside "
                             "the graph.")(f)


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
              help="Folder for graph.ttl, graph.html, report.md and report.html.")
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
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the extraction (same output whatever the number). Default: the number of cores.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help="Folder kept between builds: a rebuild extracts only new or changed posts, and writes nothing when "
                   "nothing is new; it also keeps the graph as a store that query, explain, viz, ... read instead of "
                   "graph.ttl. Default: OUT/.graphbuild.")
@click.option("--fresh", is_flag=True, help="Ignore (and replace) the state kept in --store: extract every post, and "
                                           "build even when nothing is new since the last build.")
@click.option("--words", "word_files", multiple=True, type=click.Path(),
              help="Your own words added to the extractors' word lists (a TOML file with sections of "
                   "graphbuild's words.toml, docs/words.md), e.g. another language's cue words. Repeatable.")
@click.option("--discover", is_flag=True,
              help="A URL that serves a blog's HTML page: read the feed the page links to (<link rel=\"alternate\">) "
                   "on the same site instead, saying so on stderr. Without it a page is refused with its feeds listed.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@_errors
def build(sources, out_dir, rules, curation, base_uri, no_html, no_analysis, strict, max_feed_bytes, max_items,
          max_description_bytes, item_budget, cache_dir, no_cache, jobs, store_dir, fresh, word_files, discover, quiet):
    """Build the graph from feeds: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 (and CDF), given as file
    paths, - for stdin, or http(s) URLs; default: the bundled 2i2c feed. Other URL schemes (file://,
    ftp://) are refused: give a file's path instead. An HTML page is refused with the feeds it links to.

    Example: graphbuild build feed.xml https://example.org/index.xml feed.json --out output
    """
    t0 = time.perf_counter()
    if word_files:
        _use_word_files(word_files)
    from .feeds import Limits
    from . import uptodate
    from .graph import build as run_build
    from .graph import load_feeds
    from .names import user_word_files
    from .namespaces import BASE_URI
    from .pipeline import Progress, default_jobs
    from .report import summary
    from .sources import default_cache_dir, default_feed

    limits = Limits(max_feed_bytes, max_items, max_description_bytes)
    out = Path(out_dir)
    from .graphstore import STATE_DIR, Keeper

    state = Path(store_dir) if store_dir else out / STATE_DIR
    if fresh and state.exists():
        _clear_state(state)
    cache = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()
    if discover:
        sources = _discover(sources, limits, cache)

    files = [*rules, *([curation] if curation else []), *user_word_files()]
    options = {"base_uri": base_uri or BASE_URI, "no_html": no_html, "analysis": not no_analysis,
               "item_budget": item_budget, "out": str(out.resolve())}
    # local files: first their bytes (no parsing when nothing is new), then their items
    raw = uptodate.source_fingerprint(list(sources) or [default_feed()], {**options, "limits": limits}, files)
    last = uptodate.unchanged(state, raw) if raw is not None else None
    _thaw()
    gc.disable()  # the build allocates millions of small objects and frees none: skip cyclic GC passes
    try:  # (and while the feeds are read: 10,000 posts, 6.8 s with the passes, 5.8 s without; medians of 5)
        if last is None:
            feeds = load_feeds(list(sources) or None, limits, cache, keep_going=len(sources) > 1, html_cache=state)
            fp = uptodate.fingerprint(feeds, options, files)
            last = uptodate.unchanged(state, fp) if fp is not None else None
            if last is not None and raw is not None:  # other bytes, the same items: the next run needs no parse
                uptodate.same_items(state, last, raw)
    except BaseException:
        gc.enable()
        raise
    if last is not None:  # nothing new: the outputs of the last build are this one's (uptodate.py)
        gc.enable()
        for w in last["warnings"]:
            click.echo(f"warning: {w}", err=True)
        if not quiet:
            _print_summary(last["summary"], [Path(p) for p, _ in last["outputs"].values()],
                           time.perf_counter() - t0, unchanged=True)
        if strict and last["warnings"]:
            sys.exit(EXIT_WARNINGS)
        return
    progress = Progress(sys.stderr) if not quiet and sys.stderr.isatty() else None
    keeper = Keeper(state)  # keeps the graph on disk while the analysis and the writers run
    try:
        uptodate.forget(state)
        b = run_build(feeds=feeds, rules=rules, base_uri=base_uri or BASE_URI, curation=curation,
                      analysis=not no_analysis, item_budget=item_budget, jobs=jobs or default_jobs(), store=state,
                      progress=progress, keeper=keeper, lean=True, aside=state)
    except BaseException:
        gc.enable()
        keeper.abort()
        if progress is not None:
            progress.close()
        raise
    _freeze_build()
    gc.enable()
    try:
        written = _write_outputs(b, out, no_html, state, progress.stage if progress is not None else None, keeper)
    finally:
        keeper.abort()  # nothing left to stop once finished; else the copy and its folder go
        if b.aside is not None:
            b.aside.remove()
        if progress is not None:
            progress.close()
    for p in b.problems:
        click.echo(f"warning: {p}", err=True)
    s = summary(b)
    if fp is not None:
        uptodate.record(state, fp, written, s, [str(p) for p in b.problems], overran=b.overruns > 0, sources=raw)
    if not quiet:
        _print_summary(s, written, time.perf_counter() - t0)
    if strict and b.problems:
        sys.exit(EXIT_WARNINGS)


#: whether a build in this process froze what it made (:func:`_freeze_build`)
_FROZEN = [False]


def _freeze_build() -> None:
    """Move every object the build made out of the collector's reach (``gc.freeze``): the outputs
    are written with the collector on, and its full passes need not walk the build's millions of
    objects again and again (at 10,000 posts a second or more each), nor the last one, at exit. In a
    process that goes on (a test run), the next build lets them go first (:func:`_thaw`)."""
    gc.freeze()
    _FROZEN[0] = True


def _thaw() -> None:
    """Give the collector back what an earlier build of this process froze, and collect what of it
    is garbage (cycles): before a build, when that is all there is to walk."""
    if _FROZEN[0]:
        gc.unfreeze()
        gc.collect()
        _FROZEN[0] = False


#: the folder (in the build's state) where the answers made meanwhile wait for the store
SPOOL = ".made-answers-"


def _write_outputs(b, out: Path, no_html: bool, state: Path, stage=None, keeper=None) -> list[Path]:
    """graph.ttl, the reports, the page (unless ``no_html``) and the kept store of build ``b``
    (finished by ``keeper``, the :class:`graphbuild.graphstore.Keeper` the build was given, if any);
    ``stage(name)`` is told as each begins (the progress line). The answers the build makes for
    its store (:mod:`graphbuild.madeanswers`) are made by a thread meanwhile (pyoxigraph lets go of
    the interpreter while it evaluates a query), but the pairs', made last on this thread: their
    arrays would add to the writers' peak memory, and this thread reuses what the writers freed."""
    import shutil
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph as ox

    from . import madeanswers
    from .aside import FOLDER as ASIDE_FOLDER
    from .export import write_atomic, write_graph
    from .network import to_networkx
    from .report import render_report, render_report_html

    stage = stage or (lambda name: None)
    source = getattr(b.graph.store, "_inner", None)
    Path(state).mkdir(parents=True, exist_ok=True)
    for left in [*Path(state).glob(f"{SPOOL}*"), *Path(state).glob(f"{ASIDE_FOLDER}*")]:  # by a build that was killed
        if left != getattr(b.aside, "folder", None):
            shutil.rmtree(left, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=SPOOL, dir=state) as spool, \
            ThreadPoolExecutor(1, thread_name_prefix="made-answers") as pool:
        made = None
        if isinstance(source, ox.Store):
            made = pool.submit(lambda: madeanswers.dumped(
                madeanswers.other_answers(source, madeanswers.ROWS, b.aside), Path(spool)))
        stage("writing graph.ttl")
        G = b.network if b.network is not None else to_networkx(b.graph)  # one for the HTML report and the page
        # streamed to the file, never held whole; what the build kept aside read back among the rest
        path, sha256 = write_graph(b.graph, out / "graph.ttl", aside=b.aside)
        written = [path]
        stage("writing the report")
        written += [write_atomic(out / "report.md", render_report(b).encode("utf-8")),
                    write_atomic(out / "report.html", render_report_html(b, G).encode("utf-8"))]
        if not no_html:
            from .viz import page_heading, to_pyvis, write_html
            stage("writing the page")
            pairs = b.co_mentions if b.network is not None else None  # the build's form leaves them out
            written.append(write_html(to_pyvis(G, pairs=pairs), out / "graph.html", *page_heading(b.graph)))
        stage("keeping the graph's store")
        _keep_store(b.graph, out / "graph.ttl", sha256, state, keeper, made)
    return written


def _clear_state(state: Path) -> None:
    """Remove what a build keeps in ``state`` (only its own files: --store may name any folder)."""
    from .graphstore import forget

    for name in ("extraction.sqlite", "extraction.sqlite-journal", "html.sqlite", "html.sqlite-journal",
                 "last-build.json"):
        (state / name).unlink(missing_ok=True)
    forget(state)


def _keep_store(g, path: Path, sha256: str, state: Path, keeper=None, made=None) -> None:
    """Keep the graph just written to ``path`` as an on-disk store in ``state``, stamped with the
    file (whose bytes hash to ``sha256``), for the commands that read the graph
    (:mod:`graphbuild.graphstore`), with the answers the build makes for it
    (:mod:`graphbuild.madeanswers`: ``made``, the future of those made meanwhile, and the pairs');
    ``keeper``: the one that has been copying it since the build's triples were in."""
    import pyoxigraph as ox

    from . import madeanswers
    from .graphstore import forget, keep

    source = getattr(g.store, "_inner", None)
    try:
        answers: list = []
        if isinstance(source, ox.Store):  # the pairs' on this thread: its freed memory is reused here
            answers = made.result() if made is not None else []
            answers += madeanswers.pair_answers(source, madeanswers.ROWS)
        if keeper is not None and keeper.source is source is not None:
            keeper.finish(path, sha256, answers)
        elif isinstance(source, ox.Store):
            keep(source, path, sha256, state, answers)
        else:  # not a pyoxigraph graph (never, from build): no store rather than a stale one
            forget(state)
    except (OSError, RuntimeError) as e:  # the outputs are written: queries read graph.ttl instead
        click.echo(f"warning: {state}: could not keep the graph's store ({e}); commands will read {path}",
                   err=True)


def _use_word_files(word_files) -> None:
    """--words: the word lists are read once, when the extractors are first imported, from
    ``$GRAPHBUILD_WORDS``; set it before that (worker processes inherit it)."""
    import os
    import sys as _sys

    paths = [str(Path(f).resolve()) for f in word_files]
    os.environ["GRAPHBUILD_WORDS"] = os.pathsep.join(paths)
    names = _sys.modules.get("graphbuild.names")
    if names is not None and tuple(paths) != names.LOADED_WORD_FILES:
        raise click.UsageError("--words must come before graphbuild's word lists are loaded in this process: "
                               "run graphbuild build in a new process, or set GRAPHBUILD_WORDS before importing")


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


def _print_summary(s: dict, written: list[Path], seconds: float, unchanged: bool = False) -> None:
    click.echo(f"posts: {s['posts']}  people: {s['people']}  organisations: {s['organisations']}  "
               f"projects: {s['projects']}  relations: {s['relations']}  triples: {s['triples']}")
    if s["top"]:
        click.echo("most mentioned: " + "; ".join(f"{n} ({c})" for n, _, c in s["top"]))
    if s["skipped"]:
        click.echo(f"skipped or repaired: {len(s['skipped'])} (see report.md)")
    if unchanged:
        click.echo("unchanged: the feeds, options and graphbuild are those of the last build; its outputs stand: "
                   + ", ".join(str(p) for p in written))
    else:
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
@click.option("--endpoint", metavar="URL", help="Run the query on this SPARQL 1.1 endpoint instead of a graph file "
                                               "(SELECT and ASK; see docs/serve.md).")
@click.option("--user", help="User for --endpoint (password from $GRAPHBUILD_PASSWORD or ~/.netrc).")
@click.option("--named-graph", metavar="IRI", help="With --endpoint: query this named graph (default-graph-uri).")
@_store_option
@_errors
def query(query, graph, feeds, params, fmt, full, limit, timeout, max_rows, allow_update, allow_service, endpoint,
          user, named_graph, store_dir):
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
    if endpoint:
        if graph or feeds or allow_update:
            raise click.UsageError("--endpoint queries the remote graph: no --graph, --feed or --allow-update")
        from .remote import query_endpoint
        out = query_endpoint(endpoint, query, kv, fmt=fmt, full=full, limit=limit, allow_service=allow_service,
                             timeout=timeout, max_rows=max_rows or None, user=user, default_graph=named_graph)
        for chunk in out.chunks:
            click.echo(chunk, nl=False)
        for notice in out.notices:
            click.echo(f"notice: {notice}", err=True)
        sys.exit(out.code)
    if not feeds and not allow_update:  # a graph file: pyoxigraph alone, no rdflib to import
        from .fastquery import query_file_stream
        path = Path(graph) if graph else OUT / "graph.ttl"
        if not graph and not path.exists():
            raise click.ClickException(f"{path} not found: run 'graphbuild build' first, or pass --graph FILE or --feed FEED")
        out = query_file_stream(path, query, kv, fmt=fmt, full=full, limit=limit, allow_service=allow_service,
                                timeout=timeout, max_rows=max_rows or None, store=store_dir)
        for chunk in out.chunks:  # streamed: a large answer is never held whole
            click.echo(chunk, nl=False)
        for notice in out.notices:
            click.echo(f"notice: {notice}", err=True)
        sys.exit(out.code)
    from .queries import format_rows, run_query

    g = _graph(graph, feeds, store=store_dir, use_store=not allow_update)  # an update changes a copy
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
@click.option("-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "jsonld-expanded", "trig", "graphml",
                                                        "gexf", "neo4j"]),
              default="ttl", show_default=True,
              help="Output format (jsonld: compacted with the graph's prefixes as @context, jsonld-expanded: full "
                   "IRIs; gexf: Gephi, with the layout and communities; neo4j: a folder of CSV files for "
                   "neo4j-admin database import).")
@click.option("--graph", type=click.Path(), help="Graph file to export (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@click.option("-o", "--out", "out_path", type=click.Path(),
              help="File to write (default: beside the graph read: output/graph.<format>, or "
                   "DIR/NAME.<format> for --graph DIR/NAME.ttl; - for stdout); for neo4j a folder "
                   "(default: output/neo4j).")
@_store_option
@_errors
def export(fmt, graph, feeds, out_path, store_dir):
    """Write the graph as Turtle, N-Triples, JSON-LD (compacted with the graph's prefixes as its
    @context; jsonld-expanded for full IRIs), TriG, GraphML, GEXF (Gephi) or Neo4j import CSV.

    Example: graphbuild export --format gexf --out graph.gexf
    """
    from .export import FORMATS, export_graph, serialize

    if fmt == "neo4j":
        if out_path == "-":
            raise click.UsageError("--format neo4j writes a folder of CSV files: name it with --out DIR")
        from .netexport import write_neo4j
        folder = Path(out_path) if out_path else _default_out(graph, feeds, "", "neo4j")
        for p in write_neo4j(_graph(graph, feeds, store=store_dir), folder):
            click.echo(f"wrote: {p}")
        return
    suffix = f".{FORMATS[fmt][0] if fmt in FORMATS else fmt}"  # jsonld-expanded -> .jsonld, gexf -> .gexf
    path = None if out_path == "-" else Path(out_path) if out_path else _default_out(graph, feeds, suffix)
    g = _graph(graph, feeds, store=store_dir)
    if fmt == "gexf":
        from .netexport import to_gexf_graph, write_gexf
        if path is None:
            import networkx as nx
            nx.write_gexf(to_gexf_graph(g), sys.stdout.buffer)
        else:
            click.echo(f"wrote: {write_gexf(g, path)}")
        return
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
@_store_option
@_errors
def viz(graph, feeds, focus, depth, max_nodes, out_path, store_dir):
    """Write the interactive page (one self-contained HTML file that works offline).

    Example: graphbuild viz --focus "Jenny Wong"
    """
    from .queries import find_entity
    from .text import slugify
    from .viz import MAX_NODES, page_heading, to_pyvis, write_html

    path = Path(out_path) if out_path else _default_out(graph, feeds, ".html",
                                                        f"ego-{slugify(focus)}" if focus else "graph")
    g = _graph(graph, feeds, store=store_dir)
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
@_store_option
@_errors
def analyze(graph, feeds, fmt, tables, limit, store_dir):
    """Network analysis: hubs, brokers, communities, bridges between them, who is rising or quiet.

    Example: graphbuild analyze --table communities --format md
    """
    from .analysis import analyze as run_analysis
    from .report import TABLES, render_analysis

    if fmt == "csv" and len(tables) != 1:
        raise click.UsageError("--format csv prints one table: choose it with --table")
    click.echo(render_analysis(run_analysis(_graph(graph, feeds, store=store_dir)), fmt, limit, tuple(tables) or TABLES), nl=False)


@cli.command()
@click.argument("name")
@click.option("--graph", type=click.Path(), help="Graph file (default: output/graph.ttl).")
@click.option("--feed", "feeds", multiple=True, help="Build from these feeds instead. Repeatable.")
@_store_option
@_errors
def explain(name, graph, feeds, store_dir):
    """Show what the graph says of one entity and where each fact came from.

    Example: graphbuild explain "BIDS"
    """
    from .queries import describe_entity

    d = describe_entity(_graph(graph, feeds, store=store_dir), name)
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
@_store_option
@_errors
def review(graph, feeds, limit, skeleton, force, store_dir):
    """List the entities most likely wrong, with their evidence (to fix with a curation file).

    Ranked by doubt: low confidence (gb:confidence, else computed from posts, web pages and
    extractors), one post only, a single signal, and names shaped unlike names.

    Example: graphbuild review --limit 10 --write-curation curation.toml
    """
    from .review import format_review, review_graph, write_skeleton

    doubts = review_graph(_graph(graph, feeds, store=store_dir), limit=limit)
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


@cli.command()
@click.option("--graph", type=click.Path(), help="Graph file to serve (default: output/graph.ttl).")
@click.option("--bind", default="127.0.0.1:7878", show_default=True, metavar="HOST:PORT",
              help="Address to listen on (loopback by default; port 0: any free port).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Longest a query may run, in seconds.")
@click.option("--cors", is_flag=True, help="Let web pages from any origin read the answers (Access-Control-Allow-Origin: *).")
@click.option("--cache-mb", type=click.FloatRange(min=0), default=64, show_default=True,
              help="Memory for answers kept by request (the graph is read-only; 0: none).")
@click.option("--check", is_flag=True, help="Do not serve: tell whether a server is up at --bind (exit 0) or not (exit 1).")
@_errors
def serve(graph, bind, timeout, cors, cache_mb, check):
    """Serve the graph as a read-only SPARQL endpoint (the Oxigraph server) with its pages.

    Prints the endpoint's URL when it is ready; Ctrl-C stops everything.

    Example: graphbuild serve --bind 127.0.0.1:7878
    """
    from .endpoint import Server, parse_bind

    if check:
        import json
        import urllib.request
        host, port = parse_bind(bind)
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/health"
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                status = json.loads(r.read()).get("status")
        except (OSError, ValueError):
            status = None
        if status == "ok":
            click.echo(f"up: {url}")
            return
        click.echo(f"down: {url}", err=True)
        sys.exit(1)
    server = Server(Path(graph) if graph else OUT / "graph.ttl", bind, timeout=timeout, cors=cors,
                    cache_mb=cache_mb).start()
    click.echo(f"SPARQL endpoint: {server.endpoint}")
    click.echo(f"queries and page: {server.url}   (Ctrl-C to stop)")
    server.wait()


@cli.command()
@click.argument("gsp_url")
@click.option("--graph", type=click.Path(), help="Graph file to upload (default: output/graph.ttl).")
@click.option("--named-graph", metavar="IRI", help="Named graph to replace (default: the feed's IRI, see docs/serve.md).")
@click.option("--user", help="User name; the password comes from $GRAPHBUILD_PASSWORD or ~/.netrc.")
@click.option("--auth", type=click.Choice(["auto", "basic", "digest"]), default="auto", show_default=True,
              help="HTTP authentication (auto: what the server asks for).")
@click.option("--update-url", default="auto", show_default=True, metavar="URL|auto|none",
              help="SPARQL Update endpoint for the atomic swap (auto: derived from GSP_URL; none: one PUT).")
@click.option("--chunk-mb", type=click.FloatRange(min=0.001), default=16.0, show_default=True,
              help="Largest request body.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0, show_default=True,
              help="Seconds each request may take.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Retries of a request that could not connect or got 429/502/503/504 (backoff 0.5 s, doubling).")
@click.option("--dry-run", is_flag=True, help="Send nothing: print what would be sent.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_errors
def push(gsp_url, graph, named_graph, user, auth, update_url, chunk_mb, timeout, retries, dry_run, quiet):
    """Upload the graph into a named graph of a triple store (SPARQL 1.1 Graph Store HTTP Protocol),
    replacing it as one change.

    Example: GRAPHBUILD_PASSWORD=... graphbuild push http://localhost:8890/sparql-graph-crud-auth --user dba
    """
    from .gsp import push as run_push

    path = Path(graph) if graph else OUT / "graph.ttl"
    if not graph and not path.exists():
        raise click.ClickException(f"{path} not found: run 'graphbuild build' first, or pass --graph FILE")
    t0 = time.perf_counter()
    r = run_push(path, gsp_url, named_graph=named_graph, user=user, auth=auth,
                 update_url=None if update_url.lower() == "none" else update_url, chunk_bytes=int(chunk_mb * 2**20),
                 timeout=timeout, retries=retries, dry_run=dry_run,
                 progress=None if quiet else lambda s: click.echo(s, err=True))
    if dry_run:
        for step in r.steps:
            click.echo(step)
        return
    if not quiet:
        click.echo(f"pushed {r.triples} triples into <{r.named_graph}> at {r.url} "
                   f"({r.chunks} request{'s' if r.chunks != 1 else ''}, {time.perf_counter() - t0:.1f} s)")


def main() -> None:
    cli(prog_name="graphbuild")
