"""Extraction quality on the reference feed, scored against the independent hand-made gold standard."""
import re
import subprocess
import sys

import pytest

from conftest import DATA, IN_CI, ROOT
from goldscore import score

GOLD = DATA / "gold-2i2c.json"
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"
#: the targets: F1 >= 0.90 in every row of the scorer's table. Projects: 0.87 since issue 15 removed
#: cue words that existed only to catch single entities of this feed ("Hack2Week", "Funders"): the
#: 0.90 they bought was the feed's, not the rule's (the dev feeds' scores did not move)
FLOORS = {"overall": 0.92, "Person": 0.95, "Organization": 0.90, "Org|Project": 0.90, "Project": 0.87}


@pytest.fixture(scope="module")
def result(reference_graph):
    return score(reference_graph, GOLD)


@pytest.mark.parametrize("row", sorted(FLOORS))
def test_f1_per_type_stays_above_its_floor(result, row):
    assert result["rows"][row]["F1"] >= FLOORS[row], result["rows"][row]


def test_precision_stays_high(result):
    assert result["rows"]["overall"]["P"] >= 0.95


def test_few_duplicates(result):
    assert result["dup"] <= 1


def test_relation_recall(result):
    assert result["relation_recall"] >= 0.60


def test_our_scorer_agrees_with_the_shared_one(result, reference_graph, tmp_path):
    if not SHARED_SCORER.exists():
        if IN_CI:
            pytest.fail(f"{SHARED_SCORER} missing")
        pytest.skip("shared scorer not beside the repository")
    from graphbuild.export import export_graph
    path = export_graph(reference_graph, tmp_path / "graph.ttl")
    out = subprocess.run([sys.executable, str(SHARED_SCORER), str(path), str(GOLD)],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"overall F1=([\d.]+) P=([\d.]+) R=([\d.]+) dup=(\d+)", out)
    ours = result["rows"]["overall"]
    assert (round(ours["F1"], 3), round(ours["P"], 3), round(ours["R"], 3), result["dup"]) == \
        (float(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(4)))
    rel = re.search(r"relations: (\d+)/(\d+)", out)
    assert round(result["relation_recall"], 3) == round(int(rel.group(1)) / int(rel.group(2)), 3)
