"""A rebuild with nothing new writes nothing (graphbuild/uptodate.py); anything new, changed or
touched, and it builds."""
import json
import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA

from graphbuild import uptodate
from graphbuild.cli import cli

FILES = ("graph.ttl", "report.md", "report.html")


def run(*args):
    r = CliRunner().invoke(cli, ["build", *map(str, args), "--no-html", "--jobs", "1"])
    assert r.exit_code in (0, 3), r.output
    return r


def stamps(out):
    return {f: (os.stat(out / f).st_mtime_ns, os.stat(out / f).st_ino) for f in FILES}


@pytest.fixture
def feed(tmp_path):
    f = tmp_path / "feed.xml"
    shutil.copy(DATA / "rss2.xml", f)
    return f


def test_a_rebuild_with_nothing_new_writes_nothing_and_says_so(tmp_path, feed):
    out = tmp_path / "out"
    first = run(feed, "--out", out)
    assert "wrote:" in first.output
    before = stamps(out)
    again = run(feed, "--out", out)
    assert "unchanged:" in again.output and "wrote:" not in again.output
    assert stamps(out) == before  # not one file written again
    assert again.output.splitlines()[0] == first.output.splitlines()[0]  # the same counts


def test_a_changed_post_is_built(tmp_path, feed):
    out = tmp_path / "out"
    run(feed, "--out", out)
    feed.write_text(feed.read_text().replace("Nothing to see.", "Grace Hopper visited the Example Lab."))
    r = run(feed, "--out", out)
    assert "wrote:" in r.output
    assert "Grace Hopper visited" in (out / "graph.ttl").read_text()


def test_a_changed_curation_file_is_built(tmp_path, feed):
    out, cur = tmp_path / "out", tmp_path / "curation.toml"
    cur.write_text("")
    run(feed, "--out", out, "--curation", cur)
    cur.write_text('[[drop]]\nname = "Mary Somerville"\n')
    r = run(feed, "--out", out, "--curation", cur)
    assert "wrote:" in r.output
    assert "Mary Somerville" not in (out / "report.md").read_text()


def test_an_output_edited_or_removed_since_is_written_again(tmp_path, feed):
    out = tmp_path / "out"
    run(feed, "--out", out)
    good = (out / "graph.ttl").read_bytes()
    (out / "graph.ttl").write_bytes(good.replace(b"Ada Lovelace", b"Ada Edited"))
    assert "wrote:" in run(feed, "--out", out).output
    assert (out / "graph.ttl").read_bytes() == good
    (out / "report.md").unlink()
    assert "wrote:" in run(feed, "--out", out).output
    assert (out / "report.md").exists()


def test_other_options_or_another_graphbuild_build(tmp_path, feed, monkeypatch):
    out = tmp_path / "out"
    run(feed, "--out", out)
    assert "wrote:" in run(feed, "--out", out, "--no-analysis").output
    assert "unchanged:" in run(feed, "--out", out, "--no-analysis").output
    monkeypatch.setattr(uptodate, "code_digest", lambda: "another version of graphbuild")
    assert "wrote:" in run(feed, "--out", out, "--no-analysis").output


def test_a_build_where_a_post_overran_its_budget_is_never_taken_as_the_next(tmp_path, feed):
    out = tmp_path / "out"
    run(feed, "--out", out)
    record = out / ".graphbuild" / uptodate.RECORD
    rec = json.loads(record.read_text())
    rec["overran"] = True  # as a build records it when a post ran out of CPU time
    record.write_text(json.dumps(rec))
    assert "wrote:" in run(feed, "--out", out).output


def test_fresh_always_builds_and_strict_still_fails_on_the_warnings_it_repeats(tmp_path, feed):
    out = tmp_path / "out"
    first = run(feed, "--out", out, "--strict")
    warnings = [line for line in first.output.splitlines() if line.startswith("warning:")]
    assert first.exit_code == 3 and warnings  # the post without a link (EXIT_WARNINGS)
    again = run(feed, "--out", out, "--strict")
    assert "unchanged:" in again.output and again.exit_code == 3
    assert [line for line in again.output.splitlines() if line.startswith("warning:")] == warnings
    assert "wrote:" in run(feed, "--out", out, "--fresh").output


def test_the_code_digest_covers_the_package_files():
    uptodate.code_digest.cache_clear()
    try:
        a = uptodate.code_digest()
        words = os.path.join(os.path.dirname(uptodate.__file__), "data", "words.toml")
        saved = open(words, "rb").read()
        try:
            with open(words, "ab") as f:
                f.write(b"\n# a comment\n")
            uptodate.code_digest.cache_clear()
            assert uptodate.code_digest() != a
        finally:
            with open(words, "wb") as f:
                f.write(saved)
    finally:
        uptodate.code_digest.cache_clear()


def test_the_same_bytes_are_not_even_parsed(tmp_path, feed, monkeypatch):
    out = tmp_path / "out"
    run(feed, "--out", out)
    before = stamps(out)

    def no_parse(*args, **kwargs):
        raise AssertionError("the feed was parsed")
    monkeypatch.setattr("graphbuild.graph.load_feeds", no_parse)
    assert "unchanged:" in run(feed, "--out", out).output
    assert stamps(out) == before


def test_other_bytes_with_the_same_items_are_parsed_once_then_known(tmp_path, feed, monkeypatch):
    out = tmp_path / "out"
    run(feed, "--out", out)
    before = stamps(out)
    # a comment and a newline change the bytes, not one item the reader finds
    feed.write_bytes(feed.read_bytes().rstrip() + b"\n<!-- re-rendered by the site generator -->\n")
    assert "unchanged:" in run(feed, "--out", out).output  # parsed: the items are the same
    assert stamps(out) == before

    def no_parse(*args, **kwargs):
        raise AssertionError("the feed was parsed")
    monkeypatch.setattr("graphbuild.graph.load_feeds", no_parse)
    assert "unchanged:" in run(feed, "--out", out).output  # these bytes are known now


def test_another_limit_on_the_same_bytes_is_built(tmp_path, feed):
    out = tmp_path / "out"
    run(feed, "--out", out)
    r = run(feed, "--out", out, "--max-items", "1")
    assert "wrote:" in r.output
    assert r.output.splitlines()[0] != run(feed, "--out", out, "--max-items", "2").output.splitlines()[0]
