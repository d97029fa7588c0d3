"""The kind of rdflib Graph graphbuild hands out: rdflib's API on a pyoxigraph store (oxrdflib)."""
from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .namespaces import BASE_URI, bind_prefixes


def new_graph(quads: Iterable[ox.Quad] = (), base_uri: str = BASE_URI, store: ox.Store | None = None) -> Graph:
    """An rdflib Graph on a pyoxigraph store (``store``, default a new one in memory), holding
    ``quads`` besides what the store holds, with graphbuild's prefixes bound."""
    store = store if store is not None else ox.Store()
    if quads != ():  # a store opened read-only takes no writes, not even an empty one
        store.bulk_extend(quads)
    g = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID, bind_namespaces="none")
    return bind_prefixes(g, base_uri)


def graph_name(g: Graph) -> ox.DefaultGraph | ox.NamedNode | ox.BlankNode:
    """Where in its pyoxigraph store an rdflib Graph keeps its triples (as oxrdflib names it): the
    default graph for :func:`new_graph`'s graphs, a graph of its own name for one made with another
    identifier (rdflib's default: a blank node)."""
    if g.identifier == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(g.identifier, BNode):
        return ox.BlankNode(str(g.identifier))
    return ox.NamedNode(str(g.identifier))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_oxigraph(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """A pyoxigraph term as the rdflib term of the same value (a plain string literal gets no datatype)."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    return Literal(t.value, lang=t.language,
                   datatype=None if t.language or t.datatype.value == _XSD_STRING else URIRef(t.datatype.value))


def term_text(t) -> str:
    """A term as the text to show a person: an rdf:HTML literal (a post title that kept its markup,
    docs/vocabulary.md) as its text, anything else as ``str``."""
    if isinstance(t, Literal) and t.datatype == RDF.HTML:
        from lxml import etree, html as lxml_html

        from .text import squash
        try:
            return squash(lxml_html.fragment_fromstring(str(t), create_parent="div").text_content())
        except (etree.ParserError, ValueError):  # lxml: empty or unreadable markup
            return squash(str(t))
    return str(t)
