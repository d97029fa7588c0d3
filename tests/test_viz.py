"""The interactive page in a real browser: Debian's Chromium driven by Playwright, offline."""
from pathlib import Path

import pytest

from conftest import DATA, ROOT, need_tool
from graphbuild.graph import build_graph
from graphbuild.viz import render_html, to_pyvis, write_html

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = need_tool("chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=chromium, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 900})
        yield ctx
        ctx.close()


class Page:
    """A page opened from file:// with every other request blocked and counted."""

    def __init__(self, ctx, path: Path):
        self.page = ctx.new_page()
        self.errors, self.blocked, self.dialogs = [], [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()
        self.page.route("**/*", route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.graphbuild && window.graphbuild.state.stabilized", timeout=60000)

    def js(self, expr):
        return self.page.evaluate(expr)


@pytest.fixture(scope="module")
def ref_page(browser, reference_graph, tmp_path_factory):
    path = write_html(to_pyvis(reference_graph), tmp_path_factory.mktemp("page") / "graph.html", title="reference")
    page = Page(browser, path)
    yield page
    page.page.close()


def test_page_loads_offline_with_no_errors_and_no_requests(ref_page):
    assert ref_page.errors == [] and ref_page.blocked == []


def test_page_is_self_contained(reference_graph):
    html = render_html(to_pyvis(reference_graph))
    import re
    assert not re.search(r"<script[^>]*\ssrc=|<link[^>]*\shref=|<img[^>]*\ssrc=|@import", html)


def feed_items(path: Path) -> int:
    """Posts in a feed file, counted from the XML itself (not by the code under test)."""
    from lxml import etree
    return len(etree.parse(str(path)).findall(".//item"))


def typed_entities(g) -> int:
    """Entities in the graph, counted by one SPARQL query (not by to_networkx or the page code)."""
    q = """PREFIX schema: <https://schema.org/> PREFIX doap: <http://usefulinc.com/ns/doap#>
    PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?t .
    FILTER (?t IN (schema:Person, schema:Organization, doap:Project, foaf:Agent)) }"""
    return int(next(iter(g.query(q)))[0])


def boxes_overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def assert_labels_fit(page, max_labels=150):
    labels = page.js("window.graphbuild.labels()")
    assert 0 < len(labels) <= max_labels
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not boxes_overlap(a, b), (a["text"], b["text"])
    return labels


def test_datasets_hold_what_the_feed_says_and_posts_start_hidden(ref_page, reference_graph):
    posts = feed_items(ROOT / "graphbuild" / "data" / "2i2c-community.xml")
    assert posts == 28
    ents = typed_entities(reference_graph)
    assert ref_page.js("window.graphbuild.nodes.get({filter: n => n.kind === 'Post'}).length") == posts
    assert ref_page.js("window.graphbuild.nodes.length") == ents + posts
    assert ref_page.js("window.graphbuild.nodeView.length") == ents  # posts: one toggle, off at first
    assert ref_page.page.inner_text("label:has(#showPosts)").strip() == f"posts ({posts})"


def test_page_opens_laid_out_from_python_positions(ref_page):
    assert ref_page.js("window.graphbuild.network.physics.options.enabled") is False
    moved = ref_page.js("""(() => { const g = window.graphbuild, pos = g.network.getPositions();
        return g.nodeView.get().filter(n => typeof n.x !== 'number' || !pos[n.id]
            || Math.abs(pos[n.id].x - n.x) > 0.5 || Math.abs(pos[n.id].y - n.y) > 0.5).length; })()""")
    assert moved == 0
    assert ref_page.js("window.graphbuild.nodes.get().every(n => Number.isFinite(n.x) && Number.isFinite(n.y))")


def test_nodes_coloured_by_community_and_legend_explains_colour_shape_size(ref_page):
    legend = ref_page.page.inner_text("#legend")
    assert "Colour: community" in legend and "Shape: type" in legend and "Size: number of posts" in legend
    # the community holding the most mentioned entity (2i2c, named in 18 of the 28 posts) is named after it
    names = ref_page.js("[...document.querySelectorAll('#legend button.community')].map(b => b.textContent)")
    assert any(n.split(",")[0] == "2i2c" or ", 2i2c" in n for n in names)
    colours = ref_page.js("new Set(window.graphbuild.nodes.get({filter: n => n.kind !== 'Post'}).map(n => n.community)).size")
    assert colours > 1


def test_labels_only_where_they_fit_hubs_first(ref_page, reference_graph):
    labels = assert_labels_fit(ref_page)
    shown = {b["text"] for b in labels}
    assert "2i2c" in shown  # the most mentioned entity of the feed (18 posts) is a hub: always labelled
    visible = ref_page.js("window.graphbuild.nodeView.length")
    assert len(labels) < visible  # not every node is labelled at the first zoom
    # a node whose label is hidden at first gets it when zoomed in on
    hidden_id = ref_page.js("""(() => { const g = window.graphbuild, on = new Set(g.labels().map(b => b.id));
        return g.nodeView.get().filter(n => !on.has(n.id)).sort((a, b) => a.rank - b.rank)[0].id; })()""")
    ref_page.js(f"""(() => {{ const g = window.graphbuild; g.network.moveTo({{position: g.network.getPosition({hidden_id!r}), scale: 6}});
        g.network.redraw(); }})()""")
    ref_page.page.wait_for_timeout(100)
    assert hidden_id in {b["id"] for b in assert_labels_fit(ref_page)}
    ref_page.js("window.graphbuild.network.fit({animation: false})")


def test_co_mention_links_thinned_with_a_control_for_more(ref_page):
    few = ref_page.js("window.graphbuild.edgeView.get({filter: e => e.kind === 'co-mention'}).length")
    ref_page.page.select_option("#links", "0")
    every = ref_page.js("window.graphbuild.edgeView.get({filter: e => e.kind === 'co-mention'}).length")
    all_in_data = ref_page.js("window.graphbuild.edges.get({filter: e => e.kind === 'co-mention'}).length")
    assert few < every == all_in_data
    ref_page.page.select_option("#links", "2")


def test_search_bids_focuses_berkeley_institute_and_card_lists_posts(ref_page):
    ref_page.page.fill("#search", "BIDS")
    ref_page.page.press("#search", "Enter")
    selected = ref_page.js("window.graphbuild.network.getSelectedNodes()")
    assert len(selected) == 1
    label = ref_page.js(f"window.graphbuild.nodes.get({selected[0]!r}).fullname")
    assert label == "Berkeley Institute for Data Science"
    card = ref_page.page.inner_text("#card")
    assert "BIDS" in card  # alias
    # linked, defined by its acronym and named in several posts: a confident node, shown on its card
    conf = ref_page.js(f"window.graphbuild.nodes.get({selected[0]!r}).confidence")
    assert 0.8 <= conf <= 1 and f"confidence {conf:.2f}" in card
    assert "community:" in card
    # the BIDS mybinder post links the BIDS collaborator page (read in the feed)
    assert "BIDS joins the mybinder.org federation with help from 2i2c" in card
    links = ref_page.js("[...document.querySelectorAll('#card a')].map(a => a.href)")
    assert "https://deploy-preview-612--2i2c-org.netlify.app/blog/bids-mybinder-federation/" in links


def test_clicking_a_node_shows_its_card(ref_page):
    ref_page.page.keyboard.press("Escape")  # close the search box's suggestion list, if open
    ref_page.page.click("#title")
    ref_page.page.wait_for_timeout(600)  # let an earlier focus animation finish
    x, y = ref_page.js("""(() => { const g = window.graphbuild; const id = g.find('Jason Grout');
        g.network.moveTo({position: g.network.getPosition(id), scale: 2.5});
        const r = document.getElementById('graph').getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2]; })()""")
    ref_page.page.mouse.click(x, y)
    assert ref_page.page.inner_text("#card h2") == "Jason Grout"
    assert "Posts that mention it" in ref_page.page.inner_text("#card")


def test_one_posts_toggle_and_type_filter(ref_page):
    assert ref_page.js("document.querySelectorAll('input[data-kind=\"Post\"]').length") == 0
    before = ref_page.js("window.graphbuild.nodeView.length")
    ref_page.page.check("#showPosts")
    assert ref_page.js("window.graphbuild.nodeView.length") == before + 28
    kinds = ref_page.js("[...new Set(window.graphbuild.edgeView.get().map(e => e.kind))]")
    assert "mentions" in kinds and "co-mention" not in kinds
    ref_page.page.uncheck("#showPosts")
    assert ref_page.js("window.graphbuild.nodeView.length") == before
    ref_page.page.uncheck('#legend input[data-kind="Project"]')
    assert ref_page.js("window.graphbuild.nodeView.get({filter: n => n.kind === 'Project'}).length") == 0
    ref_page.page.check('#legend input[data-kind="Project"]')
    ref_page.page.fill("#minMentions", "3")
    ref_page.page.dispatch_event("#minMentions", "input")
    assert all(n >= 3 for n in ref_page.js(
        "window.graphbuild.nodeView.get({filter: n => n.kind !== 'Post'}).map(n => n.mentions)"))
    ref_page.page.fill("#minMentions", "0")
    ref_page.page.dispatch_event("#minMentions", "input")


def test_hostile_feed_runs_no_script_and_shows_text_literally(browser, tmp_path):
    g = build_graph([DATA / "hostile" / "xss.xml"])
    path = write_html(to_pyvis(g), tmp_path / "xss.html", title="<script>alert('t')</script>")
    page = Page(browser, path)
    assert page.dialogs == [] and page.errors == [] and page.blocked == []
    # the only SVG is the charts panel's, written by graphbuild (feed text inside it escaped)
    assert page.js("document.querySelectorAll('img, svg:not(.chart), b, iframe').length") == 0
    assert page.js("document.querySelectorAll('#charts svg.chart').length") == 2
    assert page.js("document.scripts.length") == 4  # data, cards' data, vis-network, the page's own code
    assert page.page.inner_text("#title") == "<script>alert('t')</script>"
    page.js("window.graphbuild.focus(window.graphbuild.find(\"<img src=x onerror=alert('creator')>\"))")
    assert page.page.inner_text("#card h2") == "<img src=x onerror=alert('creator')>"
    hrefs = page.js("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    page.page.wait_for_timeout(300)
    assert page.dialogs == []
    page.page.close()


def test_large_graph_starts_from_the_most_mentioned(reference_graph):
    net = to_pyvis(reference_graph, max_nodes=10)
    assert net.graphbuild["entities"] == 10 and net.graphbuild["left_out"] > 0


@pytest.mark.parametrize("max_nodes", [5, 12, 40, 10_000])
@pytest.mark.parametrize("co_edges", [4000, 7])
def test_the_page_from_co_mentions_kept_apart_is_the_same_page(reference_graph, max_nodes, co_edges, monkeypatch):
    """The build gives the page its networkx form without co-mention edges (a million at 10,000
    posts) and the co-mentions apart; only those the page draws become edges, in the same places
    (``co_edges``: a cap on the co-mentions drawn that leaves most of them out)."""
    from graphbuild import viz
    from graphbuild.network import read_network, to_networkx

    monkeypatch.setattr(viz, "MAX_CO_EDGES", co_edges)
    whole = to_pyvis(to_networkx(reference_graph), max_nodes=max_nodes)
    G, pairs = read_network(reference_graph)
    apart = to_pyvis(G, pairs=pairs, max_nodes=max_nodes)
    assert apart.nodes == whole.nodes
    # an edge's id is its place among the networkx graph's edges (the page numbers them itself)
    assert [{**e, "id": ""} for e in apart.edges] == [{**e, "id": ""} for e in whole.edges]
    assert viz._compact(apart.nodes, apart.edges) == viz._compact(whole.nodes, whole.edges)
    assert apart.cards == whole.cards and apart.charts == whole.charts and apart.graphbuild == whole.graphbuild
    drawn = sum(e["kind"] == "co-mention" for e in whole.edges)
    assert drawn > 5 and (drawn <= co_edges)
    assert (whole.graphbuild["left_out"] > 0) == (max_nodes < 100)


GROUT_NEIGHBOURS = """PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?n WHERE { ?e schema:name "Jason Grout" .
  { ?n schema:mentions ?e } UNION { ?p schema:mentions ?e , ?n . FILTER (?n != ?e) }
  UNION { ?e ?rel ?n . ?st a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?e ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?n }
  UNION { ?n ?rel ?e . ?st a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?n ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?e }
  UNION { ?e schema:citation ?n . ?n a schema:BlogPosting } UNION { ?n schema:citation ?e } }"""


def test_ego_page_of_the_readme_example_draws_the_focus_and_its_neighbours(browser, reference_graph, tmp_path):
    from graphbuild.queries import find_entity
    from graphbuild.viz import page_heading
    center = str(find_entity(reference_graph, "Jason Grout"))
    expected = {center} | {str(r[0]) for r in reference_graph.query(GROUT_NEIGHBOURS)}
    net = to_pyvis(reference_graph, focus=center)  # depth 1 by default
    assert {n["id"] for n in net.nodes} == expected
    title, subtitle = page_heading(reference_graph, center)
    assert "Jason Grout" in title
    page = Page(browser, write_html(net, tmp_path / "ego.html", title, subtitle))
    assert page.errors == []
    assert page.js("window.graphbuild.network.getSelectedNodes()") == [center]
    assert page.page.inner_text("#card h2") == "Jason Grout"
    assert "Jason Grout" in page.page.inner_text("#title")
    # centred: the focus is drawn in the middle of the graph area
    x, y, w, h = page.js(f"""(() => {{ const g = window.graphbuild, p = g.network.canvasToDOM(g.network.getPosition({center!r})),
        c = document.getElementById('graph'); return [p.x, p.y, c.clientWidth, c.clientHeight]; }})()""")
    assert abs(x - w / 2) < 3 and abs(y - h / 2) < 3
    # highlighted: a thick border, its label drawn first
    assert page.js(f"window.graphbuild.nodes.get({center!r}).borderWidth") >= 3
    assert page.js("window.graphbuild.labels()[0].text") == "Jason Grout"
    assert_labels_fit(page)
    page.page.close()


@pytest.fixture(scope="module")
def big_feed(tmp_path_factory):
    """A generated feed (benchmarks/gen_feed.py) big enough that communities start as clusters."""
    import sys
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_feed import generate
    path = tmp_path_factory.mktemp("big") / "feed.xml"
    path.write_text(generate(30, seed=5), encoding="utf-8")  # 30 posts: about 500 entities, over CLUSTER_ABOVE
    return path


@pytest.fixture(scope="module")
def big_page(browser, big_feed, tmp_path_factory):
    g = build_graph([big_feed], analysis=False)  # the page finds its communities itself
    path = write_html(to_pyvis(g), tmp_path_factory.mktemp("bigpage") / "graph.html", title="big")
    page = Page(browser, path)
    yield page, g
    page.page.close()


def test_large_page_opens_with_communities_as_clusters(big_page, big_feed):
    page, g = big_page
    assert page.errors == [] and page.blocked == []
    ents, posts = typed_entities(g), feed_items(big_feed)
    assert posts == 30
    assert page.js("window.graphbuild.nodes.get({filter: n => !n.isCluster}).length") == ents + posts
    drawn = page.js("window.graphbuild.network.body.nodeIndices.length")
    clusters = page.js("window.graphbuild.network.body.nodeIndices.filter(id => window.graphbuild.isCluster(id)).length")
    assert clusters >= 2 and drawn < ents / 5
    labels = assert_labels_fit(page)
    assert all(b["id"].startswith("cluster:") for b in labels[:clusters])


def test_clicking_a_cluster_opens_it(big_page):
    page, _ = big_page
    cid, x, y = page.js("""(() => { const g = window.graphbuild, n = g.network;
        const id = n.body.nodeIndices.filter(i => g.isCluster(i))[0]; const p = n.canvasToDOM(n.getPosition(id));
        const r = document.getElementById('graph').getBoundingClientRect(); return [id, r.left + p.x, r.top + p.y]; })()""")
    inside = page.js(f"window.graphbuild.clusterMembers({cid!r}).length")
    before = page.js("window.graphbuild.network.body.nodeIndices.length")
    page.page.mouse.click(x, y)
    assert page.js(f"window.graphbuild.network.body.nodeIndices.includes({cid!r})") is False
    assert page.js("window.graphbuild.network.body.nodeIndices.length") == before - 1 + inside
    assert "Members, most central first" in page.page.inner_text("#card")
    assert_labels_fit(page)


def test_search_reaches_a_node_inside_a_cluster(big_page, big_feed):
    import re
    page, _ = big_page
    page.page.click("#regroup")
    # people linked to their author pages in the generated feed (read from the feed text)
    from lxml import etree
    html = " ".join(d.text or "" for d in etree.parse(str(big_feed)).iter("description"))
    names = re.findall(r'/author/[a-z0-9-]+/">([A-Za-z ]+)</a>', html)
    assert names
    target = None
    for name in dict.fromkeys(names):
        nid = page.js(f"window.graphbuild.find({name!r})")
        if nid and page.js(f"window.graphbuild.nodes.get({nid!r}).fullname") == name and \
                page.js(f"window.graphbuild.inClosedCommunity({nid!r})"):
            target = (name, nid)
            break
    assert target, "no person of the feed is inside a closed community"
    page.page.fill("#search", target[0])
    page.page.press("#search", "Enter")
    assert page.js("window.graphbuild.network.getSelectedNodes()") == [target[1]]
    assert page.js(f"window.graphbuild.inClosedCommunity({target[1]!r})") is False
    assert page.page.inner_text("#card h2") == target[0]


def test_outputs_are_the_same_whatever_the_hash_seed(tmp_path):
    import os
    import subprocess
    import sys
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        # both commands in one process per seed (one interpreter start and import instead of two)
        both = ("from graphbuild.cli import cli\n"
                f"cli.main(['build', '--out', {str(out)!r}, '-q'], standalone_mode=False)\n"
                f"cli.main(['viz', '--graph', {str(out / 'graph.ttl')!r}, '--focus', 'Jason Grout', '--out', "
                f"{str(out / 'ego.html')!r}], standalone_mode=False)\n")
        subprocess.run([sys.executable, "-c", both], check=True, env=env, capture_output=True)
        outs.append({f: (out / f).read_bytes() for f in ("graph.ttl", "graph.html", "report.md", "report.html", "ego.html")})
    assert outs[0] == outs[1]


def test_notebook_display_is_an_iframe_srcdoc(reference_graph):
    pytest.importorskip("IPython")
    from graphbuild.viz import show
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no IPython "Consider using IFrame" warning in normal use
        shown = show(reference_graph)
    html = shown._repr_html_()
    assert html == shown.data and html.startswith("<iframe srcdoc=") and "&lt;script" in html


def test_charts_panel_shows_posts_and_mentions_per_month(browser, tmp_path):
    """tests/data/charts.xml, read by hand: posts in 2024-01 (2), 2024-03 (1), 2024-04 (1); Ada Lovelace
    named in both January posts and the March one, Mary Somerville in March and April."""
    g = build_graph([DATA / "charts.xml"], analysis=False)
    page = Page(browser, write_html(to_pyvis(g), tmp_path / "charts.html", title="charts"))
    assert page.errors == [] and page.blocked == []
    assert not page.page.is_visible("#charts svg.chart")  # a closed panel at first: the graph comes first
    page.page.click("#chartsBox summary")
    assert page.page.is_visible("#charts svg[data-chart=posts]") and page.page.is_visible("#charts svg[data-chart=mentions]")
    bars = page.js("[...document.querySelectorAll('#charts rect.bar')].map(b => [b.dataset.month, +b.dataset.value])")
    assert bars == [["2024-01", 2], ["2024-02", 0], ["2024-03", 1], ["2024-04", 1]]
    heights = page.js("[...document.querySelectorAll('#charts rect.bar')].map(b => b.getBoundingClientRect().height)")
    assert heights[0] > heights[2] == heights[3] > heights[1] == 0  # drawn to scale: January twice March
    series = page.js("""Object.fromEntries([...document.querySelectorAll('#charts g.series')].map(s => [s.dataset.name,
        [...s.querySelectorAll('circle.point')].map(c => [c.dataset.month, +c.dataset.value])]))""")
    assert series["Ada Lovelace"] == [["2024-01", 2], ["2024-03", 1]]
    assert series["Mary Somerville"] == [["2024-03", 1], ["2024-04", 1]]
    assert list(series)[0] == "Ada Lovelace"  # the most mentioned first
    assert "Ada Lovelace, 2024-01: 2 posts" in page.js("document.querySelector('#charts g.series circle title').textContent")
    page.page.close()


def test_report_html_has_the_charts_and_tables(browser, tmp_path):
    from click.testing import CliRunner
    from graphbuild.cli import cli
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["build", str(DATA / "charts.xml"), "--out", str(out), "--no-html", "-q"])
    assert res.exit_code == 0, res.output
    assert (out / "report.md").exists() and (out / "report.html").exists()
    page = browser.new_page()
    page.goto((out / "report.html").as_uri())
    bars = page.evaluate("[...document.querySelectorAll('#posts-chart rect.bar')].map(b => +b.dataset.value)")
    assert bars == [2, 0, 1, 1]
    names = page.evaluate("[...document.querySelectorAll('#mentions-chart g.series')].map(s => s.dataset.name)")
    assert names[:2] == ["Ada Lovelace", "Mary Somerville"]
    text = page.inner_text("body")
    assert "Hubs: the most central" in text and "Communities (Louvain)" in text
    assert page.evaluate("document.scripts.length") == 0  # a plain document: no script at all
    page.close()
