"""The answers a build makes for bundled questions (graphbuild/madeanswers.py): the rows pyoxigraph
gives for the bundled query text, in its order, on hand-written graphs that hold what that order
turns on (equal counts, equal names, names and IRIs in other scripts and cases, unnamed entities)
and on the reference graph, at caps that cut them anywhere; rows worked out by hand; and nothing
made for what the module does not order as SPARQL does."""
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graphbuild import madeanswers, sparql
from graphbuild.madeanswers import indexed_rows, made_answers
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
    by_text = {m.text: m for m in made_answers(store, most) if isinstance(m, madeanswers.Made)}
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


def kept_index(store: ox.Store, folder) -> Path:
    """The build's index for ``store``, kept in ``folder`` as the build keeps it; where it is."""
    [index] = [m for m in made_answers(store, 10) if isinstance(m, madeanswers.Indexed)]
    assert index.text == bundled()["co_mentioned_with"].text
    index.keep(folder / "index.json")
    return folder / "index.json"


def engine_rows(store: ox.Store, name: str, values: list[str]) -> tuple[list, list]:
    q = bundled()[name]
    answer = sparql.OxEngine(store).execute(q, sparql.bind_values(q, {"entity": [f"<{x}>" for x in values]}))
    return answer.variables, [tuple(sparql.portable(t) for t in row) for row in answer.rows]


def assert_indexed_as_the_engine(store: ox.Store, path: Path) -> int:
    """The rows read from the index for each entity of ``store`` (every IRI, named or not, in a post or
    not), and for two and three at once, are the engine's; how many entities had rows."""
    iris = sorted({x.value for (x,) in store.query("SELECT DISTINCT ?x WHERE { { ?s ?p ?x } UNION { ?x ?p ?o } }")
                   if isinstance(x, ox.NamedNode)})
    assert iris
    some = 0
    for values in [[x] for x in iris] + [iris[:2], iris[-3:][::-1]]:
        got = indexed_rows(path, {"entity": set(values)})
        assert got == engine_rows(store, "co_mentioned_with", values), values
        some += len(values) == 1 and bool(got[1])
    return some


def test_every_entitys_co_mentions_are_read_from_the_index_as_worked_out_by_hand(tmp_path):
    path = kept_index(store_of(GRAPH), tmp_path)
    # posts p1 (a b c e), p2 (a b d), p3 (a d c e f), p4 (c f e); e has no name: never another;
    # by posts, most first, then the other's name ("Z" < "z" < "É" < "é"), then the other's IRI
    short = lambda rows: [(r[1][1].rsplit("/", 1)[1], r[2][1], int(r[3][1])) for r in rows]
    variables, rows = indexed_rows(path, {"entity": {EX + "a"}})
    assert variables == ["entity", "other", "otherName", "posts"] and {r[0] for r in rows} == {("uri", EX + "a")}
    assert short(rows) == [("c", "Zoë", 2), ("b", "zeta", 2), ("d", "zeta", 2), ("f", "émile", 1)]
    assert short(indexed_rows(path, {"entity": {EX + "e"}})[1]) == [
        ("c", "Zoë", 3), ("a", "Émile", 2), ("f", "émile", 2), ("b", "zeta", 1), ("d", "zeta", 1)]
    both = indexed_rows(path, {"entity": {EX + "e", EX + "a"}})[1]
    assert [r[0][1] for r in both] == [EX + "a"] * 4 + [EX + "e"] * 5  # by the entity first
    assert indexed_rows(path, {"entity": {EX + "other"}}) == (variables, [])  # in no post
    assert indexed_rows(path, {"post": {EX + "p1"}}) is None  # not the index's variable
    assert indexed_rows(tmp_path / "none.json", {"entity": {EX + "a"}}) is None
    assert assert_indexed_as_the_engine(store_of(GRAPH), path) == 6


def test_the_index_gives_the_engines_rows_on_a_graph_with_ties_and_other_scripts(tmp_path):
    assert assert_indexed_as_the_engine(store_of(TIES), kept_index(store_of(TIES), tmp_path)) == 4


def test_on_the_reference_graph_the_indexed_rows_are_the_engines(reference_graph, tmp_path):
    store = reference_graph.store._inner
    assert assert_indexed_as_the_engine(store, kept_index(store, tmp_path)) > 100
