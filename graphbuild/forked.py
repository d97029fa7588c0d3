"""Work done by a forked process while this one goes on (:class:`Forked`).

A build's whole-graph stages (resolution, the graph, the analysis, the writers) run one after
the other on one core; where a piece of that work does not depend on the others, a forked
process does it on another core: it reads its arguments where they are (fork shares the memory,
nothing is sent to it) and sends back only its value.

A fork is not free in memory: the pages stay shared only until either process writes them, and a
Python process writes to old pages all the time (reference counts, the allocator reusing freed
blocks). Forked work near a big build's peak (betweenness, half of graph.ttl) put the memory of
all the processes of a 10,000-post build at 3.75 GB summed, against 2.85 GB without, and 5.3 GB
with the kept store copied by a fork too (docs/performance.md); so forks are used early in the
build only (the gazetteer), and the kept store is loaded by a new process
(:class:`graphbuild.graphstore.Keeper`).
"""
from __future__ import annotations

import multiprocessing
from typing import Callable


def python(code: str, *args: str, **popen):
    """A new Python process running ``code`` (``python -c``) with ``args``, importing graphbuild from
    where this process has it (a checkout run with PYTHONPATH, an install); ``popen``: the rest of
    :class:`subprocess.Popen`'s arguments."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, **popen)


def can_fork() -> bool:
    """Fork is there and this process runs no other Python thread (one could hold a lock the child
    then waits for forever): enough for a child that runs Python code only (and pyoxigraph's
    in-memory store, which has no threads). Threads of native libraries (a BLAS thread pool, after
    PageRank) do not matter to it: it never calls them. (A child that opens an on-disk store would
    need more: RocksDB's threads, once it ran in the parent, are not in the child; the kept store is
    loaded by a new process instead, :class:`graphbuild.graphstore.Keeper`.)"""
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Forked:
    """``fn(*args)`` computed by a forked process while this one goes on; :meth:`result` waits for
    it and returns its value (or raises its exception). The child reads its arguments where they
    are (fork shares the memory, nothing is sent) and sends back only the value, pickled. Where
    fork is not safe (:func:`can_fork`: ``fn`` must run Python code and no library with
    threads of its own), or when ``fork`` is False (work too small to pay for a process),
    :meth:`result` computes it here. The value is the same either way: a big build's whole-graph
    stages, which run on one core, use the other for work that does not depend on theirs."""

    def __init__(self, fork: bool, fn: Callable, *args) -> None:
        self.fn, self.args = fn, args
        self._conn = self._child = None
        if fork and can_fork():
            ctx = multiprocessing.get_context("fork")
            self._conn, theirs = ctx.Pipe(duplex=False)
            self._child = ctx.Process(target=_forked_child, args=(theirs, fn, args), daemon=True)
            self._child.start()
            theirs.close()

    def result(self):
        if self._child is None:
            return self.fn(*self.args)
        child = self._child
        try:
            ok, value = self._conn.recv()
        except EOFError:
            child.join()
            ok, value = False, RuntimeError(f"worker process stopped (exit code {child.exitcode})")
        finally:
            child.join()
            self._conn.close()
            self._child = None
        if not ok:
            raise value
        return value


def _forked_child(conn, fn: Callable, args) -> None:
    try:
        out = (True, fn(*args))
    except BaseException as e:  # raised again in the parent
        out = (False, e)
    try:
        conn.send(out)
    except Exception as e:  # an exception that does not pickle
        conn.send((False, RuntimeError(f"{type(out[1]).__name__}: {out[1]}; {e}")))
    conn.close()
