"""Hostile and broken feeds: refused or recovered as docs/errors.md says, never a traceback,
never a byte of a local file in any output or message."""
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import DATA, need_tool
from graphbuild.cli import cli
from graphbuild.errors import FeedError
from graphbuild.feeds import Limits, parse_feed

HOSTILE = DATA / "hostile"
SECRET = Path("/etc/passwd").read_text(errors="replace").splitlines()[0] if Path("/etc/passwd").exists() else "root:x:0:0"


def build(tmp_path, *files, args=()):
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["build", *map(str, files), "--out", str(out), "--no-cache", "-q", *args])
    return r, out


def no_secret_anywhere(r, out):
    assert SECRET not in r.output
    for f in (out.rglob("*") if out.exists() else []):  # the build's state folder too
        assert f.is_dir() or SECRET not in f.read_text(errors="replace"), f


# ---------------------------------------------------------------- refused: exit 1, one line
@pytest.mark.parametrize("name, reason", [
    ("billion-laughs.xml", "declares XML entities"),
    ("quadratic.xml", "declares XML entities"),
    ("xxe-file.xml", "declares XML entities"),
    ("xxe-parameter.xml", "declares XML entities"),
    ("html-page.xml", "an HTML page"),
    ("json.xml", "no usable items (the JSON Feed has no items)"),
    ("empty.xml", "empty input"),
])
def test_refused_feeds_give_one_line_naming_the_file(tmp_path, name, reason):
    r, out = build(tmp_path, HOSTILE / name)
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and name in lines[0] and reason in lines[0]
    assert "Traceback" not in r.output and not out.exists()
    no_secret_anywhere(r, out)


# ---------------------------------------------------------------- recovered: exit 0 and a warning
@pytest.mark.parametrize("name, warning, posts", [
    ("truncated.xml", "kept the 2 items before it", 2),
    ("wrong-encoding.xml", "read it as Windows-1252", 1),
    ("bom-latin1.xml", "read it as Windows-1252", 1),
    ("nul-bytes.xml", "removed 3 bytes", 1),
    ("external-dtd.xml", "external DTD; it was not loaded", 1),
    ("xinclude.xml", None, 1),
])
def test_recovered_feeds_build_with_a_warning(tmp_path, name, warning, posts):
    r, out = build(tmp_path, HOSTILE / name)
    assert r.exit_code == 0, r.output
    if warning:
        assert warning in r.output
    g = ox.Store()
    g.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    n = len(list(g.query("PREFIX schema: <https://schema.org/> SELECT ?p WHERE { ?p a schema:BlogPosting }")))
    assert n == posts
    no_secret_anywhere(r, out)


def test_recovered_text_is_read_in_the_right_encoding(tmp_path):
    f = parse_feed((HOSTILE / "wrong-encoding.xml").read_bytes(), "w.xml")
    assert f.info.title == "Café news" and f.items[0].title == "Crème brûlée"


def test_strict_turns_warnings_into_failure(tmp_path):
    r, _ = build(tmp_path, HOSTILE / "truncated.xml", args=["--strict"])
    assert r.exit_code == 3


def test_one_bad_feed_does_not_sink_the_others(tmp_path, data_dir):
    r, out = build(tmp_path, HOSTILE / "json.xml", data_dir / "atom.xml")
    assert r.exit_code == 0 and "the JSON Feed has no items" in r.output and (out / "graph.ttl").exists()


# ---------------------------------------------------------------- odd items
@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("odd")
    r, out = build(tmp, HOSTILE / "odd-items.xml")
    assert r.exit_code == 0, r.output
    return r, out


def test_odd_items_are_reported_one_by_one(odd):
    r, _ = odd
    lines = r.output.splitlines()
    assert any("odd-items.xml item 2 'No link, no guid' (line 2): no http(s) link" in x for x in lines)
    assert any("item 10 'JS link'" in x and "'javascript:alert(1)' is not a usable http(s) URL" in x for x in lines)
    assert any("item 5 'Dup B'" in x and "same guid 'same' as item 4 'Dup A'" in x for x in lines)
    assert "duplicate post" in r.output
    assert any("item 7 'Odd date'" in x and "'sometime last spring' not understood" in x for x in lines)
    assert sum("item 9 'Relative'" in x for x in lines) == 1  # two repairs, one warning


def test_odd_items_output_is_valid_everywhere(odd):
    _, out = odd
    rapper = need_tool("rapper")
    ttl = out / "graph.ttl"
    r = subprocess.run([rapper, "-i", "turtle", "-c", str(ttl)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    store = ox.Store()
    store.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    for (s,) in store.query("SELECT DISTINCT ?s WHERE { { ?s ?p ?o } UNION { ?x ?p ?s FILTER(isIRI(?s)) } }"):
        assert s.value.startswith(("https://", "http://")), s
    rows = list(store.query("PREFIX schema: <https://schema.org/> SELECT ?h WHERE { ?p schema:headline ?h }"))
    heads = {r[0].value for r in rows}
    assert "https://ok.example.org/no-title" in heads  # a missing title falls back to the link
    assert any("quoted" in h and "\u202e" not in h for h in heads)  # bidi override removed, quotes kept


def test_a_fifty_megabyte_description_is_kept_cut_at_the_limit(tmp_path):
    big = "<p>" + "word " * (10 * 2**20) + "</p>"
    feed = ('<rss version="2.0"><channel><title>Big</title>'
            '<item><title>Huge</title><link>https://ok.example.org/huge</link><description><![CDATA['
            + big + ']]></description></item>'
            '<item><title>Small</title><link>https://ok.example.org/small</link><description>hi</description></item>'
            '</channel></rss>').encode()
    assert len(feed) > 50 * 2**20
    f = parse_feed(feed, "big.xml")
    assert [i.title for i in f.items] == ["Huge", "Small"]
    huge = f.items[0]
    assert huge.link == "https://ok.example.org/huge"
    assert 10 * 2**20 - 10 <= len(huge.text) + 3 <= 10 * 2**20  # "<p>" and the cut
    assert huge.text.startswith("word word")
    [p] = f.problems
    assert "big.xml item 1 'Huge'" in p.where and "over the 10485760 limit; kept its first part" in p.reason
    whole = parse_feed(feed, "big.xml", Limits(max_description_bytes=60 * 2**20))
    assert len(whole.items[0].text) > 50 * 2**20 - 10 and not whole.problems


def test_deeply_nested_html_is_reported(tmp_path):
    html = "<div>" * 400 + "deep text" + "</div>" * 400
    feed = (f'<rss version="2.0"><channel><title>Deep</title><item><title>Nested</title>'
            f'<link>https://ok.example.org/deep</link><description><![CDATA[{html}]]></description>'
            f'</item></channel></rss>').encode()
    f = parse_feed(feed, "deep.xml")
    assert len(f.items) == 1 and any("nested" in p.reason and "255" in p.reason for p in f.problems)


def test_deeply_nested_xml_does_not_crash():
    feed = ('<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://ok.example.org/x</link>'
            + "<a>" * 5000 + "</a>" * 5000 + '</item></channel></rss>').encode()
    try:
        parse_feed(feed, "nest.xml")
    except FeedError as e:
        assert "nest.xml" in str(e)


def test_item_and_size_limits():
    items = "".join(f"<item><title>{i}</title><link>https://ok.example.org/{i}</link></item>" for i in range(20))
    feed = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    f = parse_feed(feed, "many.xml", Limits(max_items=5))
    assert len(f.items) == 5 and "more than 5 items" in f.problems[0].reason
    with pytest.raises(FeedError, match="larger than 100 bytes"):
        parse_feed(feed, "many.xml", Limits(max_feed_bytes=100))


def test_output_names_cannot_escape_the_output_folder(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # (click's isolated_filesystem is deprecated)
    r = CliRunner().invoke(cli, ["viz", "--feed", str(DATA / "rss2.xml"), "--focus", "Ada Lovelace"])
    assert r.exit_code == 0, r.output
    from graphbuild.text import slugify
    assert slugify("../../etc/passwd") == "etc-passwd"  # data-derived names are slugs
    written = [p for p in Path(cwd).rglob("*.html")]
    assert [p.relative_to(cwd).as_posix() for p in written] == ["output/rss2-ego-ada-lovelace.html"]


def test_failed_build_leaves_previous_output_and_no_temporary_files(tmp_path, data_dir):
    r, out = build(tmp_path, data_dir / "rss2.xml")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    r2 = CliRunner().invoke(cli, ["build", str(HOSTILE / "billion-laughs.xml"), "--out", str(out), "-q"])
    assert r2.exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("author", ["(" * 20000 + "x", "Jane <" * 20000 + "jane@x.org>", "a@b (" * 20000 + ")"])
def test_a_hostile_rss_author_field_neither_crashes_nor_hangs(author):
    import time
    from html import escape
    feed = (f'<rss version="2.0"><channel><title>t</title><item><title>One</title><link>https://ok.example.org/1</link>'
            f'<author>{escape(author)}</author></item></channel></rss>').encode()
    t = time.process_time()
    f = parse_feed(feed, "authors.xml")
    assert len(f.items) == 1 and time.process_time() - t < 2
