"""The graph's vocabulary, prefix bindings, and the one place IRIs are minted."""
from __future__ import annotations

import hashlib

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace, SDO

from .prefixes import BASE_URI, PREFIXES as _PREFIXES, minted_prefixes
from .text import slugify

DOAP = Namespace("http://usefulinc.com/ns/doap#")
OA = Namespace("http://www.w3.org/ns/oa#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")


class GB(DefinedNamespace):
    """graphbuild's own terms (documented in docs/vocabulary.md)."""

    _NS = Namespace("https://graphbuild.example/ns#")
    _fail = True

    extractor: URIRef  # oa:Annotation -> literal name of the extractor that made it
    mentionCount: URIRef  # entity -> number of posts that mention it
    confidence: URIRef  # entity -> xsd:decimal in [0, 1] from its independent signals
    # curation (docs/curation.md): a rule of the user's curation file and what it did
    CurationRule: URIRef  # class of those rules
    action: URIRef  # rule -> "drop" | "type" | "merge" | "split" | "alias"
    ruleText: URIRef  # rule -> the rule in one line
    ruleSource: URIRef  # rule -> file, table and line it was read from
    matched: URIRef  # rule -> number of entities it matched (0: a stale rule)
    # network analysis (graphbuild/analysis.py), added by the build unless --no-analysis
    Community: URIRef  # class: a community of entities (Louvain), named after its most central members
    community: URIRef  # entity -> its gb:Community
    degree: URIRef  # entity -> number of distinct entities it is tied to (co-mention or relation)
    pageRank: URIRef  # entity -> PageRank in the entity network (xsd:decimal)
    betweenness: URIRef  # entity -> betweenness centrality, how much it brokers between others (xsd:decimal)
    trend: URIRef  # entity -> "rising" or "quiet" (mentions of the last 6 months against the 6 before)


PREFIXES = _PREFIXES  # the fixed prefixes (graphbuild/prefixes.py)

#: entity kind -> (path segment, rdf types)
KIND_TYPES = {
    "Person": ("person", (SDO.Person,)),
    "Organization": ("org", (SDO.Organization,)),
    "Project": ("project", (DOAP.Project,)),
    "OrgProject": ("org", (SDO.Organization, DOAP.Project)),
    "Agent": ("agent", (FOAF.Agent,)),
}


def bind_prefixes(g: Graph, base_uri: str = BASE_URI) -> Graph:
    """Bind the fixed prefixes (and the minted-IRI ones under ``base_uri``) to ``g``."""
    for p, ns in {**PREFIXES, **minted_prefixes(base_uri)}.items():
        g.bind(p, ns, override=True, replace=True)
    return g


def entity_iri(key: str, base_uri: str = BASE_URI) -> URIRef:
    """IRI of a resolved entity: ``<base>person/jenny-wong`` for the key ``person/jenny-wong``."""
    return URIRef(base_uri + key)


def community_iri(member: str, base_uri: str = BASE_URI) -> URIRef:
    """IRI of a community, from the IRI of its most central member: ``<base>community/org-2i2c``."""
    local = member[len(base_uri):] if member.startswith(base_uri) else digest(member)
    return URIRef(f"{base_uri}community/{slugify(local)}")


def digest(*parts: str, n: int = 16) -> str:
    """A short stable hash of ``parts`` (for IRIs of annotations and statements)."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return h[:n]


def annotation_iri(*parts: str, base_uri: str = BASE_URI) -> URIRef:
    return URIRef(f"{base_uri}annotation/{digest(*parts)}")


def feed_iri(iri: str, title: str, base_uri: str = BASE_URI) -> URIRef:
    """A feed's IRI: its own http(s) address, else one minted from its title."""
    return URIRef(iri) if iri else URIRef(f"{base_uri}feed/{slugify(title or 'feed')}")
