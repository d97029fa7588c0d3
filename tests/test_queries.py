"""Bundled queries: headers, parsing, hand-checked answers, a second engine, safe parameters, formats."""
import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Literal
from rdflib.query import Result

from conftest import canon_value, ox_term
from graphbuild.errors import QueryError
from graphbuild.export import serialize
from graphbuild.queries import HEADER_FIELDS, bundled, format_rows, load_query, prepare, run_query

QUERIES = sorted(bundled())
SITE = "https://deploy-preview-612--2i2c-org.netlify.app"
MYBINDER_POST = f"{SITE}/blog/bids-mybinder-federation/"
MEETUP_POST = f"{SITE}/blog/jupyter-ai-seattle-meetup/"
#: a value for every parameter, so each query also runs bound (read from the feed by hand)
PARAMS = {"entity": "Jason Grout", "org": "GESIS", "post": f"<{MEETUP_POST}>", "type": "schema:Person",
          "project": "nbgitpuller", "relation": "schema:maintainer", "from": "Jason Grout", "to": "GeoJupyter"}


def names(rows, var):
    return {str(r[var]) for r in rows if r.get(var) is not None}


def test_there_are_at_least_12_queries():
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("name", QUERIES)
def test_query_has_header_and_parses(name):
    q = bundled()[name]
    assert set(HEADER_FIELDS) <= set(q.header), f"{name} lacks {set(HEADER_FIELDS) - set(q.header)}"
    assert "PREFIX schema:" in q.text
    prepare(q)


@pytest.mark.parametrize("name", QUERIES)
def test_query_runs_on_the_reference_graph(name, reference_graph):
    q = bundled()[name]
    if not q.required:
        assert isinstance(run_query(reference_graph, name), list)
    params = {p: PARAMS[p] for p in q.params}
    if params:
        assert isinstance(run_query(reference_graph, name, **params), list)


def test_missing_required_parameter_is_a_clear_error(reference_graph):
    with pytest.raises(QueryError, match=r"connection needs \?from, \?to"):
        run_query(reference_graph, "connection")


# --- answers read from the feed by hand ---------------------------------------------------
def test_top_mentioned_has_jupyterhub_among_the_most_mentioned(reference_graph):
    # JupyterHub is linked (collaborator page) in 6+ posts of the feed
    top = run_query(reference_graph, "top_mentioned")[:5]
    assert "JupyterHub" in names(top, "name")


def test_post_mentions_of_the_meetup_post(reference_graph):
    # the meetup post links Jupyter AI (GitHub), Zach Sailer (LinkedIn) and Chris Holdgraf (author page)
    rows = run_query(reference_graph, "post_mentions", post=f"<{MEETUP_POST}>")
    assert {"Jupyter AI", "Zach Sailer", "Chris Holdgraf"} <= names(rows, "name")


def test_entity_posts_for_bids_includes_the_mybinder_post(reference_graph):
    rows = run_query(reference_graph, "entity_posts", entity="BIDS")
    assert MYBINDER_POST in names(rows, "post")
    [row] = [r for r in rows if str(r["post"]) == MYBINDER_POST]
    assert "BIDS" in str(row["quote"])  # the title or the first sentence, both name it


def test_co_mentions_jason_grout_with_geojupyter(reference_graph):
    # Jason Grout and GeoJupyter are both linked in two posts (the IHDEA and JupyterCon posts)
    rows = run_query(reference_graph, "co_mentioned_with", entity="Jason Grout")
    assert "GeoJupyter" in names(rows, "otherName")


def test_project_maintainers_nbgitpuller_by_jupyterhub(reference_graph):
    rows = run_query(reference_graph, "project_maintainers", project="nbgitpuller")
    assert "JupyterHub" in names(rows, "maintainerName")  # github.com/jupyterhub/nbgitpuller


def test_posts_per_month_counts_april_2026(reference_graph):
    # three posts dated April 2026: 23 Apr (meetup), 09 Apr (BIDS joins mybinder), 08 Apr
    rows = {str(r["month"]): int(r["posts"]) for r in run_query(reference_graph, "posts_per_month")}
    assert rows["2026-04"] == 3 and sum(rows.values()) == 28


def test_mentions_per_month_of_bids(reference_graph):
    rows = run_query(reference_graph, "mentions_per_month", entity="BIDS")
    assert "2026-04" in names(rows, "month")


def test_post_citations_celebration_cites_premier_member(reference_graph):
    rows = run_query(reference_graph, "post_citations")
    pairs = {(str(r["headline"]), str(r["citedHeadline"])) for r in rows}
    assert ("2i2c's submissions to JupyterCon 2025",
            "2i2c at JupyterCon 2025: Helping communities navigate the Infrastructure Trap") in pairs or \
        any(c.startswith("2i2c at JupyterCon 2025") for _, c in pairs)


def test_top_cited_sites_has_github(reference_graph):
    assert "github.com" in names(run_query(reference_graph, "top_cited_sites")[:3], "site")


def test_single_mentions_lists_zach_sailer(reference_graph):
    # Zach Sailer is named only in the meetup post
    assert "Zach Sailer" in names(run_query(reference_graph, "single_mentions"), "name")


def test_where_said_quotes_the_sentence(reference_graph):
    rows = run_query(reference_graph, "where_said", entity="Zach Sailer")
    assert any("for organizing this meetup" in str(r["quote"]) for r in rows)


def test_relations_and_members_and_people_by_org_and_connection_run_bound(reference_graph):
    assert "nbgitpuller" in names(run_query(reference_graph, "relations", relation="schema:maintainer"), "subjectName")
    rows = run_query(reference_graph, "connection", **{"from": "Jason Grout", "to": "GeoJupyter"})
    assert "named together in a post" in names(rows, "how")


# --- a second engine --------------------------------------------------------------------
@pytest.fixture(scope="module")
def oxstore(reference_graph):
    store = ox.Store()
    store.load(serialize(reference_graph, "nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _rows_rdflib(rows):
    return sorted(tuple("" if r[v] is None else canon_value(str(r[v])) for v in rows.vars) for r in rows)


def _rows_ox(sol, variables):
    return sorted(tuple("" if s[v] is None else canon_value(s[v].value) for v in variables) for s in sol)


@pytest.fixture(scope="module")
def memory_graph(reference_graph):
    """The reference graph copied into rdflib's own memory store, so rdflib's SPARQL engine runs."""
    from rdflib import Graph
    g = Graph()
    for t in reference_graph:
        g.add(t)
    for prefix, ns in reference_graph.namespaces():
        g.bind(prefix, ns)
    return g


@pytest.mark.parametrize("name", QUERIES)
def test_same_rows_under_rdflib_and_pyoxigraph(name, memory_graph, oxstore):
    q = bundled()[name]
    for params in ([{}] if not q.required else []) + [{p: PARAMS[p] for p in q.params}]:
        rows = run_query(memory_graph, name, terms=True, **params)
        from graphbuild.queries import bind_value
        subs = {ox.Variable(k): ox_term(bind_value(memory_graph, v)) for k, v in params.items()}
        sol = oxstore.query(q.text, substitutions=subs)
        assert _rows_rdflib(rows) == _rows_ox(sol, rows.vars), (name, params)


# --- parameters never become query text ---------------------------------------------------
@pytest.mark.parametrize("evil", ['"', "'", "} ; DROP ALL ; #", "> } INSERT DATA { <a> <b> <c> } #",
                                  '" } } ; CLEAR DEFAULT ; #', "\\", "{", "<x> } UNION { ?s ?p ?o }"])
@pytest.mark.parametrize("name,param", [("top_mentioned", "type"), ("entity_posts", "entity"),
                                        ("relations", "relation")])
def test_hostile_parameter_values_are_harmless(reference_graph, name, param, evil):
    before = len(reference_graph)
    try:
        rows = run_query(reference_graph, name, terms=True, **{param: evil})
        assert rows == [] or all(r[param] == Literal(evil) for r in rows)
    except QueryError as e:
        assert "No entity named" in str(e) or "must be one of" in str(e)
    assert len(reference_graph) == before


@pytest.mark.parametrize("text", ["DROP ALL", "INSERT DATA { <a:b> <a:c> <a:d> }", "CLEAR DEFAULT",
                                  "LOAD <http://example.org/x.ttl>", "DELETE WHERE { ?s ?p ?o }",
                                  "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"])
def test_updates_and_service_are_refused(reference_graph, text):
    with pytest.raises(QueryError, match="refused"):
        run_query(reference_graph, text)


def test_syntax_error_names_line_and_column(reference_graph, memory_graph):
    for g in (reference_graph, memory_graph):  # both engines
        with pytest.raises(QueryError, match=r"line 2, column \d+: 'WHERE \{ \?s \?p \}'"):
            run_query(g, "SELECT ?s\nWHERE { ?s ?p }")


def test_unknown_query_suggests_the_nearest(reference_graph):
    with pytest.raises(QueryError, match="Did you mean top_mentioned"):
        load_query("top_mentiond")


def test_unknown_parameter_lists_the_valid_ones(reference_graph):
    with pytest.raises(QueryError, match="Valid: type"):
        run_query(reference_graph, "top_mentioned", org="BIDS")


def test_ask_and_construct(reference_graph):
    assert run_query(reference_graph, "PREFIX schema: <https://schema.org/> ASK { ?p a schema:BlogPosting }") is True
    g = run_query(reference_graph, "PREFIX schema: <https://schema.org/> "
                  "CONSTRUCT { ?p schema:headline ?h } WHERE { ?p schema:headline ?h }")
    assert len(g) == 28


# --- output formats parse back with standard parsers -------------------------------------
@pytest.fixture(scope="module")
def rows(reference_graph):
    return run_query(reference_graph, "entity_posts", entity="BIDS")


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_sparql_results_formats_parse_back(rows, fmt):
    text = format_rows(rows, fmt)
    parsed = Result.parse(io.BytesIO(text.encode("utf-8")), format=fmt)
    assert [str(v) for v in parsed.vars] == rows.vars
    assert sorted(str(r[0]) for r in parsed) == sorted(str(r["entity"]) for r in rows)


def test_csv_with_the_csv_module_and_json_with_json(rows):
    table = list(csv.reader(io.StringIO(format_rows(rows, "csv"))))
    assert table[0] == rows.vars and len(table) == len(rows) + 1
    doc = json.loads(format_rows(rows, "json"))
    assert doc["head"]["vars"] == rows.vars and len(doc["results"]["bindings"]) == len(rows)


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_portable_terms_are_written_as_the_pyoxigraph_terms_they_stand_for(fmt):
    """The query worker formats the engine's portable terms without making pyoxigraph terms of them:
    the same text as from those terms (a language tag in lower case, UTC written Z)."""
    from graphbuild import sparql
    from graphbuild.results import format_results

    terms = [("uri", "https://ex.example/a?b=ü"), ("bnode", "b0"), ("literal", "plain", XSD + "string", None),
             ("literal", 'say "hi"\n\tnow', XSD + "string", None), ("literal", "Hallo", None, "DE-ch"),
             ("literal", "01", XSD + "integer", None), ("literal", "2026-01-01T00:00:00+00:00", XSD + "dateTime", None),
             ("literal", "2026-01-01T00:00:00+02:00", XSD + "dateTime", None), ("literal", "<b>x</b>", None, None), None]
    rows = [{"v": t, "w": terms[0]} for t in terms]
    as_ox = [{k: sparql.ox_term(t) for k, t in r.items()} for r in rows]
    assert format_results(rows, ["v", "w"], fmt) == format_results(as_ox, ["v", "w"], fmt)
    if fmt == "tsv":  # written by hand from the terms above
        assert format_results(rows[4:5] + rows[6:7], ["v"], fmt) == (
            '?v\n"Hallo"@de-ch\n"2026-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>\n')


def test_markdown_and_table(rows, reference_graph):
    md = format_rows(rows, "md", reference_graph)
    assert md.startswith("| entity |") and md.count("\n") == len(rows) + 2
    assert "org:" in format_rows(rows, "table", reference_graph)
    assert "org:" not in format_rows(rows, "table", reference_graph, full=True)


def test_co_mentions_lists_pairs_named_together_in_several_posts(reference_graph):
    # Jason Grout and GeoJupyter are both named in two posts (read in the feed)
    pairs = {frozenset((str(r["aName"]), str(r["bName"]))) for r in run_query(reference_graph, "co_mentions")}
    assert frozenset(("Jason Grout", "GeoJupyter")) in pairs


def test_members_of_the_jupyterhub_team(reference_graph):
    # "Jenny Wong has been invited to join the JupyterHub team as a contributor and maintainer."
    rows = run_query(reference_graph, "members_of", org="JupyterHub")
    assert "Jenny Wong" in names(rows, "name")
    assert any("join the JupyterHub team" in str(r["quote"]) for r in rows)


def test_people_by_organization_apple(reference_graph):
    # "Zach Sailer (Apple), for organizing this meetup."
    rows = run_query(reference_graph, "people_by_organization", org="Apple")
    assert names(rows, "personName") == {"Zach Sailer"}


@pytest.mark.parametrize("spelling", ["Person", "person", "people", "Persons", "schema:Person",
                                      "https://schema.org/Person", "<https://schema.org/Person>"])
def test_type_parameter_accepts_the_obvious_spellings(reference_graph, spelling):
    rows = run_query(reference_graph, "top_mentioned", type=spelling)
    assert rows and {r["type"] for r in rows} == {"https://schema.org/Person"}


@pytest.mark.parametrize("spelling,iri", [("organisation", "https://schema.org/Organization"),
                                          ("Organizations", "https://schema.org/Organization"),
                                          ("project", "http://usefulinc.com/ns/doap#Project")])
def test_type_parameter_accepts_british_and_plural_spellings(reference_graph, spelling, iri):
    assert {r["type"] for r in run_query(reference_graph, "top_mentioned", type=spelling)} == {iri}


def test_an_unknown_type_value_is_refused_with_the_allowed_ones(reference_graph):
    with pytest.raises(QueryError, match=r"\?type must be one of schema:Person, schema:Organization, doap:Project"):
        run_query(reference_graph, "top_mentioned", type="Movie")


def test_a_sparql_typo_gets_a_syntax_error_not_unknown_query(reference_graph):
    with pytest.raises(QueryError, match="syntax error") as e:
        run_query(reference_graph, "SELEC ?s WHERE { ?s ?p ?o }")
    assert "Unknown query" not in str(e.value)


def test_rows_are_plain_python_values_by_default_and_terms_on_request(reference_graph):
    import datetime
    from rdflib import URIRef
    plain = run_query(reference_graph, "posts_per_month")
    assert all(type(r["posts"]) is int for r in plain)
    post = run_query(reference_graph, "PREFIX schema: <https://schema.org/> "
                     "SELECT ?p ?d WHERE { ?p a schema:BlogPosting ; schema:datePublished ?d } LIMIT 1")[0]
    assert type(post["p"]) is str and isinstance(post["d"], datetime.datetime)
    terms = run_query(reference_graph, "posts_per_month", terms=True)
    assert isinstance(terms[0]["posts"], Literal) and terms[0]["posts"].toPython() == plain[0]["posts"]
    assert isinstance(run_query(reference_graph, "top_mentioned", terms=True)[0]["entity"], URIRef)
