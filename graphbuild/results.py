"""Query answers as text: SPARQL 1.1 results JSON, CSV and TSV, Markdown, an aligned table.

Works on rows of rdflib terms and of pyoxigraph terms alike, and needs neither library to load.
"""
from __future__ import annotations

import csv
import io
import json

from .errors import QueryError

FORMATS = ("table", "csv", "tsv", "json", "md")


_OX = {"NamedNode": "uri", "BlankNode": "bnode"}


def parts(t) -> tuple[str, str, str | None, str | None] | None:
    """(kind, value, language, datatype) of an rdflib or pyoxigraph term, or of a portable one
    (:func:`graphbuild.sparql.portable`: as the pyoxigraph term it stands for); None for unbound."""
    if t is None:
        return None
    if t.__class__ is tuple:
        if t[0] != "literal":
            return t[0], t[1], None, None
        # (pyoxigraph keeps a language tag in lower case)
        return _literal(t[1], t[2], t[3].lower() if t[3] else None)
    cls = type(t).__name__
    if cls in _OX:  # the common case first: pyoxigraph IRIs
        return _OX[cls], t.value, None, None
    if cls in ("URIRef", "NamedNode"):
        return "uri", getattr(t, "value", None) if cls == "NamedNode" else str(t), None, None
    if cls in ("BNode", "BlankNode"):
        return "bnode", getattr(t, "value", None) if cls == "BlankNode" else str(t), None, None
    value = t.value if cls == "Literal" and hasattr(t, "value") and not isinstance(t, str) else str(t)
    dt = t.datatype
    dt = (dt.value if hasattr(dt, "value") else str(dt)) if dt is not None else None
    return _literal(value, dt, t.language or None)


def _literal(value: str, dt: str | None, lang: str | None) -> tuple[str, str, str | None, str | None]:
    if dt in ("http://www.w3.org/2001/XMLSchema#string",) or lang:
        dt = None
    if dt == "http://www.w3.org/2001/XMLSchema#dateTime" and value.endswith("+00:00"):
        value = value[:-6] + "Z"  # the canonical form; rdflib writes UTC as +00:00, oxigraph as Z
    return "literal", value, lang, dt


def _json_term(t) -> dict | None:
    p = parts(t)
    if p is None:
        return None
    d = {"type": p[0], "value": p[1]}
    if p[2]:
        d["xml:lang"] = p[2]
    elif p[3]:
        d["datatype"] = p[3]
    return d


def _csv_value(t) -> str:
    p = parts(t)
    return "" if p is None else p[1]


def to_csv(rows: list[dict], variables: list[str]) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    for r in rows:
        w.writerow([_csv_value(r.get(v)) for v in variables])
    return buf.getvalue()


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _tsv_term(t) -> str:
    p = parts(t)
    if p is None:
        return ""
    kind, value, lang, dt = p
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    return f'"{_escape(value)}"' + (f"@{lang}" if lang else f"^^<{dt}>" if dt else "")


def to_tsv(rows: list[dict], variables: list[str]) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(_tsv_term(r.get(v)) for v in variables) for r in rows]
    return "\n".join(lines) + "\n"


def short(t, prefixes: dict[str, str] | None, full: bool = False) -> str:
    """A term for people: ``org:bids`` for IRIs under a known prefix (unless ``full``), values as they are."""
    p = parts(t)
    if p is None:
        return ""
    if p[0] == "uri" and not full and prefixes:
        best = max((ns for ns in prefixes.values() if p[1].startswith(ns)), key=len, default=None)
        if best is not None:
            local = p[1][len(best):]
            if local and all(c.isalnum() or c in "-_." for c in local):
                return next(k for k, v in prefixes.items() if v == best) + ":" + local
        return f"<{p[1]}>"
    return p[1]


#: widest column of a text table (literals past it are cut, unless --full; IRIs never are)
MAX_CELL = 60


def to_table(rows: list[dict], variables: list[str], prefixes: dict[str, str] | None = None, full: bool = False,
             markdown: bool = False) -> str:
    """An aligned text table (or a Markdown table) of the answers.

    Columns are at most ``MAX_CELL`` characters wide: a longer literal is cut with "…" (never with
    ``full``); an IRI is never cut, so it can be copied, and runs past its column instead.
    """
    cells = [[short(r.get(v), prefixes, full).replace("\n", " ") for v in variables] for r in rows]
    iri = [[(parts(r.get(v)) or ("",))[0] == "uri" for v in variables] for r in rows]
    if markdown:
        esc = lambda s: s.replace("|", "\\|")
        out = ["| " + " | ".join(variables) + " |", "|" + "|".join("---" for _ in variables) + "|"]
        out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(out) + "\n"
    cap = None if full else MAX_CELL
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
    widths = [w if cap is None else min(cap, w) for w in widths]
    fit = lambda s, w, keep: s if keep or len(s) <= w else s[: w - 1] + "…"
    out = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(fit(c, w, keep).ljust(w) for c, w, keep in zip(row, widths, flags)).rstrip()
            for row, flags in zip(cells, iri)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def stream_results(batches, variables: list[str], fmt: str = "table", prefixes: dict[str, str] | None = None,
                   full: bool = False):
    """Answers as text chunks, one per batch of rows: CSV, TSV and JSON are written as the rows come
    (memory stays flat however many there are); a table or Markdown needs every row for its widths."""
    if fmt not in FORMATS:
        raise QueryError(f"Unknown format {fmt!r}. Available: {', '.join(FORMATS)}")
    if fmt in ("md", "table"):
        rows = [r for b in batches for r in b]
        yield to_table(rows, variables, prefixes, full, markdown=fmt == "md")
        return
    if fmt == "json":
        yield '{"head": {"vars": ' + json.dumps(variables) + '}, "results": {"bindings": ['
        sep = "\n"
        for b in batches:
            for r in b:
                yield sep + json.dumps({k: _json_term(v) for k, v in r.items() if v is not None}, ensure_ascii=False)
                sep = ",\n"
        yield "\n]}}\n"
        return
    first = True
    for b in batches:
        text = (to_csv if fmt == "csv" else to_tsv)(list(b), variables)
        yield text if first else text.split("\r\n" if fmt == "csv" else "\n", 1)[1]
        first = False
    if first:
        yield (to_csv if fmt == "csv" else to_tsv)([], variables)


def format_results(rows: list[dict], variables: list[str], fmt: str = "table",
                   prefixes: dict[str, str] | None = None, full: bool = False) -> str:
    """Answers in ``table``, ``csv``, ``tsv``, ``json`` or ``md``."""
    return "".join(stream_results([rows], variables, fmt, prefixes, full))
