"""Every bundled query on a built graph: read from graph.ttl (before) and from the store the build
kept (after), whole process and query alone, medians; and whether both give the same rows.

usage: python benchmarks/query.py OUT [--repeat 5] [--file-repeat 1] [--only NAME ...]

OUT is a build's output folder (graph.ttl and its kept store in OUT/.graphbuild), e.g. for 10,000
posts (a few minutes, several GB of memory; build once, then time as often as needed):

    python benchmarks/gen_feed.py 10000 /tmp/feed10k.xml
    graphbuild build /tmp/feed10k.xml --out /tmp/out10k --no-html -q
    python benchmarks/query.py /tmp/out10k

Each query runs unbound (its whole answer; not for a query with required parameters) and, when it
has parameters, bound to values read from the graph (the most mentioned entity, the organisation
with the most members, ...; printed with the table). Columns:

* whole process: ``graphbuild query NAME [-p ...] --graph OUT/graph.ttl --format csv`` (the last
  build's store when current); "file" adds ``--store EMPTY`` (a folder without a store, so the file
  is read as before) and ``--timeout 3600``. Store runs interleaved, ``--repeat`` times; file runs
  ``--file-repeat`` times (each parses the whole Turtle file).
* query alone: in one process, the store opened read-only (or the file parsed once into memory,
  its time given apart), then each query bound, run and every row read, ``--repeat`` times
  (``--file-repeat`` on the file).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def pick_params(store) -> dict[str, str]:
    """A value for each parameter, read from the graph (so each bound query has answers)."""
    from graphbuild.prefixes import PREFIXES

    def first(text):
        rows = list(store.query(text, prefixes=PREFIXES))
        return rows[0] if rows else None

    top = first("SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p schema:mentions ?e . ?e schema:name ?n } "
                "GROUP BY ?e ?n ORDER BY DESC(?c) ?n LIMIT 1")
    second = first("SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p schema:mentions ?e . ?e schema:name ?n } "
                   "GROUP BY ?e ?n ORDER BY DESC(?c) ?n OFFSET 1 LIMIT 1")
    org = first("SELECT ?n (COUNT(?m) AS ?c) WHERE { ?o a schema:Organization ; schema:name ?n . "
                "{ ?m schema:memberOf ?o } UNION { ?m schema:affiliation ?o } UNION { ?m schema:worksFor ?o } } "
                "GROUP BY ?o ?n ORDER BY DESC(?c) ?n LIMIT 1")
    post = first("SELECT ?p (COUNT(?e) AS ?c) WHERE { ?p schema:mentions ?e } GROUP BY ?p ORDER BY DESC(?c) ?p LIMIT 1")
    project = first("SELECT ?n (COUNT(?m) AS ?c) WHERE { ?x a doap:Project ; schema:name ?n ; doap:maintainer ?m } "
                    "GROUP BY ?x ?n ORDER BY DESC(?c) ?n LIMIT 1")
    rel = first("SELECT ?r WHERE { ?st rdf:predicate ?r } GROUP BY ?r ORDER BY DESC(COUNT(?st)) LIMIT 1")
    out = {"entity": top[0].value if top else "", "from": top[0].value if top else "",
           "to": second[0].value if second else "", "org": org[0].value if org else "",
           "post": f"<{post[0].value}>" if post else "", "project": project[0].value if project else "",
           "relation": f"<{rel[0].value}>" if rel else "", "type": "schema:Person"}
    return {k: v for k, v in out.items() if v}


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


def query_times(store, todo, repeat: int) -> dict[str, tuple[float, list]]:
    """label -> (median seconds to bind, run and read every row, the rows as text)."""
    from graphbuild import sparql
    from graphbuild.prefixes import PREFIXES, minted_prefixes
    from graphbuild.querydefs import bundled

    engine = sparql.OxEngine(store, PREFIXES)
    prefixes = {**PREFIXES, **minted_prefixes()}
    out = {}
    for label, (name, params) in todo.items():
        q = bundled()[name]
        times, rows = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            answer = engine.execute(q, sparql.bind(q, params, engine, prefixes))
            rows = [tuple(None if v is None else str(v) for v in r) for r in answer.rows]
            times.append(time.perf_counter() - t)
        out[label] = (statistics.median(times), rows)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--file-repeat", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="Only these queries.")
    ap.add_argument("--no-file", action="store_true", help="Time the store only (skip the slow file runs).")
    a = ap.parse_args()
    import pyoxigraph as ox

    from graphbuild.fastquery import load
    from graphbuild.graphstore import current_store
    from graphbuild.querydefs import bundled

    graph = a.out / "graph.ttl"
    kept = current_store(graph)
    if kept is None:
        sys.exit(f"{graph}: no current store in {a.out / '.graphbuild'}: build it with this graphbuild first")
    names = a.only or sorted(bundled())
    t = time.perf_counter()
    store = ox.Store.read_only(str(kept))
    open_s = time.perf_counter() - t
    params = pick_params(store)
    print(f"graph: {graph} ({graph.stat().st_size / 1e6:.0f} MB, {len(store)} triples); parameters: {params}\n")
    todo = cases(names, params)
    after = query_times(store, todo, a.repeat)
    del store
    before, load_s = {}, None
    if not a.no_file:
        t = time.perf_counter()
        mem = load(graph)
        load_s = time.perf_counter() - t
        before = query_times(mem, todo, a.file_repeat)
        del mem

    py = sys.executable
    with tempfile.TemporaryDirectory() as empty:
        def cmd(label, file):
            name, bound = todo[label]
            c = [py, "-m", "graphbuild", "query", name, "--graph", str(graph), "--format", "csv"]
            for k, v in bound.items():
                c += ["-p", f"{k}={v}"]
            return c + (["--store", empty, "--timeout", "3600"] if file else [])
        whole_after: dict[str, list[float]] = {}
        floor = []
        for _ in range(a.repeat):  # interleaved, so the machine's load hits every query alike
            floor.append(wall([py, "-c", "pass"]))
            for label in todo:
                whole_after.setdefault(label, []).append(wall(cmd(label, False)))
        whole_before = {}
        if not a.no_file:
            for label in todo:
                whole_before[label] = statistics.median(wall(cmd(label, True)) for _ in range(a.file_repeat))

    print(f"store opened read-only in {open_s:.3f} s" + (f"; graph.ttl parsed in {load_s:.1f} s" if load_s else ""))
    print(f"python -c pass: {statistics.median(floor):.3f} s (median of {a.repeat})\n")
    print("| query | rows | whole process, file s | whole process, store s | query alone, file s "
          "| query alone, store s | same rows |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in todo:
        s_time, s_rows = after[name]
        b = before.get(name)
        same = "" if b is None else ("yes" if b[1] == s_rows else
                                     "same set, other order" if sorted(b[1], key=str) == sorted(s_rows, key=str)
                                     else "NO")
        f = lambda x: "" if x is None else f"{x:.3f}"
        print(f"| `{name}` | {len(s_rows)} | {f(whole_before.get(name))} | {f(statistics.median(whole_after[name]))} "
              f"| {f(b[0] if b else None)} | {f(s_time)} | {same} |")


if __name__ == "__main__":
    main()
