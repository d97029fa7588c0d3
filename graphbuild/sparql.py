"""Running a query, the same way for both engines (pyoxigraph here, rdflib in ``queries.py``):
parameter values as RDF terms, bound into the query, the answers streamed with a row cap and a time
limit. No rdflib import, so ``graphbuild query`` on a file starts fast.

Binding. Parameters are joined into the query as a ``VALUES`` block at the start of its WHERE
clause, built from terms that pyoxigraph has validated and written in N-Triples syntax (an IRI
cannot hold ``>`` or a space, a literal's quotes and backslashes are escaped), so a value can never
become query syntax. We do not use the engines' own mechanisms: pyoxigraph's ``substitutions``
(SEP-0007) accept only variables of the SELECT projection, and rdflib's ``initBindings`` are a
different code path with different rules; one ``VALUES`` join means the same answers in both
engines, for any variable of the outermost group, projected or not. (A variable used only inside
a sub-SELECT is another variable, in SPARQL's scoping, and is not bound.)

Time and size. With a ``timeout``, the query runs in a forked worker process that streams batches
of rows back through a pipe (length-prefixed pickles); the parent kills it when the time is up, whatever the engine is
doing (pyoxigraph cannot be interrupted from Python). Without fork (Windows), or without a
timeout, it runs in this process and the time is checked between rows. Rows past ``max_rows`` are
never read: the answer says it was cut.
"""
from __future__ import annotations

import os
import pickle
import re
import select
import signal
import struct
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol

import pyoxigraph as ox

from . import plans
from .errors import QueryError
from .prefixes import SCHEMA
from .querydefs import Bound, Query, bind_values, ox_syntax_error
from .text import SURROGATES, name_key

#: ``graphbuild query`` defaults (documented in README and docs/errors.md)
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
BATCH = 500
XSD = "http://www.w3.org/2001/XMLSchema#"
_NAMES = (f"SELECT ?s ?p ?n WHERE {{ VALUES ?p {{ <{SCHEMA}name> <{SCHEMA}alternateName> }} ?s ?p ?n }}")


# ------------------------------------------------------------------ portable terms
#: a term as plain data: ("uri", iri) | ("bnode", id) | ("literal", value, datatype, language)
Portable = tuple


def portable(t: Any) -> Portable | None:
    """A pyoxigraph or rdflib term as plain data (picklable, engine-neutral); None for unbound."""
    if t is None:
        return None
    cls = type(t).__name__
    if cls in ("NamedNode", "URIRef"):
        return ("uri", t.value if cls == "NamedNode" else str(t))
    if cls in ("BlankNode", "BNode"):
        return ("bnode", t.value if cls == "BlankNode" else str(t))
    if cls == "Literal" and isinstance(t, ox.Literal):
        return ("literal", t.value, t.datatype.value, t.language)
    if cls == "Literal":  # rdflib
        dt = str(t.datatype) if t.datatype is not None else (None if t.language else XSD + "string")
        return ("literal", str(t), dt, t.language)
    raise TypeError(f"not an RDF term: {t!r}")


def ox_term(p: Portable | None):
    """A portable term as a pyoxigraph term."""
    if p is None:
        return None
    if p[0] == "uri":
        return ox.NamedNode(p[1])
    if p[0] == "bnode":
        return ox.BlankNode(p[1])
    if p[3]:
        return ox.Literal(p[1], language=p[3])
    return ox.Literal(p[1], datatype=ox.NamedNode(p[2])) if p[2] else ox.Literal(p[1])


# ------------------------------------------------------------------ engines
class Engine(Protocol):
    """What both engines offer: run SPARQL text, streaming, with errors as QueryError."""

    def execute(self, q: Query, bound: Bound) -> "Answer": ...


@dataclass
class Answer:
    """One query's answer, streamed: ``kind`` is "select" (``variables`` and ``rows``), "ask"
    (``value``) or "graph" (``rows`` of (s, p, o)); terms are engine terms."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: Iterable[tuple] = ()
    value: bool = False


class OxEngine:
    """pyoxigraph's engine on a store."""

    #: what pyoxigraph raises for a query it cannot answer (SyntaxError for bad syntax, OSError
    #: for a SERVICE it cannot reach, RuntimeError for an evaluation error); anything else is a bug
    ERRORS = (RuntimeError, OSError)

    def __init__(self, store: ox.Store, prefixes: dict[str, str] | None = None) -> None:
        self.store, self.prefixes = store, prefixes or {}

    def names(self) -> Iterator[tuple[Any, bool, str]]:
        """(subject, is its main name, name) for every schema:name and schema:alternateName."""
        for s, p, n in self.store.query(_NAMES):
            yield s, p.value.endswith("/name"), n.value

    def execute(self, q: Query, bound: Bound) -> Answer:
        try:
            planned = plans.answer(self.store, q, bound)
        except self.ERRORS as e:
            raise QueryError(f"{q.label}: the query failed ({_first_line(e)})") from None
        if planned is not None:  # a bundled question pyoxigraph answers slowly (graphbuild.plans)
            return Answer("select", *planned)
        try:
            result = self.store.query(bound.text, prefixes=self.prefixes)
        except SyntaxError as e:
            raise ox_syntax_error(q, bound, e) from None
        except self.ERRORS as e:
            raise QueryError(f"{q.label}: the query failed ({_first_line(e)})") from None
        if isinstance(result, ox.QueryBoolean):
            return Answer("ask", value=bool(result))
        if isinstance(result, ox.QueryTriples):
            return Answer("graph", rows=((t.subject, t.predicate, t.object) for t in self._guard(q, result)))
        variables = [v.value for v in result.variables]
        return Answer("select", variables, (tuple(sol[i] for i in range(len(variables)))
                                            for sol in self._guard(q, result)))

    def _guard(self, q: Query, it):
        """Evaluation errors surface while rows are read: the same one-line QueryError."""
        try:
            yield from it
        except self.ERRORS as e:
            raise QueryError(f"{q.label}: the query failed ({_first_line(e)})") from None


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


# ------------------------------------------------------------------ parameters
def find_entity(engine, value: str) -> tuple[Any | None, list[str]]:
    """(the entity whose name or alias is ``value``, every name for suggestions); case, accents
    and punctuation are ignored and a main name wins over an alias."""
    key, alias, names = name_key(value), None, []
    for s, main, n in engine.names():
        names.append(n)
        if type(s).__name__ in ("NamedNode", "URIRef") and name_key(n) == key:
            if main:
                return s, names
            alias = alias or s
    return alias, names


def _spelling(s: str) -> str:
    """A value's key for matching allowed values: case, British/American -s/-z, plural ignored."""
    s = s.strip().strip("<>").lower().replace("organis", "organiz")
    s = re.split(r"[#/:]", s)[-1]
    return {"people": "person"}.get(s, s[:-1] if s.endswith("s") and len(s) > 3 else s)


def one_of(value: str, allowed: list[str], prefixes: dict[str, str], label: str) -> str:
    """``value`` as one of the ``allowed`` prefixed names, accepting the obvious spellings: the prefixed
    name, the full IRI, or the local name in any case, singular or plural, ``organisation`` or
    ``organization`` ("Person", "people", "organisations" -> ``schema:Person``, ``schema:Organization``).

    Raises:
        QueryError: the value is none of them (the message lists them).
    """
    for a in allowed:
        p, local = a.split(":", 1)
        if value.strip() in (a, f"<{prefixes.get(p, '')}{local}>", f"{prefixes.get(p, '')}{local}"):
            return a
    hits = [a for a in allowed if _spelling(a) == _spelling(value)]
    if len(hits) == 1:
        return hits[0]
    raise QueryError(f"{label} must be one of {', '.join(allowed)} (got {value[:80]!r})")


def to_term(value: Any, engine, prefixes: dict[str, str], q: Query | None = None, name: str = ""):
    """A parameter value as a pyoxigraph term: an RDF term as it is; ``"text"`` (in double quotes)
    as that plain literal; ``<iri>`` or an http(s)/urn/tag URL as an IRI; ``prefix:local`` with a known prefix as an IRI; else the entity with that name or
    alias; else a plain literal (refused when the query's header says the parameter is an entity).

    Raises:
        QueryError: an invalid IRI, a blank node, text that is not text (bytes of the command line
            that are not UTF-8), or no entity of that name where one is needed.
    """
    import difflib
    import re

    label = q.label if q is not None else "query"
    cls = type(value).__name__
    if cls in ("NamedNode", "Literal") and isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if cls in ("URIRef", "Literal") and hasattr(value, "n3"):  # rdflib terms, without importing rdflib
        return ox_term(portable(value))
    if cls in ("BNode", "BlankNode"):
        raise QueryError(f"{label}: ?{name} cannot be bound to a blank node")
    s = str(value)
    if SURROGATES.search(s):  # bytes of the command line that are not UTF-8 (Python keeps them as surrogates)
        raise QueryError(f"{label + ': ?' + name + ' = ' if name else ''}{s[:80]!r} is not text: it holds "
                         "bytes that are not UTF-8")
    iri = None
    if q is not None and q.allowed(name):
        s = one_of(s, q.allowed(name), prefixes, f"{label}: ?{name}")
    if len(s) >= 2 and s[0] == s[-1] == '"':  # "..." forces a plain literal (a name, not its entity)
        return ox.Literal(s[1:-1])
    if s.startswith("<") and s.endswith(">"):
        iri = s[1:-1]
    elif re.match(r"^(https?|urn|tag):\S+$", s):
        iri = s
    else:
        m = re.match(r"^([A-Za-z][\w-]*):([\w.-]+)$", s)
        if m and m.group(1) in prefixes:
            iri = prefixes[m.group(1)] + m.group(2)
    if iri is not None:
        try:
            return ox.NamedNode(iri)
        except ValueError as e:
            raise QueryError(f"{label}: ?{name} = {s[:80]!r} is not a valid IRI ({e})") from None
    node, names = find_entity(engine, s)
    if node is not None:
        return ox_term(portable(node))
    if q is not None and q.takes_entity(name):
        near = difflib.get_close_matches(s, sorted(set(names)), n=3)
        raise QueryError(f"{label}: No entity named {s!r} for ?{name}." + (f" Did you mean {', '.join(near)}?" if near else ""))
    return ox.Literal(s)


def bind(q: Query, params: dict[str, Any], engine, prefixes: dict[str, str]) -> Bound:
    """The query with its parameters bound (see the module docstring). A list or tuple of values
    binds the variable to each of them (one VALUES row each; several such parameters: every
    combination)."""
    terms = {k: [str(to_term(x, engine, prefixes, q, k)) for x in (v if isinstance(v, (list, tuple)) else [v])]
             for k, v in params.items() if v is not None}
    return bind_values(q, terms)


# ------------------------------------------------------------------ streaming, caps, time
def stream(answer: Answer, max_rows: int | None, raw: bool = False) -> Iterator[tuple]:
    """An answer as messages of plain data: ("select", variables) then ("rows", [row, ...]) batches
    and ("cut", n) when ``max_rows`` stopped it; or ("ask", bool); or ("graph",) then triple batches.
    Terms are portable (see :func:`portable`), or the engine's own with ``raw``."""
    if answer.kind == "ask":
        yield ("ask", answer.value)
        return
    yield ("select", answer.variables) if answer.kind == "select" else ("graph",)
    batch, n = [], 0
    for row in answer.rows:
        if max_rows is not None and n >= max_rows:
            yield ("rows", batch)
            yield ("cut", n)
            return
        batch.append(row if raw else tuple(portable(t) for t in row))
        n += 1
        if len(batch) >= BATCH:
            yield ("rows", batch)
            batch = []
    yield ("rows", batch)


class RemoteTraceback(Exception):
    """The traceback of an exception raised in the query worker process."""


def _send(fd: int, msg: tuple) -> None:
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    data = struct.pack("!Q", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _child(produce: Callable[[], Iterable[tuple]], fd: int) -> None:
    """The worker's whole life: run ``produce``, send its messages, never return to the caller."""
    code = 0
    try:
        try:
            for msg in produce():
                _send(fd, msg)
            _send(fd, ("done",))
        except BaseException as e:  # noqa: BLE001  (sent to the parent, which raises it)
            try:
                exc = pickle.loads(pickle.dumps(e))
            except Exception:  # noqa: BLE001  (an exception that does not pickle: its text)
                exc = RuntimeError(f"{type(e).__name__}: {e}")
            _send(fd, ("error", exc, traceback.format_exc()))
    except BaseException:  # noqa: BLE001  (the parent went away)
        code = 1
    finally:
        os._exit(code)


class _Reader:
    """Length-prefixed pickled messages from the worker's pipe, each read before a deadline."""

    def __init__(self, fd: int, deadline: float, on_timeout: Callable[[], Exception]) -> None:
        self.fd, self.deadline, self.on_timeout, self.buf = fd, deadline, on_timeout, bytearray()

    def _fill(self, n: int) -> bool:
        while len(self.buf) < n:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise self.on_timeout()
            data = os.read(self.fd, max(1 << 16, n - len(self.buf)))
            if not data:
                return False
            self.buf += data
        return True

    def message(self) -> tuple | None:
        if not self._fill(8):
            return None
        (size,) = struct.unpack("!Q", self.buf[:8])
        if not self._fill(8 + size):
            return None
        msg = pickle.loads(bytes(self.buf[8:8 + size]))
        del self.buf[:8 + size]
        return msg


def supervised(produce: Callable[[], Iterable[tuple]], timeout: float | None, label: str) -> Iterator[tuple]:
    """The messages of ``produce()``, run in a forked worker process killed after ``timeout``
    seconds (in this process, with the time checked between messages, when there is no timeout or
    no ``os.fork``). A plain fork and a pipe, not ``multiprocessing``, whose import alone costs
    more than a small query.

    Raises:
        QueryError: the time ran out, or the worker died (killed for memory, crashed).
        Exception: whatever ``produce`` raised, re-raised here (with the worker's traceback).
    """
    deadline = time.monotonic() + timeout if timeout is not None else None
    if timeout is None or not hasattr(os, "fork"):
        for msg in produce():
            if deadline is not None and time.monotonic() > deadline:
                raise QueryError(f"{label}: stopped after {timeout:g} s (--timeout)")
            yield msg
        return
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(produce, write_fd)
    os.close(write_fd)
    reader = _Reader(read_fd, deadline, lambda: QueryError(
        f"{label}: stopped after {timeout:g} s (--timeout); the query was still running"))
    try:
        while True:
            msg = reader.message()
            if msg is None:
                _, status = os.waitpid(pid, 0)
                pid = 0
                raise QueryError(f"{label}: the query process ended unexpectedly ({_status(status)}; out of memory?)")
            if msg[0] == "done":
                return
            if msg[0] == "error":
                raise msg[1] from RemoteTraceback(msg[2])
            yield msg
    finally:
        os.close(read_fd)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit code {os.WEXITSTATUS(status)}"
