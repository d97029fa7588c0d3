"""``graphbuild query`` on a graph file with pyoxigraph alone: the answers of :func:`run_query`
on a built graph, without importing rdflib (whose import alone takes longer than the query).
The worker process (see :mod:`graphbuild.sparql`) loads the file, binds and runs the query and
streams rows back; this process formats them as they come."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pyoxigraph as ox

from . import plans, sparql
from .errors import GraphbuildError, QueryError, reading_graph_file
from .prefixes import PREFIXES, minted_prefixes
from .querydefs import check_nesting, check_params, check_safe, load_query
from .results import stream_results

#: graph file extension -> format (read_graph uses it too)
READ_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
                ".json": ox.RdfFormat.JSON_LD, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
                ".rdf": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3}


def load(path: str | Path, error: type[GraphbuildError] = QueryError) -> ox.Store:
    """A graph file (format from its extension, default Turtle) in a new in-memory pyoxigraph store,
    its named graphs (TriG, N-Quads, JSON-LD) merged into the default graph.

    Raises:
        ``error``: the file is missing or not valid RDF (one line naming it and the format).
    """
    path = Path(path)
    fmt = READ_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
    store = ox.Store()
    with reading_graph_file(path, error, f" as {fmt.name}"):
        # load, not bulk_load, and straight into the store, not through a Python quad each: into
        # an in-memory store the faster and the leaner (the 10,000-post graph.ttl: 7.8 s / 1.16 GB
        # peak, against 9.4 s / 1.42 GB with bulk_load and 20.5 s / 2.7 GB through quads;
        # docs/performance.md, seventh pass)
        store.load(path=str(path), format=fmt)
    for name in list(store.named_graphs()):
        store.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                      for q in store.quads_for_pattern(None, None, None, name)])
        store.remove_graph(name)
    return store


@dataclass
class Output:
    """What ``graphbuild query`` prints: text chunks as they come, then the exit code (1 for a
    false ASK) and notices for stderr (a cut answer)."""

    chunks: Iterator[str]
    code: int = 0
    notices: list[str] = field(default_factory=list)


def query_file_stream(path: str | Path, name_or_text: str, params: dict[str, Any], *, fmt: str = "table",
                      full: bool = False, limit: int | None = None, allow_service: bool = False,
                      timeout: float | None = sparql.DEFAULT_TIMEOUT,
                      max_rows: int | None = sparql.DEFAULT_MAX_ROWS, store: str | Path | None = None) -> Output:
    """Run a query on a graph file; the answer streams out of ``Output.chunks``. The build's kept
    store is queried instead when it is current for the file (:mod:`graphbuild.graphstore`;
    ``store``: the build's ``--store`` folder, default beside the file).

    Raises (while the chunks are read):
        QueryError: as :func:`graphbuild.run_query`, and a query stopped by ``timeout``.
    """
    q = load_query(name_or_text)
    check_safe(q.text, False, allow_service, q.label)
    check_nesting(q)
    check_params(q, params)
    prefixes = {**PREFIXES, **minted_prefixes()}
    caps = [x for x in (limit, max_rows) if x is not None]

    def produce():
        """In the worker: open the kept store (read-only; its kept answer when there is one) or
        load the file, bind, run; CSV, TSV and JSON are formatted there too, so only text crosses
        the pipe (a table needs all rows for its widths: those come as terms)."""
        from .graphstore import open_kept

        kept = open_kept(path, store)
        engine = sparql.OxEngine(kept.store if kept is not None else load(path), PREFIXES)
        bound = sparql.bind(q, params, engine, prefixes)
        cap = min(caps) if caps else None
        answer = lambda: sparql.stream(engine.execute(q, bound), cap)
        messages = kept.answer(bound.text, cap, answer, plans.within(q, bound)) if kept is not None else answer()
        head = next(messages)
        yield head
        if head[0] != "select" or fmt not in ("csv", "tsv", "json"):
            yield from messages
            return
        cut = []
        def batches():
            for m in messages:
                if m[0] == "rows":
                    yield (dict(zip(head[1], r)) for r in m[1])  # portable terms, as results reads them
                else:
                    cut.append(m)
        for chunk in stream_results(batches(), head[1], fmt, prefixes, full):
            yield ("text", chunk)
        yield from cut

    out = Output(iter(()))

    def chunks() -> Iterator[str]:
        messages = sparql.supervised(produce, timeout, q.label)
        head = next(messages)
        if head[0] == "ask":
            out.code = 0 if head[1] else 1
            yield "yes\n" if head[1] else "no\n"
            return

        def batches():
            for msg in messages:
                if msg[0] == "rows":
                    yield [tuple(sparql.ox_term(t) for t in r) for r in msg[1]]
                elif msg[0] == "text":
                    yield msg[1]
                elif msg[0] == "cut" and (limit is None or (max_rows is not None and max_rows < limit)):
                    out.notices.append(f"{q.label}: stopped at {msg[1]} rows (--max-rows {max_rows}); "
                                       "the query has more: raise --max-rows, or add LIMIT or a filter")
        if head[0] == "graph":
            triples = [ox.Triple(*t) for b in batches() for t in b]
            yield ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
            return
        if fmt in ("csv", "tsv", "json"):
            yield from batches()  # formatted in the worker
            return
        variables = head[1]
        yield from stream_results(((dict(zip(variables, r)) for r in b) for b in batches()), variables, fmt,
                                  prefixes, full)

    out.chunks = chunks()
    return out


def query_file(path: str | Path, name_or_text: str, params: dict[str, Any], **kwargs) -> tuple[str, int]:
    """Run a query on a graph file; returns (text to print, exit code: 1 for a false ASK).

    Raises:
        QueryError: as :func:`graphbuild.run_query`.
    """
    out = query_file_stream(path, name_or_text, params, **kwargs)
    text = "".join(out.chunks)
    return text, out.code
