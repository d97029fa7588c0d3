"""The graph's public contract (DESIGN.md) on the small hand-written feed."""
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SDO, XSD

from graphbuild.graph import build
from graphbuild.namespaces import DOAP, OA

ADA = "https://lab.example.org/blog/ada-joins/"
WELCOME = "https://lab.example.org/blog/welcome/"


@pytest.fixture(scope="module")
def g(data_dir):
    return build([data_dir / "rss2.xml"]).graph


def entity(g, name):
    [e] = list(g.subjects(SDO.name, Literal(name)))
    return e


def test_posts_are_blogpostings_with_headline_date_url_and_feed(g):
    post = URIRef(ADA)
    assert (post, RDF.type, SDO.BlogPosting) in g
    assert str(g.value(post, SDO.headline)) == "Ada Lovelace joins the Analytical Engine team"
    assert g.value(post, SDO.datePublished) == Literal("2025-09-02T09:30:00+02:00", datatype=XSD.dateTime)
    assert str(g.value(post, SDO.url)) == ADA
    assert g.value(post, SDO.isPartOf) == URIRef("https://lab.example.org/blog/index.xml")


def test_links_between_posts_are_citations(g):
    assert (URIRef(ADA), SDO.citation, URIRef(WELCOME)) in g


def test_entities_have_types_names_sameas_and_are_mentioned(g):
    ada = entity(g, "Ada Lovelace")
    assert (ada, RDF.type, SDO.Person) in g
    assert (ada, SDO.sameAs, URIRef("https://lab.example.org/author/ada-lovelace/")) in g
    assert (URIRef(ADA), SDO.mentions, ada) in g
    engine = entity(g, "engine")
    assert (engine, RDF.type, DOAP.Project) in g
    assert (entity(g, "Royal Society"), RDF.type, SDO.Organization) in g


def test_feed_authors_are_schema_author(g):
    assert (URIRef(WELCOME), SDO.author, entity(g, "Charles Babbage")) in g


def test_every_mention_has_a_text_quote_annotation(g):
    for post, ent in g.subject_objects(SDO.mentions):
        annos = [a for a in g.subjects(OA.hasBody, ent)
                 if g.value(g.value(a, OA.hasTarget), OA.hasSource) == post]
        assert annos, f"no provenance for {post} -> {ent}"
        sel = g.value(g.value(annos[0], OA.hasTarget), OA.hasSelector)
        assert (sel, RDF.type, OA.TextQuoteSelector) in g and g.value(sel, OA.exact)


def test_repository_owner_maintains_it_with_evidence(g):
    engine = entity(g, "engine")
    owner = g.value(engine, SDO.maintainer)
    assert URIRef("https://github.com/example-lab") in set(g.objects(owner, SDO.sameAs))


def test_no_blank_nodes(g):
    from rdflib import BNode
    assert not any(isinstance(t, BNode) for triple in g for t in triple)


def test_two_feeds_merge_into_one_graph(data_dir):
    g2 = build([data_dir / "rss2.xml", data_dir / "atom.xml", data_dir / "rss1.xml"]).graph
    assert len(set(g2.subjects(RDF.type, SDO.BlogPosting))) == 3 + 2 + 1  # rss2.xml: one item has no link


def test_literals_reach_the_store_as_written_whatever_they_hold():
    """The triples go to the store as N-Triples text: every character a literal may hold comes
    back out as it went in (quotes, backslashes, line breaks, control and non-BMP characters)."""
    import pyoxigraph as ox

    from graphbuild.graph import _Triples

    values = ['say "hi"', "C:\\path\\", "two\nlines", "cr\rhere", "tab\tthere", "nul\x00", "\x7f\x1f",
              "naïve 漢字 🙂", "\u2028\u2029", '\\"', "end\\"]
    t = _Triples()
    html = t.iri(str(RDF.HTML))
    for i, v in enumerate(values):
        s = t.iri(f"https://example.org/{i}")
        t.add(s, t.iri("https://example.org/plain"), t.lit(v))
        t.add(s, t.iri("https://example.org/html"), t.lit(v, html))
    got = {(q.subject.value, q.predicate.value): q.object for q in t.flush()}
    assert len(got) == 2 * len(values)
    for i, v in enumerate(values):
        assert got[(f"https://example.org/{i}", "https://example.org/plain")] == ox.Literal(v)
        assert got[(f"https://example.org/{i}", "https://example.org/html")] == ox.Literal(
            v, datatype=ox.NamedNode(str(RDF.HTML)))


def test_triples_loaded_batch_by_batch_in_a_thread_are_all_in_the_store_and_the_sink(monkeypatch):
    import io
    import threading

    from graphbuild.graph import _Triples

    monkeypatch.setattr(_Triples, "FLUSH", 2)  # seven triples: four loads, three of them while lines are made
    sink = io.BytesIO()
    before = threading.active_count()
    t = _Triples(sink=sink)
    p = t.iri("https://example.org/p")
    for i in range(7):
        t.add(t.iri(f"https://example.org/s{i}"), p, t.lit(f"v{i}"))
    loader = t._loader  # held here, so the thread cannot end by its executor being let go
    assert loader is not None
    store = t.flush()
    assert sorted((q.subject.value, q.object.value) for q in store) == [
        (f"https://example.org/s{i}", f"v{i}") for i in range(7)]
    # the file the keeper loads got the same lines, in the order they were made
    assert sink.getvalue().decode().splitlines() == [
        f'<https://example.org/s{i}> <https://example.org/p> "v{i}" .' for i in range(7)]
    # the loading thread ended (a later fork needs the process to have one thread)
    assert threading.active_count() == before
    assert not any(th.name.startswith("graphbuild-load") for th in threading.enumerate())


def test_a_batch_the_store_cannot_load_is_an_error_and_ends_the_loading_thread(monkeypatch):
    import threading

    from graphbuild.graph import _Triples

    monkeypatch.setattr(_Triples, "FLUSH", 1)
    before = threading.active_count()
    t = _Triples()
    p = t.iri("https://example.org/p")
    t.add(t.iri("https://example.org/s"), p, '"no end')  # not N-Triples: the load of this batch fails
    with pytest.raises(SyntaxError):
        t.add(t.iri("https://example.org/s"), p, t.lit("fine"))  # the next batch waits for it and fails
        t.flush()
    assert threading.active_count() == before


def test_an_iri_pyoxigraph_refuses_is_refused_before_it_reaches_the_store():
    from graphbuild.graph import _Triples

    t = _Triples()
    with pytest.raises(ValueError):
        t.iri("https://example.org/a b")
    assert t.web("https://example.org/a b", "item") is not None  # a link read from a feed is repaired
    assert t.web("not a link", "item") is None  # or dropped, and noted
    assert len(t.problems()) == 1


def test_a_title_with_quotes_and_backslashes_is_its_headline(tmp_path):
    feed = tmp_path / "f.xml"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>https://example.org/</link><item><title>The "quoted" C:\\dir\\ post</title>
<link>https://example.org/p1</link><description>&lt;p&gt;Hello.&lt;/p&gt;</description></item>
</channel></rss>""", encoding="utf-8")
    g = build([feed]).graph
    assert str(g.value(URIRef("https://example.org/p1"), SDO.headline)) == 'The "quoted" C:\\dir\\ post'


def test_the_mentions_the_graph_is_made_with_are_the_ones_it_gives_back():
    """The build's network form takes each post's mentions of an entity and their quotes from
    to_graph (``mentioned``) instead of querying the annotations: the same edges, written out by
    hand here, as a query of the graph gives."""
    from graphbuild.graph import to_graph
    from graphbuild.models import Entity, Feed, FeedInfo, FeedItem, Mention, Quote
    from graphbuild.namespaces import BASE_URI
    from graphbuild.network import read_network
    from graphbuild.resolve import Resolution

    info = FeedInfo("f.xml", "https://lab.example/feed")
    p1, p2 = "https://lab.example/1", "https://lab.example/2"
    items = [FeedItem(p, p, "Post", info) for p in (p1, p2)]
    said = Mention("Kelp Lab", "Organization", p1, Quote("Kelp Lab and Reef Hub met."), "orgs")
    also = Mention("Reef Hub", "Organization", p1, Quote("Kelp Lab and Reef Hub met."), "orgs")  # one annotation, two bodies
    again = Mention("Kelp Lab", "Organization", p1, Quote("The lab"), "links", implicit=True)  # a second quote in p1
    only = Mention("Kelp Lab", "Organization", p2, Quote("its repository"), "links", implicit=True)  # p2: no schema:mentions
    blank = Mention("Reef Hub", "Organization", p2, Quote(""), "orgs")  # mentioned, no words to quote
    kelp = Entity("org/kelp-lab", "Organization", "Kelp Lab", mentions=[said, again, only])
    reef = Entity("org/reef-hub", "Organization", "Reef Hub", mentions=[also, blank])
    res = Resolution({e.key: e for e in (kelp, reef)}, {})
    mentioned: list = []
    graph = to_graph([Feed(info, items)], items, res, [], mentioned=mentioned)
    made, _ = read_network(graph, mentioned=mentioned)
    asked, _ = read_network(graph)
    edges = lambda G: sorted((a, b, d["evidence"]) for a, b, d in G.edges(data=True) if d["kind"] == "mentions")
    k, r = BASE_URI + "org/kelp-lab", BASE_URI + "org/reef-hub"
    assert edges(made) == edges(asked) == [
        (p1, k, [(p1, "Kelp Lab and Reef Hub met."), (p1, "The lab")]),
        (p1, r, [(p1, "Kelp Lab and Reef Hub met.")]),
        (p2, r, []),
    ]
