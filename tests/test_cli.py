"""The command line, through click's CliRunner (and one real subprocess for python -m)."""
import re
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from graphbuild import __version__
from graphbuild.cli import cli

COMMANDS = sorted(cli.commands)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    r = CliRunner().invoke(cli, ["build", "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out, r.output


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    r = run(command, "--help")
    assert r.exit_code == 0 and "Example:" in r.output


def test_version():
    assert __version__ in run("--version").output


def test_build_prints_a_summary_and_writes_files(built):
    out, text = built
    assert "posts: 28" in text and "triples:" in text and "most mentioned:" in text and "time:" in text
    assert {p.name for p in out.iterdir()} == {"graph.ttl", "graph.html", "report.md", "report.html", ".graphbuild"}  # + --store
    assert "# Build report" in (out / "report.md").read_text()


def test_build_quiet_prints_nothing(tmp_path):
    r = run("build", "--out", tmp_path, "-q")
    assert r.exit_code == 0 and r.output == ""


def test_build_from_stdin(tmp_path, data_dir):
    r = run("build", "-", "--out", tmp_path, input=(data_dir / "atom.xml").read_bytes())
    assert r.exit_code == 0 and "posts: 2" in r.output


def test_build_of_a_missing_file_is_one_line_and_exit_1(tmp_path):
    r = run("build", tmp_path / "nope.xml", "--out", tmp_path)
    assert r.exit_code == 1
    assert r.output.strip().startswith("Error:") and "nope.xml" in r.output and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "graph.ttl").exists()


def test_build_strict_fails_on_skipped_items(tmp_path, data_dir):
    r = run("build", data_dir / "rss2.xml", "--out", tmp_path, "--strict", "-q")
    assert r.exit_code == 3 and "no http(s) link" in r.output


def test_query_formats(built):
    out, _ = built
    g = out / "graph.ttl"
    r = run("query", "top_mentioned", "--graph", g, "--format", "json", "--limit", "3")
    assert r.exit_code == 0 and len(json.loads(r.output)["results"]["bindings"]) == 3
    r = run("query", "entity_posts", "--graph", g, "-p", "entity=BIDS", "--format", "csv")
    assert r.exit_code == 0 and r.output.startswith("entity,post,headline,date,quote")


def test_query_ask_exit_codes(built):
    g = built[0] / "graph.ttl"
    yes = run("query", "PREFIX schema: <https://schema.org/> ASK { ?p a schema:BlogPosting }", "--graph", g)
    no = run("query", "PREFIX schema: <https://schema.org/> ASK { ?p a schema:Movie }", "--graph", g)
    assert (yes.exit_code, yes.output.strip(), no.exit_code, no.output.strip()) == (0, "yes", 1, "no")


def test_query_errors_are_one_line(built):
    g = built[0] / "graph.ttl"
    for args in (["top_mentiond"], ["top_mentioned", "-p", "org=x"], ["SELECT * WHERE { ?s ?p }"], ["DROP ALL"]):
        r = run("query", *args, "--graph", g)
        assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_queries_lists_names_and_params():
    r = run("queries")
    assert "top_mentioned" in r.output and "[?entity]" in r.output


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig", "graphml"])
def test_export_formats(built, tmp_path, fmt):
    r = run("export", "--graph", built[0] / "graph.ttl", "--format", fmt, "--out", tmp_path / f"g.{fmt}")
    assert r.exit_code == 0 and (tmp_path / f"g.{fmt}").stat().st_size > 1000


def test_viz_focus_writes_an_ego_page(built, tmp_path):
    r = run("viz", "--graph", built[0] / "graph.ttl", "--focus", "Jason Grout", "--out", tmp_path / "ego.html")
    assert r.exit_code == 0 and (tmp_path / "ego.html").exists()
    r = run("viz", "--graph", built[0] / "graph.ttl", "--focus", "Nobody At All", "--out", tmp_path / "x.html")
    assert r.exit_code == 1 and "No entity named" in r.output


def test_extractors_lists_the_registry():
    assert "links" in run("extractors").output


def test_python_dash_m_runs_the_cli():
    r = subprocess.run([sys.executable, "-m", "graphbuild", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and __version__ in r.stdout


def test_explain_shows_aliases_relations_and_quotes(built):
    r = run("explain", "BIDS", "--graph", built[0] / "graph.ttl")
    assert r.exit_code == 0
    assert r.output.startswith("Berkeley Institute for Data Science")
    assert "also called: BIDS" in r.output
    conf = float(re.search(r"^confidence: ([\d.]+)$", r.output, re.M).group(1))
    assert 0.8 <= conf <= 1  # linked, defined by its acronym, named in several posts
    # the mybinder post: "The Berkeley Institute for Data Science (BIDS) has joined the mybinder.org federation"
    assert "has joined the mybinder.org federation" in r.output
    assert run("explain", "Nobody Here", "--graph", built[0] / "graph.ttl").exit_code == 1


@pytest.mark.parametrize("name", sorted(__import__("graphbuild.queries", fromlist=["bundled"]).bundled()))
def test_cli_fast_path_answers_like_the_library(built, name):
    """`graphbuild query` on a file runs on pyoxigraph alone; the answers are run_query's."""
    from graphbuild.export import read_graph
    from graphbuild.fastquery import query_file
    from graphbuild.queries import bundled, format_rows, run_query
    from test_queries import PARAMS
    g = read_graph(built[0] / "graph.ttl")
    params = {p: PARAMS[p] for p in bundled()[name].params}
    fast, _ = query_file(built[0] / "graph.ttl", name, params, fmt="tsv")
    assert fast == format_rows(run_query(g, name, **params), "tsv")


TIDE_POOL_FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Tide Pool Society notes</title><link>https://tide.example/</link>
<item><title>Spring survey</title><link>https://tide.example/spring/</link>
<pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate><description>Counting anemones.</description></item>
<item><title>Winter survey</title><link>https://tide.example/winter/</link>
<pubDate>Mon, 15 Jan 2024 10:00:00 GMT</pubDate><description>Counting crabs.</description></item>
</channel></rss>"""


def _heading(page: str) -> tuple[str, str]:
    import re
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    return title, re.search(r'id="subtitle">([^<]*)<', page).group(1)


def test_viz_of_a_graph_file_keeps_the_builds_title_and_subtitle(tmp_path):
    feed = tmp_path / "tide.xml"
    feed.write_text(TIDE_POOL_FEED)
    assert run("build", feed, "--out", tmp_path / "b", "-q").exit_code == 0
    r = run("viz", "--graph", tmp_path / "b" / "graph.ttl", "--out", tmp_path / "again.html")
    assert r.exit_code == 0, r.output
    expected = ("graphbuild: Tide Pool Society notes", "2 posts from 1 feed, newest post 2024-05-03")
    assert _heading((tmp_path / "b" / "graph.html").read_text()) == expected
    assert _heading((tmp_path / "again.html").read_text()) == expected


def test_export_and_viz_of_another_graph_write_beside_it_not_over_the_last_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("build", "-q").exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "output").iterdir() if p.is_file()}
    elsewhere = tmp_path / "elsewhere"
    feed = tmp_path / "tide.xml"
    feed.write_text(TIDE_POOL_FEED)
    assert run("build", feed, "--out", elsewhere, "-q").exit_code == 0
    other = elsewhere / "tide.ttl"
    (elsewhere / "graph.ttl").rename(other)
    assert run("export", "--graph", other, "--format", "nt").exit_code == 0
    assert run("viz", "--graph", other).exit_code == 0
    assert run("viz", "--graph", other, "--focus", "https://tide.example/spring/").exit_code == 0
    assert (elsewhere / "tide.nt").exists() and (elsewhere / "tide.html").exists()
    assert [p.name for p in elsewhere.glob("tide-ego-*.html")]
    assert {p.name: p.read_bytes() for p in (tmp_path / "output").iterdir() if p.is_file()} == before
    r = run("export", "--graph", other)  # Turtle beside tide.ttl would be tide.ttl itself
    assert r.exit_code == 2 and "--out" in r.output
    assert run("viz", "--feed", feed).exit_code == 0 and (tmp_path / "output" / "tide.html").exists()
    assert {p.name: p.read_bytes() for p in (tmp_path / "output").iterdir() if p.is_file() and p.name != "tide.html"} == before


def test_export_of_the_last_build_still_defaults_to_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("build", "-q").exit_code == 0
    assert run("export", "--format", "nt").exit_code == 0
    assert (tmp_path / "output" / "graph.nt").exists()


def test_summary_report_and_page_count_the_same_posts_when_one_is_skipped(tmp_path):
    # three items, the third repeats the first one's link: two posts
    feed = tmp_path / "dup.xml"
    feed.write_text(TIDE_POOL_FEED.replace("</channel>", "<item><title>Spring survey again</title>"
                                           "<link>https://tide.example/spring/</link></item></channel>"))
    r = run("build", feed, "--out", tmp_path / "b")
    assert r.exit_code == 0, r.output
    assert "posts: 2 " in r.output
    assert "| posts | 2 |" in (tmp_path / "b" / "report.md").read_text()
    assert _heading((tmp_path / "b" / "graph.html").read_text())[1].startswith("2 posts ")


def test_dir_of_the_package_lists_the_public_api():
    import graphbuild
    assert {"build_graph", "run_query", "to_pyvis", "write_html", "show", "__version__"} <= set(dir(graphbuild))


def test_tables_never_cut_iris_and_full_cuts_nothing(tmp_path):
    long_title = "A survey of every tide pool along the northern coast, counted by volunteers each spring and autumn"
    long_link = "https://tide.example/" + "very-long-path-segment/" * 4 + "spring/"
    feed = tmp_path / "tide.xml"
    feed.write_text(TIDE_POOL_FEED.replace("<title>Spring survey</title>", f"<title>{long_title}</title>")
                    .replace("https://tide.example/spring/", long_link))
    assert run("build", feed, "--out", tmp_path / "b", "-q").exit_code == 0
    q = "PREFIX schema: <https://schema.org/> SELECT ?p ?h WHERE { ?p schema:headline ?h }"
    table = run("query", q, "--graph", tmp_path / "b" / "graph.ttl").output
    assert f"<{long_link}>" in table            # the IRI whole, though longer than a column
    assert long_title not in table and long_title[:40] in table and "…" in table  # the literal cut
    full = run("query", q, "--graph", tmp_path / "b" / "graph.ttl", "--full").output
    assert long_title in full and long_link in full


@pytest.mark.parametrize("args,code", [
    (["query", "--graph", "{d}", "top_mentioned"], 1),   # a folder where a graph file is named
    (["build", "{d}"], 1),                               # a folder where a feed is named
    (["export", "--graph", "{d}/missing.ttl", "--format", "nt"], 1),
    (["validate", "{d}/missing.ttl"], 1),
    (["query", "SELEC ?s WHERE {{ ?s ?p ?o }}", "--graph", "{g}"], 1),  # SPARQL syntax error
    (["query", "no_such_query", "--graph", "{g}"], 1),
    (["query", "top_mentioned", "--param", "type=Movie", "--graph", "{g}"], 1),
    (["build", "--no-such-option"], 2),
    (["query"], 2),
    (["export", "--format", "rdfxml"], 2),
])
def test_one_exit_code_rule_2_for_a_malformed_command_line_1_for_unusable_inputs(built, tmp_path, args, code):
    r = run(*[a.format(d=tmp_path, g=built[0] / "graph.ttl") for a in args])
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output


def test_a_repeated_param_binds_every_value(built):
    g = built[0] / "graph.ttl"
    both = run("query", "top_mentioned", "--param", "type=Person", "--param", "type=Project", "--graph", g,
               "--format", "csv").output
    people = run("query", "top_mentioned", "--param", "type=Person", "--graph", g, "--format", "csv").output
    projects = run("query", "top_mentioned", "--param", "type=Project", "--graph", g, "--format", "csv").output
    rows = lambda text: set(text.splitlines()[1:])
    assert rows(both) == rows(people) | rows(projects) and rows(people) and rows(projects)


def test_explain_reads_relations_the_way_people_say_them(tmp_path):
    feed = tmp_path / "f.xml"
    feed.write_text("""<rss version="2.0"><channel><title>Harbor notes</title><link>https://harbor.example/</link>
<item><title>News</title><link>https://harbor.example/news/</link><description>&lt;p&gt;The Tidewater
Project is funded by the Marlin Foundation.&lt;/p&gt;</description></item></channel></rss>""")
    assert run("build", feed, "--out", tmp_path / "b", "-q").exit_code == 0
    out = run("explain", "Marlin Foundation", "--graph", tmp_path / "b" / "graph.ttl").output
    assert "Tidewater Project funded by Marlin Foundation" in out and "schema:funder" not in out


def test_explain_counts_only_the_posts_that_name_an_entity(tmp_path):
    feed = tmp_path / "f.xml"  # the repository's owner is implied by the link, not named
    feed.write_text("""<rss version="2.0"><channel><title>Harbor notes</title><link>https://harbor.example/</link>
<item><title>News</title><link>https://harbor.example/news/</link><description>&lt;p&gt;We released
&lt;a href="https://github.com/gullwing/tidecounter"&gt;tidecounter&lt;/a&gt; today.&lt;/p&gt;</description></item>
</channel></rss>""")
    assert run("build", feed, "--out", tmp_path / "b", "-q").exit_code == 0
    out = run("explain", "gullwing", "--graph", tmp_path / "b" / "graph.ttl").output
    assert "mentioned in 0 posts" in out and "implied by 1 post" in out
    import io
    import networkx as nx
    r = run("export", "--graph", tmp_path / "b" / "graph.ttl", "--format", "graphml", "--out", tmp_path / "g.graphml")
    assert r.exit_code == 0
    G = nx.read_graphml(tmp_path / "g.graphml")
    owner = next(d for _, d in G.nodes(data=True) if d.get("label") == "gullwing")
    assert owner["mentions"] == 0  # the same count as explain's


def test_listing_queries_does_not_import_rdflib():
    code = ("import sys; from click.testing import CliRunner; from graphbuild.cli import cli; "
            "r = CliRunner().invoke(cli, ['queries']); assert r.exit_code == 0 and 'top_mentioned' in r.output; "
            "print('rdflib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("args, says", [
    ([b"explain", b"Ada \xff"], "is not text: it holds bytes that are not UTF-8"),
    ([b"query", b"entity_posts", b"-p", b"entity=\xff\xfe"], "is not text: it holds bytes that are not UTF-8"),
    ([b"viz", b"--focus", b"\xffx"], "No entity named"),  # looked up by name, not bound to a literal
])
def test_bytes_of_the_command_line_that_are_not_utf8_are_one_clear_error(built, tmp_path, args, says):
    """A terminal in another encoding can pass bytes that are not UTF-8: Python keeps them as
    surrogates, which no RDF literal can hold. One line saying so, exit 1, no traceback."""
    p = subprocess.run([sys.executable, "-m", "graphbuild", *args, b"--graph", str(built[0] / "graph.ttl").encode()],
                       capture_output=True, cwd=tmp_path, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 1, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert says in err


def test_query_on_a_trig_file_sees_the_triples_of_its_named_graphs_too(tmp_path):
    (tmp_path / "g.trig").write_text("<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> .\n"
                                     "<http://ex.org/g> { <http://ex.org/a> <http://ex.org/p> <http://ex.org/c> . }\n")
    r = CliRunner().invoke(cli, ["query", "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "--graph",
                                 str(tmp_path / "g.trig"), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output.split() == ["o", "http://ex.org/b", "http://ex.org/c"]


def test_query_on_a_file_that_is_not_turtle_is_one_line_naming_it(tmp_path):
    (tmp_path / "g.ttl").write_text("<http://ex.org/a> <http://ex.org/p> .\n")
    r = CliRunner().invoke(cli, ["query", "top_mentioned", "--graph", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1
    assert re.fullmatch(r"Error: \S*g\.ttl: cannot read as Turtle \(Parser error at line 1[^\n]*\)\n", r.output)


def test_builds_in_one_process_do_not_keep_each_others_garbage(tmp_path):
    """The command freezes what a build made while it writes the outputs (gc.freeze: the collector
    does not walk it again and again); a process that goes on building (a test run) must not keep
    every build's cycles frozen: each build lets the last one's go. Without that, every build of
    the bundled feed left about 5,000 more objects frozen for good."""
    import gc

    from graphbuild import cli as cli_module

    counts = []
    try:
        for i in range(4):
            r = CliRunner().invoke(cli, ["build", "--out", str(tmp_path / f"out{i}"), "-q", "--fresh"])
            assert r.exit_code == 0, r.output
            counts.append(gc.get_freeze_count())
        assert counts[1] > 0  # the build froze what it made
        assert counts[3] - counts[1] < 2_000, counts  # and the later builds did not pile up the earlier ones'
    finally:
        cli_module._thaw()
