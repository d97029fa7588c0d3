"""A rebuild with nothing new writes nothing: the outputs of the last build are kept.

A cron job that rebuilds a feed every hour mostly finds nothing new in it; rebuilding the whole
graph then (resolution, the graph, the analysis, every output: minutes at 10,000 posts) would
write the very same bytes. So a build records, in its state folder (``--store``, default
``OUT/.graphbuild/last-build.json``), a **fingerprint** of everything its outputs depend on, and
the files it wrote. The next build reads the feeds, and when

* its fingerprint is the same: every feed's items and warnings as read (each item's text, links,
  dates, feed, source), the options that shape the output (``--base-uri``, ``--no-html``,
  ``--no-analysis``, ``--item-budget``) and the contents of the files they name (``--rules``,
  ``--curation``, ``--words``), graphbuild's own code and data (every file of the package), the
  Python and the versions of the libraries it requires;
* no post of the last build overran its CPU budget (such a post has no mentions this time, and
  maybe some the next);
* every output is still the file the last build wrote (size, modification time, inode), and the
  graph's kept store is current for graph.ttl (:mod:`graphbuild.graphstore`);

it writes nothing and says so; the outputs are, byte for byte, what the whole build would write
again. Anything else, and it builds as usual. ``--fresh`` always builds.

When every source is a local file, the build first tries a cheaper fingerprint of the same
things, taken before any feed is parsed (:func:`source_fingerprint`): the files' bytes instead of
their items, with the size limits that shape what is read from them. Parsing is most of the time
of a build that finds nothing new (8.6 s of it at 10,000 posts); hashing the bytes takes a tenth
of a second. A URL or stdin is read and parsed, and compared by its items as above.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path

from .graphstore import _identity, _write_json, current_store
from .sources import is_url

#: the record's file in the state folder
RECORD = "last-build.json"
#: record format: bump when what the fingerprint covers changes
FORMAT = 2


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of graphbuild's package (every file: code, word lists, rules, templates), the
    Python version and the versions of the libraries graphbuild requires."""
    from importlib import metadata

    h = hashlib.sha256(f"{FORMAT} {sys.version}\n".encode())
    pkg = Path(__file__).resolve().parent
    for f in sorted(p for p in pkg.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f"{f.relative_to(pkg).as_posix()}\n".encode())
        h.update(f.read_bytes())
    try:
        required = metadata.requires("graphbuild") or []
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        required = []
    for req in sorted(required):
        name = req.split(";")[0].split("[")[0].strip()
        for op in "<>=!~ ":
            name = name.split(op)[0]
        if "extra ==" in req:
            continue
        try:
            h.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} -\n".encode())
    return h.hexdigest()


def _inputs(options: dict, files: list[str | Path]):
    """A hash of the code, ``options`` and the contents of ``files``; None when a file cannot be read."""
    h = hashlib.sha256(f"{code_digest()}\n{json.dumps(options, sort_keys=True, default=str)}\n".encode())
    for f in files:
        h.update(f"file {f}\n".encode())
        try:
            h.update(Path(f).read_bytes())
        except OSError:  # the build says what is wrong with it
            return None
    return h


def source_fingerprint(sources: list[str | Path], options: dict, files: list[str | Path]) -> str | None:
    """The hash of a build's inputs before reading its feeds (see module doc): each source's name
    and bytes, ``options`` (which must hold the limits the feeds are read with) and the contents of
    ``files``; None unless every source is a local file that can be read."""
    h = _inputs(options, files)
    if h is None or not sources:
        return None
    for source in sources:
        name = str(source)
        if name == "-" or is_url(name):  # read and compared by their items
            return None
        try:
            with open(name, "rb") as f:
                h.update(f"source {name}\n".encode("utf-8", "surrogatepass"))
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:  # a folder, a missing file: the reader says what is wrong
            return None
    return "sources:" + h.hexdigest()


def fingerprint(feeds, options: dict, files: list[str | Path]) -> str | None:
    """The hash of a build's inputs (see module doc): ``feeds`` as read (:class:`graphbuild.models.Feed`),
    ``options`` (plain values) and the contents of ``files`` (rules, curation, word files); None
    when one of those files cannot be read."""
    h = _inputs(options, files)
    if h is None:
        return None
    for feed in feeds:
        h.update(repr(feed.info).encode("utf-8", "surrogatepass"))
        for item in feed.items:
            h.update(repr(item).encode("utf-8", "surrogatepass"))
        h.update(repr(feed.problems).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def unchanged(state: str | Path, fp: str) -> dict | None:
    """The last build's record when its outputs can stand for this build's (same fingerprint, of
    its items or of its sources' bytes, no overrun, every output the file it wrote, the kept store
    current), else None."""
    try:
        rec = json.loads((Path(state) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rec, dict) or rec.get("format") != FORMAT or fp not in (rec.get("fingerprint"), rec.get("sources")) \
            or rec.get("overran", True):
        return None
    outputs = rec.get("outputs")
    if not isinstance(outputs, dict) or "graph.ttl" not in outputs:
        return None
    for path, identity in outputs.values():
        try:
            if _identity(os.stat(path)) != identity:
                return None
        except OSError:
            return None
    if current_store(outputs["graph.ttl"][0], state) is None:
        return None
    return rec


def record(state: str | Path, fp: str, written: list[Path], summary: dict, warnings: list[str],
           overran: bool, sources: str | None = None) -> None:
    """Record a build (see module doc) and its :func:`source_fingerprint` (``sources``, if it has
    one); nothing if the state folder cannot be written."""
    outputs = {}
    for p in written:
        try:
            outputs[Path(p).name] = [str(Path(p).resolve()), _identity(os.stat(p))]
        except OSError:
            return
    _write_json(Path(state) / RECORD, {"format": FORMAT, "fingerprint": fp, "sources": sources, "overran": overran,
                                       "outputs": outputs, "summary": summary, "warnings": warnings})


def same_items(state: str | Path, rec: dict, sources: str) -> None:
    """Note in the record ``rec`` of the last build that sources of these bytes (their
    :func:`source_fingerprint`) gave its items too."""
    _write_json(Path(state) / RECORD, {**rec, "sources": sources})


def forget(state: str | Path) -> None:
    """Drop the record: the next build builds (a build that did not finish, ``--fresh``)."""
    try:
        (Path(state) / RECORD).unlink()
    except OSError:
        pass
