"""`graphbuild query` on the reference graph, whole process, next to `python -c "import rdflib"`.

usage: python benchmarks/query.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time


def wall(cmd: list[str], cwd: str) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([py, "-m", "graphbuild", "build", "-q", "--no-html", "--out", f"{tmp}/output"], check=True)
        cases = {
            'python -c "import rdflib"': [py, "-c", "import rdflib"],
            "graphbuild query top_mentioned": [py, "-m", "graphbuild", "query", "top_mentioned"],
            "graphbuild query entity_posts -p entity=BIDS": [py, "-m", "graphbuild", "query", "entity_posts", "-p", "entity=BIDS"],
            "graphbuild query co_mentions --format json": [py, "-m", "graphbuild", "query", "co_mentions", "--format", "json"],
        }
        results = {}
        for _ in range(a.repeat):  # interleaved, so load on the machine hits every case alike
            for name, cmd in cases.items():
                results.setdefault(name, []).append(wall(cmd, tmp))
    floor = statistics.median(results['python -c "import rdflib"'])
    print(f"medians of {a.repeat} runs, whole process\n")
    print("| command | median s | x import rdflib |\n|---|---:|---:|")
    for name, times in results.items():
        m = statistics.median(times)
        print(f"| `{name}` | {m:.3f} | {m / floor:.2f} |")


if __name__ == "__main__":
    main()
