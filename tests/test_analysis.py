"""Network analysis on a network drawn by hand, so every expected value is read off the drawing."""
import networkx as nx
import pytest
from click.testing import CliRunner

from graphbuild.analysis import analyze
from graphbuild.cli import cli


def hand_network() -> nx.MultiDiGraph:
    """Two groups of four entities, each named together in their own posts, and one entity (Bea)
    named in a post of each group: the only tie between the groups.

        posts p1..p3 (2024-01..03):  A1 A2 A3 A4 (all four each time)
        posts q1..q3 (2025-04..06):  B1 B2 B3 B4
        post  r1     (2025-06):      A1 Bea      post r2 (2025-06): Bea B1
        A4 is named only in p1..p3: quiet by 2025-06; B1..B4 appear only in the last months: rising
    """
    G = nx.MultiDiGraph()
    posts = {"p1": ("2024-01-10", "A1 A2 A3 A4"), "p2": ("2024-02-10", "A1 A2 A3 A4"),
             "p3": ("2024-03-10", "A1 A2 A3 A4"), "q1": ("2025-04-10", "B1 B2 B3 B4"),
             "q2": ("2025-05-10", "B1 B2 B3 B4"), "q3": ("2025-06-10", "B1 B2 B3 B4"),
             "r1": ("2025-06-11", "A1 Bea"), "r2": ("2025-06-12", "Bea B1")}
    named = {}
    for p, (date, ents) in posts.items():
        G.add_node(p, kind="Post", label=p, date=date, aliases=[], urls=[], mentions=0)
        for e in ents.split():
            named.setdefault(e, []).append(p)
    for e in sorted(named):
        G.add_node(e, kind="Person", label=e, aliases=[], urls=[], mentions=len(named[e]))
        for p in named[e]:
            G.add_edge(p, e, kind="mentions", evidence=[])
    pairs = {}
    for p, (_, ents) in posts.items():
        es = sorted(ents.split())
        for i, a in enumerate(es):
            for b in es[i + 1:]:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    for (a, b), w in sorted(pairs.items()):
        G.add_edge(a, b, kind="co-mention", weight=w, evidence=[])
    return G


@pytest.fixture(scope="module")
def found():
    return analyze(hand_network())


def test_two_communities_each_named_after_its_members(found):
    groups = sorted(sorted(c.members) for c in found.communities)
    # Bea joins one side; the rest split as drawn
    assert {"A1", "A2", "A3", "A4"} <= set(next(g for g in groups if "A2" in g))
    assert {"B1", "B2", "B3", "B4"} <= set(next(g for g in groups if "B2" in g))
    assert len(groups) == 2
    for c in found.communities:
        assert c.name.split(", ")[0] == c.members[0] and len(c.name.split(", ")) == 3


def test_the_only_link_between_the_groups_is_the_top_broker(found):
    brokers = found.ranked("betweenness")
    assert brokers[0].name == "Bea"  # every path between the groups passes through Bea
    assert {brokers[1].name, brokers[2].name} == {"A1", "B1"}  # the two who know Bea
    assert found.entities["A2"].betweenness == 0


def test_degree_and_pagerank(found):
    assert found.entities["A1"].degree == 4  # A2 A3 A4 and Bea
    assert found.entities["Bea"].degree == 2
    assert found.entities["A2"].degree == 3
    assert abs(sum(e.pagerank for e in found.entities.values()) - 1) < 1e-4


def test_one_bridge_carried_by_bea(found):
    assert len(found.bridges) == 1
    ties = {frozenset(t[:2]) for t in found.bridges[0].ties}
    assert ties & {frozenset(("A1", "Bea")), frozenset(("Bea", "B1"))}


def test_trends(found):
    rising = {e.name for e in found.rising()}
    quiet = {e.name for e in found.quiet()}
    assert {"B1", "B2", "B3", "B4"} <= rising  # 3 posts in 2025-04..06, none in the 6 months before
    assert {"A2", "A3", "A4"} == quiet  # named in 2024 only; A1 is named again in 2025-06
    assert "A1" not in rising  # one recent post: not enough to call it rising
    assert found.entities["B1"].recent == 4 and found.entities["B1"].before == 0


def test_analysis_is_stored_in_the_graph_and_queryable(reference_build):
    from graphbuild.queries import run_query
    rows = run_query(reference_build.graph, """PREFIX gb: <https://graphbuild.example/ns#>
        PREFIX schema: <https://schema.org/> SELECT ?name ?c WHERE { ?e schema:name ?name ; gb:community ?c ;
        gb:pageRank ?r ; gb:betweenness ?b ; gb:degree ?d } ORDER BY DESC(?r) LIMIT 1""")
    assert str(rows[0]["name"]) == "2i2c"  # named in 18 of the feed's 28 posts
    communities = run_query(reference_build.graph, """PREFIX gb: <https://graphbuild.example/ns#>
        SELECT ?c WHERE { ?c a gb:Community }""")
    assert len(communities) == len(reference_build.analysis.communities)


def test_report_has_the_network_tables(reference_build):
    from graphbuild.report import render_report
    text = render_report(reference_build)
    for heading in ("## Network", "### Hubs", "### Brokers", "### Communities", "### Bridges", "### Rising",
                    "### Gone quiet"):
        assert heading in text


def test_analyze_command_formats(tmp_path, reference_graph):
    from graphbuild.export import export_graph
    graph = str(export_graph(reference_graph, tmp_path / "g.ttl"))  # the reference feed's graph, built once per session
    r = CliRunner().invoke(cli, ["analyze", "--graph", graph, "-t", "hubs", "-f", "csv", "--limit", "3"])
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert lines[0].startswith("name,kind,pagerank") and len(lines) == 4 and lines[1].startswith("2i2c,")
    r = CliRunner().invoke(cli, ["analyze", "--graph", graph, "-f", "csv"])
    assert r.exit_code == 2 and "--table" in r.output


def test_co_mentions_counts_the_posts_of_each_pair_in_the_order_of_the_names():
    from graphbuild.network import co_mentions

    mentioned = {"p1": ["b", "a", "c"], "p2": ["c", "a"], "p3": ["d"], "p4": ["a", "b"], "p5": []}
    assert co_mentions(mentioned) == [("a", "b", 2), ("a", "c", 2), ("b", "c", 1)]
    # string order of IRIs (upper case first), each pair once with its first name the lesser
    assert co_mentions({"p": ["http://e/b", "http://e/B", "http://e/a"]}) == [
        ("http://e/B", "http://e/a", 1), ("http://e/B", "http://e/b", 1), ("http://e/a", "http://e/b", 1)]
    assert co_mentions({}) == [] and co_mentions({"p": ["x"]}) == []


def _tie_network(ties: dict[tuple[str, str], int], labels: dict[str, str]):
    from graphbuild.analysis import entity_network

    G = nx.MultiDiGraph()
    for n in sorted(labels):
        G.add_node(n, kind="Person", label=labels[n], aliases=[], urls=[], mentions=1)
    for (a, b), w in sorted(ties.items()):
        G.add_edge(a, b, kind="co-mention", weight=w, evidence=[])
    return entity_network(G)


def test_bridges_by_hand():
    """Communities c1 {n1 Ann, n2 Abe}, c2 {n3 Bob, n4 Bea}, c10 {n0 Cy}: c10 is numbered after c2
    (not as text), and n0 comes first in the ties' order, so its ties are turned round."""
    from graphbuild.analysis import _bridges

    labels = {"n0": "Cy", "n1": "Ann", "n2": "Abe", "n3": "Bob", "n4": "Bea"}
    ties = {("n1", "n2"): 5, ("n1", "n3"): 2, ("n1", "n4"): 2, ("n2", "n3"): 2, ("n2", "n4"): 1,
            ("n0", "n3"): 4, ("n0", "n1"): 1}
    where = {"n0": "c10", "n1": "c1", "n2": "c1", "n3": "c2", "n4": "c2"}
    found = _bridges(_tie_network(ties, labels), where)
    assert [(b.a, b.b, b.weight) for b in found] == [("c1", "c2", 7), ("c2", "c10", 4), ("c1", "c10", 1)]
    # the three ties of 2 posts, by the first end's label (Abe before Ann), then the second's (Bea, Bob)
    assert found[0].ties == [("n2", "n3", 2), ("n1", "n4", 2), ("n1", "n3", 2)]
    assert found[1].ties == [("n3", "n0", 4)]
    assert found[2].ties == [("n1", "n0", 1)]
    assert _bridges(_tie_network(ties, labels), where, ties_per_bridge=1)[0].ties == [("n2", "n3", 2)]
    assert _bridges(_tie_network({("n1", "n2"): 5}, labels), where) == []


def test_bridges_as_defined_on_random_networks():
    """The array version against the definition written as loops: the same bridges, ties and order
    (equal labels among the strongest: the ties' own order)."""
    import heapq
    import random

    from graphbuild.analysis import _bridges

    rng = random.Random(7)
    for _ in range(200):
        names = [f"n{x:02d}" for x in range(rng.randint(2, 25))]
        labels = {n: rng.choice("ABC") for n in names}
        ties = {}
        for _ in range(rng.randint(0, 50)):
            a, b = sorted(rng.sample(names, 2))
            ties[(a, b)] = rng.randint(1, 4)
        where = {n: f"c{rng.randint(1, 12)}" for n in names}
        per = rng.choice([1, 3, 5])
        groups: dict = {}
        for (a, b), w in sorted(ties.items()):
            if where[a] != where[b]:
                if int(where[a][1:]) > int(where[b][1:]):
                    a, b = b, a
                groups.setdefault((where[a], where[b]), []).append((a, b, w))
        expected = sorted(((ca, cb, sum(t[2] for t in ts),
                            heapq.nsmallest(per, ts, key=lambda t: (-t[2], labels[t[0]], labels[t[1]])))
                           for (ca, cb), ts in groups.items()), key=lambda x: (-x[2], int(x[0][1:]), int(x[1][1:])))
        found = _bridges(_tie_network(ties, labels), where, ties_per_bridge=per)
        assert [(b.a, b.b, b.weight, b.ties) for b in found] == expected


def test_co_mentions_held_as_arrays_read_as_the_list_of_pairs():
    """p1 names a, b, c; p2 a, b; p3 c, d: (a, b) in 2 posts, (a, c), (b, c), (c, d) in one."""
    from graphbuild.network import co_mentions

    found = co_mentions({"p1": ["a", "b", "c"], "p2": ["b", "a"], "p3": ["c", "d"]})
    assert len(found) == 4 and found[0] == ("a", "b", 2) and found[-1] == ("c", "d", 1)
    assert found[1:3] == [("a", "c", 1), ("b", "c", 1)]
    assert found.counts() == {"a": 2, "b": 2, "c": 3, "d": 1}  # how many others each is named with
    assert found.strongest(2) == [(2, "a", "b"), (1, "a", "c")]
    assert found.among({"a", "b", "c"}) == [("a", "b", 2), ("a", "c", 1), ("b", "c", 1)]
    assert found.among({"d"}) == []
    assert found.among_pairs({("c", "d"), ("b", "c"), ("c", "b"), ("x", "y")}) == [("b", "c", 1), ("c", "d", 1)]
