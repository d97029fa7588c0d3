"""The interactive page in a real browser: Debian's Chromium driven by Playwright, offline."""
from pathlib import Path

import pytest

from conftest import DATA, need_tool
from graphbuild.graph import build_graph
from graphbuild.network import to_networkx
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


def test_datasets_hold_what_the_graph_says(ref_page, reference_graph):
    G = to_networkx(reference_graph)
    assert ref_page.js("window.graphbuild.nodes.length") == G.number_of_nodes()
    assert ref_page.js("window.graphbuild.edges.length") == G.number_of_edges()
    posts = sum(1 for _, d in G.nodes(data=True) if d["kind"] == "Post")
    assert posts == 28
    assert ref_page.js("window.graphbuild.nodes.get({filter: n => n.kind === 'Post'}).length") == 28


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


def test_type_filter_and_posts_toggle(ref_page):
    before = ref_page.js("window.graphbuild.nodeView.length")
    ref_page.page.uncheck("#showPosts")
    assert ref_page.js("window.graphbuild.nodeView.length") == before - 28
    kinds = ref_page.js("[...new Set(window.graphbuild.edgeView.get().map(e => e.kind))]")
    assert "mentions" not in kinds and "co-mention" in kinds
    ref_page.page.check("#showPosts")
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
    assert page.js("document.querySelectorAll('img, svg, b, iframe').length") == 0
    assert page.js("document.scripts.length") == 3  # data, vis-network, the page's own code
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


def test_ego_network_page(reference_graph):
    from graphbuild.queries import find_entity
    center = str(find_entity(reference_graph, "Jenny Wong"))
    net = to_pyvis(reference_graph, focus=center, depth=1)
    ids = {n["id"] for n in net.nodes}
    G = to_networkx(reference_graph).to_undirected()
    assert center in ids and ids == {center} | set(G.neighbors(center))


def test_notebook_display_is_an_iframe_srcdoc(reference_graph):
    pytest.importorskip("IPython")
    from graphbuild.viz import show
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no IPython "Consider using IFrame" warning in normal use
        shown = show(reference_graph)
    html = shown._repr_html_()
    assert html == shown.data and html.startswith("<iframe srcdoc=") and "&lt;script" in html
