"""Answers read by hand from tests/data/handmade.xml, a two-post feed whose every name is invented.

What the feed says (read it: these are the expected values of every test below):

post A "Orla Brightwater joins the Driftnet team", 2026-03-03, by Tobias Quenneville:
  Orla Brightwater (author page link), Lanternfish (the feed's title), Driftnet (github.com/lanternfish),
  Marrowbank University (collaborator link), "Orla Brightwater is a member of the Coastal Data Alliance
  (CDA)", "Perpetua Voss (Hollowmere Foundation)", "Orla and Perpetua explored ...", @obrightwater
  (x.com), Keelwater (collaborator link) and its "NRG Keelwater" chapter (its own site),
  ``pip install tabulate``.
post B "Driftnet 2.0 is out", 2026-04-15, by Tobias Quenneville, links post A:
  "Orla B." (the same author page), "the CDA", "Speakers: Wendeline Hartcourt, Ignatius Pellmore and
  Sunniva Rask", "funded by the Gannet Trust and the Hollowmere Foundation", "Ignatius Pellmore,
  creator of Driftnet, thanked the MU team", "Our thanks go to the Marrowbank University", "It runs at
  Gannet Trust, Keelwater and Brinewatch; try the driftnet-simulator too".

Part 1: each bundled query has an answer from this feed, under both SPARQL engines.
Part 2: each extractor and each resolution step is needed: the test shows a fact with it and shows the
fact gone when that one extractor or step is removed.
"""
import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import canon_value, ox_term
import graphbuild.resolve as resolve_mod
from graphbuild import extractors
from graphbuild.export import serialize
from graphbuild.graph import build
from graphbuild.queries import bind_value, bundled, run_query

POST_A = "https://lanternfish.example.org/blog/orla-joins/"
POST_B = "https://lanternfish.example.org/blog/driftnet-two/"
ID = "https://graphbuild.example/id/"


@pytest.fixture(scope="module")
def feed(data_dir):
    return data_dir / "handmade.xml"


@pytest.fixture(scope="module")
def made(feed, data_dir):
    return build([feed], curation=data_dir / "curation" / "handmade.toml")


@pytest.fixture(scope="module")
def g(made):
    return made.graph


def names(rows, var):
    return {str(r[var]) for r in rows if r.get(var) is not None}


def rows_of(rows, *vars):
    return {tuple(str(r[v]) for v in vars) for r in rows}


# ------------------------------------------------------------------ part 1: every bundled query
#: parameters for the bound runs, read from the feed
PARAMS = {"entity": "CDA", "org": "Hollowmere Foundation", "post": f"<{POST_B}>", "type": "schema:Person",
          "project": "Driftnet", "relation": "schema:creator", "from": "Perpetua Voss", "to": "Gannet Trust"}


def test_every_bundled_query_is_answered_here():
    answered = {n.split("test_q_", 1)[1] for n in globals() if n.startswith("test_q_")}
    assert answered == set(bundled())


def test_q_top_mentioned(g):
    rows = run_query(g, "top_mentioned")
    # named by both posts: Orla Brightwater (post B: "Orla B." via the same link), Driftnet, the CDA,
    # the Hollowmere Foundation, Marrowbank University ("the MU team", "the Marrowbank University"),
    # Keelwater (its collaborator page; "at Gannet Trust, Keelwater and ..."), the author
    assert {n for n, p in rows_of(rows, "name", "posts") if p == "2"} == {
        "Orla Brightwater", "Driftnet", "Coastal Data Alliance", "Hollowmere Foundation", "Marrowbank University",
        "Keelwater", "Tobias Quenneville"}
    assert ("Sunniva Rask", "1") in rows_of(run_query(g, "top_mentioned", type="Person"), "name", "posts")


def test_q_post_mentions(g):
    rows = run_query(g, "post_mentions", post=f"<{POST_B}>")
    named = names(rows, "name")
    assert {"Wendeline Hartcourt", "Ignatius Pellmore", "Sunniva Rask", "Gannet Trust", "Driftnet"} <= named
    assert "Perpetua Voss" not in named  # post A only


def test_q_entity_posts(g):
    rows = run_query(g, "entity_posts", entity="CDA")  # the alias finds the entity
    assert names(rows, "post") == {POST_A, POST_B}
    assert "Coastal Data Alliance" in {str(r["quote"]) for r in rows if str(r["post"]) == POST_A}.pop()


def test_q_co_mentioned_with(g):
    rows = run_query(g, "co_mentioned_with", entity="Perpetua Voss")
    assert ("Hollowmere Foundation", "1") in rows_of(rows, "otherName", "posts")
    assert "Gannet Trust" not in names(rows, "otherName")  # never in the same post


def test_q_co_mentions(g):
    pairs = {(frozenset((a, b)), n) for a, b, n in rows_of(run_query(g, "co_mentions"), "aName", "bName", "posts")}
    assert (frozenset(("Driftnet", "Orla Brightwater")), "2") in pairs
    assert not any("Sunniva Rask" in p for p, _ in pairs)  # one post only


def test_q_connection(g):
    rows = run_query(g, "connection", **{"from": "Perpetua Voss", "to": "Gannet Trust"})
    # never named together; the Hollowmere Foundation is named with each, in different posts
    assert "Hollowmere Foundation" in {str(r["viaName"]) for r in rows if str(r["how"]) == "through a third entity"}
    assert "named together in a post" not in names(rows, "how")
    rows = run_query(g, "connection", **{"from": "Orla Brightwater", "to": "Coastal Data Alliance"})
    assert ("relation", "https://schema.org/memberOf") in rows_of(rows, "how", "via")


def test_q_curated_facts(g):
    rows = run_query(g, "curated_facts")  # tests/data/curation/handmade.toml: one alias rule
    assert rows_of(rows, "action", "entity", "value") == {("alias", ID + "person/sunniva-rask", "Captain Rask")}


def test_q_members_of(g):
    rows = run_query(g, "members_of", org="CDA")
    assert rows_of(rows, "name", "relation") == {("Orla Brightwater", "https://schema.org/memberOf")}
    assert "is a member of the Coastal Data Alliance" in str(rows[0]["quote"])


def test_q_mentions_per_month(g):
    rows = run_query(g, "mentions_per_month", entity="Driftnet")
    assert rows_of(rows, "month", "posts") == {("2026-03", "1"), ("2026-04", "1")}


def test_q_people_by_organization(g):
    rows = run_query(g, "people_by_organization", org="Hollowmere Foundation")
    assert rows_of(rows, "personName", "relation") == {("Perpetua Voss", "https://schema.org/affiliation")}


def test_q_post_citations(g):
    rows = run_query(g, "post_citations")
    assert rows_of(rows, "post", "cited", "citedHeadline") == {
        (POST_B, POST_A, "Orla Brightwater joins the Driftnet team")}


def test_q_posts_per_month(g):
    assert rows_of(run_query(g, "posts_per_month"), "month", "posts") == {("2026-03", "1"), ("2026-04", "1")}


def test_q_project_maintainers(g):
    # github.com/lanternfish/driftnet: the owner "lanternfish" is the feed's publisher, Lanternfish
    rows = run_query(g, "project_maintainers", project="Driftnet")
    assert rows_of(rows, "projectName", "maintainerName") == {("Driftnet", "Lanternfish")}


def test_q_relations(g):
    rows = run_query(g, "relations", relation="schema:creator")
    assert rows_of(rows, "subjectName", "objectName", "post") == {("Driftnet", "Ignatius Pellmore", POST_B)}
    assert "creator of Driftnet" in str(rows[0]["quote"])


def test_q_single_mentions(g):
    got = names(run_query(g, "single_mentions", type="Person"), "name")
    assert {"Perpetua Voss", "Wendeline Hartcourt", "Ignatius Pellmore", "Sunniva Rask"} <= got
    assert not got & {"Orla Brightwater", "Tobias Quenneville"}  # both posts


def test_q_top_cited_sites(g):
    rows = rows_of(run_query(g, "top_cited_sites"), "site", "posts")
    assert {("github.com", "1"), ("x.com", "1"), ("keelwater.example.com", "1")} <= rows
    assert ("lanternfish.example.org", "2") in rows  # author pages (A, B) and collaborator pages (A)


def test_q_where_said(g):
    rows = run_query(g, "where_said", entity="Ignatius Pellmore")
    assert {("relation creator", "roles")} <= rows_of(rows, "supports", "extractor")
    assert any("creator of Driftnet" in str(r["quote"]) for r in rows)


@pytest.fixture(scope="module")
def two_engines(g):
    mem = Graph()
    for t in g:
        mem.add(t)
    store = ox.Store()
    store.load(serialize(g, "nt"), format=ox.RdfFormat.N_TRIPLES)
    return mem, store


@pytest.mark.parametrize("name", sorted(bundled()))
def test_both_engines_give_the_same_nonempty_rows(name, two_engines):
    """rdflib's engine and oxigraph agree, on rows that exist (no comparison of two empty results)."""
    mem, store = two_engines
    q = bundled()[name]
    for params in ([{}] if not q.required else []) + ([{p: PARAMS[p] for p in q.params}] if q.params else []):
        rows = run_query(mem, name, terms=True, **params)
        assert len(rows) > 0, (name, params)
        subs = {ox.Variable(k): ox_term(bind_value(mem, v)) for k, v in params.items()}
        ours = sorted(tuple("" if r[v] is None else canon_value(str(r[v])) for v in rows.vars) for r in rows)
        theirs = sorted(tuple("" if s[v] is None else canon_value(s[v].value) for v in rows.vars)
                        for s in store.query(q.text, substitutions=subs))
        assert ours == theirs, (name, params)


# ------------------------------------------------------------------ part 2: nothing is spare
def _entities(b):
    return {e.name: e for e in b.resolution.entities.values()}


def _relations(b):
    return {(r[0], r[1], r[2]) for r in b.relations}


def _without(feed, extractor):
    return build([feed], extractors=[n for n in extractors.names() if n != extractor], analysis=False)


def test_each_extractor_has_its_own_case_here():
    assert set(extractors.names()) == set(EXTRACTOR_CASES) | {"contributions"}


#: credit for work, in a feed of its own (so that the hand-read answers of handmade.xml stay as they are)
CREDIT_FEED = """<rss version="2.0"><channel><title>Kelp notes</title><link>https://kelp.example/</link>
<item><title>Release</title><link>https://kelp.example/r/</link><description>&lt;p&gt;We released
&lt;a href="https://github.com/kelpworks/tidepool-kit"&gt;tidepool-kit&lt;/a&gt; 1.0 today.&lt;/p&gt;&lt;p&gt;Thanks
to Wendeline Ashgrove and Corvin Tallis for their help when building and testing tidepool-kit.&lt;/p&gt;
</description></item></channel></rss>"""


def test_removing_the_contributions_extractor_loses_the_credit_it_reads(tmp_path):
    path = tmp_path / "credit.xml"
    path.write_text(CREDIT_FEED)
    credit = {("project/tidepool-kit", "contributor", "person/wendeline-ashgrove"),
              ("project/tidepool-kit", "contributor", "person/corvin-tallis")}
    assert credit <= _relations(build([path], analysis=False))
    assert not credit & _relations(_without(path, "contributions"))


def _has_person(b, name):
    return name in _entities(b) and _entities(b)[name].kind == "Person"


#: extractor -> (what only it finds in the feed, as a test on a Build)
EXTRACTOR_CASES = {
    "authors": lambda b: _has_person(b, "Tobias Quenneville"),  # dc:creator only
    "links": lambda b: "NRG Keelwater" in _entities(b),  # named only by its link to its own site
    "publisher": lambda b: "Lanternfish" in _entities(b),  # the feed title "Lanternfish | Blog"
    "orgs": lambda b: "Gannet Trust" in _entities(b),  # "the Gannet Trust": a cue word
    "people": lambda b: _has_person(b, "Perpetua Voss"),  # "Perpetua Voss (Hollowmere Foundation)"
    "software": lambda b: "tabulate" in _entities(b),  # pip install tabulate
    "lists": lambda b: _has_person(b, "Sunniva Rask"),  # "Speakers: ..., Ignatius Pellmore and Sunniva Rask"
    "relations": lambda b: ("person/orla-brightwater", "memberOf", "org/coastal-data-alliance") in _relations(b),
    "roles": lambda b: ("project/driftnet", "creator", "person/ignatius-pellmore") in _relations(b),
}


@pytest.mark.parametrize("extractor", sorted(EXTRACTOR_CASES))
def test_removing_an_extractor_loses_what_only_it_finds(extractor, feed, made):
    found = EXTRACTOR_CASES[extractor]
    assert found(made), f"the whole pipeline should find what {extractor} finds"
    assert not found(_without(feed, extractor)), f"something else finds it: the case does not test {extractor}"


def _aliases(b, name):
    return _entities(b)[name].aliases if name in _entities(b) else set()


#: resolution step (a function of graphbuild.resolve) -> (the merge it makes here, as a test on a Build)
STEP_CASES = {
    # "Orla B." links the same author page as "Orla Brightwater"
    "_merge_by_url": lambda b: "Orla B" in _aliases(b, "Orla Brightwater"),
    # github.com/lanternfish (owner "lanternfish") and the publisher "Lanternfish"
    "_merge_by_name": lambda b: "lanternfish" not in {e.name for e in b.resolution.entities.values()},
    # "Orla and Perpetua explored ...": first names of the people named in full in that post
    "_merge_short_forms": lambda b: "Perpetua" in _aliases(b, "Perpetua Voss"),
    # "the MU team" and "Marrowbank University" (no definition anywhere)
    "_merge_abbreviations": lambda b: "MU" in _aliases(b, "Marrowbank University"),
    # @obrightwater spells Orla Brightwater, named in full in the same post
    "_merge_handles": lambda b: "@obrightwater" in _aliases(b, "Orla Brightwater"),
    # "NRG Keelwater" (its own site) ends with the organisation Keelwater: a unit of it
    "_units_of_organisations": lambda b: _entities(b)["NRG Keelwater"].kind == "Organization",
    # (parts of the gazetteer pass) "Gannet Trust, Keelwater and Brinewatch": listed with two known
    # organisations, Brinewatch is one too
    "list_mentions": lambda b: "Brinewatch" in _entities(b) and _entities(b)["Brinewatch"].kind == "Organization",
    # "driftnet-simulator": a package-style name built on the known project Driftnet
    "package_mentions": lambda b: "driftnet-simulator" in _entities(b),
}


@pytest.mark.parametrize("step", sorted(STEP_CASES))
def test_removing_a_resolution_step_loses_its_merge(step, feed, made, monkeypatch):
    done = STEP_CASES[step]
    assert done(made)
    monkeypatch.setattr(resolve_mod, step, lambda *a, **k: [])
    assert not done(build([feed], analysis=False)), f"{step} removed, yet its merge is still made"


def test_removing_the_gazetteer_loses_unlinked_mentions(feed, made):
    # "the CDA" in post B: only the gazetteer knows it is the Coastal Data Alliance defined in post A
    def cda_posts(b):
        return {m.post for m in _entities(b)["Coastal Data Alliance"].mentions}
    assert cda_posts(made) == {POST_A, POST_B}
    assert cda_posts(build([feed], analysis=False, gazetteer=False)) == {POST_A}
