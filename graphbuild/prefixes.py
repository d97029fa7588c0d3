"""The graph's fixed prefixes as plain strings (no RDF library needed to read them)."""

SCHEMA = "https://schema.org/"
PREFIXES = {
    "schema": SCHEMA,
    "doap": "http://usefulinc.com/ns/doap#",
    "oa": "http://www.w3.org/ns/oa#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "gb": "https://graphbuild.example/ns#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
#: default base of minted entity IRIs; ``.example`` never resolves (RFC 6761), so nobody's site is claimed
BASE_URI = "https://graphbuild.example/id/"
MINTED = ("agent", "annotation", "community", "feed", "org", "person", "project")


def minted_prefixes(base_uri: str = BASE_URI) -> dict[str, str]:
    """Prefixes of the IRIs graphbuild mints: ``person:``, ``org:``, ``project:`` ..."""
    return {seg: f"{base_uri}{seg}/" for seg in MINTED}
