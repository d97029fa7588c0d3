"""The kind of rdflib Graph graphbuild hands out: rdflib's API on a pyoxigraph store (oxrdflib)."""
from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .namespaces import BASE_URI, bind_prefixes


def new_graph(quads: Iterable[ox.Quad] = (), base_uri: str = BASE_URI, store: ox.Store | None = None) -> Graph:
    """An rdflib Graph on a pyoxigraph store (``store``, default a new one in memory), holding
    ``quads`` besides what the store holds, with graphbuild's prefixes bound."""
    store = store if store is not None else ox.Store()
    store.bulk_extend(quads)
    g = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID, bind_namespaces="none")
    return bind_prefixes(g, base_uri)
