"""Extraction at scale: worker processes (``--jobs``) and a cache of each post's extraction (``--store``).

Extractors are pure functions of one item (and the run's URL rules), so the extraction of a post can
run in any process and be kept between builds:

* :func:`extract_items` runs the extractors over the items in ``jobs`` worker processes, in chunks,
  and puts the results back in the items' order, so the output does not depend on ``jobs``. Each
  worker runs its chunks on its main thread, where the per-post CPU budget (:mod:`graphbuild.budget`)
  has its timer.
* :class:`ExtractionCache` keeps each post's mentions and relations in a SQLite file, keyed by a hash
  of the post (everything an extractor sees but the feed's file name or URL) and of the extraction's version (the source of the
  extractors and the modules they import, the word lists, the URL rules, the extractor names and the budget). A rebuild extracts
  only new or changed posts; resolution, the graph and the outputs are made again from all posts, so
  the result equals a build from scratch. A post whose extraction overran its budget is not cached.
"""
from __future__ import annotations

import ast
import hashlib
import logging
import multiprocessing
import multiprocessing.pool
import os
import pickle
import sqlite3
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from . import extractors as registry
from .models import FeedItem, Mention, Problem, Relation
from .rules import load_rules

#: what one post's extraction gives: its mentions, its relations, and a Problem if it overran
Result = tuple[list[Mention], list[Relation], Problem | None]
#: items per task sent to a worker
CHUNK = 64
#: fewer posts to extract than this: no worker processes (starting them costs more than they save)
MIN_PARALLEL = 2 * CHUNK
#: cache format; bump when :data:`Result` changes shape
FORMAT = "1"

_worker: dict = {}
log = logging.getLogger(__name__)


def _extract_one(item: FeedItem, names, ctx, budget) -> Result:
    problems: list[Problem] = []
    mentions: list[Mention] = []
    relations: list[Relation] = []
    for out in registry.run_extractors([item], names, ctx, budget, problems):
        (relations if isinstance(out, Relation) else mentions).append(out)
    return mentions, relations, (problems[0] if problems else None)


def _init(extractors, rules, budget) -> None:
    _worker["args"] = (list(extractors) if extractors is not None else None,
                       registry.Context(load_rules(rules)), budget)


def _chunk(items: list[FeedItem]) -> list[Result]:
    names, ctx, budget = _worker["args"]
    return [_extract_one(i, names, ctx, budget) for i in items]


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _run(items: list[FeedItem], extractors, rules, budget, jobs: int) -> Iterator[Result]:
    if jobs <= 1 or len(items) < max(2, MIN_PARALLEL):
        _init(extractors, rules, budget)
        try:
            for item in items:
                yield from _chunk([item])
        finally:
            _worker.clear()
        return
    # fork where there is fork: workers inherit registered extractors and loaded modules
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    size = max(1, min(CHUNK, len(items) // (4 * jobs)))  # small runs: every worker gets some
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ctx.Pool(jobs, initializer=_init, initargs=(extractors, rules, budget)) as pool:
        for results in pool.imap(_chunk, chunks):  # imap keeps the chunks' order
            yield from results


def extract_items(items: Sequence[FeedItem], extractors: Iterable[str] | None = None,
                  rules: Iterable[str | Path] = (), item_budget: float | None = None, jobs: int = 1,
                  cache: ExtractionCache | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Iterator[Result]:
    """One :data:`Result` per item, in the items' order: from ``cache`` when it holds the item,
    else extracted (in ``jobs`` worker processes) and stored in ``cache``. ``progress(done, total)``
    is called after each item."""
    extractors = list(extractors) if extractors is not None else None
    rules = [str(r) for r in rules]
    for name in extractors if extractors is not None else registry.names():
        registry.get(name)  # an unknown name fails here, in this process
    found: dict[int, Result] = {}
    keys: list[str] = []
    if cache is not None:
        cache.start(extractors, rules, item_budget)
        keys = [cache.key(i) for i in items]
        found = cache.get_many(keys)
    todo = [i for n, i in enumerate(items) if n not in found]
    fresh = _run(todo, extractors, rules, item_budget, jobs)
    for n, item in enumerate(items):
        if progress is not None:
            progress(n + 1, len(items))
        if n in found:
            yield found.pop(n)
            continue
        result = next(fresh)
        if cache is not None and result[2] is None:
            cache.put(keys[n], result)
        yield result
    if cache is not None:
        cache.finish(keys)


def _imported(files: list[Path], pkg: Path) -> list[Path]:
    """``files`` and every module of the package they import, directly or not (relative imports)."""
    seen, todo = set(), list(files)
    while todo:
        f = todo.pop()
        if f in seen or not f.exists():
            continue
        seen.add(f)
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = f.parent
                for _ in range(node.level - 1):
                    base = base.parent
                parts = (node.module or "").split(".") if node.module else []
                target = base.joinpath(*parts)
                names = [a.name for a in node.names] if not parts or target.is_dir() else []
                todo += [target.with_suffix(".py"), target / "__init__.py"]
                todo += [p for n in names for p in (target / f"{n}.py", target / n / "__init__.py")]
    return sorted(p for p in seen if pkg in p.parents or p.parent == pkg)


def _version(extractors, rules, budget) -> str:
    """A hash of everything besides the item that an extraction depends on: the source of the
    extractors and of every module of the package they import, the word lists and URL rules
    (``graphbuild/data/*.toml``, ``*.tsv``, the user's word files), the extra rules files, the extractor
    names, the budget."""
    h = hashlib.sha256(FORMAT.encode())
    pkg = Path(__file__).resolve().parent
    roots = [Path(__file__).resolve(), pkg / "budget.py"]
    for name in extractors if extractors is not None else registry.names():
        mod = registry.get(name)
        f = getattr(mod, "__file__", None)
        h.update(f"extractor {name} {mod.__name__}\n".encode())
        if f:
            roots.append(Path(f).resolve())
    outside = [f for f in roots if pkg not in f.parents]
    files = _imported([f for f in roots if pkg in f.parents], pkg) + outside
    files += sorted(p for p in (pkg / "data").glob("*") if p.suffix in (".toml", ".tsv"))
    from .names import user_word_files

    files += user_word_files()  # the user's own words (--words) change what the extractors find
    for f in files + [Path(r) for r in rules]:
        h.update(f"{f.name}\n".encode())
        h.update(f.read_bytes())
    h.update(f"rules {rules!r} budget {budget!r}".encode())
    return h.hexdigest()


class ExtractionCache:
    """Each post's extraction, kept in ``DIR/extraction.sqlite`` between builds (see module doc)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "extraction.sqlite"
        self.version = ""
        self.hits = self.misses = 0
        self._db: sqlite3.Connection | None = None

    def start(self, extractors, rules, budget) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.version = _version(extractors, rules, budget)
        _opened(self._open, self.path, "extraction cache")

    def _open(self) -> None:
        self._db = _connect(self.path, "extraction", "key TEXT PRIMARY KEY, result BLOB")

    def key(self, item: FeedItem) -> str:
        """The hash of the item as the extractors see it, but for where its feed was read from (a
        feed file that moves, or is read from a URL instead, keeps its cache)."""
        item = replace(item, feed=replace(item.feed, source=""))
        return hashlib.sha256(f"{self.version}\n{item!r}".encode("utf-8", "surrogatepass")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[int, Result]:
        assert self._db is not None
        where: dict[str, list[int]] = {}
        for n, k in enumerate(keys):
            where.setdefault(k, []).append(n)
        out: dict[int, Result] = {}
        wanted = list(where)
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            rows = self._db.execute(f"SELECT key, result FROM extraction WHERE key IN ({','.join('?' * len(part))})",
                                    part)
            for k, blob in rows:
                try:
                    result = pickle.loads(zlib.decompress(blob))
                except Exception:  # a damaged entry is extracted again
                    continue
                for n in where[k]:
                    out[n] = result
        self.hits, self.misses = len(out), len(keys) - len(out)
        return out

    def put(self, key: str, result: Result) -> None:
        assert self._db is not None
        self._db.execute("INSERT OR REPLACE INTO extraction VALUES (?, ?)",
                         (key, zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)))

    def finish(self, keys: list[str]) -> None:
        """Commit, and forget the posts this run did not have (a removed post leaves the cache too)."""
        assert self._db is not None
        _keep_only(self._db, "extraction", keys)
        self._db.close()
        self._db = None


def _connect(path: Path, table: str, columns: str) -> sqlite3.Connection:
    """A cache's SQLite file with its ``table`` (made if new), read once: a file that is not a
    database fails here."""
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    db.execute(f"SELECT count(*) FROM {table}").fetchone()
    return db


def _opened(open_: Callable[[], None], path: Path, what: str) -> None:
    """``open_()``, or, when ``path`` is not a cache this version can read (damaged, or not
    SQLite), the same on a new, empty file."""
    try:
        open_()
    except sqlite3.DatabaseError:
        log.warning("%s: not a readable %s; starting a new one", path, what)
        path.unlink(missing_ok=True)
        open_()


def _keep_only(db: sqlite3.Connection, table: str, keys: Iterable) -> None:
    """Forget the rows of ``table`` whose key is not one of ``keys`` (what this run did not read),
    and commit."""
    db.execute("CREATE TEMP TABLE used (key PRIMARY KEY)")
    db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in keys))
    db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM used)")
    db.commit()


class HtmlCache:
    """Each post's HTML as :func:`graphbuild.html.parse_blocks` reads it (its blocks and depth),
    kept in ``DIR/html.sqlite`` between builds under a hash of the HTML, its base URL and the
    parser's version (the source of ``html.py`` and the modules it imports, lxml's and libxml2's
    versions). A rebuild then reads only new or changed posts' HTML: parsing is most of reading a
    feed (at 10,000 posts about 4 of 5.5 s; a kept post's blocks are unpickled in a tenth of
    that). HTML that cannot be parsed is not kept (its error is raised again each time).

    Use it around the reading (:func:`graphbuild.graph.load_feeds`, ``html_cache=``); ``finish()``
    stores what was parsed and forgets the posts the run did not have."""

    #: bump when what is stored changes shape
    FORMAT = "1"
    #: posts' blocks held before they are stored (all of them, at 100,000 posts, were hundreds of MB)
    BATCH = 500

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "html.sqlite"
        self._db: sqlite3.Connection | None = None
        self._seed = b""
        self._empty = True  # nothing kept yet (a first build): no look-ups
        self._off = False  # storing failed: parse without keeping
        self._used: list[bytes] = []
        self._new: list[tuple[bytes, bytes]] = []  # (key, compressed pickle) to store

    def start(self) -> HtmlCache:
        from lxml import etree

        from . import html

        h = hashlib.sha256(f"{self.FORMAT} {etree.LXML_VERSION} {etree.LIBXML_VERSION}\n".encode())
        pkg = Path(html.__file__).resolve().parent
        for f in _imported([Path(html.__file__).resolve()], pkg):
            h.update(f"{f.name}\n".encode())
            h.update(f.read_bytes())
        self._seed = h.digest()
        if self.path.exists():  # else made when there is something to keep (a feed refused makes no folder)
            _opened(self._open, self.path, "HTML cache")
        return self

    def _open(self) -> None:
        self._db = _connect(self.path, "blocks", "key BLOB PRIMARY KEY, parsed BLOB")
        self._empty = self._db.execute("SELECT 1 FROM blocks LIMIT 1").fetchone() is None

    def parse(self, html: str, base: str) -> tuple[tuple, int]:
        """:func:`graphbuild.html.parse_blocks` of ``html`` and ``base``, kept or made."""
        from .html import parse_blocks

        h = hashlib.sha256(self._seed)
        h.update(f"{base}\x1f{html}".encode("utf-8", "surrogatepass"))
        key = h.digest()
        self._used.append(key)
        row = None if self._empty else self._db.execute("SELECT parsed FROM blocks WHERE key = ?", (key,)).fetchone()
        if row is not None:
            try:
                return pickle.loads(zlib.decompress(row[0]))
            except Exception:  # a damaged entry is parsed again
                pass
        parsed = parse_blocks(html, base)
        if self._off:
            return parsed
        self._new.append((key, zlib.compress(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL), 1)))
        if len(self._new) >= self.BATCH:
            try:
                self._store()
            except sqlite3.Error as e:  # a full disk: this run keeps nothing more, and reads on
                log.warning("%s: could not keep the parsed HTML (%s)", self.path, e)
                self._off, self._new = True, []
        return parsed

    def _store(self) -> None:
        """Store what was parsed since the last time (into a new file if there is none yet)."""
        if self._db is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._open()
        self._db.executemany("INSERT OR REPLACE INTO blocks VALUES (?, ?)", self._new)
        self._new = []

    def finish(self, forget: bool = True) -> None:
        """Store what was parsed and close; ``forget``: first forget the HTML this run did not read
        (a run that failed before it parsed a batch makes no folder to keep it in)."""
        if self._off or (self._db is None and not (self._new and (forget or self.folder.exists()))):
            if self._db is not None:
                self._db.close()
            self._db, self._new, self._used = None, [], []
            return
        try:
            self._store()
            if forget:
                _keep_only(self._db, "blocks", self._used)
            else:
                self._db.commit()
        except sqlite3.Error as e:  # a full disk: the next build parses again
            log.warning("%s: could not keep the parsed HTML (%s)", self.path, e)
        finally:
            if self._db is not None:
                self._db.close()
            self._db, self._new, self._used = None, [], []


class Progress:
    """A one-line progress report on a terminal (stderr): posts extracted, posts/s and the time
    left; silent for the first ``after`` seconds, so short builds print nothing."""

    def __init__(self, stream, after: float = 2.0, every: float = 0.25) -> None:
        import time
        self.stream, self.after, self.every, self.clock = stream, after, every, time.monotonic
        self.start = self.last = self.clock()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.start < self.after or (now - self.last < self.every and done < total):
            return
        self.last, self.shown = now, True
        rate = done / max(now - self.start, 1e-9)
        left = (total - done) / rate if rate else 0
        self.stream.write(f"\rextracting: {done}/{total} posts, {rate:.0f} posts/s, {left:.0f} s left   ")
        self.stream.flush()

    def stage(self, name: str) -> None:
        """A stage over the whole graph begins ("resolving names", "writing graph.ttl"): shown with the
        time so far once the build has run past ``after`` seconds (these stages have no count)."""
        now = self.clock()
        if now - self.start < self.after:
            return
        self.shown = True
        self.stream.write(f"\r{name}... ({now - self.start:.0f} s so far)".ljust(70))
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()
