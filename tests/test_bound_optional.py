"""A bound parameter is copied into the OPTIONAL groups of the WHERE clause that name it
(querydefs.bind_values; docs/performance.md, "Thirteenth pass"): which groups get the copy, that
errors are still placed in the text as written, and that the answers stay the same, worked out by
hand on a small graph under both engines and compared with the uncopied binding on the bundled feed.

The graph (ex: posts, e: entities, a: provenance):
  p1 names ada, one;  p2 names ada, two, one;  p3 names bob.
  ada memberOf one (s1, quoted "Ada joined Org One."), ada worksFor two (s2, no evidence),
  bob memberOf one (s3, quoted twice: "Bob is in Org One." and "Bob, Org One.").
"""
import pytest

from conftest import graph_in, query_rows as rows
from graphbuild import querydefs
from graphbuild.errors import QueryError
from graphbuild.queries import run_query
from graphbuild.querydefs import Query, bind_values

TTL = """
@prefix schema: <https://schema.org/> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <https://ex.example/> . @prefix e: <https://graphbuild.example/id/e/> . @prefix a: <https://graphbuild.example/id/a/> .
ex:p1 a schema:BlogPosting ; schema:headline "One" ; schema:mentions e:ada , e:one .
ex:p2 a schema:BlogPosting ; schema:headline "Two" ; schema:mentions e:ada , e:two , e:one .
ex:p3 a schema:BlogPosting ; schema:headline "Three" ; schema:mentions e:bob .
e:ada a schema:Person ; schema:name "Ada" ; schema:memberOf e:one ; schema:worksFor e:two .
e:bob a schema:Person ; schema:name "Bob" ; schema:memberOf e:one .
e:one a schema:Organization ; schema:name "Org One" .
e:two a schema:Organization ; schema:name "Org Two" .
a:s1 a rdf:Statement ; rdf:subject e:ada ; rdf:predicate schema:memberOf ; rdf:object e:one .
a:s2 a rdf:Statement ; rdf:subject e:ada ; rdf:predicate schema:worksFor ; rdf:object e:two .
a:s3 a rdf:Statement ; rdf:subject e:bob ; rdf:predicate schema:memberOf ; rdf:object e:one .
a:t1 oa:hasSource ex:p1 ; oa:hasSelector [ oa:exact "Ada joined Org One." ] .
a:t2 oa:hasSource ex:p3 ; oa:hasSelector [ oa:exact "Bob is in Org One." ] .
a:t3 oa:hasSource ex:p3 ; oa:hasSelector [ oa:exact "Bob, Org One." ] .
a:a1 oa:hasBody a:s1 ; oa:hasTarget a:t1 .
a:a2 oa:hasBody a:s3 ; oa:hasTarget a:t2 .
a:a3 oa:hasBody a:s3 ; oa:hasTarget a:t3 .
"""
E, S = "https://graphbuild.example/id/e/", "https://schema.org/"
ADA, BOB, ONE, TWO = E + "ada", E + "bob", E + "one", E + "two"


@pytest.fixture(scope="module", params=["pyoxigraph", "rdflib"])
def g(request):
    return graph_in(request.param, TTL)


def test_members_of_keeps_each_members_own_quote(g):
    # one: ada (s1's quote) and bob (the least of s3's two quotes: "Bob " < "Bob,"); two: ada, whose
    # s2 has no evidence
    # (s1's quote, about one, must not leak into this row)
    assert rows(g, "members_of", "org", "member", "relation", "quote", org=f"<{ONE}>") == [
        (ONE, ADA, S + "memberOf", "Ada joined Org One."), (ONE, BOB, S + "memberOf", "Bob is in Org One.")]
    assert rows(g, "members_of", "org", "member", "relation", "quote", org=f"<{TWO}>") == [
        (TWO, ADA, S + "worksFor", None)]


def test_people_by_organization_counts_only_the_posts_naming_both(g):
    # one: ada with one in p1 and p2, bob with one in none; two: ada with two in p2
    assert rows(g, "people_by_organization", "org", "person", "posts", org=f"<{ONE}>") == [
        (ONE, ADA, "2"), (ONE, BOB, "0")]
    assert rows(g, "people_by_organization", "org", "person", "posts", org=f"<{TWO}>") == [(TWO, ADA, "1")]


def _blocks(text, **terms):
    return len(bind_values(Query("t", text), terms).inserts)


def test_the_value_goes_only_into_plain_optional_groups_of_the_where_clause_that_name_it():
    v = "<https://ex.example/x>"
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?x } }", s=v) == 2
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } }", s=v) == 1  # does not name ?s
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { $s ?q ?x } }", s=v) == 2  # $s is ?s
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?sx ?q ?x } }", s=v) == 1  # ?sx is not ?s
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q '?s' } }", s=v) == 1  # a string
    # its own scope: a FILTER, a BIND, a sub-select, a nested group
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?x FILTER (?x != ?s) } }", s=v) == 1
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?x BIND (?s AS ?y) } }", s=v) == 1
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { SELECT ?s WHERE { ?s ?q ?x } } }", s=v) == 1
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { { ?s ?q ?x } UNION { ?s ?r ?x } } }", s=v) == 1
    # an OPTIONAL in a nested group extends that group's solutions, which do not hold the value
    assert _blocks("SELECT * WHERE { ?s ?p ?o { ?o ?p ?z OPTIONAL { ?s ?q ?x } } }", s=v) == 1
    assert _blocks("SELECT * WHERE { { ?s ?p ?o } UNION { ?o ?p ?s OPTIONAL { ?s ?q ?x } } }", s=v) == 1
    # two OPTIONALs, two parameters
    assert _blocks("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?x } OPTIONAL { ?o ?q ?t } }", s=v, t=v) == 3


def test_a_syntax_error_after_copied_values_is_placed_in_the_text_as_written(g):
    text = "SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?x } OPTIONAL { ?s ?r ?y } ?s ?p ) }"
    assert _blocks(text, s="<https://ex.example/x>") == 3
    errors = []
    for params in ({}, {"s": f"<{ADA}>"}):
        with pytest.raises(QueryError, match=r"syntax error at line 1, column \d+") as e:
            run_query(g, text, **params)
        errors.append(str(e.value))
    assert errors[0] == errors[1] and "VALUES" not in errors[1]


def test_bound_answers_are_those_of_the_value_bound_once_on_the_bundled_feed(reference_graph, monkeypatch):
    """Every query that gets a copied value, bound to each of its values in the reference graph."""
    values = {
        "post": "SELECT DISTINCT ?v WHERE { ?v a schema:BlogPosting }",
        "entity": "SELECT DISTINCT ?v WHERE { ?p schema:mentions ?v }",
        "org": "SELECT DISTINCT ?v WHERE { ?v a schema:Organization }",
    }
    checked = set()
    for name, q in querydefs.bundled().items():
        for param in q.params:
            if param not in values or _blocks(q.text, **{param: "<https://ex.example/x>"}) < 2:
                continue
            for v in [f"<{r['v']}>" for r in run_query(reference_graph, values[param])]:
                copied = run_query(reference_graph, name, **{param: v})
                with monkeypatch.context() as m:
                    m.setattr(querydefs, "_optional_groups", lambda text, at: [])
                    once = run_query(reference_graph, name, **{param: v})
                assert list(copied) == list(once), (name, v)
                checked.add(name)
    assert checked == {"post_mentions", "entity_posts", "members_of", "people_by_organization"}
