"""The committed output/ files are what a fresh default build writes (so they are never stale)."""
import pytest
from click.testing import CliRunner

from conftest import ROOT
from graphbuild.cli import cli


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("fresh")
    r = CliRunner().invoke(cli, ["build", "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize("name", ["graph.ttl", "graph.html", "report.md", "report.html"])
def test_committed_output_is_not_stale(fresh, name):
    committed = ROOT / "output" / name
    assert committed.exists(), f"output/{name} is not committed: run 'graphbuild build' and commit it"
    assert committed.read_bytes() == (fresh / name).read_bytes(), \
        f"output/{name} is stale: run 'graphbuild build' and commit output/"
