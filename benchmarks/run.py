"""Build speed and memory next to a floor measured in the same run.

usage: python benchmarks/run.py [--sizes 1000 10000] [--repeat 3] [--python PY] [--no-page]

For each size it generates a deterministic synthetic feed (benchmarks/gen_feed.py), then runs,
each in its own process, `repeat` times:
  floor  lxml alone: iterparse the feed, parse every description with lxml's HTML parser, walk
         every link (the least any reader of these posts must do);
  build  `graphbuild build FEED --no-html -q --fresh --jobs J` (Turtle + report; J default: the
         number of cores), and once with the HTML page;
  +100   the same feed with 100 more posts, built on the state the build kept (`--store`): only
         the new posts are extracted (an incremental build);
  nothing new  the same feed built again on its own state: the outputs stand (graphbuild/uptodate.py);
and prints medians of wall time, CPU time (user + system of the process and its worker processes:
what compares on a machine shared with other work) and peak RSS (ru_maxrss: on Linux the largest of
the process and its worker processes, not their sum) as a Markdown table. ``--python`` runs another
installation (e.g. a virtual environment of the main branch) for a before/after table; ``--no-page``
skips the build with the HTML page (slow at 10,000 posts and more).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
FLOOR = r"""
import sys, lxml.html
from lxml import etree
n = 0
for _, el in etree.iterparse(sys.argv[1], tag="item", resolve_entities=False, no_network=True):
    root = lxml.html.fragment_fromstring(el.findtext("description") or "", create_parent="div")
    n += sum(1 for a in root.iter("a") if a.get("href"))
    el.clear()
print(n)
"""


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of one child process (with its worker processes)."""
    t = time.perf_counter()
    # run from the output folder: `python -m graphbuild` from the checkout would import the checkout's
    # package, whatever installation --python names
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=OUT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def median_of(cmd: list[str], repeat: int) -> tuple[float, float, float]:
    runs = [timed(cmd) for _ in range(repeat)]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


READER = r"""
import sys
from graphbuild.feeds import parse_feed
with open(sys.argv[1], "rb") as f:
    feed = parse_feed(f, sys.argv[1])
print(len(feed.items))
"""


def reader_memory(posts: int, repeat: int) -> str:
    """The streaming reader alone on a big feed: peak RSS next to the lxml floor and the file size."""
    py = sys.executable
    feed = OUT / f"feed-{posts}.xml"
    if not feed.exists():
        subprocess.run([py, str(HERE / "gen_feed.py"), str(posts), str(feed)], check=True)
    mb = feed.stat().st_size / 2**20
    floor = median_of([py, "-c", FLOOR, str(feed)], repeat)
    reader = median_of([py, "-c", READER, str(feed)], repeat)
    return (f"\nreader alone on a {mb:.0f} MB feed ({posts} posts): {reader[0]:.1f} s, peak {reader[1]:.0f} MiB; "
            f"lxml floor {floor[0]:.1f} s, peak {floor[1]:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--python", default=sys.executable, help="the Python (installation) to run graphbuild with")
    ap.add_argument("--no-page", action="store_true", help="skip the build that also writes the HTML page")
    ap.add_argument("--reader-posts", type=int, default=40000,
                    help="posts of the big feed (40000 posts is about 210 MB) for the reader's memory; 0 skips it")
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    py = a.python
    gb = [py, "-m", "graphbuild"]
    rows = []
    for n in a.sizes:
        feed, more = OUT / f"feed-{n}.xml", OUT / f"feed-{n + 100}.xml"
        for size, path in ((n, feed), (n + 100, more)):  # the first n posts of both are the same
            if not path.exists():
                subprocess.run([py, str(HERE / "gen_feed.py"), str(size), str(path)], check=True)
        jobs = ["--jobs", str(a.jobs)]
        with tempfile.TemporaryDirectory() as tmp:
            floor = median_of([py, "-c", FLOOR, str(feed)], a.repeat)
            build = median_of(gb + ["build", str(feed), "--out", tmp, "--no-html", "-q", "--fresh"] + jobs, a.repeat)
            full = (0.0, 0.0, 0.0) if a.no_page else \
                median_of(gb + ["build", str(feed), "--out", tmp, "-q", "--fresh"] + jobs, 1 if n > 2000 else a.repeat)
            triples = sum(1 for _ in open(Path(tmp) / "graph.ttl", encoding="utf-8"))
            again, incremental = [], []
            for _ in range(a.repeat):
                subprocess.run(gb + ["build", str(feed), "--out", tmp, "--no-html", "-q"] + jobs, check=True, cwd=OUT)
                again.append(timed(gb + ["build", str(feed), "--out", tmp, "--no-html", "-q"] + jobs))
                incremental.append(timed(gb + ["build", str(more), "--out", tmp, "--no-html", "-q"] + jobs))
            plus = tuple(statistics.median(r[i] for r in incremental) for i in range(3))
            same = tuple(statistics.median(r[i] for r in again) for i in range(3))
        rows.append((n, feed.stat().st_size / 2**20, floor, build, full, triples, plus, same))
        print(f"{n} posts done", file=sys.stderr)
    print(f"{py}, {os.cpu_count()} cores, --jobs {a.jobs}, medians of {a.repeat} runs (10,000 posts and more: "
          f"the page once)\n")
    print("| posts | feed MB | floor s | floor CPU s | floor MiB | build s | build CPU s | posts/s | x floor (CPU) | build MiB "
          "| build+html s | build+html MiB | Turtle lines | +100 posts s | +100 CPU s | +100 MiB "
          "| nothing new s | nothing new MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, mb, (fs, fm, fc), (bs, bm, bc), (hs, hm, _), lines, (ps, pm, pc), (ss, sm, _) in rows:
        page = ("| - | - " if a.no_page else f"| {hs:.2f} | {hm:.0f} ")
        print(f"| {n} | {mb:.1f} | {fs:.2f} | {fc:.2f} | {fm:.0f} | {bs:.2f} | {bc:.1f} | {n / bs:.0f} | {bc / fc:.0f} "
              f"| {bm:.0f} {page}| {lines} | {ps:.2f} | {pc:.1f} | {pm:.0f} | {ss:.2f} | {sm:.0f} |")
    if a.reader_posts:
        print(reader_memory(a.reader_posts, a.repeat))


if __name__ == "__main__":
    main()
