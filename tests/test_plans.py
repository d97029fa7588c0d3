"""Bundled questions answered by a plan in Python (graphbuild/plans.py): the rows pyoxigraph gives for
the query's own text, in its order, for every pair of entities of a hand-written graph that holds
what the query turns on and for many pairs of the reference graph; rows worked out by hand; and
the engine, not the plan, where the graph holds what the plan does not order as SPARQL does."""
import itertools

import pyoxigraph as ox
import pytest

from graphbuild import plans, sparql
from graphbuild.prefixes import PREFIXES
from graphbuild.querydefs import bind_values, bundled, strip_literals

EX = "https://ex.example/"
# ex:a and ex:e are never named together (a third entity between them: ex:d, two names; ex:z, no
# name; ex:c through a post that is no BlogPosting; a literal named with both); ex:a and ex:b are
# named together in two posts, one with two headlines, and stated related both ways
CONN = """@prefix schema: <https://schema.org/> . @prefix ex: <https://ex.example/> .
ex:p1 a schema:BlogPosting ; schema:headline "One" , "Another" ; schema:mentions ex:a , ex:b , ex:d .
ex:p2 a schema:BlogPosting ; schema:headline "Two" ; schema:mentions ex:a , ex:b , ex:z , "lit" .
ex:p3 a schema:BlogPosting ; schema:headline "Three" ; schema:mentions ex:e , ex:d , ex:z , "lit" .
ex:n1 schema:mentions ex:c , ex:a .
ex:p4 a schema:BlogPosting ; schema:headline "Four" ; schema:mentions ex:c , ex:e , ex:f .
ex:a schema:name "Ada" ; schema:affiliation ex:b ; schema:founder ex:b ; schema:knows ex:e .
ex:b schema:name "Bea" ; schema:memberOf ex:a .
ex:c schema:name "Cy" .
ex:d schema:name "Dee" , "D." .
ex:e schema:name "Eve" .
ex:f schema:name "Fay" .
"""
ENTITIES = [EX + x for x in "abcdefz"]


def store_of(text: str) -> ox.Store:
    s = ox.Store()
    s.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return s


def bound(**terms):
    q = bundled()["connection"]
    return q, bind_values(q, {k: [f"<{v}>" for v in (vs if isinstance(vs, list) else [vs])]
                              for k, vs in terms.items()})


def engine_rows(store: ox.Store, **terms) -> list[tuple]:
    """pyoxigraph's own rows for the query text (no plan)."""
    _, b = bound(**terms)
    return [tuple(sol[i] for i in range(5)) for sol in store.query(b.text, prefixes=PREFIXES)]


def plan_rows(store: ox.Store, **terms) -> list[tuple] | None:
    q, b = bound(**terms)
    planned = plans.answer(store, q, b)
    return None if planned is None else planned[1]


def test_connection_rows_worked_out_by_hand():
    s = store_of(CONN)
    R, N = (lambda x: ox.NamedNode(x)), (lambda x: ox.Literal(x))
    a, b, e = R(EX + "a"), R(EX + "b"), R(EX + "e")
    # a and b: affiliation and founder (a -> b), memberOf (b -> a), named together in p1 (twice) and p2
    assert plan_rows(s, **{"from": EX + "a", "to": EX + "b"}) == [
        (a, b, N("named together in a post"), R(EX + "p1"), N("Another")),
        (a, b, N("named together in a post"), R(EX + "p1"), N("One")),
        (a, b, N("named together in a post"), R(EX + "p2"), N("Two")),
        (a, b, N("relation"), R("https://schema.org/affiliation"), None),
        (a, b, N("relation"), R("https://schema.org/founder"), None),
        (a, b, N("relation (inverse)"), R("https://schema.org/memberOf"), None),
    ]
    # a and e: no post names both; c (named with a in ex:n1, which need not be a BlogPosting here)
    # and d (two names) between them, z has no name, schema:knows is no relation the query follows
    assert plan_rows(s, **{"from": EX + "a", "to": EX + "e"}) == [
        (a, e, N("through a third entity"), R(EX + "c"), N("Cy")),
        (a, e, N("through a third entity"), R(EX + "d"), N("D.")),
        (a, e, N("through a third entity"), R(EX + "d"), N("Dee")),
    ]
    # a and c are named together only in ex:n1, which is no BlogPosting: no row of either kind
    assert plan_rows(s, **{"from": EX + "a", "to": EX + "c"}) == []
    assert plan_rows(s, **{"from": EX + "a", "to": EX + "a"}) == []


@pytest.mark.parametrize("f,t", list(itertools.product(ENTITIES, ENTITIES)))
def test_connection_plan_gives_the_engines_rows(f, t):
    s = store_of(CONN)
    rows = plan_rows(s, **{"from": f, "to": t})
    assert rows is not None
    assert rows == engine_rows(s, **{"from": f, "to": t})


def test_connection_plan_with_several_values_and_the_row_limit():
    s = store_of(CONN)
    terms = {"from": [EX + "a", EX + "c"], "to": [EX + "e", EX + "b", EX + "a"]}
    assert plan_rows(s, **terms) == engine_rows(s, **terms)
    # 250 posts name g and h: the first 200 by the post's IRI
    many = "".join(f'ex:q{i:03} a schema:BlogPosting ; schema:headline "H" ; schema:mentions ex:g , ex:h .\n'
                   for i in range(250))
    s = store_of(CONN + many)
    rows = plan_rows(s, **{"from": EX + "g", "to": EX + "h"})
    assert [r[3].value for r in rows] == [f"{EX}q{i:03}" for i in range(200)]
    assert rows == engine_rows(s, **{"from": EX + "g", "to": EX + "h"})


@pytest.mark.parametrize("extra", [
    'ex:d schema:name "Dee"@en .',                                   # a name with a language
    '_:x schema:name "X" . ex:p1 schema:mentions _:x . ex:p3 schema:mentions _:x .',  # a blank node between
    '_:post a schema:BlogPosting ; schema:headline "B" ; schema:mentions ex:a , ex:b .',
])
def test_what_the_plan_does_not_order_is_left_to_the_engine(extra):
    s = store_of(CONN + extra)
    pairs = [(EX + "a", EX + "e"), (EX + "a", EX + "b")]
    assert any(plan_rows(s, **{"from": f, "to": t}) is None for f, t in pairs)
    for f, t in pairs:  # whoever answers, the rows are the query's
        q, b = bound(**{"from": f, "to": t})
        answer = sparql.OxEngine(s, PREFIXES).execute(q, b)
        assert list(answer.rows) == engine_rows(s, **{"from": f, "to": t})


def test_the_plan_is_for_the_bundled_text_only():
    s = store_of(CONN)
    q = bundled()["connection"]
    edited = q.__class__(**{**q.__dict__, "text": q.text.replace("LIMIT 200", "LIMIT 201")})
    b = bind_values(edited, {"from": [f"<{EX}a>"], "to": [f"<{EX}e>"]})
    assert plans.answer(s, edited, b) is None
    # a literal value is compared as the engine compares it
    b = bind_values(q, {"from": [f"<{EX}a>"], "to": ['"Eve"']})
    assert plans.answer(s, q, b) is None


def test_connection_plan_on_the_reference_graph(reference_graph):
    store = reference_graph.store._inner
    counts = store.query("SELECT ?e (COUNT(*) AS ?n) WHERE { ?p schema:mentions ?e } GROUP BY ?e "
                         "ORDER BY DESC(?n) ?e", prefixes=PREFIXES)
    ents = [r["e"].value for r in counts]
    assert len(ents) > 60
    # the most named with each other, and a spread of the rest (the engine takes 0.2 s a pair here)
    pairs = list(itertools.product(ents[:4], ents[:4]))
    pairs += [(ents[k], ents[(k * 37) % len(ents)]) for k in range(4, len(ents), 5)]
    kinds = set()
    for f, t in pairs:
        rows = plan_rows(store, **{"from": f, "to": t})
        assert rows == engine_rows(store, **{"from": f, "to": t}), (f, t)
        kinds |= {r[2].value for r in rows}
    assert kinds == {"relation", "relation (inverse)", "named together in a post", "through a third entity"}


def _branches(text: str) -> list[str]:
    """The groups of the WHERE clause's own group (literals stripped), each without the groups in it."""
    from graphbuild.querydefs import where_opens

    text = strip_literals(text)
    at, depth, out = where_opens(text), 1, []
    for ch in text[at:]:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            break
        if depth == 2 and ch == "{":
            out.append("")
        elif depth == 2 and ch != "}":
            out[-1] += ch
    return out


def _outer(text: str) -> tuple[str, str, str]:
    """(the projection, the WHERE clause's own group with every nested group and every bracketed
    expression taken out, what follows the WHERE clause) of a query's text, literals stripped."""
    import re

    from graphbuild.querydefs import where_opens

    text = strip_literals(text)
    at = where_opens(text)  # just after its "{"
    depth, end = 1, None
    for i in range(at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            end = i
            break
    body, flat, depth = text[at:end], [], 0
    for ch in body:
        depth += 1 if ch in "({" else 0
        if depth == 0:
            flat.append(ch)
        depth -= 1 if ch in ")}" else 0
    projection = re.search(r"SELECT(.*?)WHERE", text[:at], re.S | re.I).group(1)
    assert "{" not in projection
    return projection, "".join(flat), text[end + 1:]


@pytest.mark.parametrize("name", sorted(plans.FILTERS))
def test_the_premises_of_answering_a_bound_question_within_the_whole_answer(name):
    """Each parameter of FILTERS is projected as it is, bound by a triple pattern of the WHERE
    clause's own group, a key of the outer GROUP BY when there is one, and the query has no LIMIT
    or OFFSET: then the VALUES join keeps exactly the solutions (and groups) with the bound value."""
    import re

    q = bundled()[name]
    projection, group, after = _outer(q.text)
    assert not re.search(r"\b(LIMIT|OFFSET)\b", strip_literals(q.text), re.I)
    # a group that is a UNION of groups (where_said): in a pattern of each of them
    groups = _branches(q.text) if re.fullmatch(r"\s*UNION(\s+UNION)*\s*", group) else [group]
    for var in plans.FILTERS[name]:
        assert var in q.params
        assert re.search(rf"(?<!AS )\?{var}\b", projection), "projected as it is"
        for g in groups:
            g = re.sub(r"\bBIND\s*\(.*?\)\s*\)", "", re.sub(r"\bVALUES\s*(\?\w+)?", "", g), flags=re.S)
            assert re.search(rf"\?{var}\b", g), "in a pattern of the group"
        grouped = re.search(r"GROUP BY(.*?)(?:HAVING|ORDER BY|$)", after, re.S | re.I)
        assert grouped is None or re.search(rf"\?{var}\b", grouped.group(1)), "a key of the GROUP BY"


def test_within_is_for_the_bundled_texts_and_iris_only():
    q = bundled()["relations"]
    b = bind_values(q, {"relation": ["<https://schema.org/funder>"]})
    assert plans.within(q, b) == (q.text, {"relation": {"https://schema.org/funder"}})
    assert plans.within(q, bind_values(q, {"relation": ['"funder"']})) is None
    assert plans.within(q, bind_values(q, {})) is None
    edited = q.__class__(**{**q.__dict__, "text": q.text + "\n"})
    assert plans.within(edited, bind_values(edited, {"relation": ["<https://schema.org/funder>"]})) is None
    q = bundled()["connection"]
    assert plans.within(q, bind_values(q, {"from": ["<https://ex.example/a>"]})) is None


def test_plans_and_filters_hold_for_the_query_texts_they_were_checked_against(monkeypatch):
    """Each planned or filtered query is still the text it was written and tested for (a change to
    a query file must be checked again: update plans.CHECKED then); an edited text is not planned."""
    names = set(plans.PLANS) | set(plans.FILTERS)
    assert set(plans.CHECKED) == names
    assert {n: plans.text_digest(bundled()[n].text) for n in names} == plans.CHECKED
    monkeypatch.setattr(plans, "CHECKED", {**plans.CHECKED, "connection": "0" * 16, "relations": "0" * 16})
    plans._checked_texts.cache_clear()
    try:
        s = store_of(CONN)
        q, b = bound(**{"from": EX + "a", "to": EX + "e"})
        assert plans.answer(s, q, b) is None
        r = bundled()["relations"]
        assert plans.within(r, bind_values(r, {"relation": ["<https://schema.org/funder>"]})) is None
        assert plans.within(bundled()["members_of"], bind_values(bundled()["members_of"], {"org": [f"<{EX}a>"]}))
    finally:
        monkeypatch.undo()
        plans._checked_texts.cache_clear()


# quotes and posts whose code-point order is not their alphabetical one (Z < a < É), quotes equal
# but for case, two annotations of one post with the same quote (equal rows), statements of which
# the entity is the subject and the object, and another entity's quotes
SAID = """@prefix schema: <https://schema.org/> . @prefix ex: <https://ex.example/> .
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix gb: <https://graphbuild.example/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:n1 oa:hasBody ex:a ; oa:hasTarget ex:t1 ; gb:extractor "links" .
ex:t1 oa:hasSource ex:Zpost ; oa:hasSelector [ oa:exact "émile said so" ] .
ex:n2 oa:hasBody ex:a ; oa:hasTarget ex:t2 ; gb:extractor "names" .
ex:t2 oa:hasSource ex:apost ; oa:hasSelector [ oa:exact "Zed and Ada" ] .
ex:n3 oa:hasBody ex:a ; oa:hasTarget ex:t3 ; gb:extractor "names" .
ex:t3 oa:hasSource ex:apost ; oa:hasSelector [ oa:exact "zed and Ada" ] .
ex:n4 oa:hasBody ex:a ; oa:hasTarget ex:t4 ; gb:extractor "names" .
ex:t4 oa:hasSource ex:apost ; oa:hasSelector [ oa:exact "Zed and Ada" ] .
ex:n5 oa:hasBody ex:a ; oa:hasTarget ex:t5 ; gb:extractor "links" .
ex:t5 oa:hasSource <https://ex.example/Épost> ; oa:hasSelector [ oa:exact "Ada" ] .
ex:s1 rdf:subject ex:a ; rdf:predicate schema:memberOf ; rdf:object ex:b .
ex:n6 oa:hasBody ex:s1 ; oa:hasTarget ex:t6 ; gb:extractor "patterns" .
ex:t6 oa:hasSource ex:apost ; oa:hasSelector [ oa:exact "Ada, a member of Bea" ] .
ex:s2 rdf:subject ex:b ; rdf:predicate schema:affiliation ; rdf:object ex:a .
ex:n7 oa:hasBody ex:s2 ; oa:hasTarget ex:t7 ; gb:extractor "patterns" .
ex:t7 oa:hasSource ex:Zpost ; oa:hasSelector [ oa:exact "Bea of Ada" ] .
ex:n8 oa:hasBody ex:b ; oa:hasTarget ex:t8 ; gb:extractor "names" .
ex:t8 oa:hasSource ex:apost ; oa:hasSelector [ oa:exact "Bea" ] .
"""


def said(store: ox.Store, entity: str, plan: bool):
    q = bundled()["where_said"]
    b = bind_values(q, {"entity": [f"<{entity}>"]})
    if plan:
        planned = plans.answer(store, q, b)
        return None if planned is None else planned[1]
    return [tuple(sol[i] for i in range(5)) for sol in store.query(b.text)]


def test_where_said_rows_worked_out_by_hand():
    rows = said(store_of(SAID), EX + "a", plan=True)
    # by post (Zpost < apost < Épost), then what it supports ("mention" < "relation ..."), the quote, the extractor
    assert [(r[1].value.rsplit("/", 1)[1], r[4].value, r[2].value, r[3].value) for r in rows] == [
        ("Zpost", "mention", "émile said so", "links"),
        ("Zpost", "relation affiliation", "Bea of Ada", "patterns"),
        ("apost", "mention", "Zed and Ada", "names"),
        ("apost", "mention", "Zed and Ada", "names"),
        ("apost", "mention", "zed and Ada", "names"),
        ("apost", "relation memberOf", "Ada, a member of Bea", "patterns"),
        ("Épost", "mention", "Ada", "links")]
    assert {r[0].value for r in rows} == {EX + "a"}


@pytest.mark.parametrize("extra, planned", [
    ("", True),
    ('ex:t1 oa:hasSelector [ oa:exact "Ada"@en ] .', False),  # a quote with a language
    ('ex:n9 oa:hasBody ex:a ; oa:hasTarget [ oa:hasSource _:p ; oa:hasSelector [ oa:exact "x" ] ] ; '
     'gb:extractor "names" .', False),  # a blank node as the post
])
def test_where_said_plan_gives_the_engines_rows(extra, planned):
    s = store_of(SAID + extra)
    for e in ("a", "b", "nobody"):
        rows = said(s, EX + e, plan=True)
        assert (rows is not None) == (planned or e != "a"), e
        q = bundled()["where_said"]
        answer = sparql.OxEngine(s, PREFIXES).execute(q, bind_values(q, {"entity": [f"<{EX}{e}>"]}))
        assert list(answer.rows) == said(s, EX + e, plan=False), e


def test_where_said_plan_on_the_reference_graph(reference_graph):
    store = reference_graph.store._inner
    entities = [r[0].value for r in store.query("SELECT DISTINCT ?e WHERE { ?p schema:mentions ?e }",
                                                prefixes=PREFIXES)]
    assert len(entities) > 60
    total = 0
    for e in entities:
        rows = said(store, e, plan=True)
        assert rows == said(store, e, plan=False), e
        total += len(rows)
    assert total > 500
