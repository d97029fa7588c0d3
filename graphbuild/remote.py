"""Talking to other SPARQL servers over HTTP: one session (auth, timeouts, retries, one-line
errors) shared by ``graphbuild push`` (:mod:`graphbuild.gsp`) and ``graphbuild query --endpoint``.

HTTP is ``requests`` (Basic and Digest auth, netrc, connection reuse), never hand-written auth.
A secret is never printed: messages show URLs without their user-info part, and the password
lives only in the ``requests`` auth object.
"""
from __future__ import annotations

import netrc
import os
import time
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from . import sparql
from .errors import GraphbuildError, QueryError
from .prefixes import PREFIXES, minted_prefixes
from .querydefs import Bound, Query, check_nesting, check_params, check_safe, load_query

#: environment variable read for the password when ``--user`` is given (else ~/.netrc)
PASSWORD_ENV = "GRAPHBUILD_PASSWORD"
#: statuses worth retrying: the server said "later" or a proxy in front of it failed
TRANSIENT = {429, 502, 503, 504}


class RemoteError(GraphbuildError):
    """A remote server is down, refused us, failed or was too slow (one line, no secret)."""


def safe_url(url: str) -> str:
    """``url`` without user-info (``https://user:secret@host`` -> ``https://host``)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def credentials(url: str, user: str | None, password_env: str = PASSWORD_ENV) -> tuple[str, str] | None:
    """(user, password) for ``url``: ``user`` with the password from ``$password_env``, else from
    ~/.netrc (``$NETRC``) for the URL's host; None for no authentication.

    Raises:
        RemoteError: a user without any password.
    """
    parts = urlsplit(url)
    if parts.username:
        user = user or parts.username
        if parts.password:
            return user, parts.password
    password = os.environ.get(password_env)
    if user and password is not None:
        return user, password
    try:
        entry = netrc.netrc(os.environ.get("NETRC")).authenticators(parts.hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry and (user is None or entry[0] == user):
        return entry[0], entry[2] or ""
    if user:
        raise RemoteError(f"--user {user}: no password: set ${password_env} or add the host "
                          f"{parts.hostname} to ~/.netrc")
    return None


@dataclass
class Client:
    """A ``requests`` session with auth chosen from the server's challenge (Basic or Digest),
    timeouts, and retries with exponential backoff on transient failures."""

    user: str | None = None
    password_env: str = PASSWORD_ENV
    auth: str = "auto"  # auto | basic | digest
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5

    def __post_init__(self) -> None:
        import requests

        self.session = requests.Session()
        self.session.trust_env = False  # proxies, netrc: we choose (netrc above), env proxies aside
        self.session.headers["User-Agent"] = "graphbuild (+https://github.com/graphbuild)"
        self._creds: tuple[str, str] | None = None
        self._resolved = False

    def _auth_for(self, url: str, challenge: str | None):
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        if not self._resolved:
            self._creds = credentials(url, self.user, self.password_env)
            self._resolved = True
        if self._creds is None:
            return None
        scheme = self.auth
        if scheme == "auto":
            scheme = "digest" if (challenge or "").lower().lstrip().startswith("digest") else "basic"
        return (HTTPDigestAuth if scheme == "digest" else HTTPBasicAuth)(*self._creds)

    def request(self, method: str, url: str, *, what: str, ok=(200, 201, 204), **kw) -> Any:
        """One HTTP request, retried on connection errors and 429/502/503/504 (``Retry-After``
        honoured); the answer if its status is in ``ok``.

        Raises:
            RemoteError: down, refused, failed (the status and the first line of its message), or
                slower than ``timeout``.
        """
        import requests

        shown = safe_url(url)
        kw.setdefault("timeout", (min(10.0, self.timeout), self.timeout))
        for attempt in range(self.retries + 1):
            delay = self.backoff * 2 ** attempt
            try:
                r = self.session.request(method, url, **kw)
                if r.status_code == 401 and self.session.auth is None:
                    auth = self._auth_for(url, r.headers.get("WWW-Authenticate"))
                    if auth is not None:
                        self.session.auth = auth
                        r = self.session.request(method, url, **kw)
            except requests.Timeout:
                raise RemoteError(f"{what}: {shown} did not answer within {self.timeout:g} s (--timeout)") from None
            except requests.ConnectionError as e:
                if attempt < self.retries:
                    time.sleep(delay)
                    continue
                raise RemoteError(f"{what}: cannot connect to {shown} ({_reason(e)})") from None
            if r.status_code in ok:
                return r
            if r.status_code in TRANSIENT and attempt < self.retries:
                time.sleep(_retry_after(r, delay))
                continue
            if r.status_code in (401, 403):
                who = f"as {self._creds[0]}" if self._creds else "without credentials (--user, netrc)"
                raise RemoteError(f"{what}: {shown} refused access {who} (HTTP {r.status_code})")
            raise RemoteError(f"{what}: {shown} answered HTTP {r.status_code}{_detail(r)}")
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.session.close()


def _reason(e: Exception) -> str:
    text = str(e)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out",
                   "Connection reset", "Remote end closed connection"):
        if marker in text:
            return marker.lower()
    return type(e).__name__


def _retry_after(r, default: float) -> float:
    try:
        return min(30.0, float(r.headers.get("Retry-After", default)))
    except ValueError:
        return default


def _detail(r) -> str:
    text = " ".join((r.text or "").split())[:160]
    return f": {text}" if text else ""


# ------------------------------------------------------------------ remote queries
class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint as an engine of :mod:`graphbuild.sparql`: the same binding
    (entity names are looked up through the endpoint), answers parsed by pyoxigraph."""

    def __init__(self, endpoint: str, client: Client, prefixes: dict[str, str] | None = None,
                 default_graph: str | None = None) -> None:
        self.endpoint, self.client, self.prefixes = endpoint, client, prefixes or PREFIXES
        self.default_graph = default_graph

    def _post(self, text: str, label: str):
        form = {"query": self.with_prefixes(text)}
        if self.default_graph:
            form["default-graph-uri"] = self.default_graph
        r = self.client.request("POST", self.endpoint, what=label, data=form,
                                headers={"Accept": "application/sparql-results+json"})
        try:
            return ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as e:
            raise RemoteError(f"{label}: {safe_url(self.endpoint)} did not answer with SPARQL JSON results "
                              f"({str(e).splitlines()[0][:120]})") from None

    def with_prefixes(self, text: str) -> str:
        """The query with PREFIX lines for the prefixes it uses and does not declare (a local
        query gets them from the engine; a remote one must carry them)."""
        import re

        declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", text)}
        used = [p for p in self.prefixes if p.lower() not in declared and re.search(rf"(?<![\w<#/]){re.escape(p)}:", text)]
        return "".join(f"PREFIX {p}: <{self.prefixes[p]}>\n" for p in used) + text

    def names(self) -> Iterator[tuple[Any, bool, str]]:
        for sol in self._post(sparql._NAMES, "entity names"):
            yield sol["s"], sol["p"].value.endswith("/name"), sol["n"].value

    def execute(self, q: Query, bound: Bound) -> sparql.Answer:
        result = self._post(bound.text, q.label)
        if isinstance(result, ox.QueryBoolean):
            return sparql.Answer("ask", value=bool(result))
        variables = [v.value for v in result.variables]
        return sparql.Answer("select", variables, (tuple(sol[v] for v in variables) for sol in result))


def remote_answer(endpoint: str, name_or_text: str, params: dict[str, Any], *, allow_service: bool = False,
                  timeout: float | None = sparql.DEFAULT_TIMEOUT, user: str | None = None,
                  auth: str = "auto", default_graph: str | None = None) -> tuple[Query, sparql.Answer]:
    """A query checked, bound (as locally: :func:`graphbuild.sparql.bind`, names looked up through
    the endpoint) and run on a remote SPARQL 1.1 endpoint; SELECT and ASK only.

    Raises:
        QueryError: a bad or refused query or parameter; RemoteError: the endpoint failed.
    """
    q = load_query(name_or_text)
    check_safe(q.text, False, allow_service, q.label)
    check_nesting(q)
    check_query_kind(q)
    check_params(q, params)
    prefixes = {**PREFIXES, **minted_prefixes()}
    client = Client(user=user, auth=auth, timeout=timeout or 3600.0, retries=1)
    try:
        engine = RemoteEngine(endpoint, client, prefixes, default_graph)
        return q, engine.execute(q, sparql.bind(q, params, engine, prefixes))
    finally:
        client.close()


def query_endpoint(endpoint: str, name_or_text: str, params: dict[str, Any], *, fmt: str = "table",
                   full: bool = False, limit: int | None = None, allow_service: bool = False,
                   timeout: float | None = sparql.DEFAULT_TIMEOUT, max_rows: int | None = sparql.DEFAULT_MAX_ROWS,
                   user: str | None = None, auth: str = "auto", default_graph: str | None = None):
    """Run a bundled query, a ``.rq`` file or SPARQL text on a remote SPARQL 1.1 endpoint: the same
    checks, parameter binding and output as :func:`graphbuild.fastquery.query_file_stream`.
    ``default_graph``: query this named graph (the protocol's ``default-graph-uri``), else the
    endpoint's default graph (in Virtuoso all graphs; in Oxigraph only with --union-default-graph).

    Returns:
        a :class:`graphbuild.fastquery.Output` (chunks of text, exit code, notices).
    Raises:
        QueryError: a bad or refused query or parameter; RemoteError: the endpoint failed.
    """
    from .fastquery import Output
    from .results import stream_results

    q, answer = remote_answer(endpoint, name_or_text, params, allow_service=allow_service, timeout=timeout,
                              user=user, auth=auth, default_graph=default_graph)
    caps = [x for x in (limit, max_rows) if x is not None]
    messages = sparql.stream(answer, min(caps) if caps else None, raw=True)
    head = next(messages)
    out = Output(iter(()))
    if head[0] == "ask":
        out.code = 0 if head[1] else 1
        out.chunks = iter(["yes\n" if head[1] else "no\n"])
        return out
    variables = head[1]

    def batches():
        for m in messages:
            if m[0] == "rows":
                yield (dict(zip(variables, r)) for r in m[1])
            elif m[0] == "cut" and (limit is None or (max_rows is not None and max_rows < limit)):
                out.notices.append(f"{q.label}: stopped at {m[1]} rows (--max-rows {max_rows}); "
                                   "the query has more: raise --max-rows, or add LIMIT or a filter")

    out.chunks = stream_results(batches(), variables, fmt, {**PREFIXES, **minted_prefixes()}, full)
    return out


def check_query_kind(q: Query) -> None:
    """CONSTRUCT/DESCRIBE answers are graphs: refused remotely (SELECT and ASK only)."""
    import re

    from .querydefs import strip_literals

    if re.search(r"(?i)\b(CONSTRUCT|DESCRIBE)\b", strip_literals(q.text)):
        raise QueryError(f"{q.label}: only SELECT and ASK queries run on a remote endpoint")
