"""The README's two set-up commands work from a clean clone in a fresh virtual environment."""
import re
import subprocess

import pytest

from conftest import ROOT, need_tool

pytestmark = pytest.mark.slow


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", text, re.S).group(1)
    return [l for l in block.splitlines() if l.strip() and not l.lstrip().startswith("#")]


def test_readme_starts_with_build_and_test_commands():
    cmds = readme_commands()
    assert len(cmds) == 2
    assert "graphbuild build" in cmds[0] and ".ci/run" in cmds[1]


def test_readme_commands_work_in_a_fresh_clone(tmp_path):
    git = need_tool("git")
    if subprocess.run([git, "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.fail("the repository has no commit to clone")
    clone = tmp_path / "clone"
    subprocess.run([git, "clone", "-q", str(ROOT), str(clone)], check=True)
    build_cmd, test_cmd = readme_commands()
    r = subprocess.run(["bash", "-c", build_cmd], cwd=clone, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "posts: 28" in r.stdout
    assert (clone / "output" / "graph.ttl").stat().st_size > 10_000
    # the test command, on one quick test file (the whole suite would run this test again)
    r = subprocess.run(["bash", "-c", test_cmd + " tests/test_feeds.py -q"], cwd=clone,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert re.search(r"\d+ passed", r.stdout)
