"""Where a build's time and memory go: the command line's build, stage by stage, in one process.

usage: python benchmarks/stages.py FEED OUT [--fresh] [--no-html] [--max-feed-bytes=N]

Runs what ``graphbuild build FEED --out OUT -q`` runs (a lean build with the extraction cache, the
kept store and the provenance kept aside in ``OUT/.graphbuild``, the cores as ``--jobs``, the same
garbage-collector settings, then the outputs) and prints, for each stage the progress line names
(the reading of the feed is told apart from the extraction by the first post's result), its wall time, the CPU time of this process
(worker processes and the kept store's loader are not counted: compare wall and CPU to see what ran
beside it), the RSS when it began and its own peak RSS (where Linux lets the peak be reset at each
stage; else the process's peak by the stage's end). ``--fresh`` clears the state first
(every post extracted); without it, a second run on a feed with new posts measures a rebuild. The
whole-build figures in docs/performance.md are ``/usr/bin/time`` of the command itself; this script
says which stage they come from. ``--max-feed-bytes=N``: as the build's option (a feed of 100,000
generated posts is over the default limit).
"""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path


def _rss() -> tuple[int, int]:
    """(RSS, peak RSS since the last mark) of this process in MiB; the peak is then set back to the
    RSS (Linux: ``5`` written to ``/proc/self/clear_refs``), so that each stage's own peak is seen."""
    status = Path("/proc/self/status").read_text()
    kb = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
          if line.startswith(("VmRSS", "VmHWM"))}
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or not allowed: the peak is then the process's so far
        pass
    return kb["VmRSS"] // 1024, kb["VmHWM"] // 1024


class Marks:
    """The build's progress hook: one mark per stage (the extraction's end, then each ``stage``)."""

    def __init__(self) -> None:
        self.marks = [("reading the feed", time.perf_counter(), time.process_time(), _rss())]
        self.extracted = False

    def __call__(self, done: int, total: int) -> None:
        if done == 1 and len(self.marks) == 1:
            self.stage("extracting (from the first post's result)")
        if done == total and not self.extracted:
            self.extracted = True
            self.stage("(extraction done)")

    def stage(self, name: str) -> None:
        self.marks.append((name, time.perf_counter(), time.process_time(), _rss()))


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    from graphbuild import cli
    from graphbuild.feeds import Limits
    from graphbuild.graph import build
    from graphbuild.graphstore import STATE_DIR, Keeper
    from graphbuild.pipeline import default_jobs

    feed, out = args[0], Path(args[1])
    state = out / STATE_DIR
    if "--fresh" in argv and state.exists():
        cli._clear_state(state)
    marks = Marks()
    keeper = Keeper(state)
    gc.disable()  # as the command line does (graphbuild/cli.py)
    most = [int(a.split("=", 1)[1]) for a in argv if a.startswith("--max-feed-bytes=")]
    limits = Limits(max_feed_bytes=most[-1]) if most else Limits()
    b = build([feed], jobs=default_jobs(), store=state, progress=marks, keeper=keeper, lean=True, limits=limits,
              aside=state)
    cli._freeze_build()
    gc.enable()
    try:
        cli._write_outputs(b, out, "--no-html" in argv, state, marks.stage, keeper)
    finally:
        keeper.abort()
        b.aside.remove()
    marks.stage("end")
    print(f"{'stage':44s} {'wall s':>8s} {'CPU s':>8s} {'RSS MiB at start':>17s} {'peak MiB in it':>16s}")
    for (name, w, c, r), (_, w2, c2, r2) in zip(marks.marks, marks.marks[1:]):
        print(f"{name:44s} {w2 - w:8.2f} {c2 - c:8.2f} {r[0]:17,} {r2[1]:16,}")
    first, last = marks.marks[0], marks.marks[-1]
    peak = max(r[1] for *_, r in marks.marks[1:])  # (the reset clears getrusage's peak too)
    print(f"{'in all':44s} {last[1] - first[1]:8.2f} {last[2] - first[2]:8.2f} {'':17s} {peak:16,}")


if __name__ == "__main__":
    main(sys.argv[1:])
