"""``graphbuild push``: upload the graph into a named graph of any store that speaks the SPARQL 1.1
Graph Store HTTP Protocol (Virtuoso, Fuseki, GraphDB, Oxigraph, Stardog, Neptune, ...).

Replacing, as readers see it. With an update endpoint (given, or derived from the Graph Store
URL for the usual layouts, see :func:`update_url_for`), the N-Triples are uploaded in chunks into
a fresh temporary graph (``PUT`` the first chunk, ``POST`` the others), and only when every chunk
is in does one SPARQL Update ``MOVE <tmp> TO <graph>`` replace the named graph: a reader sees the
old graph or the new one, never a half (as far as the store runs one update as one transaction,
which Virtuoso, Fuseki, GraphDB and Oxigraph do). If anything fails before the MOVE, the
temporary graph is deleted and the named graph is untouched. Without an update endpoint
(``--update-url none``) the whole graph goes in one ``PUT`` to the named graph (the Graph Store
Protocol's replace, one request, one transaction in the stores above; no chunking).

Blank nodes cannot span requests (a label means a new node in every request): a graph with blank
nodes is sent in one chunk. graphbuild's own graphs have none.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

from .errors import reading_graph_file
from .remote import PASSWORD_ENV, Client, RemoteError, credentials, safe_url

NT = "application/n-triples"
DEFAULT_CHUNK_BYTES = 16 * 2**20
_FEED = re.compile(rb"^(<[^>]*>) <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> <https?://schema\.org/DataFeed> \.",
                   re.M)
_BNODE = re.compile(rb"(^|\s)_:\S+\s")


@dataclass
class PushResult:
    """What was (or, with ``dry_run``, would be) sent."""

    url: str
    named_graph: str
    triples: int
    bytes: int
    chunks: int
    update_url: str | None
    temp_graph: str | None
    steps: list[str] = field(default_factory=list)


def update_url_for(gsp_url: str) -> str | None:
    """The SPARQL Update endpoint beside a Graph Store endpoint, for the usual layouts:
    Virtuoso ``/sparql-graph-crud-auth`` -> ``/sparql-auth`` (``/sparql-graph-crud`` -> ``/sparql``),
    Fuseki ``/DATASET/data`` -> ``/DATASET/update``, Oxigraph ``/store`` -> ``/update``,
    GraphDB/RDF4J ``/repositories/R/rdf-graphs/service`` -> ``/repositories/R/statements``; else None."""
    parts = urlsplit(gsp_url)
    path = parts.path.rstrip("/")
    rules = [(r"/sparql-graph-crud-auth$", "/sparql-auth"), (r"/sparql-graph-crud$", "/sparql"),
             (r"(/repositories/[^/]+)/rdf-graphs/service$", r"\1/statements"),
             (r"/data$", "/update"), (r"/store$", "/update")]
    for pattern, repl in rules:
        if re.search(pattern, path):
            return urlunsplit((parts.scheme, parts.netloc, re.sub(pattern, repl, path), "", ""))
    return None


def default_named_graph(nt: bytes) -> str:
    """The named graph for a graph with no ``--named-graph``: its feed's IRI when it was built from
    one feed (the ``schema:DataFeed`` node), else an IRI derived from all of its feeds' IRIs."""
    feeds = sorted({m.group(1)[1:-1].decode("utf-8") for m in _FEED.finditer(nt)})
    if len(feeds) == 1:
        return feeds[0]
    digest = hashlib.sha256("\n".join(feeds).encode("utf-8")).hexdigest()[:16]
    return f"urn:graphbuild:graph:{digest}"


def ntriples(source) -> bytes:
    """The graph as N-Triples: a file (``.nt`` read as it is, other formats through pyoxigraph),
    or an rdflib Graph.

    Raises:
        RemoteError: the file cannot be read as RDF.
    """
    if not isinstance(source, (str, Path)):
        from .export import serialize
        return serialize(source, "nt")
    import pyoxigraph as ox

    from .fastquery import READ_FORMATS

    path = Path(source)
    with reading_graph_file(path, RemoteError):
        if path.suffix.lower() == ".nt":
            return path.read_bytes()
        fmt = READ_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
        quads = ox.parse(path=str(path), format=fmt)
        return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)


def chunks(nt: bytes, size: int) -> Iterator[bytes]:
    """``nt`` cut at line ends into pieces of about ``size`` bytes (never inside a triple)."""
    start = 0
    while start < len(nt):
        end = start + size
        if end >= len(nt):
            yield nt[start:]
            return
        nl = nt.find(b"\n", end)
        end = len(nt) if nl < 0 else nl + 1
        yield nt[start:end]
        start = end


def push(source, url: str, *, named_graph: str | None = None, user: str | None = None,
         password_env: str = PASSWORD_ENV, auth: str = "auto", update_url: str | None = "auto",
         chunk_bytes: int = DEFAULT_CHUNK_BYTES, timeout: float = 300.0, retries: int = 3,
         dry_run: bool = False, progress: Callable[[str], None] | None = None) -> PushResult:
    """Upload a graph (an rdflib Graph or a graph file) into ``named_graph`` of the Graph Store at
    ``url``, replacing it (see the module docstring).

    Args:
        source: an rdflib Graph, or the path of a graph file.
        url: the Graph Store HTTP Protocol endpoint (``?graph=`` is added).
        named_graph: the graph's IRI (default: :func:`default_named_graph`).
        user: user name; the password comes from ``$GRAPHBUILD_PASSWORD`` (``password_env``) or
            ~/.netrc; Basic or Digest as the server asks (``auth``: auto, basic, digest).
        update_url: SPARQL Update endpoint for the swap; "auto" derives it from ``url``; None sends
            the graph in one PUT.
        chunk_bytes: largest request body. timeout: seconds per request. retries: of a request
            that failed to connect or got 429/502/503/504, with exponential backoff.
        dry_run: send nothing; the result says what would be sent.
        progress: called with a line per step.
    Raises:
        RemoteError: one line; the named graph is then as it was.
    """
    say = progress or (lambda _s: None)
    nt = ntriples(source)
    named = named_graph or default_named_graph(nt)
    if update_url == "auto":
        update_url = update_url_for(url)
    triples = nt.count(b"\n") + (0 if nt.endswith(b"\n") or not nt else 1)
    if update_url is None or _BNODE.search(nt):
        parts = [nt]
    else:
        parts = list(chunks(nt, max(1, chunk_bytes)))
    temp = f"urn:graphbuild:push:{uuid.uuid4().hex}" if update_url else None
    result = PushResult(safe_url(url), named, triples, len(nt), len(parts), safe_url(update_url) if update_url else None,
                        temp)
    target = temp or named
    for i, body in enumerate(parts):
        n = body.count(b"\n")
        result.steps.append(f"{'PUT' if i == 0 else 'POST'} {safe_url(url)}?graph={target}  "
                            f"({n} triples, {len(body)} bytes, {NT})")
    if temp:
        result.steps.append(f"POST {safe_url(update_url)}  update=MOVE <{temp}> TO <{named}>")
    if dry_run:
        creds = None
        try:
            creds = credentials(url, user, password_env)
        except RemoteError as e:
            result.steps.append(f"warning: {e}")
        who = f"as {creds[0]} (password from ${password_env} or ~/.netrc, not shown)" if creds else "without authentication"
        result.steps.insert(0, f"would send {triples} triples ({len(nt)} bytes) to <{named}> {who}")
        return result
    client = Client(user=user, password_env=password_env, auth=auth, timeout=timeout, retries=retries)
    try:
        if credentials(url, user, password_env) is not None:  # learn the auth scheme without a body
            probe = f"urn:graphbuild:push:{uuid.uuid4().hex}"  # an empty graph: nothing to download
            client.request("GET", url, params={"graph": probe}, ok=(200, 204, 404),
                           headers={"Accept": NT}, what="push (sign-in)", stream=True).close()
        for i, (body, step) in enumerate(zip(parts, result.steps)):
            say(step)
            client.request("PUT" if i == 0 else "POST", url, params={"graph": target}, data=body,
                           headers={"Content-Type": NT}, what=f"push chunk {i + 1}/{len(parts)}")
        if temp:
            say(result.steps[-1])
            client.request("POST", update_url, data={"update": f"MOVE <{temp}> TO <{named}>"},
                           what="push (MOVE into the named graph)")
            temp = None  # moved: nothing left to clean
    finally:
        if temp:
            _drop(client, url, temp)
        client.close()
    return result


def _drop(client: Client, url: str, graph: str) -> None:
    """Best effort: delete the temporary graph of a failed push (the error already raised wins)."""
    client.retries = 0
    client.timeout = min(client.timeout, 10.0)
    try:
        client.request("DELETE", url, params={"graph": graph}, what="push (clean-up)", ok=(200, 202, 204, 404))
    except RemoteError:
        pass
