"""Feeds -> extractors -> resolution -> rdflib Graph. The only code that adds triples to a Graph."""
from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SDO, XSD

from . import extractors as registry
from .budget import DEFAULT_ITEM_BUDGET
from .feeds import HTML_CACHE, Limits, parse_feed
from .errors import FeedError
from .models import Entity, Feed, FeedItem, Mention, Problem, Quote, Relation
from .pipeline import ExtractionCache, HtmlCache, extract_items
from .aside import Aside
from .store import from_oxigraph, new_graph
from .namespaces import (BASE_URI, GB, KIND_TYPES, OA, OWL, PROV, annotation_iri, community_iri, digest, entity_iri,
                         feed_iri)
from .curation import as_curation, curate
from .resolve import ORDER as RESOLUTION_ORDER, Resolution, confidence, gazetteer_mentions, relations_of, resolve
from .rules import load_rules
from .sources import default_feed, open_source
from .urls import clean_iri, norm_url, redact

if TYPE_CHECKING:
    from .analysis import Analysis

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
    "creator": SDO.creator,
    "contributor": SDO.contributor,
}


@dataclass
class Build:
    """Everything one run produced: the graph and what the report needs to say about it."""

    graph: Graph
    feeds: list[Feed]
    resolution: Resolution
    relations: list[tuple[str, str, str, Relation]]
    problems: list[Problem] = field(default_factory=list)
    #: the posts of the graph: every feed's items, each link once
    items: list[FeedItem] = field(default_factory=list)
    #: the network analysis stored in the graph (None when built with ``analysis=False``)
    analysis: Analysis | None = None
    #: the graph's networkx form (:func:`graphbuild.network.to_networkx`, analysis included) but for
    #: its co-mention edges, when the build made it (for the analysis); None: make it when needed
    network: object = None
    #: the co-mentions that ``network`` leaves out, as (a, b, posts) (a list, or the arrays of
    #: :class:`graphbuild.network.CoMentions`; :func:`graphbuild.network.add_co_mentions` adds them)
    co_mentions: Sequence = field(default_factory=list)
    #: posts whose extraction overran its CPU budget (kept without mentions, not cached)
    overruns: int = 0
    #: the counts the build report gives of the entities and relations (:func:`entity_counts`),
    #: taken before a ``lean`` build lets go of the mentions they are counted from
    counts: dict = field(default_factory=dict)
    #: the provenance kept out of ``graph`` (:class:`graphbuild.aside.Aside`), if the build was given
    #: a folder for it; its files are the caller's to remove (``aside.remove()``)
    aside: Aside | None = None


def load_feeds(sources: Iterable[str | Path] | None = None, limits: Limits = Limits(),
               cache_dir: Path | None = None, keep_going: bool = False,
               html_cache: str | Path | None = None) -> list[Feed]:
    """Read and parse every source (default: the bundled 2i2c feed).

    Args:
        sources: paths, ``-`` or http(s) URLs.
        limits: feed size, item count and description size limits.
        cache_dir: where fetched feeds are cached for conditional GETs (None: no cache).
        keep_going: with several sources, skip one that fails (its error becomes a Problem of
            an empty feed) instead of raising; the run fails only when none is usable.
        html_cache: a build's state folder, where each post's parsed HTML is kept between builds
            (:class:`graphbuild.pipeline.HtmlCache`; None: parse every post). The same feeds either way.
    Raises:
        FeedError: a source cannot be read or holds no usable item.
    """
    feeds, errors = [], []
    cache = HtmlCache(html_cache).start() if html_cache is not None else None
    token, read = HTML_CACHE.set(cache), False
    try:
        for source in (list(sources) if sources else [default_feed()]):
            try:
                with open_source(source, max_bytes=limits.max_feed_bytes, cache_dir=cache_dir) as (stream, name):
                    feeds.append(parse_feed(stream, name, limits))
            except FeedError as e:
                if not keep_going:
                    raise
                errors.append(str(e))
        read = True
    finally:
        HTML_CACHE.reset(token)
        if cache is not None:
            cache.finish(forget=read)  # a run that failed keeps every post it did not read
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
            rules: Iterable[str | Path] = (), item_budget: float | None = None,
            problems: list[Problem] | None = None, jobs: int = 1, cache: ExtractionCache | None = None,
            progress=None) -> tuple[list[Mention], list[Relation]]:
    """Run the extractors over ``items``; returns (mentions, relations). An item whose extraction
    spends more than ``item_budget`` CPU seconds is abandoned, with a Problem in ``problems``.
    ``jobs`` worker processes share the work (same result whatever their number); a ``cache``
    (:class:`graphbuild.pipeline.ExtractionCache`) gives back the posts it already extracted;
    ``progress(done, total)`` is called after each item."""
    mentions: list[Mention] = []
    relations: list[Relation] = []
    for ms, rs, overrun in extract_items(items, extractors, rules, item_budget, jobs, cache, progress):
        mentions += ms
        relations += rs
        if overrun is not None and problems is not None:
            problems.append(overrun)
    mentions += [m for r in relations for m in (r.subject, r.object)]
    return mentions, relations


def build(sources: Iterable[str | Path] | None = None, *, feeds: list[Feed] | None = None,
          extractors: Iterable[str] | None = None, rules: Iterable[str | Path] = (),
          base_uri: str = BASE_URI, gazetteer: bool = True, limits: Limits = Limits(),
          cache_dir: Path | None = None, keep_going: bool = False, curation=None, analysis: bool = True,
          item_budget: float | None = DEFAULT_ITEM_BUDGET, jobs: int = 1,
          store: str | Path | None = None, progress=None, keeper=None, lean: bool = False,
          aside: str | Path | None = None) -> Build:
    """Run the whole pipeline and keep every stage's result (for reports and the CLI).

    Args:
        sources: paths, ``-`` or http(s) URLs (default: the bundled feed); ignored if ``feeds``.
        feeds: already parsed feeds.
        extractors: extractor names to run (default: all registered).
        rules: extra URL-rules files, consulted before the bundled ones.
        base_uri: base of minted entity IRIs.
        gazetteer: also find unlinked mentions of the run's known names in every post.
        limits, cache_dir, keep_going: see :func:`load_feeds`.
        curation: a curation file (path) or :class:`graphbuild.curation.Curation` (docs/curation.md).
        analysis: add the network analysis (hubs, brokers, communities, trends) to the graph.
        item_budget: CPU seconds the extractors may spend on one item; an item that needs more is
            abandoned with a warning (the post stays, without mentions). None or 0: no limit.
        jobs: worker processes for the extraction (the result is the same whatever the number).
        store: a folder kept between builds: each post's extraction is cached there and reused
            while the post and the extractors are unchanged (None: extract every post).
        progress: called as ``progress(done, total)`` after each post's extraction; if it has a
            ``stage(name)`` method, that is called as each later stage begins.
        keeper: given the graph's triples as N-Triples as they go in (the file ``keeper.sink()``
            gives, if any), and what entity_posts and where_said say of each entity as it is written
            (to ``keeper.said()``, :class:`graphbuild.madeanswers.Said`), told of the graph as soon
            as they are in (``keeper.start(store)``, the
            pyoxigraph store) and of the analysis's triples added after that (``keeper.add(quads)``),
            so it can keep the graph on disk while the analysis runs
            (:class:`graphbuild.graphstore.Keeper`).
        lean: let go of what only the stages before the graph need as soon as the graph holds it,
            before the analysis (so that it reuses the memory): the posts' text (each item of the
            Build keeps its fields but ``blocks``), each entity's mentions (``Entity.mentions`` and
            ``Resolution.of`` empty; ``Build.counts`` has what the report counts of them) and the
            relations (``Build.relations`` empty). The graph and every output are the same. The
            command line builds lean; at 10,000 posts it lowers the peak by about a sixth.
        aside: a folder: keep the provenance (the annotations of mentions and relations, their
            targets and selectors, the relations' statements) out of the graph's store, in files
            there (:class:`graphbuild.aside.Aside`, ``Build.aside``; the command line's build, for
            its writers, which read them back). ``Build.graph`` then lacks those triples (most of
            them), and the build's network form is read with what :func:`to_graph` recorded of them.
            None: the whole graph in ``Build.graph``.
    Raises:
        FeedError, UnknownExtractor, RulesError, CurationError.
    """
    cur = as_curation(curation)
    feeds = feeds if feeds is not None else load_feeds(sources, limits, cache_dir, keep_going, store)
    items = _dedupe_items(feeds)
    overruns: list[Problem] = []
    cache = ExtractionCache(store) if store is not None else None
    mentions, relations = extract(items, extractors, rules, item_budget, overruns, jobs, cache, progress)
    feed_of: dict[str, Feed] = {}
    for f in feeds:
        for i in f.items:
            feed_of.setdefault(i.link, f)
    for p in overruns:  # each warning goes with the feed of its item
        feed_of[p.where].problems.append(p)
    stage = getattr(progress, "stage", None) or (lambda name: None)
    if gazetteer:
        stage("finding known names in every post")
        mentions.sort(key=RESOLUTION_ORDER)  # sorted once for the two resolutions (a second costs little)
        mentions += gazetteer_mentions(items, curate(resolve(mentions, cur), cur, record=False))
    stage("resolving names")
    res = curate(resolve(mentions, cur), cur)
    rels = relations_of(res, relations)
    del mentions, relations  # what resolution kept is in res and rels
    problems = [p for f in feeds for p in f.problems]
    stage("building the graph")
    # the network form's mentions, as they are written
    mentioned: list | None = [] if analysis or aside is not None else None
    kept = Aside(aside, base_uri) if aside is not None else None
    try:
        g = to_graph(feeds, items, res, rels, base_uri, problems, keeper.sink() if keeper is not None else None,
                     mentioned, keeper.said() if keeper is not None else None, kept)
        if kept is not None:
            from .export import prefixes_of
            kept.start(prefixes_of(g))  # sorted for graph.ttl on the other core while the analysis runs
        if keeper is not None:
            keeper.start(g.store._inner, kept)
        counts = entity_counts(res, rels)
        if lean:
            items = _let_go(feeds, items, res)
            rels = []
        problems += [Problem("curation", w) for w in (res.curation.warnings if res.curation else ())]
        found = G = None
        pairs: list = []
        if mentioned is not None:
            from .network import read_network
            # read once, for the analysis and (with it) the report and the page; the co-mentions, most
            # of the edges of a big graph, stay a list until the page asks for them
            stage("analysing the network" if analysis else "reading the network")
            G, pairs = read_network(g, mentioned=mentioned, stated=kept.stated if kept is not None else None)
            del mentioned
        if analysis:
            from .analysis import analyze
            found = analyze(G, pairs=pairs)
            quads = analysis_quads(found, base_uri)
            g.store._inner.bulk_extend(quads)
            if keeper is not None:
                keeper.add(quads)
            _mark_analysis(G, found, base_uri)
    except BaseException:
        if kept is not None:
            kept.remove()
        raise
    return Build(g, feeds, res, rels, problems, items, found, G, pairs, len(overruns), counts, kept)


def entity_counts(res: Resolution, relations: list) -> dict:
    """What the build report counts of a resolution: entities named in a post by kind, the five
    most mentioned (name, kind, posts), the relations."""
    named = [(e, len(e.posts)) for e in res.entities.values()]
    named = [(e, n) for e, n in named if n]
    top = sorted(named, key=lambda en: (-en[1], en[0].name))[:5]
    return {"kinds": dict(Counter(e.kind for e, _ in named)), "top": [(e.name, e.kind, n) for e, n in top],
            "relations": len(relations)}


def _let_go(feeds: list[Feed], items: list[FeedItem], res: Resolution) -> list[FeedItem]:
    """A ``lean`` build's items without their text (in ``feeds`` too), and ``res`` without its
    mentions; returns the items."""
    bare = {id(i): replace(i, blocks=()) for f in feeds for i in f.items}
    for f in feeds:
        f.items = [bare[id(i)] for i in f.items]
    res.of = {}
    for e in res.entities.values():
        e.mentions = []
    return [bare[id(i)] for i in items]


def build_graph(sources: Iterable[str | Path] | None = None, **kwargs) -> Graph:
    """Feeds (paths, ``-`` or URLs; default the bundled feed) -> rdflib Graph. See :func:`build`."""
    return build(sources, **kwargs).graph


# ------------------------------------------------------------------ triples
class _Triples:
    """Collects the graph's triples as N-Triples lines, then loads them in bulk.

    Building rdflib terms and adding them one by one to rdflib's memory store costs ~25 us a
    triple, and a pyoxigraph ``Quad`` object per triple ~3 us (made, handed over and freed); a line
    of text costs a fraction of that and pyoxigraph's parser reads it natively. A term is its
    N-Triples form (``<iri>`` or a quoted literal, :meth:`iri` and :meth:`lit`); every IRI is checked
    by pyoxigraph once, when first made, so no line the store is given is invalid.

    :meth:`web` is the one door through which a link read from a feed (post link, citation, author
    or sameAs URL, feed address) becomes an IRI; :meth:`iri` is for IRIs graphbuild mints itself.
    """

    #: lines held before they go to the store in one load (while the next batch is made: 50,000
    #: rather than 100,000 keeps the peak where it was without the thread, docs/performance.md)
    FLUSH = 50_000

    def __init__(self, store: ox.Store | None = None, sink=None) -> None:
        self.store = store if store is not None else ox.Store()
        #: a binary file that is also given every line loaded (:meth:`graphbuild.graphstore.Keeper.sink`)
        self.sink = sink
        self.lines: list[str] = []
        #: the load of the batch before this one, in a thread (see :meth:`_send`)
        self._loading: Future | None = None
        self._loader: ThreadPoolExecutor | None = None
        self._iris: dict[str, str] = {}
        self._web: dict[str, tuple[str | None, str]] = {}
        #: item (or feed) -> {link as read: what was done to it}, for one warning each
        self.notes: dict[str, dict[str, str]] = {}
        #: (post, exact, extractor) -> the quote its annotation shows (see :func:`_first_quotes`)
        self.quotes: dict[tuple[str, str, str], Quote] = {}
        #: when a list: (post IRI, entity IRI, the exact words of each annotation of the entity
        #: whose target is in the post, sorted, none empty) for each post that ``schema:mentions``
        #: the entity (what :data:`graphbuild.network.Q_MENTIONS` reads back; see :func:`to_graph`)
        self.mentioned: list[tuple[str, str, tuple[str, ...]]] | None = None
        #: told of what entity_posts and where_said say of each entity (:class:`graphbuild.madeanswers.Said`)
        self.said = None
        self._values: dict[str, str] = {}
        #: where the provenance (annotations, targets, selectors, statements) goes instead of the
        #: store, if anywhere
        #: (:class:`graphbuild.aside.Aside`; see :meth:`provenance`)
        self.aside = None
        self._cut = 0  # where an annotation's own part of its IRI starts, in its term
        self._aside: dict[str, list[str]] = defaultdict(list)  # the aside's pieces not yet written
        self._held = 0  # pieces in ``_aside``

    def iri(self, value: str) -> str:
        """``<value>``; ValueError when pyoxigraph does not take ``value`` as an IRI."""
        node = self._iris.get(value)
        if node is None:
            ox.NamedNode(value)  # raises ValueError for what is no IRI
            node = self._iris[value] = f"<{value}>"
        return node

    def value(self, node: str) -> str:
        """The IRI of a term :meth:`iri` made, one string per term (however often it is asked)."""
        v = self._values.get(node)
        if v is None:
            v = self._values[node] = node[1:-1]
        return v

    @staticmethod
    def minted(value: str) -> str:
        """``<value>`` for an IRI graphbuild mints under the base IRI from a hash (annotations,
        their targets and selectors, statements: nearly a million at 10,000 posts), taken as it is:
        :func:`to_graph` has checked once that the base IRI followed by such a path is one."""
        return f"<{value}>"

    def web(self, url: str, where: str) -> str | None:
        """``url`` as an IRI (RFC 3987: percent-encoded where it may be, user info removed), or
        None when it cannot be one; either way noted against ``where`` (an item or feed)."""
        found = self._web.get(url)
        if found is None:
            iri, note = clean_iri(url)
            node = None
            if iri is not None:
                try:
                    node = self.iri(iri)
                except ValueError as e:  # the IRI parser of the store is the final judge
                    note = f"not a valid IRI ({e})"
            found = self._web[url] = (node, note if node is not None else f"dropped: {note}")
        if found[1]:
            self.notes.setdefault(where, {})[url] = found[1]
        return found[0]

    def problems(self) -> list[Problem]:
        """One warning per item or feed whose links were repaired or dropped, naming them."""
        out = []
        for where, notes in self.notes.items():
            by_note: dict[str, list[str]] = {}
            for url, note in notes.items():
                by_note.setdefault(note, []).append(url)
            parts = [f"{note}: " + ", ".join(repr(redact(u)[:100]) for u in urls[:3])
                     + (f" and {len(urls) - 3} more" if len(urls) > 3 else "") for note, urls in by_note.items()]
            out.append(Problem(redact(where), f"{len(notes)} link{'s' if len(notes) != 1 else ''} made valid "
                               f"IRIs (RFC 3987) or dropped: {'; '.join(parts)}"))
        return out

    def add(self, s: str, p: str, o: str) -> None:
        lines = self.lines
        lines.append(f"{s} {p} {o} .\n")
        if len(lines) + self._held >= self.FLUSH:
            self._send()

    def add_lines(self, text: str) -> None:
        """Lines as :meth:`add` makes them, several at once (counted as one towards a batch)."""
        lines = self.lines
        lines.append(text)
        if len(lines) + self._held >= self.FLUSH:
            self._send()

    def provenance(self, text: str) -> None:
        """:meth:`add_lines` of provenance: lines whose subjects are minted under the annotations'
        prefix (an annotation, a statement; a target and its selector) and share the two characters
        after it. To the aside instead of the store, if there is one; every piece given here once."""
        if self.aside is None:
            self.add_lines(text)
            return
        self._aside[text[self._cut:self._cut + 2]].append(text)
        self._held += 1
        if len(self.lines) + self._held >= self.FLUSH:
            self._send()

    def _send(self) -> None:
        """Hand the lines collected so far to a thread that loads them while the next ones are
        made (pyoxigraph lets go of the GIL while it parses and inserts: the two cores both work);
        one batch loads at a time, so at most two are held."""
        lines, self.lines = self.lines, []
        data = "".join(lines).encode("utf-8")
        aside, self._aside, self._held = self._aside, defaultdict(list), 0
        if self._loading is not None:
            self._wait()
        if self._loader is None:
            self._loader = ThreadPoolExecutor(1, thread_name_prefix="graphbuild-load")
        self._loading = self._loader.submit(self._load, data, aside, lines if self.aside is not None else ())

    def _load(self, data: bytes, aside: dict[str, list[str]], lines: list[str]) -> None:
        # load, not bulk_load: into an in-memory store, pyoxigraph's transactional load is the
        # faster (at 10,000 posts, 3 million triples in batches of 100,000: 6.9 s vs 12.1 s) for
        # the same memory (docs/performance.md, seventh pass)
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        if self.sink is not None:
            self.sink.write(data)
        for key, pieces in aside.items():
            data = "".join(pieces).encode("utf-8")
            self.aside.write(key, data)
            if self.sink is not None:  # (the kept store gets every triple)
                self.sink.write(data)
        if lines:  # the store's own lines under the prefix: a copy with the aside's, for graph.ttl
            prefix, cut = self.aside.prefix, self._cut
            copies: dict[str, list[str]] = defaultdict(list)
            for piece in lines:
                if piece.startswith(prefix):
                    copies[piece[cut:cut + 2]].append(piece)
            for key, pieces in copies.items():
                self.aside.write(key, "".join(pieces).encode("utf-8"), copy=True)

    def flush(self) -> ox.Store:
        """Load every line collected so far into the store, wait until it holds them, and forget
        them; the loading thread ends (a build later forks only when it is the one thread)."""
        if self.lines or self._held:
            self._send()
        if self._loader is not None:
            self._wait(last=True)
        return self.store

    def _wait(self, last: bool = False) -> None:
        """Wait for the batch being loaded; raise what its load raised. The thread ends after
        the last batch or a failed one."""
        try:
            self._loading.result()
        except BaseException:
            last = True
            raise
        finally:
            if last:
                self._loader.shutdown(wait=True)
                self._loader = self._loading = None

    def quads(self) -> list[ox.Quad]:
        """The lines collected so far as pyoxigraph quads of the default graph."""
        return [ox.Quad(t.subject, t.predicate, t.object)
                for t in ox.parse("".join(self.lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]

    @staticmethod
    def lit(value: str, datatype: str | None = None) -> str:
        """A literal's N-Triples form (``datatype``: an :meth:`iri`)."""
        if '"' in value or "\\" in value or "\n" in value or "\r" in value:
            value = value.translate(_ESCAPES)
        return f'"{value}"^^{datatype}' if datatype else f'"{value}"'


#: what N-Triples needs escaped in a quoted literal
_ESCAPES = str.maketrans({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"})


def _n(term: URIRef) -> str:
    return f"<{term}>"


def _value(node: str) -> str:
    """The IRI of an :meth:`_Triples.iri` term."""
    return node[1:-1]


# the vocabulary as N-Triples terms, made once (rdflib namespace attributes are built per access)
(TYPE, ANNOTATION, HAS_TARGET, HAS_BODY, HAS_SOURCE, HAS_SELECTOR, QUOTE_SELECTOR, EXACT, PREFIX, SUFFIX,
 EXTRACTOR, STATEMENT, SUBJECT, PREDICATE, OBJECT, POSTING, URL, HEADLINE, IS_PART_OF, DATE, KEYWORDS,
 CITATION, NAME, ALT_NAME, SAME_AS, MENTION_COUNT, MENTIONS, AUTHOR, DATA_FEED, ANY_URI, DATE_TIME,
 INTEGER, CONFIDENCE, DECIMAL, COMMUNITY, IN_COMMUNITY, DEGREE, PAGERANK, BETWEENNESS, TREND) = map(_n, (
    RDF.type, OA.Annotation, OA.hasTarget, OA.hasBody, OA.hasSource, OA.hasSelector, OA.TextQuoteSelector,
    OA.exact, OA.prefix, OA.suffix, GB.extractor, RDF.Statement, RDF.subject, RDF.predicate, RDF.object,
    SDO.BlogPosting, SDO.url, SDO.headline, SDO.isPartOf, SDO.datePublished, SDO.keywords, SDO.citation,
    SDO.name, SDO.alternateName, SDO.sameAs, GB.mentionCount, SDO.mentions, SDO.author, SDO.DataFeed,
    XSD.anyURI, XSD.dateTime, XSD.integer, GB.confidence, XSD.decimal, GB.Community, GB.community, GB.degree,
    GB.pageRank, GB.betweenness, GB.trend))
HTML = _n(RDF.HTML)
KIND_NODES = {k: tuple(map(_n, types)) for k, (_, types) in KIND_TYPES.items()}
RELATION_NODES = {k: _n(v) for k, v in RELATIONS.items()}


#: one oa:SpecificResource target and one TextQuoteSelector per distinct quote of a post, shared by
#: the annotations of every extractor that read the same words there (docs/vocabulary.md); False:
#: one of each per annotation, as before (kept to test that both give the same answers)
SHARE_QUOTES = True


def _add_evidence(t: _Triples, anno: str, post: str, q: Quote, extractor: str,
                  seen: set, base_uri: str) -> None:
    """One oa:Annotation per (post, quoted sentence, extractor); bodies are added by the caller."""
    if SHARE_QUOTES:
        quote = f"{base_uri}annotation/{digest('quote', _value(post), q.exact, q.prefix, q.suffix)}"
        target, selector = t.minted(f"{quote}-target"), t.minted(f"{quote}-selector")
    else:
        target, selector = t.minted(f"{_value(anno)}-target"), t.minted(f"{_value(anno)}-selector")
    # a few lines at once (add's lines, in add's order)
    t.provenance(f"{anno} {TYPE} {ANNOTATION} .\n{anno} {HAS_TARGET} {target} .\n"
                 f"{anno} {EXTRACTOR} {t.lit(extractor)} .\n")
    if target in seen:
        return
    seen.add(target)
    # (a target and its selector: one piece, as their IRIs differ only in the end)
    t.provenance(f"{target} {HAS_SOURCE} {post} .\n{target} {HAS_SELECTOR} {selector} .\n"
                 f"{selector} {TYPE} {QUOTE_SELECTOR} .\n{selector} {EXACT} {t.lit(q.exact)} .\n"
                 + (f"{selector} {PREFIX} {t.lit(q.prefix)} .\n" if q.prefix else "")
                 + (f"{selector} {SUFFIX} {t.lit(q.suffix)} .\n" if q.suffix else ""))


def _annotation(t: _Triples, seen: set, post: str, q: Quote, extractor: str, base_uri: str) -> str:
    anno = t.minted(f"{base_uri}annotation/{digest(post, q.exact, extractor)}")  # annotation_iri, without a URIRef
    if anno not in seen:
        seen.add(anno)
        q = t.quotes.get((post, q.exact, extractor), q)
        _add_evidence(t, anno, _post_node(t, post, base_uri), q, extractor, seen, base_uri)
    return anno


def _post_node(t: _Triples, link: str, base_uri: str) -> str:
    """A post's IRI: its link, or, when the link cannot be an IRI, ``<base>post/<hash of the link>``
    (so a post with a broken link keeps its mentions)."""
    return t.web(link, link) or _minted_post(t, link, base_uri)


def _minted_post(t: _Triples, link: str, base_uri: str) -> str:
    return t.iri(f"{base_uri}post/{digest(link)}")


def _known_post(t: _Triples, link: str, base_uri: str) -> str | None:
    """:func:`_post_node` of a link it was already given (nothing noted again); None if never."""
    found = t._web.get(link)
    return None if found is None else found[0] or _minted_post(t, link, base_uri)


def _feed_node(t: _Triples, iri: str, title: str, source: str, base_uri: str) -> str:
    """A feed's IRI: its own http(s) address if that can be an IRI, else one minted from its title."""
    return (t.web(iri, source) if iri else None) or t.iri(str(feed_iri("", title, base_uri)))


def _add_post(t: _Triples, item: FeedItem, feed: str, base_uri: str) -> None:
    post = _post_node(t, item.link, base_uri)
    t.add(post, TYPE, POSTING)
    web = t.web(item.link, item.link) if not item.minted else None  # a minted IRI is no page's address
    if web is not None:
        t.add(post, URL, t.lit(_value(web), ANY_URI))
    # a title with markup keeps it, as an rdf:HTML literal (docs/vocabulary.md); else plain text
    t.add(post, HEADLINE, t.lit(item.title_html, HTML) if item.title_html else t.lit(item.title))
    if t.said is not None:
        t.said.post(_value(post), item.title_html or item.title, _value(HTML) if item.title_html else None,
                    item.published)
    t.add(post, IS_PART_OF, feed)
    if item.published:
        t.add(post, DATE, t.lit(item.published.isoformat(), DATE_TIME))
    for c in item.categories:
        t.add(post, KEYWORDS, t.lit(c))


def _add_citations(t: _Triples, item: FeedItem, posts: dict[str, str], base_uri: str) -> None:
    own = norm_url(item.link)
    post = _post_node(t, item.link, base_uri)
    for block in item.blocks:
        for link in block.links:
            key = norm_url(link.href)
            if key != own:
                cited = t.web(posts.get(key, link.href), item.link)
                if cited is not None:
                    t.add(post, CITATION, cited)


def _add_entity(t: _Triples, e: Entity, seen: set, base_uri: str) -> None:
    node = t.iri(str(entity_iri(e.key, base_uri)))
    for typ in KIND_NODES[e.kind]:
        t.add(node, TYPE, typ)
    t.add(node, NAME, t.lit(e.name))
    for a in sorted(e.aliases):
        t.add(node, ALT_NAME, t.lit(a))
    for u in sorted(e.urls):
        where = next((m.post for m in e.mentions if u in m.urls), e.name)  # the item to warn about
        same = t.web(u, where)
        if same is not None:
            t.add(node, SAME_AS, same)
    if e.posts:
        t.add(node, MENTION_COUNT, t.lit(str(len(e.posts)), INTEGER))
    t.add(node, CONFIDENCE, t.lit(f"{confidence(e):.2f}", DECIMAL))
    told: set[str] = set()  # posts already said to mention it (the same triple, not loaded twice)
    bodies: set[str] = set()  # its annotations (two mentions read in the same words: one triple)
    quotes: dict[str, set[str]] | None = defaultdict(set) if t.mentioned is not None or t.aside is not None else None
    said: dict[str, tuple] | None = {} if t.said is not None else None  # annotation -> where_said's row
    for m in e.mentions:
        post = _post_node(t, m.post, base_uri)
        if not m.implicit and post not in told:
            told.add(post)
            t.add(post, MENTIONS, node)
        if m.role == "author":
            t.add(post, AUTHOR, node)
        anno = _annotation(t, seen, m.post, m.quote, m.extractor, base_uri)
        if anno not in bodies:
            bodies.add(anno)
            t.provenance(f"{anno} {HAS_BODY} {node} .\n")
        if said is not None and anno not in said:  # (its post, exact words, extractor): one row
            said[anno] = (t.value(post), m.quote.exact, m.extractor)
        if quotes is not None:
            quotes[post].add(m.quote.exact)  # the exact words its annotation's selector holds
    if said is not None:
        t.said.entity(_value(node), said.values(), map(t.value, told))
    if quotes is not None:
        iri = _value(node)
        for post in told:
            qs = quotes[post]
            if t.aside is not None:
                t.aside.least[(t.value(post), iri)] = min(qs)
            if t.mentioned is not None:
                qs.discard("")
                t.mentioned.append((t.value(post), iri, tuple(sorted(qs))))


def _add_relation(t: _Triples, s: str, pred: str, o: str, r: Relation, seen: set, base_uri: str) -> None:
    p = RELATION_NODES[pred]
    sn, on = t.iri(s), t.iri(o)
    stmt = t.minted(_statement_iri(s, _value(p), o, base_uri))
    if stmt not in seen:  # a relation stated in several places: its triples once, an annotation each
        seen.add(stmt)
        t.add(sn, p, on)
        t.provenance(f"{stmt} {TYPE} {STATEMENT} .\n{stmt} {SUBJECT} {sn} .\n{stmt} {PREDICATE} {p} .\n"
                     f"{stmt} {OBJECT} {on} .\n")
    anno = _annotation(t, seen, r.post, r.quote, r.extractor, base_uri)
    if (anno, stmt) not in seen:  # (read twice in the same words: one triple)
        seen.add((anno, stmt))
        t.provenance(f"{anno} {HAS_BODY} {stmt} .\n")
    if t.aside is not None:  # what the network form and two questions read of the statement's annotations
        t.aside.stated[(s, _value(p), o)].add((t.value(_known_post(t, r.post, base_uri)), r.quote.exact))


def _statement_iri(s: str, p: str, o: str, base_uri: str) -> str:
    """The IRI of the statement (s, p, o) (IRIs) of a relation."""
    return f"{base_uri}annotation/{digest('statement', s, p, o)}"


def _first_quotes(res: Resolution, relations) -> dict[tuple[str, str, str], Quote]:
    """One quote per annotation (post, exact text, extractor): the same words can be read twice in
    a post, with other context around them; the least (prefix, suffix) is shown, whatever order the
    mentions come in (it varies with Python's string hashing from one process to the next)."""
    best: dict[tuple[str, str, str], Quote] = {}
    found = [(m.post, m.quote, m.extractor) for e in res.entities.values() for m in e.mentions]
    found += [(r.post, r.quote, r.extractor) for *_, r in relations]
    for post, q, extractor in found:
        key = (post, q.exact, extractor)
        old = best.get(key)
        if old is None or (q.prefix, q.suffix) < (old.prefix, old.suffix):
            best[key] = q
    return best


def to_graph(feeds: list[Feed], items: list[FeedItem], res: Resolution,
             relations: list[tuple[str, str, str, Relation]], base_uri: str = BASE_URI,
             problems: list[Problem] | None = None, sink=None,
             mentioned: list[tuple[str, str, tuple[str, ...]]] | None = None, said=None, aside=None) -> Graph:
    """Posts, entities, mentions, relations and their provenance as an rdflib Graph.

    The Graph is backed by a pyoxigraph store (oxrdflib): the rdflib API as usual, bulk loading
    and SPARQL at native speed. Every link read from a feed passes one check (:meth:`_Triples.web`);
    one warning per item whose links were repaired or dropped is appended to ``problems``;
    ``sink`` (a binary file), if given, gets the graph's triples as N-Triples too. ``mentioned``,
    if given, gets what :data:`graphbuild.network.Q_MENTIONS` reads of the graph, as it is written:
    (post IRI, entity IRI, the exact words its annotations there quote, sorted, none empty) for
    each post that mentions each entity. The build's network form takes them from here instead of
    querying the 470,000 annotations of a 10,000-post graph again (:func:`graphbuild.network.read_network`).
    ``said``, if given (a :class:`graphbuild.madeanswers.Said`), is told each entity's rows of
    ``entity_posts`` and ``where_said`` as they are written, and closed at the end.
    ``aside``, if given (a :class:`graphbuild.aside.Aside`), gets the provenance instead of the
    graph (every annotation, target, selector and relation's statement), the least words of each
    entity's annotations in each post that mentions it (``least``), each relation's evidence
    (``stated``) and ``said``'s indexes; it is closed at the end. The graph then lacks those triples: only
    :func:`graphbuild.export.write_graph` and :class:`graphbuild.graphstore.Keeper`, given the aside,
    see the whole graph.

    Raises:
        FeedError: ``base_uri`` is not an absolute http(s) IRI.
    """
    t = _Triples(sink=sink)
    t.mentioned, t.said, t.aside = mentioned, said, aside
    try:  # the base, and under it the IRIs _Triples.minted takes on trust
        if clean_iri(base_uri) != (base_uri, ""):
            raise ValueError(base_uri)
        t.iri(f"{base_uri}annotation/{digest('')}-selector")
    except ValueError:
        raise FeedError(f"base URI {redact(base_uri)!r} is not an absolute http(s) IRI (--base-uri)") from None
    feed_nodes = {}
    for f in feeds:
        node = feed_nodes[f.info] = _feed_node(t, f.info.iri, f.info.title, f.info.source, base_uri)
        t.add(node, TYPE, DATA_FEED)
        if f.info.title:
            t.add(node, NAME, t.lit(f.info.title))
        link = t.web(f.info.link, f.info.source) if f.info.link else None
        if link is not None:
            t.add(node, URL, t.lit(_value(link), ANY_URI))
    posts = {norm_url(i.link): i.link for i in items}
    for item in items:
        feed = feed_nodes.get(item.feed) or _feed_node(t, item.feed.iri, item.feed.title, item.feed.source, base_uri)
        _add_post(t, item, feed, base_uri)
        _add_citations(t, item, posts, base_uri)
    seen: set = set()
    t.quotes = _first_quotes(res, relations)
    if aside is not None:
        t._cut = len(aside.prefix)
    if said is not None:  # told of each statement's annotations before the entities (see Said)
        for s, pred, o, r in relations:
            post = _known_post(t, r.post, base_uri)  # (every post was added: never None)
            s, p, o = str(entity_iri(s, base_uri)), _value(RELATION_NODES[pred]), str(entity_iri(o, base_uri))
            said.relation(_statement_iri(s, p, o, base_uri), s, p, o, (r.post, r.quote.exact, r.extractor),
                          post and t.value(post), r.quote.exact, r.extractor)
    for e in res.entities.values():
        _add_entity(t, e, seen, base_uri)
    for s, pred, o, r in relations:
        _add_relation(t, str(entity_iri(s, base_uri)), pred, str(entity_iri(o, base_uri)), r, seen, base_uri)
    if res.curation:
        _add_curation(t, res.curation, res.entities, base_uri)
    if problems is not None:
        problems += t.problems()
    if said is not None:
        indexes = said.close()  # all is told: its files written, what it held let go
        if aside is not None:
            aside.indexes = indexes
    store = t.flush()
    if aside is not None:
        aside.close()
    return new_graph(store=store, base_uri=base_uri)


CURATION_RULE, ACTION, RULE_TEXT, RULE_SOURCE, MATCHED, DERIVED_FROM, DIFFERENT_FROM = map(_n, (
    GB.CurationRule, GB.action, GB.ruleText, GB.ruleSource, GB.matched, PROV.wasDerivedFrom, OWL.differentFrom))
_CURATED = {"type": TYPE, "alternateName": ALT_NAME, "name": NAME, "differentFrom": DIFFERENT_FROM}


def _add_curation(t: _Triples, applied, entities: dict[str, Entity], base_uri: str) -> None:
    """Each curation rule as a gb:CurationRule, and each fact it made as an rdf:Statement
    prov:wasDerivedFrom that rule (the facts themselves are the entities' own triples)."""
    rules = {}
    for rule, matched in applied.matched.items():
        node = rules[rule] = t.iri(str(annotation_iri("curation", rule.text, rule.where, base_uri=base_uri)))
        t.add(node, TYPE, CURATION_RULE)
        t.add(node, ACTION, t.lit(rule.action))
        t.add(node, RULE_TEXT, t.lit(rule.text))
        t.add(node, RULE_SOURCE, t.lit(rule.where))
        t.add(node, MATCHED, t.lit(str(matched), INTEGER))
    for f in applied.facts:
        if entities.get(f.entity.key) is not f.entity:
            continue  # a later rule dropped it
        s, p = t.iri(str(entity_iri(f.entity.key, base_uri))), _CURATED[f.predicate]
        if f.predicate == "differentFrom":
            if entities.get(f.value.key) is not f.value:
                continue
            objs = [t.iri(str(entity_iri(f.value.key, base_uri)))]
            t.add(s, p, objs[0])
        else:
            objs = list(KIND_NODES[f.value]) if f.predicate == "type" else [t.lit(f.value)]
        for o in objs:
            # the object as pyoxigraph writes it (an IRI's term is that already)
            text = o if o.startswith("<") else str(ox.Literal(f.value))
            stmt = t.iri(str(annotation_iri("curated", _value(s), _value(p), text, base_uri=base_uri)))
            t.add(stmt, TYPE, STATEMENT)
            t.add(stmt, SUBJECT, s)
            t.add(stmt, PREDICATE, p)
            t.add(stmt, OBJECT, o)
            t.add(stmt, DERIVED_FROM, rules[f.rule])


def _mark_analysis(G, a: Analysis, base_uri: str = BASE_URI) -> None:
    """Give the networkx form ``G`` the analysis just stored by :func:`add_analysis`, as
    :func:`graphbuild.network.to_networkx` reads it from the graph: each entity's community IRI and
    PageRank (the stored decimal), ``G.graph["communities"]`` (community IRI -> name)."""
    iris = {c.id: (str(community_iri(c.members[0], base_uri)), c.name) for c in a.communities}
    names = {}
    for iri, e in a.entities.items():
        if iri in G:
            c, name = iris[e.community]
            G.nodes[iri].update(community=c, pagerank=float(f"{e.pagerank:.6f}"))
            names[c] = name or c
    G.graph["communities"] = dict(sorted(names.items()))


def add_analysis(g: Graph, a: Analysis, base_uri: str = BASE_URI) -> Graph:
    """Store a network analysis (:func:`graphbuild.analysis.analyze`) in ``g`` as ``gb:`` triples:
    each community (``gb:Community`` with a ``schema:name``), and per entity its ``gb:community``,
    ``gb:degree``, ``gb:pageRank``, ``gb:betweenness`` and, if any, ``gb:trend``. Returns ``g``."""
    quads = analysis_quads(a, base_uri)
    store = getattr(g.store, "_inner", None)
    if isinstance(store, ox.Store):
        store.bulk_extend(quads)
    else:
        for q in quads:
            g.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    return g


def analysis_quads(a: Analysis, base_uri: str = BASE_URI) -> list[ox.Quad]:
    """The triples :func:`add_analysis` adds for ``a``, in the order it adds them."""
    t = _Triples()
    t.FLUSH = math.inf  # collected here, not loaded
    iris = {}
    for c in a.communities:
        node = iris[c.id] = t.iri(str(community_iri(c.members[0], base_uri)))
        t.add(node, TYPE, COMMUNITY)
        t.add(node, NAME, t.lit(c.name))
    for iri, e in a.entities.items():
        node = t.iri(iri)
        t.add(node, IN_COMMUNITY, iris[e.community])
        t.add(node, DEGREE, t.lit(str(e.degree), INTEGER))
        t.add(node, PAGERANK, t.lit(f"{e.pagerank:.6f}", DECIMAL))
        t.add(node, BETWEENNESS, t.lit(f"{e.betweenness:.6f}", DECIMAL))
        if e.trend:
            t.add(node, TREND, t.lit(e.trend))
    return t.quads()
