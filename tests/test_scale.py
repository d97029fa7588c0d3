"""Parallel and incremental builds give exactly the outputs of a plain build from scratch."""
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import ROOT

from graphbuild import html, pipeline
from graphbuild.cli import cli
from graphbuild.graph import build
from graphbuild.sources import default_feed

OUTPUTS = ("graph.ttl", "graph.html", "report.md")


def _build(out, *args):
    r = CliRunner().invoke(cli, ["build", "--out", str(out), "-q", *args])
    assert r.exit_code == 0, r.output
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def items_of_feed():
    """The bundled feed cut into (head, items, tail) as text."""
    text = default_feed().read_text(encoding="utf-8")
    items = re.findall(r"<item>.*?</item>", text, flags=re.S)
    head, tail = text[:text.index(items[0])], text[text.index(items[-1]) + len(items[-1]):]
    return head, items, tail


@pytest.fixture
def parallel_even_when_small(monkeypatch):
    """Worker processes even for the few posts of the bundled feed."""
    monkeypatch.setattr(pipeline, "MIN_PARALLEL", 2)


def test_jobs_do_not_change_the_output(tmp_path, parallel_even_when_small):
    one = _build(tmp_path / "one", "--jobs", "1", "--fresh")
    two = _build(tmp_path / "two", "--jobs", "2", "--fresh")
    for name in OUTPUTS:
        assert one[name] == two[name], f"{name} differs between --jobs 1 and --jobs 2"


def test_worker_processes_extract_what_one_process_does(parallel_even_when_small, monkeypatch):
    from graphbuild.feeds import parse_feed
    with open(default_feed(), "rb") as f:
        items = parse_feed(f, "feed").items
    serial = list(pipeline.extract_items(items, jobs=1))
    started = []
    real_pool = pipeline.multiprocessing.pool.Pool.__init__
    monkeypatch.setattr(pipeline.multiprocessing.pool.Pool, "__init__",
                        lambda self, n, *a, **k: started.append(n) or real_pool(self, n, *a, **k))
    parallel = list(pipeline.extract_items(items, jobs=2))
    assert started == [2]  # the work went to two worker processes
    assert serial == parallel
    assert sum(len(m) for m, _, _ in serial) > len(items)  # the comparison is not between empty lists


def test_rebuild_after_the_feed_gains_changes_and_loses_posts_equals_a_fresh_build(tmp_path, items_of_feed,
                                                                                   monkeypatch):
    head, items, tail = items_of_feed
    old = tmp_path / "old.xml"
    old.write_text(head + "".join(items[1:]) + tail, encoding="utf-8")  # without the newest post
    changed = items[5].replace("</title>", " (updated)</title>", 1).replace("&lt;/p>", " Updated.&lt;/p>", 1)
    assert changed.count("(updated)") == 1 and changed.count("Updated.") == 1
    new_items = [items[0]] + items[1:5] + [changed] + items[6:9] + items[10:]  # gains 0, changes 5, loses 9
    new = tmp_path / "new.xml"
    new.write_text(head + "".join(new_items) + tail, encoding="utf-8")

    state = tmp_path / "state"
    _build(tmp_path / "inc", str(old), "--store", str(state), "--jobs", "1")
    calls, parsed = [], []
    real, real_parse = pipeline._extract_one, html.parse_blocks
    monkeypatch.setattr(pipeline, "_extract_one", lambda item, *a: calls.append(item.link) or real(item, *a))
    monkeypatch.setattr(html, "parse_blocks", lambda text, base: parsed.append(base) or real_parse(text, base))
    again = _build(tmp_path / "inc", str(new), "--store", str(state), "--jobs", "1")
    monkeypatch.undo()
    link = lambda it: re.search(r"<link>(.*?)</link>", it).group(1)
    assert sorted(calls) == sorted([link(items[0]), link(items[5])]), "only the new and the changed post are extracted"
    assert sorted(parsed) == sorted([link(items[0]), link(items[5])]), "only their HTML is parsed again"
    fresh = _build(tmp_path / "fresh", str(new), "--fresh", "--jobs", "1")
    for name in OUTPUTS:
        assert again[name] == fresh[name], f"{name} of the rebuild differs from a fresh build"
    posts = {str(t.subject.value) for t in ox.parse(again["graph.ttl"], format=ox.RdfFormat.TURTLE)
             if t.object == ox.NamedNode("https://schema.org/BlogPosting")}
    assert link(items[9]) not in posts and link(items[0]) in posts  # the removed post left the graph
    assert len(posts) == len(new_items)
    assert b"(updated)" in again["graph.ttl"] and b"Updated." in again["graph.ttl"]


def test_fresh_ignores_the_state(tmp_path, monkeypatch):
    state = tmp_path / "state"
    build(store=state)
    calls = []
    real = pipeline._extract_one
    monkeypatch.setattr(pipeline, "_extract_one", lambda item, *a: calls.append(item.link) or real(item, *a))
    build(store=state)
    assert calls == []  # everything came from the cache
    parsed = []
    real_parse = html.parse_blocks
    monkeypatch.setattr(html, "parse_blocks", lambda text, base: parsed.append(base) or real_parse(text, base))
    _build(tmp_path / "out", "--store", str(state), "--fresh", "--jobs", "1")
    posts = len(re.findall("<item>", default_feed().read_text(encoding="utf-8")))
    assert len(calls) == posts
    assert len(set(parsed) - {""}) == posts  # and every post's HTML parsed (titles have base "")


def test_a_change_of_the_rules_invalidates_the_cache(tmp_path, monkeypatch):
    state = tmp_path / "state"
    rules = tmp_path / "rules.toml"
    rules.write_text("", encoding="utf-8")
    build(store=state, rules=[rules])
    rules.write_text("# changed\n", encoding="utf-8")
    calls = []
    real = pipeline._extract_one
    monkeypatch.setattr(pipeline, "_extract_one", lambda item, *a: calls.append(item.link) or real(item, *a))
    build(store=state, rules=[rules])
    assert calls  # a rules file that changed means every post is extracted again


def test_progress_shows_only_on_long_work():
    import io
    quiet, shown = io.StringIO(), io.StringIO()
    early = pipeline.Progress(quiet, after=3600)
    late = pipeline.Progress(shown, after=0, every=0)
    for n in range(1, 11):
        early(n, 10)
        late(n, 10)
    early.stage("resolving names")
    late.stage("resolving names")
    early.close()
    late.close()
    assert quiet.getvalue() == ""
    assert "10/10 posts" in shown.getvalue() and shown.getvalue().endswith("\r")
    assert "\rresolving names... (0 s so far)" in shown.getvalue()


def test_the_stages_after_extraction_are_reported_in_order(tmp_path):
    """A build tells a progress object with a ``stage`` method each whole-graph stage as it begins,
    so a long build is never silent after its extraction count ends."""
    class Recorder:
        def __init__(self):
            self.seen = []

        def __call__(self, done, total):
            if not self.seen or self.seen[-1] != "extracting":
                self.seen.append("extracting")

        def stage(self, name):
            self.seen.append(name)

    rec = Recorder()
    build(progress=rec)
    assert rec.seen == ["extracting", "finding known names in every post", "resolving names",
                        "building the graph", "analysing the network"]


def test_the_budget_still_stops_a_post_inside_a_worker_process(parallel_even_when_small, monkeypatch):
    """Workers run extraction on their main thread, where the CPU-time timer can interrupt it."""
    import time
    from dataclasses import replace

    from graphbuild import extractors
    from graphbuild.models import Feed
    from test_budget import FEED, SLOW, _slow_module, adversarial_item

    monkeypatch.setitem(extractors._registry, "slow", _slow_module("loop"))
    text = "Thanks to Jane Doe (Example University) for the talk."
    links = ["https://lab.example/a", SLOW, "https://lab.example/b", "https://lab.example/c"]
    posts = [replace(adversarial_item(text, n), id=link, link=link, title=f"Post {n}") for n, link in enumerate(links)]
    start = time.monotonic()
    b = build(feeds=[Feed(FEED, posts)], item_budget=0.5, jobs=2, analysis=False)
    assert time.monotonic() - start < 60
    warnings = [p for p in b.problems if "abandoned" in p.reason]
    assert [w.where for w in warnings] == [SLOW]
    found = {m.post for m in b.resolution.of if m.name == "Jane Doe" and not m.extractor.startswith("gazetteer")}
    assert found == set(links) - {SLOW}


def test_shared_quote_selectors_give_every_bundled_query_the_same_rows(monkeypatch):
    """One target and selector per distinct quote of a post (instead of one per annotation): fewer
    triples, the same answers from every bundled query, unbound and bound."""
    from graphbuild import graph as graph_module
    from graphbuild.queries import bundled, run_query
    from test_queries import PARAMS

    def rows(g, name, params):
        out = run_query(g, name, terms=True, **params)
        return sorted(tuple(str(r.get(v)) for v in out.vars) for r in out)

    lean = build()
    monkeypatch.setattr(graph_module, "SHARE_QUOTES", False)
    old = build()
    assert len(lean.graph) < len(old.graph) - 300  # the bundled feed repeats quotes across extractors
    compared = 0
    for name, q in sorted(bundled().items()):
        for params in ([{}] if not q.required else []) + [{p: PARAMS[p] for p in q.params}]:
            before = rows(old.graph, name, params)
            assert rows(lean.graph, name, params) == before, (name, params)
            compared += len(before)
    assert compared > 100  # the queries answer something


def test_the_cache_version_covers_what_extraction_imports_and_not_the_later_stages():
    from pathlib import Path

    from graphbuild import extractors
    pkg = Path(pipeline.__file__).resolve().parent
    files = {str(f.relative_to(pkg)) for f in pipeline._imported(
        [Path(pipeline.__file__).resolve()] + [Path(extractors.get(n).__file__) for n in extractors.names()], pkg)}
    assert {"extractors/__init__.py", "extractors/people.py", "names.py", "text.py", "models.py", "budget.py"} <= files
    assert not files & {"graph.py", "resolve.py", "export.py", "analysis.py", "cli.py"}


def test_a_damaged_cache_is_replaced_not_fatal(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "extraction.sqlite").write_bytes(b"this is not a database" * 100)
    out = _build(tmp_path / "out", "--store", str(state), "--jobs", "1")
    assert out["graph.ttl"] == (ROOT / "output" / "graph.ttl").read_bytes()
    assert (state / "extraction.sqlite").read_bytes()[:16] == b"SQLite format 3\x00"


def test_an_annotation_shows_the_same_quote_whatever_the_order_of_its_mentions():
    """The same words read twice in a post, with other words after them: the annotation shows one
    of the two quotes, the same one whatever order resolution lists the mentions in (that order
    varies with the string hash seed of the process, so two builds of one feed differed)."""
    from graphbuild.graph import _first_quotes
    from graphbuild.models import Entity, Mention, Quote
    from graphbuild.resolve import Resolution

    post = "https://lab.example/p"
    a = Mention("Jane Doe", "Person", post, Quote("Thanks to Jane Doe.", "", " Then we ate."), "people")
    b = Mention("Jane Doe", "Person", post, Quote("Thanks to Jane Doe.", "", " And we left."), "people")
    chosen = set()
    for order in ([a, b], [b, a]):
        res = Resolution(entities={"jane": Entity("jane", "Person", "Jane Doe", mentions=list(order))}, of={})
        chosen.add(_first_quotes(res, [])[(post, "Thanks to Jane Doe.", "people")])
    assert chosen == {b.quote}  # " And ..." < " Then ..."


@pytest.mark.parametrize("k", [None, 1, 5, 40])
def test_betweenness_equals_networkx_to_the_last_bit(k):
    import math
    import random

    import networkx as nx

    from graphbuild.analysis import betweenness

    rnd = random.Random(7)  # a random graph with paths of several lengths, ties and parts apart
    H = nx.Graph()
    H.add_nodes_from(f"n{i}" for i in range(60))
    H.add_edges_from((f"n{rnd.randrange(60)}", f"n{rnd.randrange(50)}") for _ in range(90))
    ours, theirs = betweenness(H, k, seed=3), nx.betweenness_centrality(H, k=k, seed=3)
    assert list(ours) == list(theirs)
    assert all(ours[v] == theirs[v] or math.isnan(ours[v]) and math.isnan(theirs[v]) for v in theirs)
    assert sum(1 for v in theirs if theirs[v] > 0) > 5  # not a comparison of zeros


@pytest.mark.parametrize("k", [None, 25])
@pytest.mark.parametrize("radix", [True, False])
def test_betweenness_equals_networkx_on_a_denser_graph_with_many_equal_paths(k, radix, monkeypatch):
    import random

    from graphbuild import analysis

    if not radix:  # each level ordered on its 64-bit keys, as a level of over 65,536 nodes is
        monkeypatch.setattr(analysis, "RADIX", 0)

    import networkx as nx

    from graphbuild.analysis import betweenness

    # groups of 8 in a ring, each node tied to a few in its group and the next: many shortest paths
    # of equal length, whose shares are fractions that the order of the sums changes in the last bit
    rnd = random.Random(11)
    H = nx.Graph()
    H.add_nodes_from(f"v{i:03d}" for i in range(240))
    edges = [(f"v{i:03d}", f"v{(i // 8 * 8 + rnd.randrange(16)) % 240:03d}") for i in range(240) for _ in range(4)]
    rnd.shuffle(edges)
    H.add_edges_from(edges)
    ours, theirs = betweenness(H, k, seed=5), nx.betweenness_centrality(H, k=k, seed=5)
    assert list(ours) == list(theirs) and ours == theirs
    assert len(set(theirs.values())) > 100  # not a comparison of zeros or of a few shared values


def test_the_build_networkx_form_equals_reading_the_graph_again():
    """The build reads its graph into networkx once and marks the analysis on it; the page and the
    report get that form: it must equal reading the finished graph (analysis stored) from scratch."""
    from graphbuild.network import to_networkx

    from graphbuild.network import add_co_mentions

    b = build()
    again = to_networkx(b.graph)
    assert b.co_mentions and not any(d["kind"] == "co-mention" for *_, d in b.network.edges(data=True))
    add_co_mentions(b.network, b.co_mentions)
    assert list(b.network.nodes(data=True)) == list(again.nodes(data=True))
    assert list(b.network.edges(keys=True, data=True)) == list(again.edges(keys=True, data=True))
    assert b.network.graph == again.graph
    assert any("community" in d for _, d in again.nodes(data=True))


def test_a_neighbourhood_cut_with_co_mentions_apart_equals_cutting_the_whole_network(reference_graph):
    """The page's focus view finds the neighbourhood on the co-mention arrays instead of adding them
    all as edges first: the same nodes, edges, keys, attributes and orders, from every node."""
    import networkx as nx

    from graphbuild.network import add_co_mentions, ego_graph, induced, read_network

    G, pairs = read_network(reference_graph)
    whole = add_co_mentions(G.copy(), pairs)
    assert len(pairs) > 100 and G.number_of_edges() < whole.number_of_edges()
    undirected = whole.to_undirected(as_view=True)
    grew = 0
    for center in list(G):
        for depth in (1, 2):
            keep = nx.single_source_shortest_path_length(undirected, center, cutoff=depth)
            want, got = induced(whole, keep), ego_graph(G, center, depth, pairs)
            assert list(got.nodes(data=True)) == list(want.nodes(data=True)), (center, depth)
            assert list(got.edges(keys=True, data=True)) == list(want.edges(keys=True, data=True)), (center, depth)
            assert all(list(got.succ[n]) == list(want.succ[n]) and list(got.pred[n]) == list(want.pred[n])
                       for n in want), (center, depth)
            grew += len(keep) > len(nx.single_source_shortest_path_length(G.to_undirected(as_view=True), center,
                                                                           cutoff=depth))
    assert grew > 50  # the co-mentions reached nodes the other edges do not, many times
    with pytest.raises(nx.NodeNotFound):
        ego_graph(G, "https://example.org/not-a-node", 1, pairs)


@pytest.fixture(params=["numpy for every node", "a Python loop for every node"])
def louvain_path(request, monkeypatch):
    """Louvain weighs a node's moves on arrays when it has many neighbours: both ways, everywhere."""
    from graphbuild import analysis
    monkeypatch.setattr(analysis, "DENSE", 0 if request.param.startswith("numpy") else 10**9)


@pytest.mark.parametrize("seed", [1, 42])
def test_louvain_equals_networkx(seed, louvain_path):
    import random

    import networkx as nx

    from graphbuild.analysis import louvain

    rnd = random.Random(seed)  # four dense groups, loosely tied, weights 1-5, in a shuffled order
    pairs = [(f"g{g}n{rnd.randrange(15)}", f"g{g}n{rnd.randrange(15)}") for g in range(4) for _ in range(40)]
    pairs += [(f"g{rnd.randrange(4)}n{rnd.randrange(15)}", f"g{rnd.randrange(4)}n{rnd.randrange(15)}") for _ in range(15)]
    rnd.shuffle(pairs)
    H = nx.Graph()
    H.add_weighted_edges_from((a, b, rnd.randint(1, 5)) for a, b in pairs if a != b)
    ours, theirs = louvain(H, seed), nx.community.louvain_communities(H, weight="weight", seed=seed)
    assert ours == theirs
    assert 2 < len(theirs) < H.number_of_nodes()  # real communities, not one or all apart


def test_a_move_weighed_on_arrays_is_the_loops_move_even_among_equal_gains():
    """Neighbours in few communities, ties of 1 or 2, equal totals: most moves have several best
    gains, and the community whose first neighbour comes first must win, as in networkx's loop."""
    import random

    import numpy as np

    from graphbuild.analysis import _dense_move, _move, _Scratch

    rnd, ties_met = random.Random(5), 0
    scratch = _Scratch(8, 24)  # one for every move, as on a level: each move must leave it clear
    for _ in range(400):
        n = rnd.randint(2, 8)
        node2com = [rnd.randrange(n) for _ in range(n * 3)]
        stot = [rnd.choice([4, 6]) for _ in range(n)]
        nbrs = [(v, rnd.choice([1, 2])) for v in rnd.sample(range(n * 3), rnd.randint(0, n * 3))]
        here, degree, m = rnd.randrange(n), rnd.choice([1, 2]), float(rnd.choice([20, 30]))
        m2 = 2 * m**2
        a, b = list(stot), list(stot)
        expected = _move(nbrs, here, degree, node2com, a, m, m2)
        got = _dense_move(np.array([v for v, _ in nbrs], dtype=np.int64), np.array([w for _, w in nbrs], dtype=float),
                          here, degree, np.array(node2com), b, np.array(stot), m, m2, scratch)
        assert (got, b) == (expected, a)
        sums = {}
        for v, w in nbrs:
            sums[node2com[v]] = sums.get(node2com[v], 0) + w
        ties_met += len(sums) != len(set((w, stot[c]) for c, w in sums.items()))
    assert ties_met > 100


@pytest.mark.parametrize("seed", range(4))
def test_louvain_equals_networkx_where_moves_gain_the_same(seed, louvain_path):
    """Every node of a regular graph with equal weights has the same degree: many moves gain exactly
    the same, and networkx takes the first community a node's neighbours name that gains most."""
    import networkx as nx

    from graphbuild.analysis import louvain

    R = nx.random_regular_graph(4, 60, seed=seed)
    H = nx.Graph()
    H.add_nodes_from(f"n{u:02d}" for u in sorted(R))
    H.add_weighted_edges_from((f"n{a:02d}", f"n{b:02d}", 1) for a, b in R.edges())
    assert louvain(H, seed) == nx.community.louvain_communities(H, weight="weight", seed=seed)


@pytest.mark.parametrize("seed", [3, 7, 42])
def test_louvain_equals_networkx_over_several_levels(seed, louvain_path):
    import random

    import networkx as nx

    from graphbuild.analysis import louvain

    # 40 groups of 10 in a shuffled order of edges, ties between groups of 3 groups each: levels of
    # communities of communities, each with its self-loops
    rnd = random.Random(seed)
    edges = [(f"n{g * 10 + rnd.randrange(10)}", f"n{g * 10 + rnd.randrange(10)}") for g in range(40) for _ in range(25)]
    edges += [(f"n{g * 10 + rnd.randrange(10)}", f"n{(g // 3 * 3 + rnd.randrange(3)) * 10 + rnd.randrange(10)}")
              for g in range(40) for _ in range(4)]
    edges += [(f"n{rnd.randrange(400)}", f"n{rnd.randrange(400)}") for _ in range(30)]
    rnd.shuffle(edges)
    H = nx.Graph()
    H.add_nodes_from(sorted({x for e in edges for x in e}))
    H.add_weighted_edges_from((a, b, rnd.randint(1, 9)) for a, b in edges if a != b)
    levels = list(nx.community.louvain_partitions(H, weight="weight", seed=seed))
    assert len(levels) >= 2  # communities of communities
    assert louvain(H, seed) == levels[-1] == nx.community.louvain_communities(H, weight="weight", seed=seed)


def test_networkx_rows_read_natively_equal_rdflib_rows():
    """network._rows asks a pyoxigraph store directly; it must give what the rdflib path gives,
    an rdf:HTML title as its text and a typed literal's value included."""
    from graphbuild import network
    from graphbuild.store import new_graph, term_text

    s = ox.Store()
    post, typ = ox.NamedNode("https://example.org/p1"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    s.add(ox.Quad(post, typ, ox.NamedNode("https://schema.org/BlogPosting")))
    s.add(ox.Quad(post, ox.NamedNode("https://schema.org/headline"), ox.Literal(
        "Hello <b>bold</b> &amp; world", datatype=ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"))))
    s.add(ox.Quad(post, ox.NamedNode("https://schema.org/datePublished"), ox.Literal(
        "2024-05-06T07:08:09+00:00", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))))
    g = new_graph(store=s)
    native = network._rows(g, network.Q_POSTS)
    via_rdflib = [tuple(None if v is None else term_text(v) for v in row) for row in g.query(network.Q_POSTS)]
    # the date's lexical form may differ ("Z" or "+00:00"); its reader takes the first 10 characters
    cut = lambda rows: [(s, name, date[:10]) for s, name, date in rows]
    assert cut(native) == cut(via_rdflib) == [("https://example.org/p1", "Hello bold & world", "2024-05-06")]


def test_the_writing_stages_are_reported_in_order(tmp_path):
    from graphbuild.cli import _write_outputs

    seen = []
    written = _write_outputs(build(), tmp_path, False, tmp_path / ".graphbuild", seen.append)
    assert seen == ["writing graph.ttl", "writing the report", "writing the page", "keeping the graph's store"]
    assert sorted(p.name for p in written) == ["graph.html", "graph.ttl", "report.html", "report.md"]


def _tied_entities(seed):
    """A networkx form with 80 entities, co-mention and relation edges in a shuffled order (some
    pairs twice, some both ways, a self-tie, a post), and the same ties as (a, b, posts) pairs."""
    import random

    import networkx as nx

    rnd = random.Random(seed)
    G = nx.MultiDiGraph()
    names = [f"http://e/{rnd.choice('abcXYZ')}{i}" for i in range(80)]
    for x in rnd.sample(names, len(names)):
        G.add_node(x, kind="Person", label=x[9:], mentions=rnd.randint(1, 9))
    G.add_node("http://post/1", kind="Post", label="a post")
    edges = [(rnd.choice(names), rnd.choice(names)) for _ in range(300)] + [("http://post/1", names[0])]
    for a, b in edges:
        kind = rnd.choice(["co-mention", "relation", "mentions"])
        G.add_edge(a, b, kind=kind, **({"weight": rnd.randint(1, 4)} if kind == "co-mention" else {}))
    pairs = sorted({tuple(sorted((rnd.choice(names), rnd.choice(names)))) for _ in range(200)})
    return G, [(a, b, rnd.randint(1, 5)) for a, b in pairs]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("arrays", [False, True])
def test_the_entity_network_holds_every_tie_once_with_its_weights_summed(seed, arrays):
    from collections import Counter

    from graphbuild.analysis import entity_graph, entity_network

    G, pairs = _tied_entities(seed)
    if arrays:
        from graphbuild.network import CoMentions

        pairs = CoMentions.of(pairs)
        assert list(pairs) == _tied_entities(seed)[1]
    ties = Counter()  # what the analysis reads: entities tied by co-mentions (posts) and relations (+1)
    for a, b, d in G.edges(data=True):
        if d["kind"] in ("co-mention", "relation") and a != b and "post" not in a + b:
            ties[tuple(sorted((a, b)))] += d.get("weight", 1)
    for a, b, w in pairs:
        if a != b:
            ties[(a, b)] += w
    net = entity_network(G, pairs)
    assert net.nodes == sorted(x for x in G if "post" not in x)
    i, j, w = net.edges()
    assert [(net.nodes[a], net.nodes[b], x) for a, b, x in zip(i, j, w)] == sorted((a, b, w) for (a, b), w in ties.items())
    H = entity_graph(G, pairs)
    assert list(H) == net.nodes and all(list(H._adj[x]) == sorted(H._adj[x]) for x in H)
    assert sorted(H.edges(data="weight")) == sorted((a, b, w) for (a, b), w in ties.items())


@pytest.mark.parametrize("seed", [1, 2])
def test_pagerank_equals_networkx_to_the_last_bit(seed):
    import random

    import networkx as nx

    from graphbuild.analysis import entity_graph, entity_network, pagerank

    G, pairs = _tied_entities(seed)
    H = entity_graph(G, pairs)
    shuffled = nx.Graph()  # the same graph, its ties added in another order (each node's neighbours too)
    shuffled.add_nodes_from(H)
    shuffled.add_weighted_edges_from(random.Random(seed).sample(list(H.edges(data="weight")), H.number_of_edges()))
    ours = pagerank(entity_network(G, pairs))
    assert ours == nx.pagerank(H, weight="weight")
    assert ours == nx.pagerank(shuffled, weight="weight")
    assert len(set(ours.values())) > 20


def test_a_lean_build_lets_go_of_text_and_mentions_and_gives_the_same_graph_and_report():
    """The command line builds lean (the posts' text and the mentions freed before the analysis):
    the graph, the analysis and both reports must be those of a build that keeps everything."""
    from graphbuild.export import serialize
    from graphbuild.report import render_report, render_report_html, summary

    full, lean = build(), build(lean=True)
    assert serialize(lean.graph, "nt") == serialize(full.graph, "nt")
    assert summary(lean) == summary(full)
    assert render_report(lean) == render_report(full)
    assert render_report_html(lean, lean.network) == render_report_html(full, full.network)
    assert list(lean.network.edges(keys=True, data=True)) == list(full.network.edges(keys=True, data=True))
    # what was let go: the text of every post (not its title), every mention, the relations
    assert all(i.blocks == () for i in lean.items) and any(i.blocks for i in full.items)
    assert [i.title for i in lean.items] == [i.title for i in full.items]
    assert all(i.blocks == () for f in lean.feeds for i in f.items)
    assert not lean.resolution.of and all(not e.mentions for e in lean.resolution.entities.values())
    assert lean.relations == [] and len(full.relations) == summary(full)["relations"] > 0


def test_records_pickle_as_their_fields_and_come_back_equal():
    """What goes to the extraction workers and into the cache: every field back, nested records too."""
    import copy
    import pickle
    from datetime import datetime, timezone

    from graphbuild.models import Author, Block, FeedInfo, FeedItem, Link, Mention, Problem, Quote, Relation

    info = FeedInfo("feed.xml", "https://example.org/feed", "Example", "https://example.org/")
    item = FeedItem("id-1", "https://example.org/p1", "A post", info,
                    datetime(2025, 1, 2, 3, 4, tzinfo=timezone.utc), ("Ada",),
                    (Block("Ada wrote KelpKit.", (Link("https://kelpkit.example.org/", 10, 17),), "li", ((10, 17),)),),
                    ("news",), True, "A <em>post</em>")
    quote = Quote("Ada wrote KelpKit.", "before ", " after")
    mention = Mention("KelpKit", "Project", item.link, quote, "links", ("https://kelpkit.example.org/",),
                      True, True, "author", ("Kelp Kit",))
    records = [info, item, quote, mention, Author("Ada", "https://ada.example.org/", "ada@example.org"),
               Problem("feed.xml", "a reason"), Relation("Ada", "worksFor", "Example", item.link, quote, "roles")]
    for r in records:
        for back in (pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)), pickle.loads(pickle.dumps(r, 0)),
                     copy.copy(r), copy.deepcopy(r)):
            assert type(back) is type(r) and back == r
    back = pickle.loads(pickle.dumps(item))
    assert back.blocks[0].links[0].end == 17 and back.blocks[0].code == ((10, 17),) and back.title_html == "A <em>post</em>"
