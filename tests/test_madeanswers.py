"""The answers a build makes for the co-mention questions (graphbuild/madeanswers.py): the rows
pyoxigraph gives for the bundled query text, in its order, on hand-written graphs that hold what
that order turns on (equal counts, equal names, names in other scripts and cases, unnamed
entities), and nothing made for what the module does not order as SPARQL does."""
import pyoxigraph as ox
import pytest

from graphbuild import sparql
from graphbuild.madeanswers import made_answers
from graphbuild.querydefs import bundled

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


@pytest.mark.parametrize("most", [1, 3, 8, 100])
def test_the_made_rows_are_the_engines_at_every_cap_they_cover(most):
    store = store_of(GRAPH)
    made = {m.text: m for m in made_answers(store, most)}
    assert len(made) == 2
    for name in ("co_mentions", "co_mentioned_with"):
        m = made[bundled()[name].text]
        whole = engine_messages(store, name, None)
        rows = [r for msg in whole if msg[0] == "rows" for r in msg[1]]
        assert m.rows == rows[:most] and m.complete == (len(rows) <= most), name
        for cap in (0, 1, 2, most - 1, most, None):
            if cap is None or cap < 0 or (not m.complete and cap >= most):
                continue  # what the store's reader would not answer from these rows
            assert made_messages(m, cap) == engine_messages(store, name, cap), (name, cap)


def test_the_pairs_worked_out_by_hand():
    store = store_of(GRAPH)
    made = {m.text: m for m in made_answers(store, 100)}
    # named together in more than one post (ex:other is not a post), both named (ex:e is not):
    # a-b (p1 p2), a-c (p1 p3), a-d (p2 p3), c-f (p3 p4); by posts (all 2), then the names in code
    # point order: "Z" (U+005A) < "z" (U+007A) < "É" (U+00C9) < "é" (U+00E9); equal names by IRI
    pairs = [(r[0][1], r[1][1], r[2][1], r[3][1], r[4][1]) for r in made[bundled()["co_mentions"].text].rows]
    assert pairs == [(EX + "c", "Zoë", EX + "f", "émile", "2"),
                     (EX + "a", "Émile", EX + "c", "Zoë", "2"),
                     (EX + "a", "Émile", EX + "b", "zeta", "2"),
                     (EX + "a", "Émile", EX + "d", "zeta", "2")]
    # ex:e (unnamed itself) with c in p1 p3 p4, a in p1 p3, f in p3 p4, b in p1, d in p3
    near_e = [(r[1][1], r[2][1], r[3][1]) for r in made[bundled()["co_mentioned_with"].text].rows
              if r[0][1] == EX + "e"]
    assert near_e == [(EX + "c", "Zoë", "3"), (EX + "a", "Émile", "2"), (EX + "f", "émile", "2"),
                      (EX + "b", "zeta", "1"), (EX + "d", "zeta", "1")]


@pytest.mark.parametrize("odd", [
    'ex:a schema:name "Émile"@fr .',  # a name with a language
    'ex:a schema:name "Emil" .',  # two names
    'ex:p4 schema:mentions "a literal" .',  # a mention that is not an IRI
    'ex:c schema:name 7 .',  # a name that is not a string
])
def test_nothing_is_made_for_what_is_not_ordered_here_as_sparql_orders_it(odd):
    assert made_answers(store_of(GRAPH + PREFIXES + odd), 100) == []


def test_an_unmentioned_entitys_odd_name_does_not_matter():
    assert len(made_answers(store_of(GRAPH + 'ex:z schema:name "Z"@en , "Zed" .'), 100)) == 2


def test_a_graph_with_no_pairs_makes_empty_answers():
    made = made_answers(store_of(PREFIXES + 'ex:p1 a schema:BlogPosting ; schema:mentions ex:a . '
                                            'ex:a schema:name "A" .'), 100)
    assert [(m.rows, m.complete) for m in made] == [([], True), ([], True)]
