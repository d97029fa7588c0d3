"""Query files and text, with no RDF library: find the bundled ``*.rq`` files, read their headers,
refuse updates, SERVICE calls and deep nesting, find where a query's WHERE clause opens (for bound
parameters), and word errors. Shared by both engines (rdflib and pyoxigraph)."""
from __future__ import annotations

import difflib
import itertools
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
    def label(self) -> str:
        """How errors name the query: the file as given, the bundled name, or "query text"."""
        if self.path is not None and self.path.parent not in query_dirs():
            return str(self.path)
        return self.name if self.name != "<text>" else "query text"

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

    def allowed(self, param: str) -> list[str]:
        """The values the header allows for a parameter (``?type (one of schema:Person, doap:Project)``),
        as prefixed names; empty when any value goes."""
        m = re.search(r"\bone of\s+([^;)]*)", self.param_specs.get(param, ""))
        return re.findall(r"\b[a-z][\w-]*:[A-Za-z]\w*", m.group(1)) if m else []

    def takes_entity(self, param: str) -> bool:
        """Does the header say this parameter may be given as an entity's name?"""
        return "name" in self.param_specs.get(param, "").lower()


def query_dirs() -> list[Path]:
    """Where bundled queries live: ``graphbuild/data/queries`` of the graphbuild that runs."""
    return [Path(__file__).resolve().parent / "data" / "queries"]


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
    if not re.fullmatch(r"[\w.-]+", name_or_text.strip()):
        # not a name: spaces, braces or ?variables make it SPARQL text, so a typo in a keyword
        # ("SELEC ?s WHERE {...}") gets the parser's syntax error, not "Unknown query"
        return Query("<text>", name_or_text)
    near = difflib.get_close_matches(name_or_text, list(qs), n=3, cutoff=0.4)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise QueryError(f"Unknown query {name_or_text!r}.{hint} Available: {', '.join(qs)}")


def strip_literals(text: str) -> str:
    """Query text without string literals, IRIs and comments (so their contents match no keyword)."""
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>', '""', text)
    return re.sub(r"#[^\n]*", "", text)


#: deepest nesting of ( [ { a query may have; rdflib's parser runs out of Python stack near 25
#: levels and pyoxigraph's crashes the process near 5,000, so deeper queries are refused up front
MAX_NESTING = 20

_TOKEN = re.compile(r"""
  (?P<ws>\s+)
| (?P<comment>\#[^\n]*)
| (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
            |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<open>[({\[])
| (?P<close>[)}\]])
| (?P<word>[A-Za-z_][\w-]*)
| (?P<other>.)
""", re.X | re.S)


def tokens(text: str):
    """(kind, start, end) of the query's tokens, as SPARQL's grammar splits them (strings, IRIs and
    comments whole, so brackets and keywords inside them count for nothing). Linear time."""
    for m in _TOKEN.finditer(text):
        yield m.lastgroup, m.start(), m.end()


def _line_col(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def check_nesting(q: Query) -> None:
    """Refuse a query nested deeper than MAX_NESTING brackets (before any parser sees it).

    Raises:
        QueryError: naming the query, the depth, and the line and column where it passes the limit.
    """
    depth = 0
    for kind, start, _ in tokens(q.text):
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                line, col = _line_col(q.text, start)
                raise QueryError(f"{q.label}: nested more than {MAX_NESTING} brackets deep at line {line}, column "
                                 f"{col}; refused (split the query, or flatten the expression)")
        elif kind == "close":
            depth = max(0, depth - 1)


def where_opens(text: str) -> int | None:
    """Index just after the ``{`` that opens the query's WHERE clause (after a CONSTRUCT template,
    outside strings, IRIs, comments and projection expressions); None if there is none."""
    depth, form, template = 0, None, False
    for kind, start, end in tokens(text):
        if kind in ("ws", "comment"):
            continue
        word = text[start:end].upper() if kind == "word" else None
        if form is None:
            if depth == 0 and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form, template = word, word == "CONSTRUCT"
            depth += kind == "open"
            depth -= kind == "close"
            continue
        if template and depth == 0 and word == "WHERE":
            template = False  # CONSTRUCT WHERE { ... }: the short form
        elif kind == "open":
            if depth == 0 and text[start] == "{" and not template:
                return end
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0 and template and text[start] == "}":
                template = False
    return None


@dataclass
class Bound:
    """A query's text with its parameters joined in as VALUES blocks (one at the start of the WHERE
    clause, and the same one at the start of each OPTIONAL that can use it), and where those blocks
    sit (so error positions can be given in the text as written)."""

    text: str
    #: (index in the text as written, length) of each block, in order
    inserts: tuple[tuple[int, int], ...] = ()
    #: the values bound: variable -> its terms in N-Triples syntax (None: nothing bound)
    terms: dict[str, list[str]] | None = None

    def position(self, line: int, col: int) -> tuple[int, int]:
        """A (line, column) of the bound text as a position in the original text."""
        lines = self.text.split("\n")
        if not self.inserts or not 0 < line <= len(lines):
            return line, col
        pos = sum(len(x) + 1 for x in lines[:line - 1]) + col - 1
        shift = 0  # the blocks' length before ``pos``
        for at, length in self.inserts:
            if pos <= at + shift:
                break
            if pos < at + shift + length:
                pos = at + shift + length  # inside a block: where the block sits
            shift += length
        return _line_col(_unbound(self.text, self.inserts), pos - shift)


def _unbound(text: str, inserts: tuple[tuple[int, int], ...]) -> str:
    """The bound text without its blocks: the text as written."""
    out, last, shift = [], 0, 0
    for at, length in inserts:
        out.append(text[last:at + shift])
        last = at + shift + length
        shift += length
    return "".join(out) + text[last:]


#: what may stand in an OPTIONAL group that a bound value is copied into: triple patterns and
#: property paths, nothing that is evaluated with the group's own scope (FILTER, BIND, a sub-select,
#: a nested group)
_PLAIN_GROUP = re.compile(r"(?:FILTER|BIND|SELECT|OPTIONAL|MINUS|UNION|SERVICE|GRAPH|VALUES|EXISTS)\b", re.I)


def _optional_groups(text: str, at: int) -> list[tuple[int, int]]:
    """(start, end) of the inside of each ``OPTIONAL { ... }`` standing directly in the group that
    opens at ``at`` (the WHERE clause), not in a group nested in it."""
    depth, found, pending, start = 0, [], False, None
    for kind, s, e in tokens(text[at:]):
        if kind in ("ws", "comment"):
            continue
        if kind == "open":
            if depth == 0 and pending and text[at + s] == "{":
                start = at + e
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                break
            if depth == 0 and start is not None:
                found.append((start, at + s))
                start = None
        pending = depth == 0 and kind == "word" and text[at + s:at + e].upper() == "OPTIONAL"
    return found


def bind_values(q: Query, terms: dict[str, str | list[str]]) -> Bound:
    """Join ``terms`` (variable -> the term, or a list of terms, in N-Triples syntax, as an RDF library
    wrote them) into the query as ``VALUES (?a ?b) { (<...> "...") ... }`` at the start of its WHERE
    clause: the values are joined with every solution of the outermost group, whether the variables
    are projected or not. Several values for a variable make one row each (every combination).

    The same block also starts each OPTIONAL group of the WHERE clause (not of a group nested in it)
    that names one of the variables and holds only triple patterns. The answer is the same: every
    solution the OPTIONAL extends already has one of those rows, and a solution of the OPTIONAL's
    patterns that disagrees with it could not extend it anyway. But an engine that evaluates such a
    group on its own and joins it by hash (pyoxigraph) then looks up only what the bound values
    reach, not every match in the graph (docs/performance.md, "Thirteenth pass").

    Raises:
        QueryError: the query has no WHERE clause to bind in, or a variable name is not a name.
    """
    if not terms:
        return Bound(q.text)
    bad = [k for k in terms if not re.fullmatch(r"[A-Za-z0-9_]+", k)]
    if bad:
        raise QueryError(f"{q.label}: {bad[0]!r} is not a variable name")
    at = where_opens(q.text)
    if at is None:
        raise QueryError(f"{q.label}: the query has no WHERE clause, so it takes no parameters")
    lists = [[v] if isinstance(v, str) else list(v) for v in terms.values()]
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*lists))
    block = f" VALUES ({' '.join('?' + k for k in terms)}) {{ {rows} }} "
    named = re.compile(rf"[?$](?:{'|'.join(terms)})(?!\w)")
    points = [at] + [s for s, e in _optional_groups(q.text, at)
                     if named.search(body := strip_literals(q.text[s:e])) and not _PLAIN_GROUP.search(body)
                     and "{" not in body]
    text, last = [], 0
    for p in points:
        text += [q.text[last:p], block]
        last = p
    text.append(q.text[last:])
    return Bound("".join(text), tuple((p, len(block)) for p in points), dict(zip(terms, lists)))


def check_safe(text: str, allow_update: bool, allow_service: bool, label: str = "query text") -> None:
    body = strip_literals(text)
    if not allow_update and _UPDATE.search(body):
        raise QueryError(f"{label}: update operations (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused; "
                         "pass allow_update=True (--allow-update) to run them")
    if not allow_service and re.search(r"\bSERVICE\b", body, re.I):
        raise QueryError(f"{label}: SERVICE clauses (remote endpoints) are refused; pass allow_service=True "
                         "(--allow-service) to let the query reach the network")


def syntax_error(text: str, lineno: int, col: int, label: str = "query text") -> QueryError:
    """A syntax error as one line: which query, where, the line, and the text near the column."""
    lines = text.splitlines() or [""]
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return QueryError(f"{label}: SPARQL syntax error at line {lineno}, column {col}: {line.strip()!r} "
                      f"(near {line[max(0, col - 1):col + 20]!r})")


def located_syntax_error(q: Query, bound: Bound, line: int, col: int) -> QueryError:
    """A parser's error position in the bound text, reported in the query as written."""
    return syntax_error(q.text, *bound.position(line, col), label=q.label)


def ox_syntax_error(q: Query, bound: Bound, e: SyntaxError) -> QueryError:
    """pyoxigraph's "error at L:C: ..." as our one-line message."""
    m = re.search(r"at (\d+):(\d+)", str(e))
    if m:
        return located_syntax_error(q, bound, int(m.group(1)), int(m.group(2)))
    return QueryError(f"{q.label}: SPARQL syntax error: {str(e).splitlines()[0] if str(e) else e!r}")


def declared_params(q: Query) -> set[str]:
    """Parameters a query accepts: those its header declares, else every variable in its text."""
    if q.params:
        return set(q.params)
    return set(re.findall(r"[?$](\w+)", strip_literals(q.text)))


def check_params(q: Query, params: dict) -> None:
    """Refuse parameters the query does not take and required ones that are missing.

    Raises:
        QueryError: naming the query and the valid parameters.
    """
    declared = declared_params(q)
    unknown = sorted(set(params) - declared)
    if unknown:
        valid = ", ".join(sorted(declared)) or "none"
        raise QueryError(f"{q.label}: Unknown parameter {', '.join(unknown)}. Valid: {valid}")
    missing = [p for p in q.required if params.get(p) is None]
    if missing:
        raise QueryError(f"{q.label} needs {', '.join('?' + p for p in missing)}: pass "
                         + " ".join(f"--param {p}=..." for p in missing) + f" ({q.header.get('params', '')})")
