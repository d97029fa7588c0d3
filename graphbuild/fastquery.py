"""``graphbuild query`` on a graph file with pyoxigraph alone: the answers of :func:`run_query`
on a built graph, without importing rdflib (whose import alone takes longer than the query)."""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryError
from .prefixes import PREFIXES, SCHEMA, minted_prefixes
from .querydefs import check_params, check_safe, load_query, ox_syntax_error
from .results import format_results
from .text import name_key

#: graph file extension -> format (read_graph uses it too)
READ_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
                ".json": ox.RdfFormat.JSON_LD, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
                ".rdf": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3}


def load(path: str | Path) -> ox.Store:
    """A graph file in a pyoxigraph store (named graphs merged into the default graph).

    Raises:
        QueryError: the file is missing or not valid RDF.
    """
    path = Path(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=READ_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE),
                        to_graph=ox.DefaultGraph())
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file") from None
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"{path}: cannot read ({str(e).splitlines()[0][:200]})") from None
    return store


def _entity(store: ox.Store, value: str) -> tuple[ox.NamedNode | None, list[str]]:
    """(the entity named ``value``, all names for suggestions)."""
    key, alias, names = name_key(value), None, []
    q = f"SELECT ?s ?p ?n WHERE {{ VALUES ?p {{ <{SCHEMA}name> <{SCHEMA}alternateName> }} ?s ?p ?n }}"
    for s, p, n in store.query(q):
        names.append(n.value)
        if isinstance(s, ox.NamedNode) and name_key(n.value) == key:
            if p.value.endswith("/name"):
                return s, names
            alias = alias or s
    return alias, names


def _term(store: ox.Store, q, name: str, value: Any):
    s = str(value)
    if s.startswith("<") and s.endswith(">") and " " not in s:
        return ox.NamedNode(s[1:-1])
    if re.match(r"^(https?|urn|tag):\S+$", s):
        return ox.NamedNode(s)
    m = re.match(r"^([A-Za-z][\w-]*):([\w.-]+)$", s)
    if m and m.group(1) in PREFIXES:
        return ox.NamedNode(PREFIXES[m.group(1)] + m.group(2))
    node, names = _entity(store, s)
    if node is None and q.takes_entity(name):
        near = difflib.get_close_matches(s, sorted(set(names)), n=3)
        raise QueryError(f"No entity named {s!r} for ?{name}." + (f" Did you mean {', '.join(near)}?" if near else ""))
    return node or ox.Literal(s)


def query_file(path: str | Path, name_or_text: str, params: dict[str, Any], *, fmt: str = "table",
               full: bool = False, limit: int | None = None, allow_service: bool = False) -> tuple[str, int]:
    """Run a query on a graph file; returns (text to print, exit code: 1 for a false ASK).

    Raises:
        QueryError: as :func:`graphbuild.run_query`.
    """
    q = load_query(name_or_text)
    check_safe(q.text, False, allow_service)
    check_params(q, params)
    store = load(path)
    subs = {ox.Variable(k): _term(store, q, k, v) for k, v in params.items() if v is not None}
    try:
        result = store.query(q.text, prefixes=PREFIXES, substitutions=subs)
    except SyntaxError as e:
        raise ox_syntax_error(q.text, e) from None
    except (RuntimeError, ValueError, OSError) as e:
        raise QueryError(f"{q.name}: the query failed ({str(e).splitlines()[0]})") from None
    if isinstance(result, ox.QueryBoolean):
        return ("yes\n", 0) if bool(result) else ("no\n", 1)
    if isinstance(result, ox.QueryTriples):
        out = ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes={**PREFIXES, **minted_prefixes()})
        return out.decode("utf-8"), 0
    variables = [v.value for v in result.variables]
    rows = [dict(zip(variables, sol)) for sol in result]
    rows = rows[:limit] if limit is not None else rows
    return format_results(rows, variables, fmt, {**PREFIXES, **minted_prefixes()}, full), 0
