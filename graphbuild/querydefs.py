"""Query files and text, with no RDF library: find ``queries/*.rq``, read their headers, refuse
updates and SERVICE calls, and word syntax errors. Shared by both ways of running a query."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QueryError

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


def strip_literals(text: str) -> str:
    """Query text without string literals, IRIs and comments (so their contents match no keyword)."""
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>', '""', text)
    return re.sub(r"#[^\n]*", "", text)


def check_safe(text: str, allow_update: bool, allow_service: bool) -> None:
    body = strip_literals(text)
    if not allow_update and _UPDATE.search(body):
        raise QueryError("update operations (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused; "
                         "pass allow_update=True (--allow-update) to run them")
    if not allow_service and re.search(r"\bSERVICE\b", body, re.I):
        raise QueryError("SERVICE clauses (remote endpoints) are refused; pass allow_service=True "
                         "(--allow-service) to let the query reach the network")


def syntax_error(text: str, lineno: int, col: int) -> QueryError:
    """A syntax error as one line: where, the line, and the text near the column."""
    lines = text.splitlines() or [""]
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return QueryError(f"SPARQL syntax error at line {lineno}, column {col}: {line.strip()!r} "
                      f"(near {line[max(0, col - 1):col + 20]!r})")


def ox_syntax_error(text: str, e: SyntaxError) -> QueryError:
    """pyoxigraph's "error at L:C: ..." as our one-line message."""
    m = re.search(r"at (\d+):(\d+)", str(e))
    return syntax_error(text, int(m.group(1)), int(m.group(2))) if m else QueryError(f"SPARQL syntax error: {e}")


def declared_params(q: Query) -> set[str]:
    """Parameters a query accepts: those its header declares, else every variable in its text."""
    if q.params:
        return set(q.params)
    return set(re.findall(r"[?$](\w+)", strip_literals(q.text)))




def check_params(q: Query, params: dict) -> None:
    """Refuse parameters the query does not take and required ones that are missing.

    Raises:
        QueryError: naming the valid parameters.
    """
    declared = declared_params(q)
    unknown = sorted(set(params) - declared)
    if unknown:
        valid = ", ".join(sorted(declared)) or "none"
        raise QueryError(f"Unknown parameter {', '.join(unknown)} for {q.name}. Valid: {valid}")
    missing = [p for p in q.required if params.get(p) is None]
    if missing:
        raise QueryError(f"{q.name} needs {', '.join('?' + p for p in missing)}: pass "
                         + " ".join(f"--param {p}=..." for p in missing) + f" ({q.header.get('params', '')})")
