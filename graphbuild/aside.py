"""The provenance of a build's graph, kept out of its working store (docs/performance.md,
"Twenty-fourth pass").

Most triples of a big graph say where a fact was read: an annotation (its type, target, extractor
and bodies), the annotation's target and the target's quote selector, and each relation's
``rdf:Statement`` (82.5 % at 10,000 posts). Nothing the build does after making the graph needs
them in a store, once it has what the network form and five bundled questions read of them,
which :func:`graphbuild.graph.to_graph` records as it writes them. So the command line's build
keeps them out of its in-memory store, in N-Triples files (:class:`Aside`): the store is a sixth
of the size, faster to fill and lighter to hold (at 10,000 posts, a peak of 1.0 GiB instead of
1.8). Curation's rules and statements stay in the store (few; ``curated_facts`` reads them there).

graph.ttl (:func:`graphbuild.export.write_graph`) and the kept on-disk store
(:class:`graphbuild.graphstore.Keeper`) still get every triple: the files hold every triple under
the annotations' prefix (a copy of the store's own there too), and another process writes them as
the middle of graph.ttl, sorted as the writer sorts, while the build analyses the network. The
graph's triples are the same; only where they wait differs.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

log = logging.getLogger(__name__)

#: how the name of an aside's folder starts
FOLDER = ".aside-"


class Aside:
    """Triples kept out of the working store, written to files in a new folder in ``folder``.

    Each piece of data given to :meth:`write` is whole N-Triples lines whose subjects are IRIs that
    start with :attr:`prefix` (``<``, then ``base_uri`` and ``annotation/``, as
    :func:`graphbuild.graph.to_graph` mints them) and have the same two characters after it, the
    piece's bucket; each bucket is a file (lines as the store takes them: checked when made, read
    back leniently). Every triple of the graph under the prefix is in a bucket: those only here,
    and a copy of those the store holds too (``copy``), so that graph.ttl gets them all, in order,
    from :meth:`turtle`. :attr:`count`: the triples only here (to_graph gives none twice).
    ``least``: for each (post, entity) where the post ``schema:mentions`` the entity, the least
    exact words of the entity's annotations in the post (``post_mentions``' quote).
    :attr:`stated`: what the relations' annotations say (their evidence, ``members_of``' and
    ``relations``' quotes and posts)."""

    def __init__(self, folder: str | Path, base_uri: str) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER, dir=folder))
        self.prefix = f"<{base_uri}annotation/"
        self.count = 0
        self.lines = 0  # lines written, copies too
        self.least: dict[tuple[str, str], str] = {}
        #: for each relation's statement (subject, predicate, object IRIs), the (post, exact words)
        #: of each of its annotations
        self.stated: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
        #: the indexes of :class:`graphbuild.madeanswers.Said` the build wrote (its first rows answer
        #: ``entity_posts`` and ``where_said``), given by to_graph
        self.indexes: list = []
        #: who wrote :meth:`turtle`'s file: "process" (:meth:`start`'s) or "here"
        self.sorted_by: str | None = None
        self._files: dict[str, object] = {}
        self._child = None
        self._prefixes: dict[str, str] = {}

    def write(self, key: str, data: bytes, copy: bool = False) -> None:
        """Append ``data``, pieces of the bucket ``key`` (the characters after the prefix), to its
        file; ``copy``: triples the store holds too."""
        f = self._files.get(key)
        if f is None:
            f = self._files[key] = open(self.folder / ("".join(f"{ord(c):06x}" for c in key) + ".nt"), "wb")
        n = data.count(b"\n")
        self.lines += n
        if not copy:
            self.count += n
        f.write(data)

    def close(self) -> None:
        """All is written: the files are closed."""
        for f in self._files.values():
            f.close()

    def start(self, prefixes: dict[str, str]) -> None:
        """All is written: close the files and, for a big graph (:data:`PROCESS_LINES`), start a
        new process that writes them as Turtle (:meth:`turtle`) with ``prefixes`` on the core
        the build leaves idle while it analyses the network."""
        self.close()
        self._prefixes = prefixes
        (self.folder / "prefixes.json").write_text(json.dumps(prefixes), encoding="utf-8")
        if self.lines < PROCESS_LINES:
            return
        from .forked import python

        self._child = python("from graphbuild.aside import _main; _main()", str(self.folder),
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def turtle(self) -> Path:
        """A file of every triple under the prefix as Turtle without the ``@prefix`` lines, in the
        writer's order (:func:`graphbuild.export._sort_key`): graph.ttl's, between the triples of the
        subjects before the prefix and after it. Written by :meth:`start`'s process, or here."""
        path = self.folder / "aside.ttl"
        if self._child is not None:
            child, self._child = self._child, None
            _, err = child.communicate()
            if child.returncode == 0 and path.exists():
                self.sorted_by = "process"
                return path
            log.warning("the process sorting the provenance failed (%s); sorted here",
                        err.decode("utf-8", "replace").strip().splitlines()[-1:] or child.returncode)
        self.close()
        _turtle(self.folder, self._prefixes)
        self.sorted_by = "here"
        return path

    def quads(self) -> Iterator[ox.Quad]:
        """Every triple as a quad of the default graph, in no order (the copies too)."""
        self.close()
        for path in sorted(self.folder.glob("*.nt")):
            for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES, lenient=True):
                yield ox.Quad(t.subject, t.predicate, t.object)

    def remove(self) -> None:
        """Stop the process, if any, and remove the files."""
        if self._child is not None:
            self._child.kill()
            self._child.wait()
            self._child = None
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)


#: lines at which :meth:`Aside.start` has a new process sort them (below, a few tenths of a second here)
PROCESS_LINES = 200_000


def _turtle(folder: Path, prefixes: dict[str, str]) -> None:
    """Write the buckets in ``folder`` as Turtle without the ``@prefix`` lines to
    ``folder/aside.ttl``: in the buckets' order, each bucket's lines once, sorted by the writer's key."""
    from .export import _header_end, _sort_key

    tmp = folder / "aside.ttl.tmp"
    with open(tmp, "wb") as f:
        for path in sorted(folder.glob("*.nt")):  # (the names: the buckets' characters, in order)
            lines = set(path.read_bytes().split(b"\n"))  # a triple in the store twice: its copy once
            lines.discard(b"")
            triples = list(ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True))
            triples.sort(key=_sort_key)
            data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
            f.write(data[_header_end(data):])
    os.replace(tmp, folder / "aside.ttl")


def _main() -> None:
    """The process :meth:`Aside.start` starts: ``python -c ... FOLDER``."""
    folder = Path(sys.argv[1])
    _turtle(folder, json.loads((folder / "prefixes.json").read_text(encoding="utf-8")))
