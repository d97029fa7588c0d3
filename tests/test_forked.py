"""Work a big build hands to other processes (graphbuild/forked.py, graphstore.Keeper): the kept
store loaded while the analysis runs, the gazetteer over two halves of the posts; and graph.ttl
written in pieces.
Whatever is forked, the outputs are the bytes one process writes, and a child that fails is
reported, never a half-made store. The thresholds are set to 0 here, so the bundled feed's small
graph takes the forked paths a 1,000-post feed takes."""
import hashlib
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

# Builds run in a new process, as from the command line: a process with other Python threads (a
# test session may have some) rightly never forks (forked.can_fork).
PRELUDE = """
import json, os, sys
import pyoxigraph as ox
from graphbuild import forked, graphstore, resolve

def thresholds(n):
    graphstore.LOADER_TRIPLES = resolve.GAZETTEER_FORK_POSTS = n
    graphstore.FOLLOW_BYTES = max(n, 1)  # 0: the loading process starts at the sink's first write

started = []
real_init, real_start = forked.Forked.__init__, graphstore.Keeper.start
def init(self, fork, fn, *args):
    real_init(self, fork, fn, *args)
    started.append([fn.__name__, self._child is not None])
def start(self, source, *rest):
    real_start(self, source, *rest)
    started.append(["keeper", self._child is not None])
forked.Forked.__init__, graphstore.Keeper.start = init, start

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
        assert started == [["_gazetteer_pass", fork], ["keeper", fork]]
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


def _keeper_of(tmp_path, n):
    """A store of ``n`` triples and a keeper whose process loads it (threshold 0), in tmp_path/state."""
    source = ox.Store()
    source.bulk_extend([_quad(i) for i in range(n)])
    keeper = graphstore.Keeper(tmp_path / "state")
    keeper.start(source)
    assert keeper._child is not None
    return source, keeper


def _graph_file(tmp_path):
    graph = tmp_path / "graph.ttl"
    graph.write_text("# a graph file the stamp names")
    return graph


def test_a_store_changed_behind_the_keepers_back_is_copied_again(tmp_path, monkeypatch):
    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    source, keeper = _keeper_of(tmp_path, 50)
    keeper.add([_quad(50)])
    source.bulk_extend([_quad(50), _quad(51)])  # 51 was not told to the keeper
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(52)}
    assert sorted(p.name for p in kept.iterdir()) == ["oxigraph", "stamp.json"]  # the dump is gone


def test_the_loading_process_gets_what_the_build_added_after_it_began(tmp_path, monkeypatch):
    """What add() gives it (the analysis's triples) is all it will get: it loads them and
    compacts the store while the build writes its files, before finish() is called."""
    import time

    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    source, keeper = _keeper_of(tmp_path, 30)
    later = [_quad(i) for i in range(30, 40)]
    source.bulk_extend(later)
    keeper.add(later)
    deadline = time.monotonic() + 60
    while keeper._child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert keeper._child.returncode == 0  # done, before finish
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(40)}


def test_what_is_added_after_the_loading_process_was_told_it_had_all_is_copied_again(tmp_path, monkeypatch):
    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    source, keeper = _keeper_of(tmp_path, 30)
    for i in (30, 31):  # two adds: the process has ended its input after the first
        source.add(_quad(i))
        keeper.add([_quad(i)])
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(32)}


def test_the_loading_process_runs_below_the_build(tmp_path, monkeypatch):
    """It has the core the build leaves idle, not the build's (its niceness LOADER_NICE higher,
    read while it waits for the build's last triples)."""
    import time

    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    source, keeper = _keeper_of(tmp_path, 10)
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    deadline = time.monotonic() + 30
    while os.getpriority(os.PRIO_PROCESS, keeper._child.pid) == mine and time.monotonic() < deadline:
        time.sleep(0.05)  # until it has started and lowered itself
    assert os.getpriority(os.PRIO_PROCESS, keeper._child.pid) == min(19, mine + graphstore.LOADER_NICE)
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(10)}


def test_a_loading_process_that_dies_is_reported_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    source, keeper = _keeper_of(tmp_path, 10)
    keeper._child.kill()  # as the kernel's OOM killer would
    with pytest.raises(RuntimeError, match="stopped"):
        keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert os.listdir(tmp_path / "state") == []
    assert graphstore.current_store(tmp_path / "graph.ttl", tmp_path / "state") is None


def test_an_aborted_keeper_stops_its_copy_and_removes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    source, keeper = _keeper_of(tmp_path, 10)
    child = keeper._child
    keeper.abort()  # the build failed after its triples were in
    assert child.poll() is not None
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
        assert not forked.can_fork()
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
    monkeypatch.setattr(forked, "can_fork", lambda: True)  # no other thread in CI; maybe here
    job = forked.Forked(True, sorted, [3, 1, 2])
    assert job._child is not None
    assert job.result() == [1, 2, 3]
    assert forked.Forked(False, sorted, [2, 1]).result() == [1, 2]  # not forked: computed here
    with pytest.raises(ValueError, match="bad 7"):
        forked.Forked(True, _boom, 7).result()
    with pytest.raises(RuntimeError, match="exit code 3"):
        forked.Forked(True, _die).result()


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_a_graph_written_in_pieces_is_the_bytes_of_one_pass(fmt, tmp_path):
    from graphbuild import export
    from graphbuild.graph import build_graph

    g = build_graph()
    oxfmt = export.FORMATS[fmt][1]
    prefixes = export.prefixes_of(g) if fmt == "ttl" else None
    one_pass = export._sorted_header(ox.serialize(export._store_triples(g.store._inner), format=oxfmt,
                                                  prefixes=prefixes))
    path, sha256 = export.write_graph(g, tmp_path / f"graph.{fmt}", fmt)
    assert path.read_bytes() == export.serialize(g, fmt) == one_pass
    assert sha256 == hashlib.sha256(one_pass).hexdigest()
    assert one_pass.count(b"@prefix ") == (len(prefixes) if prefixes else 0)


@pytest.mark.parametrize("size", [1, 3, 7, 8, 9, 100, 10**6])
def test_the_header_is_sorted_whatever_the_writer_s_chunks(size):
    from graphbuild.export import _HeaderSorted, _sorted_header

    turtle = (b"@prefix schema: <https://schema.org/> .\n@prefix doap: <http://usefulinc.com/ns/doap#> .\n"
              b"@prefix ex: <http://example.org/> .\nex:a schema:name \"@prefix is no prefix here\" .\n")
    cases = [turtle, b"@prefix ex: <http://example.org/> .\n@prefix a: <http://a/> .",  # nothing but a header
             b"<http://a> <http://b> <http://c> .\n", b"@pre", b""]
    for data in cases:
        out = []
        w = _HeaderSorted(out.append)
        for i in range(0, len(data), size):
            w.write(data[i:i + size])
        w.close()
        assert b"".join(out) == _sorted_header(data)
    assert _sorted_header(turtle).startswith(b"@prefix doap: <http://usefulinc.com/ns/doap#> .\n@prefix ex:")


def test_an_unknown_format_is_refused_before_any_file_or_folder_is_made(tmp_path, reference_graph):
    from graphbuild.errors import ExportError
    from graphbuild.export import export_graph

    with pytest.raises(ExportError, match="Unknown format 'foo'"):
        export_graph(reference_graph, tmp_path / "new" / "graph.foo")
    assert list(tmp_path.iterdir()) == []


def test_a_keeper_given_the_builds_n_triples_loads_them_without_dumping_the_store(tmp_path, monkeypatch):
    """What the build wrote in the keeper's sink is what the loading process reads: the source
    store here holds other triples of the same number, and the kept store has the sink's."""
    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    keeper = graphstore.Keeper(tmp_path / "state")
    sink = keeper.sink()
    sink.write(ox.serialize([_quad(i) for i in range(20)], format=ox.RdfFormat.N_TRIPLES))
    sink.write(ox.serialize([_quad(3)], format=ox.RdfFormat.N_TRIPLES))  # a line twice: one triple
    source = ox.Store()
    source.bulk_extend([_quad(i) for i in range(100, 120)])
    keeper.start(source)
    assert sink.closed and keeper._child is not None
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(20)}
    assert sorted(p.name for p in kept.iterdir()) == ["oxigraph", "stamp.json"]


def test_the_loading_process_starts_while_the_sink_is_written_and_reads_it_to_the_end(tmp_path, monkeypatch):
    """From FOLLOW_BYTES written (here one), the loading process starts and reads the sink as it
    grows; the build then writes more, and start() tells it where the sink ends."""
    monkeypatch.setattr(graphstore, "LOADER_TRIPLES", 0)
    monkeypatch.setattr(graphstore, "FOLLOW_BYTES", 1)
    keeper = graphstore.Keeper(tmp_path / "state")
    sink = keeper.sink()
    sink.write(ox.serialize([_quad(i) for i in range(20)], format=ox.RdfFormat.N_TRIPLES))
    assert keeper._child is not None  # started by the first write, before start()
    first = keeper._child
    sink.write(ox.serialize([_quad(i) for i in range(20, 40)], format=ox.RdfFormat.N_TRIPLES))
    source = ox.Store()
    source.bulk_extend([_quad(i) for i in range(40)])
    keeper.start(source)
    assert keeper._child is first
    keeper.add([_quad(40)])
    source.add(_quad(40))
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(41)}


def test_a_loading_process_the_sink_started_for_a_graph_too_small_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(graphstore, "FOLLOW_BYTES", 1)  # LOADER_TRIPLES as it is: 5 triples are few
    keeper = graphstore.Keeper(tmp_path / "state")
    sink = keeper.sink()
    sink.write(ox.serialize([_quad(i) for i in range(5)], format=ox.RdfFormat.N_TRIPLES))
    child = keeper._child
    assert child is not None
    source = ox.Store()
    source.bulk_extend([_quad(i) for i in range(5)])
    keeper.start(source)
    assert keeper._child is None and child.poll() is not None
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(5)}


def test_a_file_still_being_written_is_read_to_the_length_given_at_the_end(tmp_path):
    """graphstore._growing: what is there, then more as it comes (a line cut in two included),
    until the length comes on the control pipe, then what was appended up to the next length,
    until the pipe ends; a file that ends short of a length, or a control pipe closed without one
    (the build died), is an error, never a store taken for complete."""
    import io
    import threading
    import time

    lines = ox.serialize([_quad(i) for i in range(300)], format=ox.RdfFormat.N_TRIPLES)
    path = tmp_path / "graph.nt"
    path.write_bytes(b"")
    r, w = os.pipe()

    def writer():
        with open(path, "ab") as f:
            for at in range(0, len(lines), 997):  # pieces that cut lines in two
                f.write(lines[at:at + 997])
                f.flush()
                time.sleep(0.01)
        os.write(w, b"%d\n" % len(lines))
        with open(path, "ab") as f:  # more after that length (the analysis's), and its length
            f.write(more)
        os.write(w, b"%d\n" % (len(lines) + len(more)))
        os.close(w)  # no more

    more = ox.serialize([_quad(i) for i in range(300, 310)], format=ox.RdfFormat.N_TRIPLES)
    thread = threading.Thread(target=writer)
    thread.start()
    disk = ox.Store(str(tmp_path / "kept"))
    with open(path, "rb") as f, os.fdopen(r, "rb") as control:
        graphstore._load_lines(disk, graphstore._growing(f, control, wait=0.01), chunk=4096)
    thread.join()
    assert set(disk) == {_quad(i) for i in range(310)}

    for said, then_close in ((path.stat().st_size + 10, False), (None, True)):
        r, w = os.pipe()
        with open(path, "rb") as f, os.fdopen(r, "rb") as control:
            if said is not None:
                os.write(w, b"%d\n" % said)
            if then_close:
                os.close(w)
            with pytest.raises(RuntimeError, match="before"):
                graphstore._load_lines(ox.Store(), graphstore._growing(f, control, wait=0.01))
        if not then_close:
            os.close(w)


def test_a_small_graph_written_to_the_sink_is_copied_from_the_store_at_the_end(tmp_path):
    keeper = graphstore.Keeper(tmp_path / "state")  # the threshold as it is: 5 triples are few
    sink = keeper.sink()
    sink.write(ox.serialize([_quad(i) for i in range(5)], format=ox.RdfFormat.N_TRIPLES))
    source = ox.Store()
    source.bulk_extend([_quad(i) for i in range(5)])
    keeper.start(source)
    assert keeper._child is None and not (keeper.tmp / "graph.nt").exists()
    source.bulk_extend([_quad(5)])
    kept = keeper.finish(_graph_file(tmp_path), "0" * 64)
    assert set(ox.Store.read_only(str(kept / "oxigraph"))) == {_quad(i) for i in range(6)}


def test_an_aborted_keeper_closes_its_sink_and_leaves_nothing(tmp_path):
    keeper = graphstore.Keeper(tmp_path / "state")
    sink = keeper.sink()
    sink.write(ox.serialize([_quad(1)], format=ox.RdfFormat.N_TRIPLES))
    keeper.abort()
    assert sink.closed and os.listdir(tmp_path / "state") == []
