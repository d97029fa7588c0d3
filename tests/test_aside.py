"""The provenance of mentions kept out of a build's working store (graphbuild/aside.py, the command
line's build): the graph is the same graph. Built both ways on the reference feed and on two
curated ones (so the store holds curation's statements under the annotations' prefix, one of them
between two named entities): the store and the aside hold the whole graph's triples between them, the aside only the
mentions' provenance; graph.ttl, the kept store, the network form, the triple count and the
answers made for the store are those of the whole graph."""
import pyoxigraph as ox
import pytest

from graphbuild import madeanswers
from graphbuild.export import write_graph
from graphbuild.graph import build
from graphbuild.graphstore import Keeper
from graphbuild.network import add_co_mentions, to_networkx
from graphbuild.report import summary

ANNOTATIONS = "https://graphbuild.example/id/annotation/"


def feeds(data_dir, name):
    """The build's arguments for ``name``: the reference feed, or a feed and its curation file."""
    return {"reference": {},
            "handmade": {"sources": [data_dir / "handmade.xml"], "curation": data_dir / "curation" / "handmade.toml"},
            "lab": {"sources": [data_dir / "rss2.xml"], "curation": data_dir / "curation" / "lab.toml"}}[name]


MOST = (1, 2, 7, 40, 300, 10_001)


@pytest.fixture(scope="module", params=["reference", "handmade", "lab", "handmade-no-analysis"])
def both(request, data_dir, tmp_path_factory):
    """The whole graph's build, and the aside build (lean, as the command line's) of the same feed,
    its kept store finished."""
    kw = feeds(data_dir, request.param.split("-")[0])
    analysis = not request.param.endswith("no-analysis")
    whole = build(analysis=analysis, **kw)
    state = tmp_path_factory.mktemp("state")
    keeper = Keeper(state, background=False)
    lean = build(analysis=analysis, keeper=keeper, lean=True, aside=state, **kw)
    # made as the command line makes them, before the store is kept (with Said's indexes)
    made = {most: list(madeanswers.other_answers(lean.graph.store._inner, most, lean.aside)) for most in MOST}
    path, sha256 = write_graph(lean.graph, state / "graph.ttl", aside=lean.aside)
    kept = keeper.finish(path, sha256)
    yield whole, lean, path, kept, made
    lean.aside.remove()


def triples(store: ox.Store) -> set:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def test_the_store_and_the_aside_hold_the_graph_and_the_aside_all_the_provenance(both):
    whole, lean, *_ = both
    full, store = triples(whole.graph.store._inner), triples(lean.graph.store._inner)
    files = {q.triple for q in lean.aside.quads()}
    # the files: every triple under the annotations' prefix (a copy of the store's among them)
    assert files == {t for t in full if t.subject.value.startswith(ANNOTATIONS)}
    assert store | files == full
    only = files - store
    assert lean.aside.count == len(only) > len(full) // 3
    # what the store keeps under the prefix: curation's rules and statements (no annotation)
    derived = "http://www.w3.org/ns/prov#wasDerivedFrom"
    curation = {t.subject for t in full if t.predicate.value in (derived, "https://graphbuild.example/ns#ruleText")}
    assert {t.subject for t in store if t.subject.value.startswith(ANNOTATIONS)} == curation
    assert bool(curation) == (whole.resolution.curation is not None)


def test_graph_ttl_the_kept_store_and_the_count_are_the_whole_graphs(both, tmp_path):
    whole, lean, path, kept, _ = both
    assert path.read_bytes() == write_graph(whole.graph, tmp_path / "whole.ttl")[0].read_bytes()
    assert triples(ox.Store.read_only(str(kept / "oxigraph"))) == triples(whole.graph.store._inner)
    assert summary(lean)["triples"] == summary(whole)["triples"] == len(whole.graph.store._inner)


def edges(G) -> list:
    return sorted((u, v, sorted((k, repr(x)) for k, x in d.items())) for u, v, d in G.edges(data=True))


def test_the_network_form_is_the_whole_graphs(both):
    """Read from what the build recorded of the provenance (the quotes of each mention) as the whole
    graph's is read from its annotations."""
    whole, lean, *_ = both
    G = add_co_mentions(lean.network, lean.co_mentions)
    W = to_networkx(whole.graph)
    assert sorted(G.nodes(data=True)) == sorted(W.nodes(data=True))
    assert edges(G) == edges(W)
    assert any(d.get("evidence") for *_, d in W.edges(data=True))


@pytest.mark.parametrize("most", MOST)
def test_the_answers_made_for_the_store_are_the_whole_graphs(both, most):
    """entity_posts and where_said from the indexes of Said, post_mentions from the least quotes;
    the rest asked of the store as ever: each the rows the engine gives on the whole graph."""
    whole, *_, made = both
    made = {m.text: m for m in made[most]}
    engine = {m.text: m for m in madeanswers.other_answers(whole.graph.store._inner, most)}
    assert set(engine) <= set(made)  # (where_said of a curated graph: made from Said's index alone)
    for text, m in made.items():
        assert m == engine.get(text, m)
    for name in madeanswers.ASIDE:
        text = madeanswers.bundled()[name].text
        variables, rows = madeanswers._ask(whole.graph.store._inner, text)  # the engine's whole answer
        assert made[text] == madeanswers.Made(text, variables, rows[:most], len(rows) <= most), name
        assert len(rows) > 10 or whole.resolution.curation is not None  # (the reference graph: hundreds)


@pytest.mark.parametrize("executable", [None, "/bin/false"])
def test_a_big_graphs_aside_is_sorted_by_a_process_or_here_if_it_fails(tmp_path, monkeypatch, executable):
    """From PROCESS_LINES lines (here 0) a new process writes the aside's Turtle while the build
    goes on; one that fails (here: no Python at all) is replaced by the same work done here."""
    import sys

    from graphbuild import aside

    monkeypatch.setattr(aside, "PROCESS_LINES", 0)
    if executable:
        monkeypatch.setattr(sys, "executable", executable)
    lean = build(lean=True, aside=tmp_path, analysis=False)
    path, _ = write_graph(lean.graph, tmp_path / "graph.ttl", aside=lean.aside)
    assert lean.aside.sorted_by == ("here" if executable else "process")
    assert path.read_bytes() == write_graph(build(analysis=False).graph, tmp_path / "whole.ttl")[0].read_bytes()
    lean.aside.remove()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "whole.ttl"]
