"""SPARQL questions: find and read ``queries/*.rq`` (with their headers), run them with bound
parameters, refuse updates and SERVICE calls, and write answers in standard formats."""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from pyparsing import ParseException
from oxrdflib import OxigraphStore
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.namespace import SDO

from .errors import QueryError
from .namespaces import PREFIXES
from .text import name_key

HEADER_FIELDS = ("title", "question", "params", "returns", "example")
_UPDATE = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I | re.M)


@dataclass
class Query:
    """One stored question: its name, header fields, parameters and SPARQL text."""

    name: str
    text: str
    path: Path | None = None
    header: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def params(self) -> list[str]:
        """Parameter names declared in the header (``# params: ?org (...), ?person``)."""
        return list(self.param_specs)

    @property
    def param_specs(self) -> dict[str, str]:
        """Parameter name -> its description in the header."""
        spec = self.header.get("params", "")
        found = list(re.finditer(r"\?(\w+)", spec))
        return {m.group(1): spec[m.end():(found[i + 1].start() if i + 1 < len(found) else None)].strip(" ,")
                for i, m in enumerate(found)}

    @property
    def required(self) -> list[str]:
        """Parameters the header does not call optional."""
        return [p for p, d in self.param_specs.items() if "optional" not in d.lower()]

    def takes_entity(self, param: str) -> bool:
        """Does the header say this parameter may be given as an entity's name?"""
        return "name" in self.param_specs.get(param, "").lower()


def query_dirs() -> list[Path]:
    """Where bundled queries live: the repository's ``queries/`` or the installed copy."""
    here = Path(__file__).resolve().parent
    return [p for p in (here.parent / "queries", here / "queries") if p.is_dir()]


def parse_header(text: str) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a query file (continuation lines start with ``#   ``)."""
    header: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = re.match(r"#\s*(\w+):\s?(.*)$", line)
        if m and m.group(1).lower() in HEADER_FIELDS:
            key = m.group(1).lower()
            header[key] = m.group(2).strip()
        elif key and line.startswith("#  "):
            header[key] += " " + line[1:].strip()
    return header


def bundled() -> dict[str, Query]:
    """Every bundled query by name."""
    out: dict[str, Query] = {}
    for d in query_dirs():
        for p in sorted(d.glob("*.rq")):
            if p.stem not in out:
                text = p.read_text(encoding="utf-8")
                out[p.stem] = Query(p.stem, text, p, parse_header(text))
    return out


def load_query(name_or_text: str) -> Query:
    """A bundled query by name, a ``.rq`` file by path, or SPARQL text.

    Raises:
        QueryError: an unknown name (the message suggests the nearest ones).
    """
    qs = bundled()
    if name_or_text in qs:
        return qs[name_or_text]
    if name_or_text.endswith((".rq", ".sparql")) and "\n" not in name_or_text:
        p = Path(name_or_text)
        if not p.is_file() and p.stem in qs:
            return qs[p.stem]
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise QueryError(f"{p}: cannot read query ({e.strerror or e})") from None
        return Query(p.stem, text, p, parse_header(text))
    if re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|PREFIX)\b", name_or_text, re.I):
        return Query("<text>", name_or_text)
    near = difflib.get_close_matches(name_or_text, list(qs), n=3, cutoff=0.4)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise QueryError(f"Unknown query {name_or_text!r}.{hint} Available: {', '.join(qs)}")


def _strip_literals(text: str) -> str:
    """Query text without string literals, IRIs and comments (so their contents match no keyword)."""
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>', '""', text)
    return re.sub(r"#[^\n]*", "", text)


def _check_safe(text: str, allow_update: bool, allow_service: bool) -> None:
    body = _strip_literals(text)
    if not allow_update and _UPDATE.search(body):
        raise QueryError("update operations (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused; "
                         "pass allow_update=True (--allow-update) to run them")
    if not allow_service and re.search(r"\bSERVICE\b", body, re.I):
        raise QueryError("SERVICE clauses (remote endpoints) are refused; pass allow_service=True "
                         "(--allow-service) to let the query reach the network")


def _syntax_error(text: str, e: ParseException, lineno: int | None = None, col: int | None = None) -> QueryError:
    lineno, col = lineno or e.lineno, col or e.col
    lines = text.splitlines() or [""]
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return QueryError(f"SPARQL syntax error at line {lineno}, column {col}: {line.strip()!r} "
                      f"(near {line[max(0, col - 1):col + 20]!r})")


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


def _ox_syntax_error(text: str, e: SyntaxError) -> QueryError:
    m = re.search(r"at (\d+):(\d+)", str(e))
    if not m:
        return QueryError(f"SPARQL syntax error: {e}")
    lineno, col = int(m.group(1)), int(m.group(2))
    return _syntax_error(text, ParseException(text, 0, str(e)), lineno, col)


def _declared(q: Query) -> set[str]:
    """Parameters a query accepts: those its header declares, else every variable in its text."""
    if q.params:
        return set(q.params)
    return set(re.findall(r"[?$](\w+)", _strip_literals(q.text)))


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
    _check_safe(q.text, allow_update, allow_service)
    if allow_update and _UPDATE.search(_strip_literals(q.text)):
        try:
            g.update(q.text)
        except ParseException as e:
            raise _syntax_error(q.text, e) from None
        except SyntaxError as e:
            raise _ox_syntax_error(q.text, e) from None
        return True
    declared = _declared(q)
    unknown = sorted(set(params) - declared)
    if unknown:
        valid = ", ".join(sorted(declared)) or "none"
        raise QueryError(f"Unknown parameter {', '.join(unknown)} for {q.name}. Valid: {valid}")
    missing = [p for p in q.required if params.get(p) is None]
    if missing:
        raise QueryError(f"{q.name} needs {', '.join('?' + p for p in missing)}: pass "
                         + " ".join(f"--param {p}=..." for p in missing) + f" ({q.header.get('params', '')})")
    bindings = {Variable(k): _bind(g, q, k, v) for k, v in params.items() if v is not None}
    native = isinstance(g.store, OxigraphStore)
    try:
        result = g.query(q.text if native else prepare(q), initNs=PREFIXES, initBindings=bindings)
    except SyntaxError as e:
        raise _ox_syntax_error(q.text, e) from None
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
def _term_json(t) -> dict | None:
    if t is None:
        return None
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    d = {"type": "literal", "value": str(t)}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype:
        d["datatype"] = str(t.datatype)
    return d


def to_json(rows: Rows) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [{k: _term_json(v) for k, v in r.items() if v is not None} for r in rows]
    return json.dumps({"head": {"vars": rows.vars}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)


def to_csv(rows: Rows) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(rows.vars)
    for r in rows:
        w.writerow(["" if r.get(v) is None else str(r[v]) for v in rows.vars])
    return buf.getvalue()


def _tsv_term(t) -> str:
    if t is None:
        return ""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, BNode):
        return f"_:{t}"
    return t.n3()


def to_tsv(rows: Rows) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    lines = ["\t".join("?" + v for v in rows.vars)]
    lines += ["\t".join(_tsv_term(r.get(v)) for v in rows.vars) for r in rows]
    return "\n".join(lines) + "\n"


def short(t, g: Graph | None, full: bool = False) -> str:
    """A term for people: prefixed IRIs (``org:bids``) unless ``full``; literal values as they are."""
    if t is None:
        return ""
    if isinstance(t, URIRef) and not full and g is not None:
        try:
            return g.namespace_manager.normalizeUri(t)
        except Exception:
            return str(t)
    return str(t)


def to_table(rows: Rows, g: Graph | None = None, full: bool = False, markdown: bool = False) -> str:
    """An aligned text table (or a Markdown table) of the answers."""
    cells = [[short(r.get(v), g, full).replace("\n", " ") for v in rows.vars] for r in rows]
    if markdown:
        esc = lambda s: s.replace("|", "\\|")
        out = ["| " + " | ".join(rows.vars) + " |", "|" + "|".join("---" for _ in rows.vars) + "|"]
        out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(out) + "\n"
    widths = [min(60, max([len(v)] + [len(c[i]) for c in cells])) for i, v in enumerate(rows.vars)]
    fit = lambda s, w: s if len(s) <= w else s[: w - 1] + "…"
    out = ["  ".join(fit(v, w).ljust(w) for v, w in zip(rows.vars, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(fit(c, w).ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_rows(rows: Rows, fmt: str = "table", g: Graph | None = None, full: bool = False) -> str:
    """Answers in ``table``, ``csv``, ``tsv``, ``json`` or ``md``."""
    if fmt == "json":
        return to_json(rows) + "\n"
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "tsv":
        return to_tsv(rows)
    if fmt == "md":
        return to_table(rows, g, full, markdown=True)
    if fmt == "table":
        return to_table(rows, g, full)
    raise QueryError(f"Unknown format {fmt!r}. Available: table, csv, tsv, json, md")


def describe_entity(g: Graph, name: str) -> dict:
    """Everything the graph says of one entity, for a person checking a surprising edge.

    Args:
        g: the graph.
        name: a name, alias or IRI.
    Returns:
        ``{"iri", "name", "types", "aliases", "urls", "posts": [{"post", "headline", "date", "quotes":
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
            "posts": sorted(posts.values(), key=lambda p: p["date"], reverse=True), "relations": sorted(rels)}
