"""The answers a build makes for bundled questions (graphbuild/madeanswers.py): the rows pyoxigraph
gives for the bundled query text, in its order, on hand-written graphs that hold what that order
turns on (equal counts, equal names, names and IRIs in other scripts and cases, unnamed entities)
and on the reference graph, at caps that cut them anywhere; rows worked out by hand; and nothing
made for what the module does not order as SPARQL does."""
import re

import pyoxigraph as ox
import pytest

from graphbuild import madeanswers, sparql
from graphbuild.madeanswers import made_answers
from graphbuild.querydefs import bundled, strip_literals

PREFIXES = """@prefix schema: <https://schema.org/> . @prefix ex: <https://ex.example/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# four posts; ex:e has no name; ex:b and ex:d share a name; names in several scripts and cases
GRAPH = PREFIXES + """
ex:p1 a schema:BlogPosting ; schema:mentions ex:a , ex:b , ex:c , ex:e .
ex:p2 a schema:BlogPosting ; schema:mentions ex:a , ex:b , ex:d .
ex:p3 a schema:BlogPosting ; schema:mentions ex:a , ex:d , ex:c , ex:e , ex:f .
ex:p4 a schema:BlogPosting ; schema:mentions ex:c , ex:f , ex:e .
ex:other schema:mentions ex:a , ex:b .
ex:a schema:name "Émile" .
ex:b schema:name "zeta" .
ex:c schema:name "Zoë" .
ex:d schema:name "zeta" .
ex:f schema:name "émile"^^xsd:string .
"""
EX = "https://ex.example/"


def store_of(text: str) -> ox.Store:
    s = ox.Store()
    s.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return s


def engine_messages(store: ox.Store, name: str, cap):
    q = bundled()[name]
    engine = sparql.OxEngine(store)
    return list(sparql.stream(engine.execute(q, sparql.bind_values(q, {})), cap))


def made_messages(made, cap):
    return list(sparql.stream(sparql.Answer("select", made.variables, made.rows), cap, raw=True))


def made_by_name(store: ox.Store, most: int) -> dict:
    by_text = {m.text: m for m in made_answers(store, most)}
    return {name: by_text[q.text] for name, q in bundled().items() if q.text in by_text}


def assert_the_engines(store: ox.Store, most: int, names) -> None:
    """Each answer made of ``names`` holds the engine's first ``most`` rows, says whether they are
    all, and gives the engine's messages (rows, notice of a cut) at every cap it covers."""
    made = made_by_name(store, most)
    assert set(made) == set(names)
    for name in names:
        m = made[name]
        whole = engine_messages(store, name, None)
        rows = [r for msg in whole if msg[0] == "rows" for r in msg[1]]
        assert m.rows == rows[:most] and m.complete == (len(rows) <= most), name
        for cap in (0, 1, 2, most - 1, most, None):
            if cap is None or cap < 0 or (not m.complete and cap >= most):
                continue  # what the store's reader would not answer from these rows
            assert made_messages(m, cap) == engine_messages(store, name, cap), (name, cap)


@pytest.mark.parametrize("most", [1, 3, 8, 100])
def test_the_made_rows_are_the_engines_at_every_cap_they_cover(most):
    assert_the_engines(store_of(GRAPH), most, madeanswers.NAMES)


# posts with dates and headlines; IRIs whose code-point order is not their alphabetical one (Z < a
# < É); people tied to organisations, one unnamed, one named in a subject that is not a post
TIES = PREFIXES + """@prefix oa: <http://www.w3.org/ns/oa#> .
ex:p1 a schema:BlogPosting ; schema:headline "One" ; schema:datePublished "2024-05-01T00:00:00Z"^^xsd:dateTime ;
  schema:mentions ex:alpha , ex:Zed , <https://ex.example/Émile> .
ex:p2 a schema:BlogPosting ; schema:headline "Two" ; schema:datePublished "2024-06-02T00:00:00Z"^^xsd:dateTime ;
  schema:mentions ex:alpha , ex:Zed , ex:beta .
ex:p3 a schema:BlogPosting ; schema:headline "Three" ; schema:datePublished "2024-06-03T00:00:00Z"^^xsd:dateTime ;
  schema:mentions <https://ex.example/Émile> .
ex:notapost schema:mentions ex:alpha , <https://ex.example/Émile> .
ex:alpha a schema:Person ; schema:name "Alpha" ; schema:memberOf ex:Zed ; schema:worksFor <https://ex.example/Émile> ;
  schema:affiliation ex:Zed .
ex:beta a schema:Person ; schema:memberOf ex:Zed .
ex:Zed a schema:Organization ; schema:name "Zed" .
<https://ex.example/Émile> a schema:Organization ; schema:name "Émile" .
ex:n1 a oa:Annotation ; oa:hasBody ex:alpha ; oa:hasTarget ex:t1 .
ex:t1 oa:hasSource ex:p1 ; oa:hasSelector [ oa:exact "Alpha of Zed" ] .
"""


@pytest.mark.parametrize("most", [1, 2, 3, 100])
def test_on_a_graph_with_ties_and_other_scripts_the_made_rows_are_the_engines(most):
    assert_the_engines(store_of(TIES), most, madeanswers.NAMES)


def test_rows_made_by_their_first_values_and_in_python_worked_out_by_hand():
    made = made_by_name(store_of(TIES), 100)
    month = [(r[0][1].rsplit("/", 1)[1], r[1][1], r[2][1]) for r in made["mentions_per_month"].rows]
    # entities in code-point order of their IRIs: Zed, alpha, beta, Émile; months in order
    assert month == [("Zed", "2024-05", "1"), ("Zed", "2024-06", "1"), ("alpha", "2024-05", "1"),
                     ("alpha", "2024-06", "1"), ("beta", "2024-06", "1"), ("Émile", "2024-05", "1"),
                     ("Émile", "2024-06", "1")]
    posts = [(r[0][1].rsplit("/", 1)[1], r[1][1].rsplit("/", 1)[1], r[4] and r[4][1])
             for r in made["entity_posts"].rows]
    # by entity, then the newest post first; the quote only where an annotation of the post has it
    assert posts == [("Zed", "p2", None), ("Zed", "p1", None), ("alpha", "p2", None), ("alpha", "p1", "Alpha of Zed"),
                     ("beta", "p2", None), ("Émile", "p3", None), ("Émile", "p1", None)]
    ties = [(r[1][1], r[3][1], r[4][1].rsplit("/", 1)[1], r[5][1]) for r in made["people_by_organization"].rows]
    # by the organisation's name ("Z" < "É"), the person's, the relation; ex:beta has no name; the
    # posts count every subject mentioning both (ex:notapost too)
    assert ties == [("Zed", "Alpha", "affiliation", "2"), ("Zed", "Alpha", "memberOf", "2"),
                    ("Émile", "Alpha", "worksFor", "2")]


@pytest.mark.parametrize("most", [1, 2, 7, 40, 300, 10_001])
def test_on_the_reference_graph_every_made_answer_is_the_engines(reference_graph, most):
    """Hundreds of rows in most answers: cut before, inside and after the first values' rows."""
    store = reference_graph.store._inner
    assert_the_engines(store, most, madeanswers.NAMES)
    if most == 10_001:
        made = made_by_name(store, most)
        assert all(m.complete for m in made.values())
        for name, (var, _, _) in madeanswers.BY_FIRST.items():  # each from many values
            i = made[name].variables.index(var)
            assert len({r[i] for r in made[name].rows}) > 5, name


@pytest.mark.parametrize("name", list(madeanswers.BY_FIRST))
def test_each_query_answered_by_its_first_values_is_ordered_and_grouped_by_them_first(name):
    var = madeanswers.BY_FIRST[name][0]
    text = re.sub(r"\s+", " ", strip_literals(re.sub(r"#[^\n]*", "", bundled()[name].text)))
    assert re.search(rf"\bORDER BY \?{var}\b", text)  # first, ascending
    group = re.search(r"\bGROUP BY ([^}]*?)(?: HAVING| ORDER BY|$)", text)
    assert group is None or f"?{var} " in group.group(1) + " "
    where = without_optionals(text[text.index("WHERE"):text.index("ORDER BY")])
    for branch in where.split(" UNION "):  # bound by a required pattern in every branch
        assert re.search(rf"\?{var}\b", branch), branch


def without_optionals(text: str) -> str:
    """``text`` without its ``OPTIONAL { ... }`` groups."""
    while (m := re.search(r"\bOPTIONAL\s*\{", text)) is not None:
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        text = text[:m.start()] + text[i:]
    return text


def test_the_pairs_worked_out_by_hand():
    store = store_of(GRAPH)
    made = made_by_name(store, 100)
    # named together in more than one post (ex:other is not a post), both named (ex:e is not):
    # a-b (p1 p2), a-c (p1 p3), a-d (p2 p3), c-f (p3 p4); by posts (all 2), then the names in code
    # point order: "Z" (U+005A) < "z" (U+007A) < "É" (U+00C9) < "é" (U+00E9); equal names by IRI
    pairs = [(r[0][1], r[1][1], r[2][1], r[3][1], r[4][1]) for r in made["co_mentions"].rows]
    assert pairs == [(EX + "c", "Zoë", EX + "f", "émile", "2"),
                     (EX + "a", "Émile", EX + "c", "Zoë", "2"),
                     (EX + "a", "Émile", EX + "b", "zeta", "2"),
                     (EX + "a", "Émile", EX + "d", "zeta", "2")]
    # ex:e (unnamed itself) with c in p1 p3 p4, a in p1 p3, f in p3 p4, b in p1, d in p3
    near_e = [(r[1][1], r[2][1], r[3][1]) for r in made["co_mentioned_with"].rows
              if r[0][1] == EX + "e"]
    assert near_e == [(EX + "c", "Zoë", "3"), (EX + "a", "Émile", "2"), (EX + "f", "émile", "2"),
                      (EX + "b", "zeta", "1"), (EX + "d", "zeta", "1")]


PAIRS = {"co_mentions", "co_mentioned_with"}


@pytest.mark.parametrize("odd, not_made", [
    ('ex:a schema:name "Émile"@fr .', PAIRS),  # a name with a language
    ('ex:a schema:name "Emil" .', PAIRS),  # two names
    ('ex:p4 schema:mentions "a literal" .', PAIRS | {"entity_posts", "mentions_per_month"}),  # not an IRI
    ('ex:c schema:name 7 .', PAIRS),  # a name that is not a string
    ('ex:p4 schema:mentions _:x .', PAIRS | {"entity_posts", "mentions_per_month"}),  # a blank node
    ('_:y schema:mentions ex:a .', {"post_mentions"}),  # (not a post: the pairs ignore it)
    ('ex:a a schema:Person ; schema:memberOf ex:c . ex:c a schema:Organization ; schema:name "C" .',
     PAIRS | {"people_by_organization"}),  # (ex:c has two names)
])
def test_nothing_is_made_for_what_is_not_ordered_here_as_sparql_orders_it(odd, not_made):
    made = made_by_name(store_of(GRAPH + PREFIXES + odd), 100)
    assert set(madeanswers.NAMES) - set(made) == not_made


def test_an_unmentioned_entitys_odd_name_does_not_matter():
    assert set(made_by_name(store_of(GRAPH + 'ex:z schema:name "Z"@en , "Zed" .'), 100)) == set(madeanswers.NAMES)


def test_a_graph_with_no_pairs_makes_empty_answers():
    made = made_by_name(store_of(PREFIXES + 'ex:p1 a schema:BlogPosting ; schema:mentions ex:a . '
                                            'ex:a schema:name "A" .'), 100)
    assert [(made[n].rows, made[n].complete) for n in ("co_mentions", "co_mentioned_with")] == [([], True), ([], True)]


def bound_answers(store: ox.Store, most: int) -> dict[tuple[str, str], madeanswers.Made]:
    """The answers made for a bundled question bound to one entity: (name, entity IRI) -> answer."""
    by_text = {m.text: m for m in made_answers(store, most)}
    out = {}
    for name in bundled():
        q = bundled()[name]
        for (x,) in store.query("SELECT DISTINCT ?x WHERE { { ?s ?p ?x } UNION { ?x ?p ?o } } "):
            if isinstance(x, ox.NamedNode):
                text = sparql.bind_values(q, {"entity": [str(x)]}).text
                if text in by_text:
                    out[name, x.value] = by_text[text]
    return out


def assert_bound_as_the_engine(store: ox.Store, made: dict, most: int) -> None:
    """Each bound answer made holds the engine's first ``most`` rows of the query bound so, says
    whether they are all, and gives the engine's messages at every cap it covers."""
    engine = sparql.OxEngine(store)
    for (name, entity), m in made.items():
        q = bundled()[name]

        def messages(cap):
            return list(sparql.stream(engine.execute(q, sparql.bind_values(q, {"entity": f"<{entity}>"})), cap))
        rows = [r for msg in messages(None) if msg[0] == "rows" for r in msg[1]]
        assert m.rows == rows[:most] and m.complete == (len(rows) <= most), (name, entity)
        for cap in (0, 1, most - 1, most):
            if cap >= 0 and (m.complete or cap < most):
                assert made_messages(m, cap) == messages(cap), (name, entity, cap)


@pytest.mark.parametrize("most", [1, 2, 100])
def test_the_answers_bound_to_a_hub_are_the_engines_and_made_for_hubs_only(monkeypatch, most):
    # named in posts (ex:other is no post): a, c, e in 3, b, d, f in 2
    monkeypatch.setattr(madeanswers, "HUB", 3)
    made = bound_answers(store_of(GRAPH), most)
    assert sorted((name, x.rsplit("/", 1)[1]) for name, x in made) == [
        ("co_mentioned_with", "a"), ("co_mentioned_with", "c"), ("co_mentioned_with", "e")]
    assert_bound_as_the_engine(store_of(GRAPH), made, most)
    monkeypatch.setattr(madeanswers, "HUB", 1)  # every entity named in a post
    made = bound_answers(store_of(TIES), most)
    assert sorted(x.rsplit("/", 1)[1] for name, x in made) == ["Zed", "alpha", "beta", "Émile"]
    assert_bound_as_the_engine(store_of(TIES), made, most)


@pytest.mark.parametrize("hubs, want", [(4, ["a", "b", "c", "e"]), (2, ["a", "c"]), (0, [])])
def test_only_the_most_named_hubs_are_made_the_ties_by_iri(monkeypatch, hubs, want):
    # every entity of GRAPH a hub; named in posts: a, c, e in 3, then b, d, f in 2
    monkeypatch.setattr(madeanswers, "HUB", 2)
    monkeypatch.setattr(madeanswers, "HUBS", hubs)
    made = bound_answers(store_of(GRAPH), 100)
    assert sorted(x.rsplit("/", 1)[1] for name, x in made) == want
    assert_bound_as_the_engine(store_of(GRAPH), made, 100)


@pytest.mark.parametrize("most", [3, 10_001])
def test_on_the_reference_graph_the_hubs_answers_are_the_engines(reference_graph, monkeypatch, most):
    monkeypatch.setattr(madeanswers, "HUB", 6)
    store = reference_graph.store._inner
    made = bound_answers(store, most)
    assert {name for name, _ in made} == {"co_mentioned_with"} and len(made) >= 3
    assert all(m.rows for m in made.values())
    assert_bound_as_the_engine(store, made, most)
    monkeypatch.setattr(madeanswers, "HUB", 10**9)
    assert not bound_answers(store, most)  # none but for hubs
