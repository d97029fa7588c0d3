"""Graph -> files: Turtle, N-Triples, JSON-LD, TriG, GraphML. Deterministic and atomic.

Turtle/N-Triples/TriG/JSON-LD go through pyoxigraph's streaming writers over the triples sorted
in one fixed order: byte-identical output for the same graph, readable Turtle (grouped by subject,
fixed prefixes), and about a hundred times faster than rdflib's pretty Turtle writer on large graphs.
"""
from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .errors import ExportError
from .namespaces import PREFIXES

#: format name -> (file extension, pyoxigraph format or None for our own writer)
FORMATS = {
    "ttl": ("ttl", ox.RdfFormat.TURTLE),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("jsonld", ox.RdfFormat.JSON_LD),  # compacted, with the graph's prefixes as @context
    "jsonld-expanded": ("jsonld", ox.RdfFormat.JSON_LD),  # expanded: full IRIs, no @context
    "trig": ("trig", ox.RdfFormat.TRIG),
    "graphml": ("graphml", None),
}
ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld"}


def _term(t, bnodes: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    if isinstance(t, BNode):
        return bnodes.setdefault(t, ox.BlankNode(f"b{len(bnodes)}"))
    raise ExportError(f"cannot write RDF term {t!r}")


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _sort_key(t: ox.Triple) -> tuple:
    # subjects grouped, rdf:type first, then predicates and objects in text order
    return (str(t.subject), t.predicate != _RDF_TYPE, t.predicate.value, isinstance(t.object, ox.Literal), str(t.object))


def _store_triples(store: ox.Store, graph: ox.DefaultGraph | ox.NamedNode | ox.BlankNode = ox.DefaultGraph()):
    """The triples of ``graph`` in ``store`` (the default graph's as its quads, which the writers
    take as triples; a named graph's as triples) in the fixed output order, a subject at a time: the
    whole graph is never held as a Python list (at 10,000 posts, millions of triples and their sort
    keys)."""
    yield from _subject_triples(store, graph, _subjects(store, graph))


def _subjects(store: ox.Store, graph: ox.DefaultGraph | ox.NamedNode | ox.BlankNode = ox.DefaultGraph()) -> list:
    """The subjects of ``graph`` in ``store``, in the writer's order (their text's)."""
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
    subjects = [row[0] for row in store.query(query, default_graph=_only(store, graph))]
    subjects.sort(key=str)
    return subjects


def _only(store: ox.Store, graph) -> ox.DefaultGraph | ox.NamedNode | ox.BlankNode | None:
    """The graph to name in look-ups of ``graph``: None for the default graph of a store with no
    named graph (graphbuild's own), read whole: naming it in each look-up costs a sixth more time."""
    named = not isinstance(graph, ox.DefaultGraph)
    return graph if named or next(iter(store.named_graphs()), None) is not None else None


def _subject_triples(store: ox.Store, graph, subjects: list):
    """:func:`_store_triples` of ``subjects`` only."""
    named = not isinstance(graph, ox.DefaultGraph)
    only = _only(store, graph)
    for s in subjects:
        quads = list(store.quads_for_pattern(s, None, None, only))
        if named:  # a named graph's quads: as triples (the formats without graphs refuse them)
            quads = [q.triple for q in quads]
        if len(quads) > 1:
            quads.sort(key=_sort_in_subject)  # one subject: _sort_key without it
        yield from quads


def _sort_in_subject(t: ox.Triple | ox.Quad) -> tuple:
    p = t.predicate
    return (p != _RDF_TYPE, p.value, isinstance(t.object, ox.Literal), str(t.object))


def to_oxigraph(g: Graph) -> list[ox.Triple]:
    """The triples of ``g`` as pyoxigraph triples, in the fixed output order."""
    store = getattr(g.store, "_inner", None)  # oxrdflib's OxigraphStore: read its quads natively
    if isinstance(store, ox.Store):
        from .store import graph_name  # (here: oxrdflib is imported by then, not with this module)

        triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph_name(g))]
    else:
        bnodes: dict = {}
        try:
            triples = [ox.Triple(_term(s, bnodes), _term(p, bnodes), _term(o, bnodes)) for s, p, o in g]
        except ValueError as e:  # pyoxigraph refuses an invalid IRI or literal
            raise ExportError(f"the graph holds a term that is not valid RDF: {e}") from None
    triples.sort(key=_sort_key)
    return triples


def prefixes_of(g: Graph) -> dict[str, str]:
    """The graph's bound prefixes that are used by the project, in a fixed order."""
    bound = {p: str(ns) for p, ns in g.namespaces() if p}
    fixed = {p: ns for p, ns in bound.items() if p in PREFIXES}
    minted = {p: ns for p, ns in bound.items() if p not in PREFIXES and ns.startswith("http")}
    return dict(sorted({**fixed, **minted}.items()))


def serialize(g: Graph, fmt: str = "ttl") -> bytes:
    """``g`` in format ``fmt`` (ttl, nt, jsonld, trig, graphml) as bytes.

    Raises:
        ExportError: unknown format or a term that cannot be written.
    """
    buf = io.BytesIO()
    _write_serialized(g, fmt, buf.write)
    return buf.getvalue()


def _write_serialized(g: Graph, fmt: str, write: Callable[[bytes], object], aside=None) -> None:
    """:func:`serialize`'s bytes, given to ``write`` as the writer makes them (Turtle, TriG: the
    ``@prefix`` header in a fixed order first): never the whole graph in memory at once (at
    10,000 posts, 150 MB at a build's peak). ``aside``: triples of the graph kept out of ``g``
    (:class:`graphbuild.aside.Aside`), written among its own (Turtle only)."""
    fmt = _known(fmt)
    if aside is not None:
        if fmt != "ttl":
            raise ExportError(f"cannot write {fmt} with triples kept aside")
        _write_turtle_with(g, aside, write)
        return
    if fmt == "graphml":
        from .network import to_networkx, write_graphml
        buf = io.BytesIO()
        write_graphml(to_networkx(g), buf)
        write(buf.getvalue())
        return
    store = getattr(g.store, "_inner", None)
    if isinstance(store, ox.Store):
        from .store import graph_name  # (as in to_oxigraph)

        triples = _store_triples(store, graph_name(g))
    else:
        triples = to_oxigraph(g)
    oxfmt = FORMATS[fmt][1]
    if oxfmt is ox.RdfFormat.TRIG:
        triples = (t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                   for t in triples)
    prefixes = prefixes_of(g) if fmt in ("ttl", "trig", "jsonld") else None
    if fmt == "jsonld":
        write(_compact_jsonld(triples, prefixes))
        return
    out = _HeaderSorted(write)
    ox.serialize(triples, out, format=oxfmt, prefixes=prefixes)
    out.close()


def _write_turtle_with(g: Graph, aside, write: Callable[[bytes], object]) -> None:
    """Turtle of ``g`` (on a pyoxigraph store) and ``aside`` (:class:`graphbuild.aside.Aside`),
    given to ``write``: the store's triples of the subjects before the aside's prefix, the aside's
    Turtle (every triple under the prefix, the store's own too: it holds a copy of those), then the
    store's triples of the subjects after it. The bytes of the Turtle of the whole graph: its
    subjects in the same order, each written whole in one of the three."""
    import bisect

    store = g.store._inner
    subjects = _subjects(store)
    names = [str(s) for s in subjects]
    prefix = aside.prefix
    low = bisect.bisect_left(names, prefix)
    high = bisect.bisect_left(names, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo=low)  # (past all under it)
    del names
    prefixes = prefixes_of(g)
    # the header first, as the writer writes it before the first triple (whichever piece has it)
    x = ox.NamedNode("urn:x")
    data = ox.serialize([ox.Triple(x, x, x)], format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    write(_sorted_header(data[:_header_end(data)]))

    def piece(part: list) -> None:
        out = _HeaderSorted(write, header=False)
        ox.serialize(_subject_triples(store, ox.DefaultGraph(), part), out, format=ox.RdfFormat.TURTLE,
                     prefixes=prefixes)
        out.close()
    piece(subjects[:low])
    with open(aside.turtle(), "rb") as f:
        while block := f.read(1 << 20):
            write(block)
    piece(subjects[high:])


def _known(fmt: str) -> str:
    """``fmt`` with its alias resolved; ExportError when it is no format graphbuild writes."""
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}. Available: {', '.join(FORMATS)}")
    return fmt


class _HeaderSorted:
    """What pyoxigraph's writer writes, passed on to ``write`` with the ``@prefix`` lines it starts
    with in a fixed order (the writer keeps them in a hash map): held until the first line that is
    not one, then everything straight through."""

    def __init__(self, write: Callable[[bytes], object], header: bool = True) -> None:
        self._write = write
        self._head: bytes | None = b""  # None once the header is written
        self._header = header  # False: the header is dropped (a piece of a file that has one)

    def write(self, data: bytes) -> int:
        if self._head is None:
            self._write(data)
            return len(data)
        self._head += data
        buf, end = self._head, 0
        while buf.startswith(b"@prefix ", end):
            nl = buf.find(b"\n", end)
            if nl < 0:
                return len(data)  # a prefix line not finished yet
            end = nl + 1
        if len(buf) - end < 8 and b"@prefix ".startswith(buf[end:]):
            return len(data)  # too little to tell whether another prefix line starts
        self._head = None
        if self._header:
            self._write(_sorted_header(buf[:end]))
        if end < len(buf):
            self._write(buf[end:])
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """The end: a header not followed by anything (or nothing at all) is written now."""
        if self._head:
            self._write(_sorted_header(self._head) if self._header else self._head[_header_end(self._head):])
        self._head = None


def _compact_jsonld(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Compacted JSON-LD: the graph's prefixes (schema.org, doap, oa, the project's own) as its
    ``@context``, so keys read ``schema:name`` and IRIs ``person:ada-lovelace``. pyoxigraph writes
    only expanded JSON-LD, so rdflib's writer compacts it, from the triples in their fixed order
    (into rdflib's plain memory store, which keeps that order): the same graph, the same bytes."""
    mem = Graph()
    from .store import from_oxigraph

    for t in triples:
        mem.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
    out = mem.serialize(format="json-ld", context=dict(prefixes), auto_compact=True, sort_keys=True, indent=1)
    # rdflib's store hands nodes and values out in an order that depends on the string-hash seed:
    # JSON-LD arrays (other than @list) are unordered sets, so sorting them changes no meaning
    data = json.dumps(_sorted_sets(json.loads(out)), indent=1, sort_keys=True, ensure_ascii=False)
    return data.encode("utf-8") + b"\n"


def _sorted_sets(x, key: str = ""):
    """A JSON-LD value with every array except ``@list`` (ordered by definition) in a fixed order."""
    if isinstance(x, dict):
        return {k: _sorted_sets(v, k) for k, v in x.items()}
    if isinstance(x, list):
        items = [_sorted_sets(v) for v in x]
        return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return x


def write_graph(g: Graph, path: str | Path, fmt: str = "ttl", aside=None) -> tuple[Path, str]:
    """:func:`serialize` ``g`` into ``path`` atomically (:func:`write_atomic`), written as the
    writer makes the bytes, never held whole; returns the path and the SHA-256 of its bytes.
    ``aside``: the triples a build kept out of ``g`` (:class:`graphbuild.aside.Aside`), written
    with its own (Turtle only)."""
    import hashlib

    h = hashlib.sha256()
    fmt = _known(fmt)  # before any file or folder is made

    def write(f) -> None:
        def both(data: bytes) -> None:
            h.update(data)
            f.write(data)
        _write_serialized(g, fmt, both, aside)
    return write_atomic(path, write), h.hexdigest()


def _header_end(data: bytes) -> int:
    """Where the ``@prefix`` lines that ``data`` starts with end (only the header is looked at:
    the rest may be hundreds of MB)."""
    end = 0
    while data.startswith(b"@prefix ", end):
        nl = data.find(b"\n", end)
        end = len(data) if nl < 0 else nl + 1
    return end


def _sorted_header(data: bytes) -> bytes:
    """Put the ``@prefix`` lines that ``data`` starts with in a fixed order (the writer keeps them
    in a hash map)."""
    end = _header_end(data)
    if end == 0:
        return data
    head = data[:end].split(b"\n")
    if head[-1] == b"":
        head.pop()
        return b"\n".join(sorted(head)) + b"\n" + data[end:]
    return b"\n".join(sorted(head))


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _final_mode(path: Path) -> int:
    """The mode the written file should have: an existing file's own mode, else what ``open()``
    would give a new file under the user's umask (0644 with the usual umask 022)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def write_atomic(path: str | Path, write: Callable[[io.BufferedWriter], None] | bytes) -> Path:
    """Write a file through a temporary name in the same folder, then rename it into place.

    An interrupted run leaves the previous file intact and no temporary file behind. The file gets
    the mode a plain ``open()`` would give it (the temporary file is created 0600 by ``mkstemp``).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise ExportError(f"{path}: cannot write ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(write, (bytes, bytearray)):
                f.write(write)
            else:
                write(f)
            f.flush()
            os.fchmod(f.fileno(), _final_mode(path))
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise ExportError(f"{path}: cannot write ({e.strerror or e})") from None
        raise
    return path


def export_graph(g: Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Serialise ``g`` to ``path`` atomically; the format defaults to the file's extension."""
    fmt = fmt or Path(path).suffix.lstrip(".") or "ttl"
    return write_graph(g, path, fmt)[0]




def read_graph(path: str | Path, store: bool | str | Path = True) -> Graph:
    """Read a graph file (format from its extension, default Turtle) into an rdflib Graph.

    When the build that wrote ``path`` kept its store (``build --store DIR``, default
    ``.graphbuild/`` beside the graph) and that store is current for the file
    (:mod:`graphbuild.graphstore`), the Graph is on that store, opened read-only: no parsing,
    the same triples; adding to it raises an error. Otherwise (or with ``store=False``) the
    file is parsed by pyoxigraph into a new in-memory store (named graphs merged), which can be
    changed.

    Args:
        path: the graph file.
        store: True: the store beside the graph if current; a folder: the store kept there
            (a build's ``--store DIR``); False: always parse the file.
    Raises:
        ExportError: the file is missing or not valid RDF.
    """
    from .store import new_graph

    path = Path(path)
    if store is not False:
        from .graphstore import open_current

        kept = open_current(path, None if store is True else store)
        if kept is not None:
            return new_graph(store=kept)
    from .fastquery import load  # one reader of graph files, in the light module

    return new_graph(store=load(path, ExportError))
