"""Bundled queries on a tiny hand-made graph whose answers are worked out by hand below, under both
SPARQL engines: the cases that the queries rewritten for speed (docs/performance.md, "Eighth pass":
where_said, relations, co_mentions, co_mentioned_with) must keep and the feeds do not have (a quote
chain with no selector, a quote of the entity in a post that does not name it, a relation with no
evidence, an entity that is both the subject and the object of one statement, a pair named together
whose second entity has no name, a target with two selectors of the same words), and the quotes of
entity_posts and post_mentions (a mention with no quote).

The graph (ex: posts, e: entities, a: provenance nodes):
  p1 "One" 2025-01-01 names ada, org, bob, bare;  p2 "Two" (no date) names ada, org, bare;
  p3 "Three" 2025-02-01 names bob.
  ada: Person "Ada"; org: Organization "Org"; bob: Person "Bob"; bare: Person with no name.
  quotes: t1 (p1) "Ada works at Org."; t2 (p1) "Ada again."; t3 (p2) no selector; t4 (p3) "Elsewhere".
  a1 ada -> t1 "x"; a2 ada -> t2 "x"; a3 ada -> t3 "x"; a4 org -> t1 "x"; a5 ada -> t4 "x";
  s1 ada worksFor org (a6 -> t1 "rel"); s2 bob memberOf org (no evidence); s3 bare memberOf org (a8 -> t1 "rel");
  s4 ada affiliation ada (a7 -> t2 "rel").
  zed (named by no post): a9 zed -> t5 (p3), which has two selectors, both "Zed twice."
"""
import pytest

from conftest import graph_in, query_rows as rows

from graphbuild.queries import run_query

TTL = """
@prefix schema: <https://schema.org/> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix gb: <https://graphbuild.example/ns#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://ex.example/> . @prefix e: <https://graphbuild.example/id/e/> . @prefix a: <https://graphbuild.example/id/a/> .
ex:p1 a schema:BlogPosting ; schema:headline "One" ; schema:datePublished "2025-01-01T00:00:00+00:00"^^xsd:dateTime ;
      schema:mentions e:ada , e:org , e:bob , e:bare .
ex:p2 a schema:BlogPosting ; schema:headline "Two" ; schema:mentions e:ada , e:org , e:bare .
ex:p3 a schema:BlogPosting ; schema:headline "Three" ; schema:datePublished "2025-02-01T00:00:00+00:00"^^xsd:dateTime ;
      schema:mentions e:bob .
e:ada a schema:Person ; schema:name "Ada" .
e:org a schema:Organization ; schema:name "Org" .
e:bob a schema:Person ; schema:name "Bob" .
e:bare a schema:Person .
a:t1 oa:hasSource ex:p1 ; oa:hasSelector a:l1 . a:l1 oa:exact "Ada works at Org." .
a:t2 oa:hasSource ex:p1 ; oa:hasSelector a:l2 . a:l2 oa:exact "Ada again." .
a:t3 oa:hasSource ex:p2 .
a:t4 oa:hasSource ex:p3 ; oa:hasSelector a:l4 . a:l4 oa:exact "Elsewhere" .
a:a1 oa:hasBody e:ada ; oa:hasTarget a:t1 ; gb:extractor "x" .
a:a2 oa:hasBody e:ada ; oa:hasTarget a:t2 ; gb:extractor "x" .
a:a3 oa:hasBody e:ada ; oa:hasTarget a:t3 ; gb:extractor "x" .
a:a4 oa:hasBody e:org ; oa:hasTarget a:t1 ; gb:extractor "x" .
a:a5 oa:hasBody e:ada ; oa:hasTarget a:t4 ; gb:extractor "x" .
a:s1 a rdf:Statement ; rdf:subject e:ada ; rdf:predicate schema:worksFor ; rdf:object e:org .
a:s2 a rdf:Statement ; rdf:subject e:bob ; rdf:predicate schema:memberOf ; rdf:object e:org .
a:s3 a rdf:Statement ; rdf:subject e:bare ; rdf:predicate schema:memberOf ; rdf:object e:org .
a:s4 a rdf:Statement ; rdf:subject e:ada ; rdf:predicate schema:affiliation ; rdf:object e:ada .
a:a6 oa:hasBody a:s1 ; oa:hasTarget a:t1 ; gb:extractor "rel" .
a:a7 oa:hasBody a:s4 ; oa:hasTarget a:t2 ; gb:extractor "rel" .
a:a8 oa:hasBody a:s3 ; oa:hasTarget a:t1 ; gb:extractor "rel" .
e:zed a schema:Person ; schema:name "Zed" .
a:t5 oa:hasSource ex:p3 ; oa:hasSelector a:l5 , a:l6 . a:l5 oa:exact "Zed twice." . a:l6 oa:exact "Zed twice." .
a:a9 oa:hasBody e:zed ; oa:hasTarget a:t5 ; gb:extractor "x" .
"""
EX, E, S = "https://ex.example/", "https://graphbuild.example/id/e/", "https://schema.org/"
P1, P2, P3 = EX + "p1", EX + "p2", EX + "p3"
ADA, ORG, BOB, ZED = E + "ada", E + "org", E + "bob", E + "zed"
WORKS, AT = "Ada works at Org.", "Ada again."


@pytest.fixture(scope="module", params=["pyoxigraph", "rdflib"])
def g(request):
    return graph_in(request.param, TTL)


def test_entity_posts_quote_is_the_least_of_the_posts_quotes_and_none_without_a_whole_quote(g):
    # p1: two quotes of ada, the least is "Ada again."; p2: a3's target has no selector, so no quote;
    # p3 quotes ada (a5) but does not name her: no row. p1 has a date, p2 none (DESC puts it last).
    assert rows(g, "entity_posts", "entity", "post", "headline", "quote", entity=f"<{ADA}>") == [
        (ADA, P1, "One", AT), (ADA, P2, "Two", None)]
    assert [r["date"] is None for r in run_query(g, "entity_posts", entity=f"<{ADA}>")] == [False, True]


def test_post_mentions_a_mention_with_no_annotation_has_no_quote(g):
    # p1 names ada, bob, org (bare has no name); bob has no annotation; org's quote is t1's
    assert rows(g, "post_mentions", "entity", "name", "quote", post=f"<{P1}>") == [
        (ADA, "Ada", AT), (BOB, "Bob", None), (ORG, "Org", WORKS)]
    assert rows(g, "post_mentions", "entity", "quote", post=f"<{P2}>") == [(ADA, None), (ORG, None)]


def test_relations_without_evidence_and_with_the_same_entity_at_both_ends(g):
    # s3's subject has no name: no row; s2 has no evidence: no quote, no post
    assert rows(g, "relations", "subject", "relation", "object", "quote", "post") == [
        (ADA, S + "affiliation", ADA, AT, P1), (BOB, S + "memberOf", ORG, None, None),
        (ADA, S + "worksFor", ORG, WORKS, P1)]
    assert rows(g, "relations", "subject", "object", "quote", relation="schema:memberOf") == [(BOB, ORG, None)]


def test_where_said_counts_a_statement_once_per_end_and_skips_a_quote_with_no_selector(g):
    # a3 (no selector) gives nothing; a5 is in p3, which does not name ada, and still counts;
    # s4 has ada at both ends: one row as its subject, one as its object
    assert rows(g, "where_said", "post", "quote", "extractor", "supports", entity=f"<{ADA}>") == [
        (P1, AT, "x", "mention"), (P1, WORKS, "x", "mention"),
        (P1, AT, "rel", "relation affiliation"), (P1, AT, "rel", "relation affiliation"),
        (P1, WORKS, "rel", "relation worksFor"), (P3, "Elsewhere", "x", "mention")]
    # org: its mention, and the objects of s1 and s3 (s2 has no evidence)
    assert rows(g, "where_said", "quote", "extractor", "supports", entity=f"<{ORG}>") == [
        (WORKS, "x", "mention"), (WORKS, "rel", "relation memberOf"), (WORKS, "rel", "relation worksFor")]


def test_where_said_gives_one_row_per_selector_of_a_target(g):
    # hasSelector/oa:exact is a join (SPARQL 1.1): two selectors of t5, two rows (rdflib gave one
    # before where_said was rewritten, pyoxigraph always two)
    assert rows(g, "where_said", "post", "quote", "supports", entity=f"<{ZED}>") == [
        (P3, "Zed twice.", "mention"), (P3, "Zed twice.", "mention")]


def test_co_mentioned_with_counts_posts_and_leaves_out_an_entity_with_no_name(g):
    # ada is named with org in p1 and p2, with bob in p1; bare (no name) is left out
    assert rows(g, "co_mentioned_with", "entity", "other", "otherName", "posts", entity=f"<{ADA}>") == [
        (ADA, ORG, "Org", "2"), (ADA, BOB, "Bob", "1")]


def test_co_mentions_drops_a_pair_whose_entity_has_no_name_after_counting(g):
    # ada and org: p1 and p2; ada and bare, org and bare: also two posts, but bare has no name;
    # every other pair shares one post
    assert rows(g, "co_mentions", "a", "aName", "b", "bName", "posts") == [(ADA, "Ada", ORG, "Org", "2")]
