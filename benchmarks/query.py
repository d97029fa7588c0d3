"""Every bundled query on a built graph: read from graph.ttl (before) and from the store the build
kept (after), whole process and query alone; and whether both give the same rows.

usage: python benchmarks/query.py OUT [--repeat 5] [--timeout 600] [--only NAME ...] [--no-file]

OUT is a build's output folder (graph.ttl and its kept store in OUT/.graphbuild), e.g. for 10,000
posts (a few minutes, several GB of memory; build once, then time as often as needed):

    python benchmarks/gen_feed.py 10000 /tmp/feed10k.xml
    graphbuild build /tmp/feed10k.xml --out /tmp/out10k --no-html -q
    python benchmarks/query.py /tmp/out10k

Each query runs unbound (its whole answer; not a query with required parameters) and, when it has
parameters, bound to values read from the graph (the most mentioned entity, the organisation with
the most members, ...; printed first). Columns:

* whole process: ``graphbuild query NAME [-p ...] --graph OUT/graph.ttl --format csv --timeout T``
  (default row cap, 10,000). "file": with ``--store EMPTY`` (a folder without a store: graph.ttl is
  parsed, as before), one run. "store, first": on the kept store with no kept answers but those
  the build made (the first time a question is asked of this build), one run. "store, again": the same command again (the
  answer kept by the first run), median of ``--repeat``.
* query alone: in one process, bind, run and read every row (no row cap), on the graph parsed into
  memory (its parse time printed apart) and on the kept store opened read-only (no kept answers),
  one run each (a few take minutes on the file).
* same rows: the rows of "query alone" on the file and on the store, in order.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(cmd: list[str]) -> float | None:
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0, 1):
        print(f"  failed: {' '.join(cmd[3:])}: {r.stderr.strip()[-200:]}", file=sys.stderr)
        return None
    return time.perf_counter() - t


def pick_params(store) -> dict[str, str]:
    """A value for each parameter, read from the graph (so each bound query has answers)."""
    from graphbuild.prefixes import PREFIXES

    def first(text, n=0):
        rows = list(store.query(text, prefixes=PREFIXES))
        return rows[n][0].value if len(rows) > n else None

    top = ("SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p a schema:BlogPosting ; schema:mentions ?e . "
           "?e schema:name ?n } GROUP BY ?e ?n ORDER BY DESC(?c) ?n LIMIT 2")
    org = first("SELECT ?n (COUNT(?m) AS ?c) WHERE { ?o a schema:Organization ; schema:name ?n . "
                "?m schema:memberOf|schema:affiliation|schema:worksFor ?o } "
                "GROUP BY ?o ?n ORDER BY DESC(?c) ?n LIMIT 1")
    post = first("SELECT ?p (COUNT(?e) AS ?c) WHERE { ?p schema:mentions ?e } GROUP BY ?p ORDER BY DESC(?c) ?p LIMIT 1")
    project = first("SELECT ?n (COUNT(?m) AS ?c) WHERE { ?x a doap:Project ; schema:name ?n ; schema:maintainer ?m } "
                    "GROUP BY ?x ?n ORDER BY DESC(?c) ?n LIMIT 1")
    rel = first("SELECT ?r (COUNT(?st) AS ?c) WHERE { ?st rdf:predicate ?r } GROUP BY ?r ORDER BY DESC(?c) ?r LIMIT 1")
    out = {"entity": first(top), "from": first(top), "to": first(top, 1), "org": org,
           "post": post and f"<{post}>", "project": project, "relation": rel and f"<{rel}>", "type": "schema:Person"}
    return {k: v for k, v in out.items() if v}


def made_by_build(answers: Path) -> set[Path]:
    """The answers the build made (graphbuild/madeanswers.py: a JSON object each, for a question
    without parameters or bound to a hub), not those kept by earlier asks (a JSON list of messages)."""
    def first_byte(f: Path) -> bytes:
        with open(f, "rb") as fh:
            return fh.read(1)
    return {f for f in answers.glob("*.json") if first_byte(f) == b"{"}


def cases(names, params) -> dict[str, tuple[str, dict]]:
    """label -> (query name, parameters): unbound unless required, and bound when it has parameters."""
    from graphbuild.querydefs import bundled

    out = {}
    for name in names:
        q = bundled()[name]
        if not q.required:
            out[name] = (name, {})
        if q.params:
            bound = {p: params[p] for p in q.params if p in params}
            out[name + "".join(f" -p {k}=…" for k in bound)] = (name, bound)
    return out


def query_alone(store, todo, timeout: float, reopen=None) -> dict[str, tuple[float | None, list]]:
    """label -> (seconds to bind, run and read every row, or None past ``timeout``; the rows as text).
    ``reopen()``: the store opened again in the worker process (an on-disk store is not shared across a fork)."""
    from graphbuild import sparql
    from graphbuild.errors import QueryError
    from graphbuild.prefixes import PREFIXES, minted_prefixes
    from graphbuild.querydefs import bundled

    engine = sparql.OxEngine(store, PREFIXES)
    prefixes = {**PREFIXES, **minted_prefixes()}
    out = {}
    for label, (name, params) in todo.items():
        q = bundled()[name]
        t = time.perf_counter()
        bound = sparql.bind(q, params, engine, prefixes)
        def produce():
            e = sparql.OxEngine(reopen(), PREFIXES) if reopen else engine
            return sparql.stream(e.execute(q, bound), None)
        try:  # in a forked worker, killed after ``timeout``
            rows = [tuple(None if v is None else v[1] for v in r)
                    for m in sparql.supervised(produce, timeout, label) if m[0] == "rows" for r in m[1]]
            out[label] = (time.perf_counter() - t, rows)
        except QueryError:
            out[label] = (None, [])
        print(f"  {label}: {out[label][0]}", file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", nargs="*", help="Only these queries.")
    ap.add_argument("--no-file", action="store_true", help="Time the store only (skip the slow file runs).")
    ap.add_argument("--phases", default="alone,store,file",
                    help="What to time, comma-separated: alone (query alone, store and file), store (whole "
                         "process on the store), file (whole process on the file). Default: all.")
    a = ap.parse_args()
    import pyoxigraph as ox

    from graphbuild.fastquery import load
    from graphbuild.graphstore import STORE_DIR, current_store, state_dir
    from graphbuild.querydefs import bundled

    graph = a.out / "graph.ttl"
    kept = current_store(graph)
    if kept is None:
        sys.exit(f"{graph}: no current store in {a.out / '.graphbuild'}: build it with this graphbuild first")
    answers = state_dir(graph) / STORE_DIR / "answers"
    made = made_by_build(answers)
    t = time.perf_counter()
    store = ox.Store.read_only(str(kept))
    open_s = time.perf_counter() - t
    params = pick_params(store)
    todo = cases(a.only or sorted(bundled()), params)
    print(f"graph: {graph} ({graph.stat().st_size / 1e6:.0f} MB, {len(store)} triples)\nparameters: {params}",
          flush=True)
    phases = a.phases.split(",")
    after, before, load_s = {label: (None, []) for label in todo}, {}, None
    if "alone" in phases:
        print("query alone, store:", file=sys.stderr)
        after = query_alone(store, todo, a.timeout, lambda: ox.Store.read_only(str(kept)))
    del store
    if not a.no_file and "alone" in phases:
        t = time.perf_counter()
        mem = load(graph)
        load_s = time.perf_counter() - t
        print("query alone, file:", file=sys.stderr)
        before = query_alone(mem, todo, a.timeout)
        del mem

    py = sys.executable
    first, again, whole_file = {}, {}, {}
    with tempfile.TemporaryDirectory() as empty:
        def cmd(label, file):
            name, bound = todo[label]
            c = [py, "-m", "graphbuild", "query", name, "--graph", str(graph), "--format", "csv",
                 "--timeout", str(a.timeout)]
            for k, v in bound.items():
                c += ["-p", f"{k}={v}"]
            return c + (["--store", empty] if file else [])
        floor = [wall([py, "-c", "pass"]) for _ in range(a.repeat)]
        print("whole process, store:", file=sys.stderr)
        for label in todo:
            if "store" not in phases:
                first[label], again[label] = None, []
                continue
            for f in answers.glob("*.json"):  # the answers kept by earlier asks, not the build's
                if f not in made:
                    f.unlink()
            first[label] = wall(cmd(label, False))
            done = first[label] is not None and first[label] < a.timeout  # else stopped: nothing kept
            again[label] = [wall(cmd(label, False)) for _ in range(a.repeat)] if done else []
            print(f"  {label}: {first[label]} {again[label]}", file=sys.stderr, flush=True)
        if not a.no_file and "file" in phases:
            print("whole process, file:", file=sys.stderr)
            for label in todo:
                whole_file[label] = wall(cmd(label, True))
                print(f"  {label}: {whole_file[label]}", file=sys.stderr, flush=True)

    print(f"\nstore opened read-only in {open_s:.3f} s" + (f"; graph.ttl parsed in {load_s:.1f} s" if load_s else ""))
    print(f"python -c pass: {statistics.median(floor):.3f} s (median of {a.repeat})\n")
    print("| query | rows | whole, file s | whole, store first s | whole, store again s (median) "
          "| alone, file s | alone, store s | same rows |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    f = lambda x: "" if x is None else f"> {a.timeout:g}" if x >= a.timeout else f"{x:.2f}" if x >= 1 else f"{x:.3f}"
    for label in todo:
        s_time, s_rows = after[label]
        b_time, b_rows = before.get(label, (None, None))
        same = ("" if b_rows is None or s_time is None or b_time is None else "yes" if b_rows == s_rows else
                "same rows, other order" if sorted(b_rows, key=str) == sorted(s_rows, key=str) else "NO")
        ok = [x for x in again[label] if x is not None]
        print(f"| `{label}` | {len(s_rows) if s_time is not None else ''} | {f(whole_file.get(label))} "
              f"| {f(first[label])} | {f(statistics.median(ok)) if ok else ''} "
              f"| {f(b_time) if b_time is not None or not before else f'> {a.timeout:g}'} "
              f"| {f(s_time) if s_time is not None or 'alone' not in phases else f'> {a.timeout:g}'} | {same} |")


if __name__ == "__main__":
    main()
