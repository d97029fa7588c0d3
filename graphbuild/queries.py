"""SPARQL questions: find and read ``queries/*.rq`` (with their headers), run them with bound
parameters, refuse updates and SERVICE calls, and write answers in standard formats."""
from __future__ import annotations

import difflib
import re
from typing import Any, Iterable

from pyparsing import ParseException
from oxrdflib import OxigraphStore
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.namespace import SDO

from . import results
from .errors import QueryError
from .namespaces import PREFIXES
from .querydefs import (HEADER_FIELDS, Query, _UPDATE, bundled, check_params, check_safe, load_query,
                        ox_syntax_error, parse_header, query_dirs, strip_literals, syntax_error)
from .text import name_key

__all__ = ["HEADER_FIELDS", "Query", "bundled", "load_query", "parse_header", "query_dirs", "run_query",
           "format_rows", "describe_entity", "find_entity", "bind_value", "Rows"]

def _syntax_error(text: str, e: ParseException, lineno: int | None = None, col: int | None = None) -> QueryError:
    return syntax_error(text, lineno or e.lineno, col or e.col)


def prepare(q: Query):
    """Parse a query once (raises QueryError with line and column on bad syntax)."""
    try:
        return prepareQuery(q.text, initNs=PREFIXES)
    except ParseException as e:
        raise _syntax_error(q.text, e) from None
    except Exception as e:  # rdflib raises assorted errors for bad algebra
        raise QueryError(f"SPARQL error in {q.name}: {e}") from None


def find_entity(g: Graph, value: str) -> URIRef | None:
    """The entity whose name or alias is ``value`` (case, accents and punctuation ignored)."""
    key = name_key(value)
    best = None
    for p in (SDO.name, SDO.alternateName):
        for s, o in g.subject_objects(p):
            if name_key(str(o)) == key and isinstance(s, URIRef):
                if p == SDO.name:
                    return s
                best = best or s
    return best


def bind_value(g: Graph, value: Any) -> URIRef | Literal:
    """A parameter value as an RDF term: ``<iri>``/http(s) URL -> IRI; an entity name -> its IRI;
    else a plain literal. Never pasted into the query text."""
    if isinstance(value, (URIRef, Literal)):
        return value
    s = str(value)
    if s.startswith("<") and s.endswith(">") and " " not in s:
        return URIRef(s[1:-1])
    if re.match(r"^(https?|urn|tag):\S+$", s):
        return URIRef(s)
    m = re.match(r"^([A-Za-z][\w-]*):([\w.-]+)$", s)
    if m:
        ns = dict(g.namespaces()).get(m.group(1)) or PREFIXES.get(m.group(1))
        if ns:
            return URIRef(str(ns) + m.group(2))
    return find_entity(g, s) or Literal(s)


def _bind(g: Graph, q: Query, name: str, value: Any) -> URIRef | Literal:
    term = bind_value(g, value)
    if isinstance(term, Literal) and q.takes_entity(name):
        near = difflib.get_close_matches(str(value), sorted({str(o) for o in g.objects(None, SDO.name)}), n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise QueryError(f"No entity named {str(value)!r} for ?{name}.{hint}")
    return term


def run_query(g: Graph, name_or_text: str, *, allow_update: bool = False, allow_service: bool = False,
              limit: int | None = None, **params: Any):
    """Run a bundled query (by name), a ``.rq`` file or SPARQL text on ``g``.

    Graphs from :func:`graphbuild.build_graph` and :func:`graphbuild.read_graph` live in a
    pyoxigraph store and are queried by its engine; other rdflib Graphs by rdflib's.

    Args:
        g: the graph.
        name_or_text: query name, path or text.
        allow_update, allow_service: opt in to updates / remote SERVICE calls (refused by default).
        limit: keep at most this many rows.
        **params: values for the query's parameters, bound as values (``initBindings``).
    Returns:
        SELECT: a list of dicts (variable -> rdflib term or None); ASK: a bool;
        CONSTRUCT/DESCRIBE: a Graph.
    Raises:
        QueryError: unknown query or parameter, missing required parameter, bad or refused SPARQL.
    """
    q = load_query(name_or_text)
    check_safe(q.text, allow_update, allow_service)
    if allow_update and _UPDATE.search(strip_literals(q.text)):
        try:
            g.update(q.text)
        except ParseException as e:
            raise _syntax_error(q.text, e) from None
        except SyntaxError as e:
            raise ox_syntax_error(q.text, e) from None
        return True
    check_params(q, params)
    bindings = {Variable(k): _bind(g, q, k, v) for k, v in params.items() if v is not None}
    native = isinstance(g.store, OxigraphStore)
    try:
        result = g.query(q.text if native else prepare(q), initNs=PREFIXES, initBindings=bindings)
    except SyntaxError as e:
        raise ox_syntax_error(q.text, e) from None
    except QueryError:
        raise
    except Exception as e:
        raise QueryError(f"{q.name}: the query failed ({str(e).splitlines()[0] if str(e) else type(e).__name__})") from None
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph
    variables = [str(v) for v in result.vars]
    rows = [{v: row[i] for i, v in enumerate(variables)} for row in result]
    rows = rows[:limit] if limit is not None else rows
    return Rows(rows, variables)


class Rows(list):
    """SELECT answers: a list of dicts, plus the variable order and optional pandas conversion."""

    def __init__(self, rows: Iterable[dict], variables: list[str]) -> None:
        super().__init__(rows)
        self.vars = variables

    def to_dataframe(self):
        """A pandas DataFrame of the answers (needs pandas installed)."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError("to_dataframe() needs pandas: pip install pandas") from None
        return pd.DataFrame([{k: (None if v is None else v.toPython()) for k, v in r.items()} for r in self],
                            columns=self.vars)


# ------------------------------------------------------------------ output formats
def short(t, g: Graph | None, full: bool = False) -> str:
    """A term for people: prefixed IRIs (``org:bids``) unless ``full``; literal values as they are."""
    return results.short(t, {p: str(ns) for p, ns in g.namespaces()} if g is not None else None, full)


def format_rows(rows: Rows, fmt: str = "table", g: Graph | None = None, full: bool = False) -> str:
    """Answers in ``table``, ``csv``, ``tsv``, ``json`` or ``md`` (prefixes from ``g``)."""
    prefixes = {p: str(ns) for p, ns in g.namespaces() if p} if g is not None else None
    return results.format_results(rows, rows.vars, fmt, prefixes, full)


def _confidence(g: Graph, node: URIRef) -> float | None:
    from .namespaces import GB

    value = g.value(node, GB.confidence)
    return float(value) if value is not None else None


def describe_entity(g: Graph, name: str) -> dict:
    """Everything the graph says of one entity, for a person checking a surprising edge.

    Args:
        g: the graph.
        name: a name, alias or IRI.
    Returns:
        ``{"iri", "name", "types", "aliases", "urls", "confidence" (gb:confidence or None), "posts": [{"post", "headline", "date", "quotes":
        [(quote, extractor)]}], "relations": [(direction, predicate, other name, quote)]}``.
    Raises:
        QueryError: no entity has that name.
    """
    node = bind_value(g, name)
    if not isinstance(node, URIRef) or (node, None, None) not in g:
        near = difflib.get_close_matches(name, sorted({str(o) for o in g.objects(None, SDO.name)}), n=3)
        raise QueryError(f"No entity named {name!r}." + (f" Did you mean {', '.join(near)}?" if near else ""))
    posts: dict[str, dict] = {}
    for r in run_query(g, "where_said", entity=node):
        post = str(r["post"])
        entry = posts.setdefault(post, {"post": post, "headline": str(g.value(URIRef(post), SDO.headline) or post),
                                        "date": str(g.value(URIRef(post), SDO.datePublished) or "")[:10],
                                        "quotes": []})
        quote, how = str(r["quote"]), f"{r['extractor']} ({r['supports']})"
        for i, (q, hows) in enumerate(entry["quotes"]):
            if q == quote:
                entry["quotes"][i] = (q, f"{hows}, {how}")
                break
        else:
            entry["quotes"].append((quote, how))
    rels = [("->" if r["subject"] == node else "<-", short(r["relation"], g),
             str(r["objectName"] if r["subject"] == node else r["subjectName"]), str(r["quote"] or ""))
            for r in run_query(g, "relations") if node in (r["subject"], r["object"])]
    return {"iri": str(node), "name": str(g.value(node, SDO.name) or node),
            "types": sorted(short(t, g) for t in g.objects(node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))),
            "aliases": sorted(str(a) for a in g.objects(node, SDO.alternateName)),
            "urls": sorted(str(u) for u in g.objects(node, SDO.sameAs)),
            "confidence": _confidence(g, node),
            "posts": sorted(posts.values(), key=lambda p: p["date"], reverse=True), "relations": sorted(rels)}
