"""Check a graph against the SHACL shapes of the public contract (graphbuild/data/shapes.ttl).

pySHACL does the validation; this module loads the shapes shipped with the package, runs it
without inference (the contract is about the triples as written) and turns its report into
one line per violation: focus node, path, message.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .prefixes import PREFIXES, minted_prefixes


@dataclass(frozen=True, order=True)
class Violation:
    """One result of the SHACL report."""

    focus: str
    path: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.focus}  {self.path or '-'}  {self.message}" + (f"  (value: {self.value})" if self.value else "")


def shapes_graph() -> Graph:
    """The shapes shipped with the package."""
    g = Graph()
    g.parse(data=(resources.files("graphbuild") / "data" / "shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    return g


def _short(term, names: dict[str, str]) -> str:
    if term is None:
        return ""
    s = str(term)
    if isinstance(term, URIRef):
        for ns, p in names.items():
            if s.startswith(ns) and len(s) > len(ns):
                return f"{p}:{s[len(ns):]}"
        return f"<{s}>"
    return repr(s) if len(s) <= 60 else repr(s[:57] + "...")


def _plain(g: Graph) -> Graph:
    """The triples of ``g`` in rdflib's memory store (pySHACL walks the graph triple by triple,
    which is much faster there than through a SPARQL-backed store), with ``xsd:string`` literals
    written as plain ones (RDF 1.1 says they are the same; rdflib compares them as different)."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def validate_graph(g: Graph) -> list[Violation]:
    """The violations of the contract in ``g`` (empty: it conforms), sorted."""
    from pyshacl import validate

    conforms, report, _ = validate(_plain(g), shacl_graph=shapes_graph(), inference="none",
                                   advanced=True, allow_warnings=False)
    if conforms:
        return []
    names = {ns: p for p, ns in {**PREFIXES, **minted_prefixes()}.items()}
    out = set()
    details = set(report.objects(None, SH.detail))  # nested results explain a top one: not listed again
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if r in details:
            continue
        msgs = sorted(str(m) for m in report.objects(r, SH.resultMessage))
        focus, value = report.value(r, SH.focusNode), report.value(r, SH.value)
        out.add(Violation(_short(focus, names), _short(report.value(r, SH.resultPath), names),
                          msgs[0] if msgs else str(report.value(r, SH.sourceConstraintComponent)),
                          _short(value, names) if value != focus else ""))
    return sorted(out)
