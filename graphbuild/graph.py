"""Feeds -> extractors -> resolution -> rdflib Graph. The only code that adds triples to a Graph."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SDO, XSD

from . import extractors as registry
from .feeds import parse_feed
from .models import Entity, Feed, FeedItem, Mention, Problem, Quote, Relation
from .namespaces import (BASE_URI, GB, KIND_TYPES, OA, annotation_iri, bind_prefixes, entity_iri, feed_iri)
from .resolve import Resolution, relations_of, resolve
from .rules import load_rules
from .sources import default_feed, open_source
from .urls import is_web_iri, norm_url

log = logging.getLogger(__name__)

#: relation names extractors may use -> schema.org property
RELATIONS = {
    "affiliation": SDO.affiliation,
    "memberOf": SDO.memberOf,
    "worksFor": SDO.worksFor,
    "funder": SDO.funder,
    "sponsor": SDO.sponsor,
    "maintainer": SDO.maintainer,
    "parentOrganization": SDO.parentOrganization,
    "founder": SDO.founder,
    "organizer": SDO.organizer,
    "author": SDO.author,
}


@dataclass
class Build:
    """Everything one run produced: the graph and what the report needs to say about it."""

    graph: Graph
    feeds: list[Feed]
    resolution: Resolution
    relations: list[tuple[str, str, str, Relation]]
    problems: list[Problem] = field(default_factory=list)

    @property
    def items(self) -> list[FeedItem]:
        return [i for f in self.feeds for i in f.items]


def load_feeds(sources: Iterable[str | Path] | None = None) -> list[Feed]:
    """Read and parse every source (default: the bundled 2i2c feed).

    Raises:
        FeedError: a source cannot be read or holds no usable item.
    """
    feeds = []
    for source in (list(sources) if sources else [default_feed()]):
        with open_source(source) as (stream, name):
            feeds.append(parse_feed(stream, name))
    return feeds


def _dedupe_items(feeds: list[Feed]) -> list[FeedItem]:
    """Items of all feeds, each post once (the same link in two feeds is one post)."""
    seen: dict[str, FeedItem] = {}
    for f in feeds:
        for item in f.items:
            if item.link in seen:
                f.problems.append(Problem(item.link, "duplicate post (same link seen before); kept the first"))
                continue
            seen[item.link] = item
    return list(seen.values())


def extract(items: Sequence[FeedItem], extractors: Iterable[str] | None = None,
            rules: Iterable[str | Path] = ()) -> tuple[list[Mention], list[Relation]]:
    """Run the extractors over ``items``; returns (mentions, relations)."""
    ctx = registry.Context(load_rules(rules))
    mentions: list[Mention] = []
    relations: list[Relation] = []
    for out in registry.run_extractors(items, extractors, ctx):
        (relations if isinstance(out, Relation) else mentions).append(out)
    mentions += [m for r in relations for m in (r.subject, r.object)]
    return mentions, relations


def build(sources: Iterable[str | Path] | None = None, *, feeds: list[Feed] | None = None,
          extractors: Iterable[str] | None = None, rules: Iterable[str | Path] = (),
          base_uri: str = BASE_URI) -> Build:
    """Run the whole pipeline and keep every stage's result (for reports and the CLI).

    Args:
        sources: paths, ``-`` or http(s) URLs (default: the bundled feed); ignored if ``feeds``.
        feeds: already parsed feeds.
        extractors: extractor names to run (default: all registered).
        rules: extra URL-rules files, consulted before the bundled ones.
        base_uri: base of minted entity IRIs.
    Raises:
        FeedError, UnknownExtractor, RulesError.
    """
    feeds = feeds if feeds is not None else load_feeds(sources)
    items = _dedupe_items(feeds)
    mentions, relations = extract(items, extractors, rules)
    res = resolve(mentions)
    rels = relations_of(res, relations)
    g = to_graph(feeds, items, res, rels, base_uri)
    return Build(g, feeds, res, rels, [p for f in feeds for p in f.problems])


def build_graph(sources: Iterable[str | Path] | None = None, **kwargs) -> Graph:
    """Feeds (paths, ``-`` or URLs; default the bundled feed) -> rdflib Graph. See :func:`build`."""
    return build(sources, **kwargs).graph


# ------------------------------------------------------------------ triples
def _quote_triples(g: Graph, anno: URIRef, post: str, q: Quote, extractor: str) -> None:
    target, selector = URIRef(f"{anno}#target"), URIRef(f"{anno}#selector")
    g.add((anno, RDF.type, OA.Annotation))
    g.add((anno, OA.hasTarget, target))
    g.add((anno, GB.extractor, Literal(extractor)))
    g.add((target, OA.hasSource, URIRef(post)))
    g.add((target, OA.hasSelector, selector))
    g.add((selector, RDF.type, OA.TextQuoteSelector))
    g.add((selector, OA.exact, Literal(q.exact)))
    if q.prefix:
        g.add((selector, OA.prefix, Literal(q.prefix)))
    if q.suffix:
        g.add((selector, OA.suffix, Literal(q.suffix)))


def _add_post(g: Graph, item: FeedItem, feed: URIRef) -> None:
    post = URIRef(item.link)
    g.add((post, RDF.type, SDO.BlogPosting))
    g.add((post, SDO.url, Literal(item.link, datatype=XSD.anyURI)))
    g.add((post, SDO.headline, Literal(item.title)))
    g.add((post, SDO.isPartOf, feed))
    if item.published:
        g.add((post, SDO.datePublished, Literal(item.published.isoformat(), datatype=XSD.dateTime)))
    for c in item.categories:
        g.add((post, SDO.keywords, Literal(c)))


def _add_citations(g: Graph, item: FeedItem, posts: dict[str, str]) -> None:
    own = norm_url(item.link)
    for block in item.blocks:
        for link in block.links:
            key = norm_url(link.href)
            if key == own or not is_web_iri(link.href):
                continue
            g.add((URIRef(item.link), SDO.citation, URIRef(posts.get(key, link.href))))


def _add_entity(g: Graph, e: Entity, base_uri: str) -> URIRef:
    node = entity_iri(e.key, base_uri)
    for t in KIND_TYPES[e.kind][1]:
        g.add((node, RDF.type, t))
    g.add((node, SDO.name, Literal(e.name)))
    for a in e.aliases:
        g.add((node, SDO.alternateName, Literal(a)))
    for u in e.urls:
        if is_web_iri(u):
            g.add((node, SDO.sameAs, URIRef(u)))
    if e.posts:
        g.add((node, GB.mentionCount, Literal(len(e.posts))))
    for m in e.mentions:
        if not m.implicit:
            g.add((URIRef(m.post), SDO.mentions, node))
        if m.role == "author":
            g.add((URIRef(m.post), SDO.author, node))
        anno = annotation_iri(m.post, e.key, m.quote.exact, m.extractor, base_uri=base_uri)
        _quote_triples(g, anno, m.post, m.quote, m.extractor)
        g.add((anno, OA.hasBody, node))
        g.add((anno, OA.motivatedBy, OA.identifying))
    return node


def _add_relation(g: Graph, s: URIRef, pred: str, o: URIRef, r: Relation, base_uri: str) -> None:
    p = RELATIONS[pred]
    g.add((s, p, o))
    stmt = annotation_iri("statement", str(s), str(p), str(o), base_uri=base_uri)
    g.add((stmt, RDF.type, RDF.Statement))
    g.add((stmt, RDF.subject, s))
    g.add((stmt, RDF.predicate, p))
    g.add((stmt, RDF.object, o))
    anno = annotation_iri(r.post, str(stmt), r.quote.exact, r.extractor, base_uri=base_uri)
    _quote_triples(g, anno, r.post, r.quote, r.extractor)
    g.add((anno, OA.hasBody, stmt))
    g.add((anno, OA.motivatedBy, OA.describing))


def to_graph(feeds: list[Feed], items: list[FeedItem], res: Resolution,
             relations: list[tuple[str, str, str, Relation]], base_uri: str = BASE_URI) -> Graph:
    """Posts, entities, mentions, relations and their provenance as an rdflib Graph."""
    g = bind_prefixes(Graph(bind_namespaces="none"), base_uri)
    for f in feeds:
        node = feed_iri(f.info.iri, f.info.title, base_uri)
        g.add((node, RDF.type, SDO.DataFeed))
        if f.info.title:
            g.add((node, SDO.name, Literal(f.info.title)))
        if f.info.link:
            g.add((node, SDO.url, Literal(f.info.link, datatype=XSD.anyURI)))
    posts = {norm_url(i.link): i.link for i in items}
    for item in items:
        _add_post(g, item, feed_iri(item.feed.iri, item.feed.title, base_uri))
        _add_citations(g, item, posts)
    for e in res.entities.values():
        _add_entity(g, e, base_uri)
    for s, pred, o, r in relations:
        _add_relation(g, entity_iri(s, base_uri), pred, entity_iri(o, base_uri), r, base_uri)
    return g
