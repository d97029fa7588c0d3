"""The build's graph kept on disk as a pyoxigraph store, so that ``query``, ``explain``, ``viz``,
``analyze``, ``review``, ``export`` and :func:`graphbuild.read_graph` open it instead of parsing
graph.ttl again (at 10,000 posts, 200 MB of Turtle: about 20 s per command).

Where: in the build's state folder (``--store DIR``, default ``OUT/.graphbuild``)::

    DIR/graph-store/oxigraph/     the pyoxigraph (RocksDB) store: graph.ttl's triples, default graph
    DIR/graph-store/stamp.json    what ties it to graph.ttl (below)
    DIR/graph-store/answers/      answers kept as JSON: those the build made (graphbuild.madeanswers,
                                  with its index of co-mentions: a JSON file and a .i32 file of
                                  numbers; and of entity_posts and where_said: each a JSON file,
                                  a .z file of compressed rows and a .posts table) and each
                                  question's first answer (:meth:`Kept.answer`)

The stamp records graph.ttl as the build wrote it: its size, modification time (ns), inode and
device, and the SHA-256 of its bytes. The store is **current** for a graph file when the file's
size, mtime, inode and device are those of the stamp (one ``stat``, no reading), or, when only
its size is the same (a copied or checked-out file gets a new mtime and inode), when the SHA-256
of its bytes is the stamp's. Anything else (another file, an edited or rebuilt graph.ttl, a stamp
of another format, a store that does not open) and the commands read the file, as they would
without a store. The store is never rebuilt or changed by a reader: it is opened read-only
(``Store.read_only``), so any number of commands can read it at once, and a query cannot change
it (``INSERT``/``DELETE`` are refused by pyoxigraph; ``query --allow-update`` works on a copy read
from the file).

Written atomically: the build fills a new store in a temporary folder beside the kept one (a
big build while it makes the graph, by another process: :class:`Keeper`), writes
graph.ttl, then stamps the store with it and renames the folder into place (the previous one is
renamed aside first, then removed). A build that stops anywhere leaves either the previous store, whose
stamp names the previous graph.ttl (current only if that file is still the one it was built
with), or no store; never a store that looks current for a graph it does not hold.

This module imports pyoxigraph only (no rdflib), for the fast ``graphbuild query`` path.
"""
from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pyoxigraph as ox

#: the folder under --out where a build keeps its state (--store default)
STATE_DIR = ".graphbuild"
#: the kept store's folder in the state folder
STORE_DIR = "graph-store"
#: stamp format: bump when what the store holds changes meaning
FORMAT = 1
_CHUNK = 1 << 20


def state_dir(graph: str | Path, store: str | Path | None = None) -> Path:
    """The state folder of the build that wrote ``graph``: ``store`` if given, else the
    ``.graphbuild`` folder beside the graph file (a build's default)."""
    return Path(store) if store is not None else Path(graph).parent / STATE_DIR


def file_sha256(path: str | Path) -> str:
    import hashlib  # here: a query whose graph.ttl is unchanged never hashes it

    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _identity(st: os.stat_result) -> dict:
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino, "dev": st.st_dev}


def is_current(stamp: dict, graph: str | Path) -> bool:
    """Is a store with this ``stamp`` current for the graph file ``graph`` (see module doc)?"""
    try:
        st = os.stat(graph)
    except OSError:
        return False
    if stamp.get("format") != FORMAT or not isinstance(stamp.get("sha256"), str):
        return False
    if all(stamp.get(k) == v for k, v in _identity(st).items()):
        return True
    if stamp.get("size") != st.st_size:
        return False
    try:
        return file_sha256(graph) == stamp["sha256"]
    except OSError:
        return False


def read_stamp(folder: str | Path) -> dict | None:
    try:
        stamp = json.loads((Path(folder) / STORE_DIR / "stamp.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def current_store(graph: str | Path, store: str | Path | None = None) -> Path | None:
    """The folder of the pyoxigraph store kept for the graph file ``graph`` when it is current
    (``store``: the build's ``--store`` folder, default beside the graph), else None."""
    folder = state_dir(graph, store)
    stamp = read_stamp(folder)
    if stamp is None or not is_current(stamp, graph):
        return None
    path = folder / STORE_DIR / "oxigraph"
    return path if path.is_dir() else None


def open_current(graph: str | Path, store: str | Path | None = None) -> ox.Store | None:
    """The store kept for ``graph``, opened read-only, when it is current; else None (read the file)."""
    kept = open_kept(graph, store)
    return kept.store if kept is not None else None


class Kept:
    """A current kept store, opened read-only, and its answers (see :meth:`answer`)."""

    #: an answer of more rows than this is not kept
    MAX_ROWS = 20_000

    def __init__(self, store: ox.Store, folder: Path, sha256: str) -> None:
        self.store, self.folder, self.sha256 = store, folder, sha256

    def _file(self, text: str, cap: int | str | None) -> Path:
        return answer_file(self.folder, self.sha256, text, cap)

    def answer(self, text: str, cap: int | None, compute, within=None):
        """The messages of a query's answer (:func:`graphbuild.sparql.stream`, portable terms) for
        the query ``text`` as run (parameters bound) and row cap ``cap``: read from the answers
        kept beside the store when this graph was asked the same before, or cut from an answer
        the build made (:mod:`graphbuild.madeanswers`) when its rows cover ``cap``, else
        ``compute()``'s, kept for next time (when the folder is writable and the answer not too
        large). The store itself is never written; a rebuild replaces the folder, answers and all.
        ``within``: (the unbound text, {variable: IRIs}) of a bound question whose rows are those
        of the whole answer with those values (:func:`graphbuild.plans.within`): cut from the
        build's index of it when it has one (:class:`graphbuild.madeanswers.Indexed`: always
        whole, and quicker to read than 10,000 rows of JSON), else cut from the build's answer to
        the unbound text when that is whole."""
        path = self._file(text, cap)
        try:
            with open(path, encoding="utf-8") as f:
                kept = json.load(f)
            yield from (_unjson(m) for m in kept)
            return
        except (OSError, ValueError, TypeError, IndexError):
            pass
        made = self._made(text, cap) or (within and (self._indexed(within[0], cap, within[1])
                                                     or self._made(within[0], cap, within[1])))
        if made is not None:
            yield from made
            return
        messages, rows = [], 0
        for m in compute():
            rows += len(m[1]) if m[0] == "rows" else 0
            if messages is not None:
                messages.append(m)
                if rows > self.MAX_ROWS:
                    messages = None
            yield m
        if messages is not None:
            _write_json(path, messages)

    def _indexed(self, text: str, cap: int | None, values: dict[str, set[str]]):
        """The messages of the rows of ``text`` with ``values``, cut at ``cap``, from the index the
        build made of it (:func:`graphbuild.madeanswers.indexed_rows`), if it made one."""
        from .madeanswers import Indexed, indexed_rows

        found = indexed_rows(self._file(text, Indexed.KIND), values, None if cap is None else cap + 1)
        if found is None:
            return None
        from .sparql import Answer, stream

        return stream(Answer("select", *found), cap, raw=True)

    def _made(self, text: str, cap: int | None, values: dict[str, set[str]] | None = None):
        """The messages of the answer the build made for ``text``, cut at ``cap``, if it has one
        that holds either all the rows or more than ``cap`` of them (so that the cut is known);
        with ``values`` ({variable: IRIs}), its rows with those values, if it holds all rows."""
        try:
            with open(self._file(text, "made"), encoding="utf-8") as f:
                made = json.load(f)
            variables, complete = made["variables"], made["complete"]
            rows = [tuple(None if t is None else tuple(t) for t in r) for r in made["rows"]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not complete and (values is not None or cap is None or cap >= len(rows)):
            return None
        for k, iris in (values or {}).items():
            if k not in variables:
                return None
            i = variables.index(k)
            rows = [r for r in rows if r[i] is not None and r[i][0] == "uri" and r[i][1] in iris]
        from .sparql import Answer, stream

        return stream(Answer("select", variables, rows), cap, raw=True)


def answer_file(folder: Path, sha256: str, text: str, cap: int | str | None) -> Path:
    """Where the answer to the query ``text`` with row cap ``cap`` (or "made": the build's own,
    :mod:`graphbuild.madeanswers`) is kept for the store in ``folder`` of the graph file ``sha256``."""
    import hashlib

    key = json.dumps([FORMAT, getattr(ox, "__version__", ""), sha256, text, cap])
    return folder / "answers" / (hashlib.sha256(key.encode("utf-8")).hexdigest() + ".json")


def _unjson(m: list) -> tuple:
    if m[0] == "rows":
        return ("rows", [tuple(None if t is None else tuple(t) for t in r) for r in m[1]])
    return tuple(m)


def _write_json(path: Path, data) -> None:
    """Write ``data`` as JSON through a temporary file and a rename; nothing if that fails."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return
    _write_text(path, text)


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` through a temporary file and a rename; nothing if that fails."""
    import tempfile

    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError:  # a folder the reader may not write (someone else's build, a read-only disk)
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _keep_answer(made, path: Path) -> None:
    """A made answer kept at ``path``: the file it is already in moved there (a
    :class:`graphbuild.madeanswers.Dumped`'s, written in the same folder as the store: 60 MB of them
    at 10,000 posts), else its text written (an :class:`graphbuild.madeanswers.Indexed` writes
    itself)."""
    if hasattr(made, "keep"):
        path.parent.mkdir(exist_ok=True)
        made.keep(path)
        return
    src = getattr(made, "path", None)
    if src is not None:
        try:
            path.parent.mkdir(exist_ok=True)
            os.replace(src, path)
            return
        except OSError:  # another file system: written again
            pass
    _write_text(path, made.dumps())


def open_kept(graph: str | Path, store: str | Path | None = None) -> Kept | None:
    """The store kept for ``graph`` (opened read-only) with its answers, when it is current; else None."""
    folder = state_dir(graph, store)
    stamp = read_stamp(folder)
    if stamp is None or not is_current(stamp, graph):
        return None
    path = folder / STORE_DIR / "oxigraph"
    try:
        return Kept(ox.Store.read_only(str(path)), folder / STORE_DIR, stamp["sha256"])
    except (OSError, RuntimeError, ValueError) as e:  # missing, damaged, or not a store this pyoxigraph reads
        import logging

        logging.getLogger(__name__).warning("%s: cannot open the kept graph store (%s); reading %s", path, e, graph)
        return None


def keep(source: ox.Store, graph: str | Path, sha256: str, folder: str | Path, made=()) -> Path:
    """Keep the triples of ``source`` (the graph just written to ``graph``, whose bytes hash to
    ``sha256``) as an on-disk store in ``folder`` with its stamp and the answers ``made`` for it,
    atomically (see module doc).
    Named graphs are merged into the default graph, as reading the file does. Returns the store's folder."""
    keeper = Keeper(folder, background=False)
    keeper.start(source)
    return keeper.finish(graph, sha256, made)


class Keeper:
    """Keeps a build's graph as an on-disk store (:func:`keep`), written while the build goes on.

    ``start(source)`` is called once the graph's triples are in the store ``source``. A big graph
    (at least :data:`LOADER_TRIPLES` triples) is loaded into the new store by another Python
    process, on the core the rest of the build leaves idle (the graph, the analysis, Turtle and the
    reports run on one), from the N-Triples the build wrote as it filled the store (the file
    :meth:`sink` gave it; the process starts as soon as that file holds :data:`FOLLOW_BYTES` and
    reads it as it grows) or else from a dump of ``source`` (pyoxigraph's writer: seconds). A new
    process, not a fork, so it shares no memory the build goes on writing (a fork's copy-on-write
    pages would be the build's memory twice over) and no thread state (RocksDB's). ``add(quads)``
    gives it what the build adds to the graph after that (the analysis), once: they are appended to
    the file and the process told it has all, so that it compacts the store while the build writes
    its files; ``finish(graph, sha256)``, once graph.ttl is written, waits for the load, stamps the
    store with the file and renames it into place. A smaller graph (or ``background=False``) is
    copied by ``finish`` itself, from ``source`` as it is then. Either way the kept store holds the
    triples of ``source`` at ``finish`` (checked: a store that changed other than through one
    ``add`` is copied again here) and those the build kept out of it (the ``aside`` given to
    ``start``: in the sink's file too, and read back by a copy)."""

    def __init__(self, folder: str | Path, background: bool = True) -> None:
        self.folder = Path(folder)
        self.background = background
        self.tmp: Path | None = None
        self.source: ox.Store | None = None
        self.added: list[ox.Quad] = []
        self._child = None
        self._size = 0
        self._sink = None
        #: how many of ``added`` the loading process was given (by the add that ended its input)
        self._sent: int | None = None
        self._said = None
        self._started = 0  # triples in ``source`` at start()
        self.aside = None  # what the build kept out of ``source`` (start())

    def _begin(self) -> Path:
        """The temporary folder the new store is made in (made on the first call)."""
        import tempfile

        if self.tmp is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            clean(self.folder)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.tmp-", dir=self.folder))
        return self.tmp

    def sink(self):
        """A binary file for the N-Triples of every triple the build puts in the store before
        :meth:`start` (duplicates allowed), so that :meth:`start` need not dump them; None when
        the keeper copies the store itself (``background=False``). Once it holds
        :data:`FOLLOW_BYTES`, the loading process starts and reads it as it is written."""
        if not self.background:
            return None
        self._sink = _Sink(open(self._begin() / "graph.nt", "wb"), self._spawn)
        return self._sink

    def said(self):
        """A :class:`graphbuild.madeanswers.Said` for the build to tell what ``entity_posts`` and
        ``where_said`` say of each entity while it writes the graph (before :meth:`start`); its
        indexes are kept with the store when it changed after that only by :meth:`add` of triples
        those questions do not read (:meth:`_said_indexes`)."""
        from .madeanswers import Said

        self._said = Said(self._begin())
        return self._said

    def _said_indexes(self) -> list:
        said, self._said = self._said, None
        if said is None:
            return []
        changed = self.source is None or len(self.source) != self._started + len(self.added)
        if changed or any(map(said.reads, self.added)):
            said.abandon()
            return []
        return said.close()

    def _spawn(self) -> None:
        """Start the process that loads the dump into the new store (it reads the dump as it
        grows, until :meth:`start` tells it the dump's length, then the triples added after it)."""
        # imported here and not at the top: the query commands import this module, and never write
        import subprocess

        from .forked import python

        self._child = python("from graphbuild.graphstore import _loader_main; _loader_main()",
                             str(self._begin() / "oxigraph"), str(self._begin() / "graph.nt"),
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self, source: ox.Store, aside=None) -> None:
        """``aside``: the triples of the graph the build kept out of ``source``
        (:class:`graphbuild.aside.Aside`; they went to :meth:`sink` too)."""
        dump = self._begin() / "graph.nt"
        self.aside = aside
        if self._said is not None:
            self._started = len(source)
        written, self._sink = self._sink, None
        if written is not None:
            written.close()
        self.source = source
        if not self.background:
            return
        size = len(source)
        whole = size + (aside.count if aside is not None else 0)
        if whole < LOADER_TRIPLES or next(source.named_graphs(), None) is not None:
            import shutil

            self._stop_child()  # (one the sink started: a few long lines) the store is copied at the end
            dump.unlink(missing_ok=True)
            shutil.rmtree(self.tmp / "oxigraph", ignore_errors=True)
            return
        if written is None:
            source.dump(output=str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        if self._child is None:
            self._spawn()
        self._tell(b"%d\n" % os.path.getsize(dump))  # the dump's length: all of it is written
        self._size = size

    def _tell(self, line: bytes, last: bool = False) -> None:
        """A line to the loading process (the dump's length so far); ``last``: and no more."""
        try:
            self._child.stdin.write(line)
            self._child.stdin.flush()
            if last:
                self._child.stdin.close()
        except BrokenPipeError:  # it stopped already: finish says why
            pass

    def add(self, quads: list[ox.Quad]) -> None:
        """Quads the build added to ``source`` after :meth:`start` (they are new triples), once:
        the loading process gets them at once, after the dump, and then finishes (a later call, or
        any other change to ``source``, and :meth:`finish` copies the store again)."""
        self.added += quads
        if self._child is None or self._sent is not None:
            return
        self._sent = len(self.added)
        dump = self.tmp / "graph.nt"
        with open(dump, "ab") as f:
            f.write(ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES))
        self._tell(b"%d\n" % os.path.getsize(dump), last=True)

    def finish(self, graph: str | Path, sha256: str, made=()) -> Path:
        """Wait for the copy, stamp it with ``graph`` and rename it into place (see class doc), with
        the answers ``made`` the build made for it (:class:`graphbuild.madeanswers.Made` or ``Dumped``:
        a query's ``text`` and ``dumps()``, its kept form)."""
        import shutil
        import tempfile

        assert self.tmp is not None and self.source is not None
        tmp, old = self.tmp, None
        try:
            if self._child is not None:
                self._loaded_by_child()
            else:
                _fill(tmp / "oxigraph", self.source, self.aside)
            for m in [*made, *self._said_indexes()]:
                _keep_answer(m, answer_file(tmp, sha256, m.text, getattr(m, "KIND", "made")))
            stamp = {"format": FORMAT, "graph": Path(graph).name, **_identity(os.stat(graph)), "sha256": sha256}
            with open(tmp / "stamp.json", "w", encoding="utf-8") as f:
                json.dump(stamp, f, indent=1)
                f.flush()
                os.fsync(f.fileno())
            final = self.folder / STORE_DIR
            if final.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.old-", dir=self.folder))
                os.replace(final, old / STORE_DIR)
            os.replace(tmp, final)
            self.tmp = None
        except BaseException:
            self.abort()
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        return final

    def _loaded_by_child(self) -> None:
        import shutil

        assert self.tmp is not None and self.source is not None and self._child is not None
        child = self._child
        if len(self.source) != self._size + len(self.added) or len(self.added) != (self._sent or 0):
            # changed other than through add(), or by a second add(): copied again
            self._stop_child()
            shutil.rmtree(self.tmp / "oxigraph", ignore_errors=True)
            _fill(self.tmp / "oxigraph", self.source, self.aside)
        else:
            if not child.stdin.closed:  # its input ends here (add() ends it when it is called)
                try:
                    child.stdin.close()
                except BrokenPipeError:  # it stopped already: its exit status says why
                    pass
            err = child.stderr.read()
            child.wait()
            self._child = None
            if child.returncode != 0:
                why = err.decode("utf-8", "replace").strip().splitlines()
                raise RuntimeError(why[-1] if why else f"the process loading the store stopped "
                                                       f"(exit status {child.returncode})")
        (self.tmp / "graph.nt").unlink(missing_ok=True)

    def _stop_child(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.wait()
            for pipe in (self._child.stdin, self._child.stderr):
                try:
                    pipe.close()
                except BrokenPipeError:  # (stdin, with a line not taken)
                    pass
            self._child = None

    def abort(self) -> None:
        """Stop the copy (if a process makes it) and remove what it wrote."""
        import shutil

        self._stop_child()
        if self._sink is not None:
            self._sink.close()
            self._sink = None
        if self._said is not None:
            self._said.abandon()
            self._said = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


#: a graph of at least this many triples is loaded into the kept store by another process while the
#: build goes on (:class:`Keeper`); a smaller one is copied at the end, in a fraction of a second
LOADER_TRIPLES = 200_000


#: quads written to the kept store per bulk load
KEEP_BATCH = 250_000


def _fill(path: Path, source: ox.Store, aside=None) -> None:
    """A new on-disk store at ``path`` holding the triples of ``source`` and of ``aside`` (a
    :class:`graphbuild.aside.Aside`, or None), compacted and closed."""
    if next(source.named_graphs(), None) is None:
        quads = source.quads_for_pattern(None, None, None, ox.DefaultGraph())
    else:
        quads = (ox.Quad(q.subject, q.predicate, q.object) for q in source)
    _load(path, itertools.chain(quads, aside.quads() if aside is not None else ()))


def _load(path: Path | str, quads) -> None:
    """A new on-disk store at ``path`` holding ``quads``, compacted and closed."""
    disk = ox.Store(str(path))
    # in batches: one bulk_extend of a whole graph holds all of it in memory again (measured at
    # 10,000 posts: +1,260 MiB over the build's peak, 16 s); batches of 250,000 add nothing to the
    # peak for about twice the time (docs/performance.md)
    while batch := list(itertools.islice(quads, KEEP_BATCH)):
        disk.bulk_extend(batch)
    _close(disk)


def _close(disk: ox.Store) -> None:
    """Write out and compact a store just filled; the caller lets go of it (closed when its last
    reference goes: a read-only opener sees every file)."""
    disk.flush()
    disk.optimize()  # compacted: queries read 3-4x faster (docs/performance.md), for ~5 s at 10,000 posts


#: bytes of N-Triples the kept store's loading process hands pyoxigraph per bulk load
LOAD_CHUNK = 8 << 20


def _load_lines(disk: ox.Store, read, chunk: int | None = None) -> None:
    """Add the N-Triples that ``read(n)`` gives (``b""`` at their end) to ``disk``, ``chunk`` bytes
    (cut after a line) at a time: parsed and written by pyoxigraph with no Python object per
    triple, at a memory set by the chunk, not by the whole (docs/performance.md, eleventh pass)."""
    size = chunk or LOAD_CHUNK
    rest = b""
    while block := read(size):
        block = rest + block
        cut = block.rfind(b"\n") + 1  # a line never holds a line break: N-Triples escapes them
        rest = block[cut:]
        if cut:
            disk.bulk_load(block[:cut], format=ox.RdfFormat.N_TRIPLES, lenient=True)
    if rest.strip():
        disk.bulk_load(rest, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def _growing(f, control, wait: float = 0.1):
    """``read(n)`` of a file another process is still writing: what is there, else wait for more
    until ``control`` (a pipe) gives, as a line, a length the file has; once read to it, the next
    line gives a longer one (what was appended since), and the end of ``control`` ends the file."""
    import select

    size, got = None, 0

    def read(n: int) -> bytes:
        nonlocal size, got
        while True:
            if size is None or got < size:
                block = f.read(n if size is None else min(n, size - got))
                if block:
                    got += len(block)
                    return block
                if size is not None:
                    raise RuntimeError(f"the triples end at {got} bytes, before the {size} the build wrote")
                if not select.select([control], [], [], wait)[0]:
                    continue  # more of the file, or the line, soon
            line = control.readline()
            if not line:
                if size is None:
                    raise RuntimeError("the build stopped before its triples were all written")
                return b""
            size = int(line)  # (maybe fewer than read already, before this line: the next says more)
    return read


class _Sink:
    """The file a build writes its N-Triples to for a :class:`Keeper`: once it holds
    :data:`FOLLOW_BYTES`, ``spawn()`` starts the loading process, which reads it as it grows."""

    def __init__(self, f, spawn) -> None:
        self._f, self._spawn = f, spawn
        self.size = 0

    def write(self, data: bytes) -> int:
        n = self._f.write(data)
        self._f.flush()  # (for the loading process: all of what is written, and only whole writes)
        if self.size < FOLLOW_BYTES <= self.size + n:
            self._spawn()
        self.size += n
        return n

    @property
    def closed(self) -> bool:
        return self._f.closed

    def close(self) -> None:
        self._f.close()


#: N-Triples bytes in a build's sink from which the loading process starts, reading them as the
#: build writes the rest (about 200,000 triples: LOADER_TRIPLES); a smaller graph starts it at
#: Keeper.start (if it has LOADER_TRIPLES), and one smaller still is copied at the end
FOLLOW_BYTES = 32 << 20


#: how much lower the kept store's loading process runs than the build (``os.nice``): it has the
#: core the build leaves idle, and its loader's other threads no longer take the build's
LOADER_NICE = 10


def _loader_main() -> None:
    """The process that loads the kept store for :class:`Keeper`: ``python -c`` with argv the store
    folder and the N-Triples dump, which the build is still writing; stdin gives, a line each, the
    lengths the dump has reached (all the graph's triples; then with the analysis's appended), and
    ends when there is no more. Exit status 0 when the store is complete and closed."""
    import sys

    path, dump = sys.argv[1], sys.argv[2]
    try:  # second to the build, whose stages wait on one core each: this fills the other one
        os.nice(LOADER_NICE)
    except (AttributeError, OSError):  # no nice here (not Unix), or not allowed
        pass
    # the lines as they are (checked by the build's own store as it loaded them), not a quad each;
    # the dump as the build writes it, to the lengths stdin gives, until stdin ends
    disk = ox.Store(path)
    with open(dump, "rb") as f:
        _load_lines(disk, _growing(f, sys.stdin.buffer))
    _close(disk)


def forget(folder: str | Path) -> None:
    """Remove the kept store from a state folder (``build --fresh``)."""
    import shutil

    final = Path(folder) / STORE_DIR
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
    clean(folder)


def clean(folder: str | Path) -> None:
    """Remove what an interrupted build left: temporary and set-aside store folders."""
    import shutil

    folder = Path(folder)
    if not folder.is_dir():
        return
    for p in folder.iterdir():
        if p.name.startswith((f".{STORE_DIR}.tmp-", f".{STORE_DIR}.old-")) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
