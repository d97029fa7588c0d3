"""entity_posts and where_said bound to an entity, read from the indexes the build writes as it makes
the graph (graphbuild/madeanswers.py, ``Said``): the rows worked out by hand on a small feed, then the
engine's own rows for every IRI of four builds (docs/performance.md, "Twentieth pass")."""
import json
from datetime import datetime, timedelta, timezone

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graphbuild import graphstore, madeanswers, sparql
from graphbuild.cli import cli
from graphbuild.querydefs import bundled

SAID = ("entity_posts", "where_said")
HTML = "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"
STRING = "http://www.w3.org/2001/XMLSchema#string"
KELPFOLD = "https://graphbuild.example/id/project/kelpfold"


def entry(post: str, title: str, date: str, sentence: str) -> str:
    return f"""<entry><title{' type="html"' if "&lt;" in title else ""}>{title}</title>
    <link href="https://said.example/{post}/"/><id>tag:said.example,2026:{post}</id>{date}
    <content type="html">&lt;p&gt;{sentence.replace("Kelpfold", '&lt;a href="https://github.com/kelpfold/kelpfold"&gt;Kelpfold&lt;/a&gt;')}&lt;/p&gt;</content></entry>"""


# four posts linking one project: two dated the same instant with other time zones (a-post's
# date is the lesser text, so an order by the text, latest first, would put b-post first), one with
# a fraction of a second, one undated; one headline with markup
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Said Example</title><id>tag:said.example,2026:feed</id>
<link href="https://said.example/" rel="alternate"/><updated>2026-04-01T00:00:00Z</updated>
{entry("b-post", "&lt;em&gt;Kelpfold&lt;/em&gt; again", "<published>2026-03-03T12:00:00+02:00</published>",
       "More on Kelpfold here.")}
{entry("a-post", "Kelpfold released", "<published>2026-03-03T10:00:00Z</published>", "We released Kelpfold today.")}
{entry("c-post", "Undated notes", "", "Notes on Kelpfold.")}
{entry("d-post", "Kelpfold in April", "<published>2026-04-01T09:30:00.5-05:00</published>",
       "April brings Kelpfold 2.0.")}
</feed>"""


def build(out, *args):
    r = CliRunner().invoke(cli, ["build", *map(str, args), "--out", str(out), "-q", "--no-html", "--jobs", "1"])
    assert r.exit_code == 0, r.output
    return out


def index(out, name):
    sha256 = graphstore.read_stamp(out / ".graphbuild")["sha256"]
    return graphstore.answer_file(out / ".graphbuild" / "graph-store", sha256, bundled()[name].text,
                                  madeanswers.Sliced.KIND)


@pytest.fixture(scope="module")
def said_feed(tmp_path_factory):
    path = tmp_path_factory.mktemp("said") / "said.xml"
    path.write_text(FEED, encoding="utf-8")
    return build(path.parent / "out", path)


def test_entity_posts_worked_out_by_hand(said_feed):
    variables, rows = madeanswers.indexed_rows(index(said_feed, "entity_posts"), {"entity": {KELPFOLD}})
    assert variables == ["entity", "post", "headline", "date", "quote"]
    assert {r[0] for r in rows} == {("uri", KELPFOLD)}
    # latest first; the two of one instant by post; the undated last; each date as the store writes
    # it ("Z", the fraction without its trailing zeros)
    assert [(r[1][1].rsplit("/", 2)[1], r[3] and r[3][1]) for r in rows] == [
        ("d-post", "2026-04-01T09:30:00.5-05:00"), ("a-post", "2026-03-03T10:00:00Z"),
        ("b-post", "2026-03-03T12:00:00+02:00"), ("c-post", None)]
    assert [r[3] and r[3][2] for r in rows] == [DATE_TIME] * 3 + [None]
    assert rows[2][2] == ("literal", "<em>Kelpfold</em> again", HTML, None)
    assert rows[1][2] == ("literal", "Kelpfold released", STRING, None)
    assert [r[4][1] for r in rows] == ["April brings Kelpfold 2.0.", "We released Kelpfold today.",
                                       "More on Kelpfold here.", "Notes on Kelpfold."]
    assert madeanswers.indexed_rows(index(said_feed, "entity_posts"), {"entity": {KELPFOLD}}, 2)[1] == rows[:2]
    assert madeanswers.indexed_rows(index(said_feed, "entity_posts"), {"entity": {KELPFOLD + "x"}}) == (variables, [])
    assert madeanswers.indexed_rows(index(said_feed, "entity_posts"), {"post": {KELPFOLD}}) is None


def test_where_said_worked_out_by_hand(said_feed):
    variables, rows = madeanswers.indexed_rows(index(said_feed, "where_said"), {"entity": {KELPFOLD}})
    assert variables == ["entity", "post", "quote", "extractor", "supports"]
    # by post (a, b, c, d), each the sentence with the link, a mention
    assert [(r[1][1].rsplit("/", 2)[1], r[2][1], r[4][1]) for r in rows] == [
        ("a-post", "We released Kelpfold today.", "mention"), ("b-post", "More on Kelpfold here.", "mention"),
        ("c-post", "Notes on Kelpfold.", "mention"), ("d-post", "April brings Kelpfold 2.0.", "mention")]
    assert all(r[3][0] == "literal" and r[3][1] for r in rows)


def engine_rows(store: ox.Store, name: str, values: list[str]) -> tuple[list, list]:
    q = bundled()[name]
    answer = sparql.OxEngine(store).execute(q, sparql.bind_values(q, {"entity": [f"<{x}>" for x in values]}))
    return answer.variables, [tuple(sparql.portable(t) for t in row) for row in answer.rows]


def assert_the_engines(out) -> dict:
    """Each question's indexed rows for every IRI of the build ``out`` (entities, posts, statements,
    anything), for two and three at once, and cut at 3 rows, are the engine's on its graph; how many
    IRIs had rows, by question."""
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    iris = sorted({x.value for (x,) in store.query("SELECT DISTINCT ?x WHERE { { ?s ?p ?x } UNION { ?x ?p ?o } }")
                   if isinstance(x, ox.NamedNode)})
    some = {}
    for name in SAID:
        path, some[name] = index(out, name), 0
        for values in [[x] for x in iris] + [iris[:2], iris[-3:][::-1]]:
            want = engine_rows(store, name, values)
            assert madeanswers.indexed_rows(path, {"entity": set(values)}) == want, (name, values)
            some[name] += len(values) == 1 and bool(want[1])
            if len(want[1]) > 3:
                assert madeanswers.indexed_rows(path, {"entity": set(values)}, 3) == (want[0], want[1][:3])
    return some


def test_on_the_hand_made_feed_the_indexed_rows_are_the_engines(said_feed):
    assert assert_the_engines(said_feed) == {"entity_posts": 1, "where_said": 1}  # the project alone


def test_on_a_feed_with_relations_and_curation_the_indexed_rows_are_the_engines(data_dir, tmp_path):
    out = build(tmp_path / "out", data_dir / "handmade.xml", "--curation", data_dir / "curation" / "handmade.toml")
    some = assert_the_engines(out)
    # where_said: statements too (the body of their annotations)
    assert some["entity_posts"] > 10 and some["where_said"] > some["entity_posts"]


def test_on_the_reference_feed_the_indexed_rows_are_the_engines(tmp_path):
    some = assert_the_engines(build(tmp_path / "out"))
    assert some["entity_posts"] > 100 and some["where_said"] > 100


def said_of(tmp_path, *posts) -> list:
    """The indexes a Said makes when told ``posts`` (IRI, headline, date) and one entity named in each."""
    said = madeanswers.Said(tmp_path)
    for iri, headline, date in posts:
        said.post(iri, headline, None, date)
    said.entity("https://ex.example/e", [(iri, "words", "x") for iri, *_ in posts], [iri for iri, *_ in posts])
    return said.close()


def test_what_sparql_orders_otherwise_is_not_indexed(tmp_path):
    """A date without a time zone (its order against others' is not by instant) or a post with two
    headlines: entity_posts is not indexed (the engine answers); where_said still is."""
    utc = datetime(2026, 1, 1, tzinfo=timezone.utc)
    made = said_of(tmp_path, ("https://ex.example/p", "One", utc), ("https://ex.example/q", "Two", None))
    assert [m.text for m in made] == [bundled()[n].text for n in SAID]
    for posts in [(("https://ex.example/p", "One", utc), ("https://ex.example/q", "Two", datetime(2026, 1, 1))),
                  (("https://ex.example/p", "One", utc), ("https://ex.example/p", "Other", utc)),
                  (("https://ex.example/p", "One", utc), ("https://ex.example/p", "One", utc + timedelta(hours=1)))]:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        assert [m.text for m in said_of(folder, *posts)] == [bundled()["where_said"].text]
        assert sorted(p.suffix for p in folder.iterdir()) == [".posts", ".z"]  # (no file of the other left)


def test_a_long_piece_is_read_as_far_as_the_rows_asked_for(tmp_path):
    """An entity's piece of thousands of rows (several compressed blocks, many lines of rows) gives
    its first rows, however many are asked for, and all of them; a cut piece gives no index."""
    import hashlib

    slices = madeanswers._Slices(tmp_path, "SELECT ...", ["entity", "post", "quote"], ["uri", "literal"], 1)
    words = [hashlib.sha256(b"%d" % i).hexdigest() for i in range(5000)]  # compresses little
    slices.add("https://ex.example/b", [[i % 7, w] for i, w in enumerate(words)])
    slices.add("https://ex.example/a", [[1, "first"], [0, "second"]])
    sliced = slices.close([[f"https://ex.example/post/{n}"] for n in range(7)])
    path = tmp_path / "index.json"
    sliced.keep(path)
    assert path.with_suffix(".z").stat().st_size > 2 * madeanswers._BLOCK
    lit = lambda w: ("literal", w, STRING, None)
    a = [(("uri", "https://ex.example/a"), ("uri", "https://ex.example/post/1"), lit("first")),
         (("uri", "https://ex.example/a"), ("uri", "https://ex.example/post/0"), lit("second"))]
    b = [(("uri", "https://ex.example/b"), ("uri", f"https://ex.example/post/{i % 7}"), lit(w))
         for i, w in enumerate(words)]
    for most in (None, 1, 255, 256, 257, 4999, 5000, 5001):
        assert madeanswers.indexed_rows(path, {"entity": {"https://ex.example/b"}}, most) == (
            ["entity", "post", "quote"], b[:most])
    both = {"https://ex.example/a", "https://ex.example/b"}
    assert madeanswers.indexed_rows(path, {"entity": both}, 1000)[1] == (a + b)[:1000]
    assert madeanswers.indexed_rows(path, {"entity": both})[1] == a + b
    data = path.with_suffix(".z").read_bytes()
    path.with_suffix(".z").write_bytes(data[:len(data) // 2])  # b's piece (written first) cut short
    assert madeanswers.indexed_rows(path, {"entity": {"https://ex.example/b"}}) is None
    assert madeanswers.indexed_rows(path, {"entity": {"https://ex.example/b"}}, 10)[1] == b[:10]


def test_an_index_is_not_kept_when_the_graph_changed_after_it_was_written(data_dir, tmp_path):
    """The keeper keeps the indexes when the graph changed since only by triples the questions do not
    read (the analysis's); any other change, or a triple they read, and the engine answers."""
    from graphbuild.graph import build as build_graph
    from graphbuild.graphstore import Keeper

    def kept(change) -> list:
        out = tmp_path / str(len(list(tmp_path.iterdir())))
        keeper = Keeper(out / ".graphbuild", background=False)
        b = build_graph([data_dir / "handmade.xml"], keeper=keeper)
        change(b.graph.store._inner, keeper)
        (out / "graph.ttl").write_bytes(b"")
        folder = keeper.finish(out / "graph.ttl", "0" * 64)
        return sorted(p.suffix for p in (folder / "answers").glob("*"))

    post = ox.NamedNode("https://lanternfish.example.org/blog/orla-joins/")
    new = ox.Quad(post, ox.NamedNode("https://schema.org/mentions"), ox.NamedNode("https://ex.example/new"))
    other = ox.Quad(post, ox.NamedNode("https://schema.org/comment"), ox.Literal("new"))

    def added(quad):
        def change(store, keeper):
            store.add(quad)
            keeper.add([quad])
        return change

    assert kept(lambda store, keeper: None) == [".json", ".json", ".posts", ".posts", ".z", ".z"]
    assert kept(added(other)) == [".json", ".json", ".posts", ".posts", ".z", ".z"]
    assert kept(added(new)) == []
    assert kept(lambda store, keeper: store.add(other)) == []
    assert not [p for p in (tmp_path / "0" / ".graphbuild").iterdir() if p.name.startswith(".")]
