"""SPARQL questions on an rdflib Graph: bundled ``*.rq`` files (with their headers), files and text,
with bound parameters, a time limit and a row cap, updates and SERVICE refused unless asked for, and
answers in standard formats. Graphs on a pyoxigraph store are queried by pyoxigraph's engine, other
rdflib Graphs by rdflib's; both go through :mod:`graphbuild.sparql` (one binding, one streaming)."""
from __future__ import annotations

import difflib
from typing import Any, Iterable

from oxrdflib import OxigraphStore
from pyparsing import ParseBaseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SDO
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import ExpressionNotCoveredException
from rdflib.plugins.sparql.sparql import SPARQLError

from . import results, sparql
from .errors import QueryError
from .namespaces import PREFIXES
from .store import term_text
from .querydefs import (HEADER_FIELDS, Bound, Query, _UPDATE, bundled, check_nesting, check_params, check_safe,
                        load_query, located_syntax_error, ox_syntax_error, parse_header, query_dirs, strip_literals)

__all__ = ["HEADER_FIELDS", "Query", "bundled", "load_query", "parse_header", "query_dirs", "run_query",
           "format_rows", "describe_entity", "find_entity", "bind_value", "Rows"]

XSD_STRING = sparql.XSD + "string"


class RdflibEngine:
    """rdflib's own SPARQL engine, for rdflib Graphs that are not on a pyoxigraph store."""

    #: what rdflib raises for a query it cannot parse or answer. rdflib also raises plain
    #: ``Exception`` for some bad queries (an unknown prefix, ...): those, and only those of
    #: exactly that class, are a bad query too; every other exception is a bug and propagates.
    ERRORS = (SPARQLError, ExpressionNotCoveredException)

    def __init__(self, g: Graph) -> None:
        self.g = g

    def names(self):
        for p in (SDO.name, SDO.alternateName):
            for s, o in self.g.subject_objects(p):
                yield s, p == SDO.name, str(o)

    def _failed(self, q: Query, e: Exception) -> QueryError:
        if not isinstance(e, self.ERRORS) and type(e) is not Exception:
            raise e
        return QueryError(f"{q.label}: the query failed ({sparql._first_line(e)})")

    def execute(self, q: Query, bound: Bound) -> sparql.Answer:
        try:
            result = self.g.query(prepareQuery(bound.text, initNs=PREFIXES))
        except ParseBaseException as e:
            raise located_syntax_error(q, bound, e.lineno, e.col) from None
        except Exception as e:  # narrowed in _failed: only rdflib's own errors become a QueryError
            raise self._failed(q, e) from None
        if result.type == "ASK":
            return sparql.Answer("ask", value=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return sparql.Answer("graph", rows=iter(result.graph))
        variables = [str(v) for v in result.vars]
        return sparql.Answer("select", variables, self._guard(q, (tuple(r) for r in result)))

    def _guard(self, q: Query, rows):
        try:
            yield from rows
        except Exception as e:  # narrowed in _failed
            raise self._failed(q, e) from None


def engine_for(g: Graph):
    """pyoxigraph's engine for a Graph on a pyoxigraph store (what build_graph and read_graph
    return), rdflib's for any other Graph."""
    if isinstance(g.store, OxigraphStore):
        return sparql.OxEngine(g.store._inner, PREFIXES)
    return RdflibEngine(g)


def rdflib_term(p):
    """A portable term (see :func:`graphbuild.sparql.portable`) as an rdflib term."""
    if p is None:
        return None
    if p[0] == "uri":
        return URIRef(p[1])
    if p[0] == "bnode":
        return BNode(p[1])
    if p[3]:
        return Literal(p[1], lang=p[3])
    return Literal(p[1], datatype=URIRef(p[2]) if p[2] and p[2] != XSD_STRING else None)


def prepare(q: Query):
    """Parse a query once with rdflib (raises QueryError naming the query, line and column)."""
    check_nesting(q)
    try:
        return prepareQuery(q.text, initNs=PREFIXES)
    except ParseBaseException as e:
        raise located_syntax_error(q, Bound(q.text), e.lineno, e.col) from None
    except Exception as e:  # narrowed: only rdflib's own errors become a QueryError
        raise RdflibEngine(Graph())._failed(q, e) from None


def find_entity(g: Graph, value: str) -> URIRef | None:
    """The entity whose name or alias is ``value`` (case, accents and punctuation ignored)."""
    node, _ = sparql.find_entity(engine_for(g), value)
    return rdflib_term(sparql.portable(node))


def bind_value(g: Graph, value: Any) -> URIRef | Literal:
    """A parameter value as an RDF term: ``<iri>``/http(s) URL -> IRI; an entity name -> its IRI;
    else a plain literal. Bound as a value (a VALUES block of serialised terms), never pasted."""
    return rdflib_term(sparql.portable(sparql.to_term(value, engine_for(g), _prefixes(g))))


def _prefixes(g: Graph) -> dict[str, str]:
    return {**PREFIXES, **{p: str(ns) for p, ns in g.namespaces() if p}}


def run_query(g: Graph, name_or_text: str, *, allow_update: bool = False, allow_service: bool = False,
              limit: int | None = None, timeout: float | None = None, max_rows: int | None = None,
              terms: bool = False, **params: Any):
    """Run a bundled query (by name), a ``.rq`` file or SPARQL text on ``g``.

    Graphs from :func:`graphbuild.build_graph` and :func:`graphbuild.read_graph` live in a
    pyoxigraph store and are queried by its engine; other rdflib Graphs by rdflib's.

    Args:
        g: the graph.
        name_or_text: query name, path or text.
        allow_update, allow_service: opt in to updates / remote SERVICE calls (refused by default).
        limit: keep at most this many rows.
        timeout: stop the query after this many seconds (it then runs in a worker process that
            is killed; see :mod:`graphbuild.sparql`). None: no limit.
        max_rows: read at most this many rows; ``Rows.cut`` says how many were kept if it cut.
        terms: give SELECT values as rdflib terms (``URIRef``, ``Literal``) instead of plain Python
            values (IRIs as ``str``, numbers as ``int``/``float``/``Decimal``, dates as
            ``datetime``/``date``, other literals as ``str``).
        **params: values for any variable of the query's WHERE clause, projected or not, bound as
            values (a VALUES block of serialised RDF terms), never pasted into the query.
    Returns:
        SELECT: a list of dicts (variable -> plain value, or rdflib term with ``terms=True``, or None); ASK: a bool;
        CONSTRUCT/DESCRIBE: a Graph.
    Raises:
        QueryError: unknown query or parameter, missing required parameter, bad, refused, too deeply
            nested or timed-out SPARQL; the message names the query.
    """
    q = load_query(name_or_text)
    check_safe(q.text, allow_update, allow_service, q.label)
    check_nesting(q)
    if allow_update and _UPDATE.search(strip_literals(q.text)):
        try:
            g.update(q.text)
        except ParseBaseException as e:
            raise located_syntax_error(q, Bound(q.text), e.lineno, e.col) from None
        except SyntaxError as e:
            raise ox_syntax_error(q, Bound(q.text), e) from None
        except RuntimeError as e:  # pyoxigraph: an evaluation error, or a store opened read-only
            hint = ("; this graph is the build's kept store, opened read-only: read_graph(path, store=False) "
                    "gives a copy you can change") if "read-write" in str(e) else ""
            raise QueryError(f"{q.label}: the update failed ({sparql._first_line(e)}){hint}") from None
        return True
    check_params(q, params)
    engine = engine_for(g)
    bound = sparql.bind(q, params, engine, _prefixes(g))
    caps = [x for x in (limit, max_rows) if x is not None]
    cap = min(caps) if caps else None
    messages = sparql.supervised(lambda: sparql.stream(engine.execute(q, bound), cap), timeout, q.label)
    head = next(messages)
    if head[0] == "ask":
        return head[1]
    rows, cut = [], None
    for msg in messages:
        if msg[0] == "rows":
            rows += [tuple(rdflib_term(t) for t in r) for r in msg[1]]
        elif msg[0] == "cut":
            cut = msg[1] if limit is None or (max_rows is not None and max_rows < limit) else None
    if head[0] == "graph":
        out = Graph()
        for t in rows:
            out.add(t)
        return out
    variables = head[1]
    term_rows = [dict(zip(variables, r)) for r in rows]
    answer = Rows(term_rows if terms else [{v: plain(t) for v, t in r.items()} for r in term_rows], variables)
    answer.terms = term_rows
    answer.cut = cut
    return answer


def plain(t: Any) -> Any:
    """An rdflib term as a plain Python value: IRIs and blank nodes as ``str``, literals through
    ``toPython()`` (an ill-typed or unknown datatype stays its lexical ``str``)."""
    if t is None:
        return None
    if isinstance(t, Literal):
        v = t.toPython()
        return str(t) if isinstance(v, Literal) else v
    return str(t)


class Rows(list):
    """SELECT answers: a list of dicts, plus the variable order and optional pandas conversion."""

    def __init__(self, rows: Iterable[dict], variables: list[str]) -> None:
        super().__init__(rows)
        self.vars = variables
        #: the number of rows kept when ``max_rows`` cut the answer, else None
        self.cut: int | None = None
        #: the same rows with rdflib terms (what the SPARQL result formats are written from)
        self.terms: list[dict] = list(self)

    def to_dataframe(self):
        """A pandas DataFrame of the answers (needs pandas installed)."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError("to_dataframe() needs pandas: pip install pandas") from None
        return pd.DataFrame([{k: plain(v) for k, v in r.items()} for r in self], columns=self.vars)


# ------------------------------------------------------------------ output formats
def short(t, g: Graph | None, full: bool = False) -> str:
    """A term for people: prefixed IRIs (``org:bids``) unless ``full``; literal values as they are."""
    return results.short(t, {p: str(ns) for p, ns in g.namespaces()} if g is not None else None, full)


def format_rows(rows: Rows, fmt: str = "table", g: Graph | None = None, full: bool = False) -> str:
    """Answers in ``table``, ``csv``, ``tsv``, ``json`` or ``md`` (prefixes from ``g``)."""
    prefixes = {p: str(ns) for p, ns in g.namespaces() if p} if g is not None else None
    return results.format_results(rows.terms, rows.vars, fmt, prefixes, full)


def _confidence(g: Graph, node: URIRef) -> float | None:
    from .namespaces import GB

    value = g.value(node, GB.confidence)
    return float(value) if value is not None else None


_NAMED_POSTS = """PREFIX schema: <https://schema.org/>
SELECT ?post ?headline ?date
WHERE {
  ?post schema:mentions ?entity .
  OPTIONAL { ?post schema:headline ?headline }
  OPTIONAL { ?post schema:datePublished ?date }
}"""
#: the statements with the entity at either end (a statement from the entity to itself: twice)
_STATEMENTS_OF = """PREFIX schema: <https://schema.org/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?st ?subject ?subjectName ?relation ?object ?objectName
WHERE {
  { ?st rdf:subject ?entity } UNION { ?st rdf:object ?entity }
  ?st a rdf:Statement ; rdf:subject ?subject ; rdf:predicate ?relation ; rdf:object ?object .
  ?subject schema:name ?subjectName .
  ?object schema:name ?objectName .
}"""
#: each quote of the statements (bound to them), as the bundled ``relations`` query reads it
_EVIDENCE = """PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?st ?exact
WHERE {
  ?st a rdf:Statement .
  ?anno oa:hasBody ?st ; oa:hasTarget ?t .
  ?t oa:hasSource ?src ; oa:hasSelector/oa:exact ?exact .
}"""


def _relations_of(g: Graph, node: URIRef) -> list[dict]:
    """The rows of the bundled ``relations`` query whose subject or object is ``node``: its
    statements found from the entity, then their quotes found from the statements (the query
    itself reads every statement of the graph: seconds at 10,000 posts)."""
    groups: dict[tuple, set] = {}
    for r in run_query(g, _STATEMENTS_OF, entity=node, terms=True):
        key = tuple(r[k] for k in ("subject", "subjectName", "relation", "object", "objectName"))
        groups.setdefault(key, set()).add(r["st"])
    quotes: dict = {}
    statements = sorted({st for sts in groups.values() for st in sts})
    if statements:
        for r in run_query(g, _EVIDENCE, st=statements, terms=True):
            quotes.setdefault(r["st"], []).append(r["exact"])
    out = []
    for key, sts in groups.items():
        found = [q for st in sts for q in quotes.get(st, [])]
        out.append(dict(zip(("subject", "subjectName", "relation", "object", "objectName"), key),
                        quote=min(found, key=str) if found else None))
    return out


def describe_entity(g: Graph, name: str) -> dict:
    """Everything the graph says of one entity, for a person checking a surprising edge.

    Args:
        g: the graph.
        name: a name, alias or IRI.
    Returns:
        ``{"iri", "name", "types", "aliases", "urls", "confidence" (gb:confidence or None), "posts": [{"post", "headline", "date",
        "named" (does the post name it: schema:mentions), "quotes": [(quote, extractor)]}], "relations": [(direction,
        relation as people read it, other name, quote)]}``.
    Raises:
        QueryError: no entity has that name.
    """
    node = bind_value(g, name)
    if not isinstance(node, URIRef) or (node, None, None) not in g:
        near = difflib.get_close_matches(name, sorted({str(o) for o in g.objects(None, SDO.name)}), n=3)
        raise QueryError(f"No entity named {name!r}." + (f" Did you mean {', '.join(near)}?" if near else ""))
    # the posts that name it, with their headline and date, in one query (a look-up of each post
    # of an entity named in 6,000 posts took seconds); a post with two headlines or dates, and a
    # post that only quotes it, is looked up by itself
    named: dict[str, tuple] = {}
    for r in run_query(g, _NAMED_POSTS, entity=node, terms=True):
        post = str(r["post"])
        named[post] = None if post in named else (r["headline"], r["date"])

    def entry(post: str) -> dict:
        if named.get(post):
            headline, date = named[post]
        else:
            headline, date = g.value(URIRef(post), SDO.headline), g.value(URIRef(post), SDO.datePublished)
        return {"post": post, "headline": term_text(headline or post), "date": str(date or "")[:10],
                "named": post in named, "quotes": []}

    posts: dict[str, dict] = {}
    for r in run_query(g, "where_said", entity=node, terms=True):
        post = str(r["post"])
        if post not in posts:
            posts[post] = entry(post)
        quotes = posts[post]["quotes"]
        quote, how = str(r["quote"]), f"{r['extractor']} ({r['supports']})"
        for i, (q, hows) in enumerate(quotes):
            if q == quote:
                quotes[i] = (q, f"{hows}, {how}")
                break
        else:
            quotes.append((quote, how))
    from .network import RELATION_LABELS

    rels = [("->" if r["subject"] == node else "<-", RELATION_LABELS.get(r["relation"], short(r["relation"], g)),
             str(r["objectName"] if r["subject"] == node else r["subjectName"]), str(r["quote"] or ""))
            for r in _relations_of(g, node)]
    return {"iri": str(node), "name": str(g.value(node, SDO.name) or node),
            "types": sorted(short(t, g) for t in g.objects(node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))),
            "aliases": sorted(str(a) for a in g.objects(node, SDO.alternateName)),
            "urls": sorted(str(u) for u in g.objects(node, SDO.sameAs)),
            "confidence": _confidence(g, node),
            "posts": sorted(posts.values(), key=lambda p: p["date"], reverse=True), "relations": sorted(rels)}
