"""Extraction time against post length: it should grow linearly (1 KB .. 1 MB).

usage: python benchmarks/extract_scaling.py [--sizes 1 10 100 1000] [--repeat 5]

Posts of each size (KB of text) are made of
  paragraphs   the bundled feed's paragraphs, repeated in order (a long realistic post);
  one block    the same text as one paragraph (every per-block pass sees all of it at once);
  adversarial  the strings of tests/test_budget.py (long capitalised names, 10,000-character tokens,
               thousands of commas and "and"s, nested brackets, ...), each cut or repeated to an equal
               share of the post, run together as one paragraph.
For each, the median CPU time of `repeat` runs of all extractors (no budget), and of the gazetteer
pass of a build (resolution, list and package names, known names) over the same post, next to a
floor measured in the same run: one regex pass splitting the text into words. Linear extraction
keeps "ms/KB" and "x floor" flat as the size grows tenfold.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from functools import _lru_cache_wrapper
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import re  # noqa: E402

from graphbuild import extractors, names, text as text_mod  # noqa: E402
from graphbuild.graph import extract, load_feeds  # noqa: E402
from graphbuild.models import Block, FeedItem  # noqa: E402
from graphbuild.resolve import gazetteer_mentions, resolve  # noqa: E402

WORDS = re.compile(r"\S+")


def clear_caches() -> None:
    """Drop the memoised phrases and sentence ends, so that every run does the whole work."""
    for mod in (names, text_mod):
        for f in vars(mod).values():
            if isinstance(f, _lru_cache_wrapper):
                f.cache_clear()


def cpu(work) -> float:
    clear_caches()
    t = time.process_time()
    work()
    return time.process_time() - t


def blocks_of(paragraphs: list[Block], size: int, one_block: bool) -> tuple[Block, ...]:
    out, n, i = [], 0, 0
    while n < size:
        b = paragraphs[i % len(paragraphs)]
        out.append(b)
        n += len(b.text) + 1
        i += 1
    if one_block:
        text = " ".join(b.text for b in out)[:size]
        return (Block(text),)
    return tuple(out)


def adversarial_block(size: int) -> tuple[Block, ...]:
    from test_budget import ADVERSARIAL

    # every adversarial string at each size, each cut (or repeated) to its share of the post
    share = size // len(ADVERSARIAL)
    pieces = [(v * (share // len(v) + 1))[:share - 1] for v in ADVERSARIAL.values()]
    return (Block(" ".join(pieces)),)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000], help="post sizes in KB")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    feed = load_feeds()[0]
    paragraphs = [b for i in feed.items for b in i.blocks if len(b.text) > 40]
    base = feed.items[0]
    print("| post | KB | floor ms | extract ms | ms/KB | x floor | gazetteer ms | ms/KB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("paragraphs", "one block", "adversarial"):
        for kb in a.sizes:
            size = kb * 1000
            blocks = adversarial_block(size) if kind == "adversarial" else blocks_of(paragraphs, size, kind == "one block")
            item: FeedItem = replace(base, blocks=blocks)
            text = "\n".join(b.text for b in blocks)
            ctx = extractors.Context()
            floor = statistics.median(cpu(lambda: sum(1 for _ in WORDS.finditer(text))) for _ in range(a.repeat))
            ex = statistics.median(cpu(lambda: list(extractors.run_extractors([item], None, ctx)))
                                   for _ in range(a.repeat))
            first = resolve(extract([item])[0])
            gz = statistics.median(cpu(lambda: gazetteer_mentions([item], first)) for _ in range(a.repeat))
            print(f"| {kind} | {kb} | {floor * 1e3:.1f} | {ex * 1e3:.0f} | {ex * 1e3 / kb:.2f} | "
                  f"{ex / floor:.0f} | {gz * 1e3:.0f} | {gz * 1e3 / kb:.2f} |", flush=True)


if __name__ == "__main__":
    main()
