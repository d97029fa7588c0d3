"""Feeds -> extractors -> resolution -> rdflib Graph. The only code that adds triples to a Graph."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SDO, XSD

from . import extractors as registry
from .feeds import Limits, parse_feed
from .errors import FeedError
from .models import Entity, Feed, FeedItem, Mention, Problem, Quote, Relation
from .store import new_graph
from .namespaces import (BASE_URI, GB, KIND_TYPES, OA, annotation_iri, entity_iri, feed_iri)
from .resolve import Resolution, gazetteer_mentions, relations_of, resolve
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


def load_feeds(sources: Iterable[str | Path] | None = None, limits: Limits = Limits(),
               cache_dir: Path | None = None, keep_going: bool = False) -> list[Feed]:
    """Read and parse every source (default: the bundled 2i2c feed).

    Args:
        sources: paths, ``-`` or http(s) URLs.
        limits: feed size, item count and description size limits.
        cache_dir: where fetched feeds are cached for conditional GETs (None: no cache).
        keep_going: with several sources, skip one that fails (its error becomes a Problem of
            an empty feed) instead of raising; the run fails only when none is usable.
    Raises:
        FeedError: a source cannot be read or holds no usable item.
    """
    feeds, errors = [], []
    for source in (list(sources) if sources else [default_feed()]):
        try:
            with open_source(source, max_bytes=limits.max_feed_bytes, cache_dir=cache_dir) as (stream, name):
                feeds.append(parse_feed(stream, name, limits))
        except FeedError as e:
            if not keep_going:
                raise
            errors.append(str(e))
    if not feeds:
        raise FeedError(errors[0] if len(errors) == 1 else "no usable feed: " + " | ".join(errors))
    if errors:
        feeds[0].problems[:0] = [Problem("feeds", e) for e in errors]
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
          base_uri: str = BASE_URI, gazetteer: bool = True, limits: Limits = Limits(),
          cache_dir: Path | None = None, keep_going: bool = False) -> Build:
    """Run the whole pipeline and keep every stage's result (for reports and the CLI).

    Args:
        sources: paths, ``-`` or http(s) URLs (default: the bundled feed); ignored if ``feeds``.
        feeds: already parsed feeds.
        extractors: extractor names to run (default: all registered).
        rules: extra URL-rules files, consulted before the bundled ones.
        base_uri: base of minted entity IRIs.
        gazetteer: also find unlinked mentions of the run's known names in every post.
        limits, cache_dir, keep_going: see :func:`load_feeds`.
    Raises:
        FeedError, UnknownExtractor, RulesError.
    """
    feeds = feeds if feeds is not None else load_feeds(sources, limits, cache_dir, keep_going)
    items = _dedupe_items(feeds)
    mentions, relations = extract(items, extractors, rules)
    if gazetteer:
        mentions += gazetteer_mentions(items, resolve(mentions))
    res = resolve(mentions)
    rels = relations_of(res, relations)
    g = to_graph(feeds, items, res, rels, base_uri)
    return Build(g, feeds, res, rels, [p for f in feeds for p in f.problems])


def build_graph(sources: Iterable[str | Path] | None = None, **kwargs) -> Graph:
    """Feeds (paths, ``-`` or URLs; default the bundled feed) -> rdflib Graph. See :func:`build`."""
    return build(sources, **kwargs).graph


# ------------------------------------------------------------------ triples
class _Triples:
    """Collects the graph's triples as pyoxigraph terms (IRIs cached), then loads them in bulk.

    Building rdflib terms and adding them one by one to rdflib's memory store costs ~25 us a
    triple; this path costs ~1 us, which is what keeps a 10k-post build within a few seconds.
    """

    def __init__(self) -> None:
        self.quads: list[ox.Quad] = []
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(value)
        return node

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o) -> None:
        self.quads.append(ox.Quad(s, p, o))

    @staticmethod
    def lit(value: str, datatype: ox.NamedNode | None = None) -> ox.Literal:
        return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


def _n(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


# the vocabulary as pyoxigraph terms, made once (rdflib namespace attributes are built per access)
(TYPE, ANNOTATION, HAS_TARGET, HAS_BODY, HAS_SOURCE, HAS_SELECTOR, QUOTE_SELECTOR, EXACT, PREFIX, SUFFIX,
 EXTRACTOR, STATEMENT, SUBJECT, PREDICATE, OBJECT, POSTING, URL, HEADLINE, IS_PART_OF, DATE, KEYWORDS,
 CITATION, NAME, ALT_NAME, SAME_AS, MENTION_COUNT, MENTIONS, AUTHOR, DATA_FEED, ANY_URI, DATE_TIME,
 INTEGER) = map(_n, (
    RDF.type, OA.Annotation, OA.hasTarget, OA.hasBody, OA.hasSource, OA.hasSelector, OA.TextQuoteSelector,
    OA.exact, OA.prefix, OA.suffix, GB.extractor, RDF.Statement, RDF.subject, RDF.predicate, RDF.object,
    SDO.BlogPosting, SDO.url, SDO.headline, SDO.isPartOf, SDO.datePublished, SDO.keywords, SDO.citation,
    SDO.name, SDO.alternateName, SDO.sameAs, GB.mentionCount, SDO.mentions, SDO.author, SDO.DataFeed,
    XSD.anyURI, XSD.dateTime, XSD.integer))
KIND_NODES = {k: tuple(map(_n, types)) for k, (_, types) in KIND_TYPES.items()}
RELATION_NODES = {k: _n(v) for k, v in RELATIONS.items()}


def _add_evidence(t: _Triples, anno: ox.NamedNode, post: str, q: Quote, extractor: str) -> None:
    """One oa:Annotation per (post, quoted sentence, extractor); bodies are added by the caller."""
    target, selector = t.iri(f"{anno.value}-target"), t.iri(f"{anno.value}-selector")
    t.add(anno, TYPE, ANNOTATION)
    t.add(anno, HAS_TARGET, target)
    t.add(anno, EXTRACTOR, t.lit(extractor))
    t.add(target, HAS_SOURCE, t.iri(post))
    t.add(target, HAS_SELECTOR, selector)
    t.add(selector, TYPE, QUOTE_SELECTOR)
    t.add(selector, EXACT, t.lit(q.exact))
    if q.prefix:
        t.add(selector, PREFIX, t.lit(q.prefix))
    if q.suffix:
        t.add(selector, SUFFIX, t.lit(q.suffix))


def _annotation(t: _Triples, seen: set, post: str, q: Quote, extractor: str, base_uri: str) -> ox.NamedNode:
    anno = t.iri(str(annotation_iri(post, q.exact, extractor, base_uri=base_uri)))
    if anno not in seen:
        seen.add(anno)
        _add_evidence(t, anno, post, q, extractor)
    return anno


def _add_post(t: _Triples, item: FeedItem, feed: ox.NamedNode) -> None:
    post = t.iri(item.link)
    t.add(post, TYPE, POSTING)
    if not item.minted:  # a minted IRI (item without a web link) is no page's address
        t.add(post, URL, t.lit(item.link, ANY_URI))
    t.add(post, HEADLINE, t.lit(item.title))
    t.add(post, IS_PART_OF, feed)
    if item.published:
        t.add(post, DATE, t.lit(item.published.isoformat(), DATE_TIME))
    for c in item.categories:
        t.add(post, KEYWORDS, t.lit(c))


def _add_citations(t: _Triples, item: FeedItem, posts: dict[str, str]) -> None:
    own = norm_url(item.link)
    post = t.iri(item.link)
    for block in item.blocks:
        for link in block.links:
            key = norm_url(link.href)
            if key != own and is_web_iri(link.href):
                t.add(post, CITATION, t.iri(posts.get(key, link.href)))


def _add_entity(t: _Triples, e: Entity, seen: set, base_uri: str) -> None:
    node = t.iri(str(entity_iri(e.key, base_uri)))
    for typ in KIND_NODES[e.kind]:
        t.add(node, TYPE, typ)
    t.add(node, NAME, t.lit(e.name))
    for a in sorted(e.aliases):
        t.add(node, ALT_NAME, t.lit(a))
    for u in sorted(e.urls):
        if is_web_iri(u):
            t.add(node, SAME_AS, t.iri(u))
    if e.posts:
        t.add(node, MENTION_COUNT, t.lit(str(len(e.posts)), INTEGER))
    for m in e.mentions:
        post = t.iri(m.post)
        if not m.implicit:
            t.add(post, MENTIONS, node)
        if m.role == "author":
            t.add(post, AUTHOR, node)
        t.add(_annotation(t, seen, m.post, m.quote, m.extractor, base_uri), HAS_BODY, node)


def _add_relation(t: _Triples, s: str, pred: str, o: str, r: Relation, seen: set, base_uri: str) -> None:
    p = RELATION_NODES[pred]
    sn, on = t.iri(s), t.iri(o)
    t.add(sn, p, on)
    stmt = t.iri(str(annotation_iri("statement", s, p.value, o, base_uri=base_uri)))
    t.add(stmt, TYPE, STATEMENT)
    t.add(stmt, SUBJECT, sn)
    t.add(stmt, PREDICATE, p)
    t.add(stmt, OBJECT, on)
    t.add(_annotation(t, seen, r.post, r.quote, r.extractor, base_uri), HAS_BODY, stmt)


def to_graph(feeds: list[Feed], items: list[FeedItem], res: Resolution,
             relations: list[tuple[str, str, str, Relation]], base_uri: str = BASE_URI) -> Graph:
    """Posts, entities, mentions, relations and their provenance as an rdflib Graph.

    The Graph is backed by a pyoxigraph store (oxrdflib): the rdflib API as usual, bulk loading
    and SPARQL at native speed.
    """
    t = _Triples()
    for f in feeds:
        node = t.iri(str(feed_iri(f.info.iri, f.info.title, base_uri)))
        t.add(node, TYPE, DATA_FEED)
        if f.info.title:
            t.add(node, NAME, t.lit(f.info.title))
        if f.info.link:
            t.add(node, URL, t.lit(f.info.link, ANY_URI))
    posts = {norm_url(i.link): i.link for i in items}
    for item in items:
        _add_post(t, item, t.iri(str(feed_iri(item.feed.iri, item.feed.title, base_uri))))
        _add_citations(t, item, posts)
    seen: set = set()
    for e in res.entities.values():
        _add_entity(t, e, seen, base_uri)
    for s, pred, o, r in relations:
        _add_relation(t, str(entity_iri(s, base_uri)), pred, str(entity_iri(o, base_uri)), r, seen, base_uri)
    return new_graph(t.quads, base_uri)
