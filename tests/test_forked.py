"""Work a big build hands to forked processes (graphbuild/forked.py, graphstore.Keeper): the kept
store copied while the analysis runs, betweenness beside Louvain, the gazetteer and graph.ttl in
two halves.
Whatever is forked, the outputs are the bytes one process writes, and a child that fails is
reported, never a half-made store. The thresholds are set to 0 here, so the bundled feed's small
graph takes the forked paths a 1,000-post feed takes."""
import json
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest

from graphbuild import forked, graphstore
from graphbuild.namespaces import GB

OUTPUTS = ("graph.ttl", "graph.html", "report.md", "report.html")
PAGERANK = ox.NamedNode(str(GB.pageRank))

# Each case runs in a new process, as a build does: a process that has opened an on-disk store
# before (this test session has) runs RocksDB threads, and rightly never forks (forked.can_fork).
PRELUDE = """
import json, os, sys
import pyoxigraph as ox
from graphbuild import analysis, export, forked, graphstore, resolve

def thresholds(n):
    graphstore.FORK_TRIPLES = analysis.FORK_TIES = resolve.GAZETTEER_FORK_POSTS = export.SPLIT_TRIPLES = n

started = []
real_init, real_start = forked.Forked.__init__, graphstore.Keeper.start
def init(self, fork, fn, *args):
    real_init(self, fork, fn, *args)
    started.append([fn.__name__, self._child is not None])
def start(self, source):
    real_start(self, source)
    started.append(["keeper", self._child is not None])
forked.Forked.__init__, graphstore.Keeper.start = init, start

def quad(i):
    return ox.Quad(ox.NamedNode(f"https://test.example/s{i}"), ox.NamedNode("https://test.example/p"),
                   ox.Literal(str(i)))

def forked_keeper(n):
    # a store of n triples and a keeper forked to copy it, in sys.argv[1]/state
    thresholds(0)
    source = ox.Store()
    source.bulk_extend([quad(i) for i in range(n)])
    keeper = graphstore.Keeper(sys.argv[1] + "/state")
    keeper.start(source)
    assert keeper._child is not None
    return source, keeper

def graph_file(folder):
    with open(os.path.join(folder, "graph.ttl"), "w") as f:
        f.write("# a graph file the stamp names")
    return os.path.join(folder, "graph.ttl")
"""

BUILD = """
thresholds(int(sys.argv[2]))
from graphbuild.cli import cli
try:
    cli.main(["build", "--out", sys.argv[1], "-q", "--jobs", "1", "--fresh", *sys.argv[3:]])
except SystemExit as e:
    assert not e.code, e.code
print(json.dumps(sorted(started)))
"""


def fresh(code: str, *args) -> str:
    p = subprocess.run([sys.executable, "-c", PRELUDE + code, *map(str, args)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_forked_stages_write_the_bytes_one_process_writes(tmp_path):
    both = {}
    for name, threshold, fork in (("forked", 0, True), ("one", 10**12, False)):
        started = json.loads(fresh(BUILD, tmp_path / name, threshold))
        assert started == sorted([["_gazetteer_pass", fork], ["betweenness", fork], ["keeper", fork],
                                  ["_write", fork]])  # graph.ttl in two halves
        both[name] = {f: (tmp_path / name / f).read_bytes() for f in OUTPUTS}
    for f in OUTPUTS:
        assert both["forked"][f] == both["one"][f], f"{f} differs when work is forked"


def test_the_store_copied_during_the_analysis_holds_graph_ttl_with_the_analysis(tmp_path):
    assert ["keeper", True] in json.loads(fresh(BUILD, tmp_path, 0, "--no-html"))
    kept = graphstore.current_store(tmp_path / "graph.ttl")
    assert kept is not None
    disk = set(ox.Store.read_only(str(kept)))
    from_file = set(ox.parse(path=str(tmp_path / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert disk == {ox.Quad(t.subject, t.predicate, t.object) for t in from_file}
    assert any(q.predicate == PAGERANK for q in disk)  # added after the copy began, and kept too
    assert not [p for p in (tmp_path / ".graphbuild").iterdir() if p.name.startswith(".")]


def test_a_store_changed_behind_the_keepers_back_is_copied_again(tmp_path):
    fresh("""
source, keeper = forked_keeper(50)
keeper.add([quad(50)])
source.bulk_extend([quad(50), quad(51)])  # 51 was not told to the keeper
keeper.finish(graph_file(sys.argv[1]), "0" * 64)
""", tmp_path)
    kept = graphstore.current_store(tmp_path / "graph.ttl", tmp_path / "state")
    assert set(ox.Store.read_only(str(kept))) == {_quad(i) for i in range(52)}


def test_a_failing_copy_is_reported_and_leaves_nothing(tmp_path):
    out = fresh("""
def full(path, source, later=None):
    ox.Store(str(path)).bulk_extend([quad(1)])
    raise OSError("No space left on device")
graphstore._fill = full  # the child, forked after this, runs it
source, keeper = forked_keeper(1)
try:
    keeper.finish(graph_file(sys.argv[1]), "0" * 64)
except RuntimeError as e:
    print(e)
""", tmp_path)
    assert "OSError: No space left on device" in out
    assert os.listdir(tmp_path / "state") == []
    assert graphstore.current_store(tmp_path / "graph.ttl", tmp_path / "state") is None


def test_an_aborted_keeper_stops_its_copy_and_removes_it(tmp_path):
    fresh("""
source, keeper = forked_keeper(10)
child = keeper._child
keeper.abort()  # the build failed after its triples were in
assert not child.is_alive()
""", tmp_path)
    assert os.listdir(tmp_path / "state") == []


def _quad(i):
    return ox.Quad(ox.NamedNode(f"https://test.example/s{i}"), ox.NamedNode("https://test.example/p"),
                   ox.Literal(str(i)))


def test_no_fork_in_a_process_that_runs_other_threads():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not forked.can_fork() and not forked.can_fork_python()
        job = forked.Forked(True, sorted, [2, 1])
        assert job._child is None and job.result() == [1, 2]  # done here instead
    finally:
        stop.set()
        t.join()


def _boom(x):
    raise ValueError(f"bad {x}")


def _die():
    os._exit(3)


def test_forked_gives_the_value_or_the_error_of_its_work(monkeypatch):
    monkeypatch.setattr(forked, "can_fork_python", lambda: True)  # no other thread in CI; maybe here
    job = forked.Forked(True, sorted, [3, 1, 2])
    assert job._child is not None
    assert job.result() == [1, 2, 3]
    assert forked.Forked(False, sorted, [2, 1]).result() == [1, 2]  # not forked: computed here
    with pytest.raises(ValueError, match="bad 7"):
        forked.Forked(True, _boom, 7).result()
    with pytest.raises(RuntimeError, match="exit code 3"):
        forked.Forked(True, _die).result()


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_a_graph_written_in_two_halves_is_the_bytes_of_one_pass(fmt):
    from graphbuild import export
    from graphbuild.graph import build_graph

    g = build_graph()
    store = g.store._inner
    oxfmt = export.FORMATS[fmt][1]
    prefixes = export.prefixes_of(g) if fmt == "ttl" else None
    one_pass = export._sorted_header(ox.serialize(export._store_triples(store), format=oxfmt, prefixes=prefixes))
    halves = export.serialize(g, fmt)
    assert halves == one_pass
    assert halves.count(b"@prefix ") == (len(prefixes) if prefixes else 0)  # one header, not two
