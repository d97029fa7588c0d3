"""JSON Feed 1.1 / 1.0 (https://jsonfeed.org/version/1.1) read next to RSS and Atom. Inputs are
written here by hand; expected values are read from them."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from graphbuild.errors import FeedError
from graphbuild.feeds import POST_BASE, Limits, parse_feed

FEED_11 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Lab notes",
    "home_page_url": "https://notes.example.org/",
    "feed_url": "https://notes.example.org/feed.json",
    "authors": [{"name": "Feed Person", "url": "https://notes.example.org/about"}],
    "items": [
        {"id": "https://notes.example.org/2025/first", "url": "https://notes.example.org/2025/first",
         "title": "First post", "content_html": "<p>We thank <a href='/people/ada'>Ada</a> for the help.</p>",
         "content_text": "ignored: content_html wins", "date_published": "2025-03-04T05:06:07-02:00",
         "date_modified": "2026-01-01T00:00:00Z",
         "authors": [{"name": "Ada Writer", "url": "https://ada.example.net/"}, {"url": "https://no-name.example/"}],
         "tags": ["science", "  open data "]},
        {"id": "42", "content_text": "A short note without title or url.\n\nSecond paragraph.",
         "date_modified": "2025-05-01T10:00:00Z"},
        {"id": "tag:notes.example.org,2025:link-3", "title": "Worth reading",
         "external_url": "https://elsewhere.example.com/paper", "summary": "A paper we liked."},
    ],
}


def parse(doc, source="feed.json", **kw):
    return parse_feed(json.dumps(doc).encode(), source, **kw)


def test_a_json_feed_11_is_read_like_rss_and_atom():
    f = parse(FEED_11)
    assert f.info.title == "Lab notes"
    assert f.info.iri == "https://notes.example.org/feed.json"  # feed_url names the feed
    assert f.info.link == "https://notes.example.org/"
    a, b, c = f.items
    assert (a.link, a.title, a.id) == ("https://notes.example.org/2025/first", "First post",
                                       "https://notes.example.org/2025/first")
    assert a.published == datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=-2)))
    assert a.text == "We thank Ada for the help."  # content_html, not content_text
    assert [l.href for bl in a.blocks for l in bl.links] == ["https://notes.example.org/people/ada"]
    assert [(x.name, x.url) for x in a.authors] == [("Ada Writer", "https://ada.example.net/")]
    assert a.categories == ("science", "open data")


def test_items_without_url_get_minted_iris_and_feed_authors():
    f = parse(FEED_11)
    _, b, c = f.items
    assert b.minted and b.link.startswith(POST_BASE) and b.id == "42"
    assert b.title == "A short note without title or url."  # its first words, as for RSS/Atom
    assert [bl.text for bl in b.blocks] == ["A short note without title or url.", "Second paragraph."]
    assert b.published == datetime(2025, 5, 1, 10, tzinfo=timezone.utc)  # date_modified when not published
    assert [(x.name, x.url) for x in b.authors] == [("Feed Person", "https://notes.example.org/about")]
    # the link blog item: minted from its tag: id, the external page kept as a link of the post
    assert c.minted and c.title == "Worth reading"
    assert [l.href for bl in c.blocks for l in bl.links] == ["https://elsewhere.example.com/paper"]
    assert c.blocks[0].text == "A paper we liked."
    # one warning per minted item, naming the feed, the position and the title
    where = [p.where for p in f.problems]
    assert where == ["feed.json item 2 'A short note without title or url.'", "feed.json item 3 'Worth reading'"]
    assert "(from its guid '42')" in f.problems[0].reason


def test_minted_iris_come_from_the_id_not_the_position():
    f1 = parse(FEED_11)
    moved = dict(FEED_11, items=[FEED_11["items"][2], FEED_11["items"][1]])
    f2 = parse(moved)
    assert {i.link for i in f1.items[1:]} == {i.link for i in f2.items}


def test_json_feed_10_author_and_numeric_id():
    doc = {"version": "https://jsonfeed.org/version/1", "title": "Old", "home_page_url": "https://old.example.org/",
           "author": {"name": "Solo Author"},
           "items": [{"id": 7, "title": "Seven", "content_text": "text"},
                     {"id": "8", "url": "https://old.example.org/8", "author": {"name": "Guest", "url": "mailto:g@x"}}]}
    f = parse(doc)
    a, b = f.items
    assert a.id == "7" and a.minted and [x.name for x in a.authors] == ["Solo Author"]
    assert b.title == "https://old.example.org/8"  # no title: the link stands in, as for RSS
    assert [(x.name, x.url) for x in b.authors] == [("Guest", None)]  # a mailto: url is no web page
    assert f.info.iri == "https://old.example.org/"  # no feed_url: the home page


def test_bad_items_are_skipped_one_warning_each():
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Mixed",
           "items": ["not an object", {}, {"id": "a", "url": "https://m.example.org/a", "title": ["list"],
                                           "date_published": "yesterday", "tags": "one"},
                     {"id": "b", "url": "javascript:alert(1)", "title": "Bad url", "content_text": "x"}]}
    f = parse(doc, "mixed.json")
    assert [i.title for i in f.items] == ["https://m.example.org/a", "Bad url"]
    msgs = [str(p) for p in f.problems]
    assert msgs[0] == "mixed.json item 1: a JSON str, not an item object; skipped"
    assert msgs[1].startswith("mixed.json item 2: no id (JSON Feed requires one); an empty item")
    assert "title is a JSON list, not a string; ignored" in msgs[2]
    assert "date 'yesterday' not understood" in msgs[2] and "tags is not a list" in msgs[2]
    assert msgs[3].startswith("mixed.json item 4 'Bad url'") and "'javascript:alert(1)' is not a usable" in msgs[3]
    assert f.items[1].minted


@pytest.mark.parametrize("data, fragment", [
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "line 1 not valid JSON (Expecting value)"),
    (b'[1, 2]', "a JSON document, not a JSON Feed (a JSON list"),
    (b'{"title": "no items"}', "a JSON document, not a JSON Feed (an object without an items list"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "no usable items (the JSON Feed has no items)"),
    (b'{"items": [{"id": "\xff"}]}', "not valid UTF-8"),
    (b'[' * 100_000 + b']' * 100_000, "JSON nested too deeply to read"),
    (b'{"items": [{"id": ' + b'9' * 5000 + b'}]}', "JSON value refused"),
])
def test_bad_json_is_one_clear_refusal(data, fragment):
    with pytest.raises(FeedError) as e:
        parse_feed(data, "bad.json")
    assert str(e.value).startswith("bad.json: ") and fragment in str(e.value) and "\n" not in str(e.value)


def test_deep_nesting_inside_an_item_is_refused_not_a_crash():
    data = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]}"
    with pytest.raises(FeedError, match="nested too deeply"):
        parse_feed(data, "deep.json")


def test_the_feed_size_limit_applies_to_json():
    data = json.dumps(FEED_11).encode()
    with pytest.raises(FeedError, match=r"larger than 100 bytes \(raise --max-feed-bytes\)"):
        parse_feed(data, "big.json", Limits(max_feed_bytes=100))
    f = parse_feed(data, "ok.json", Limits(max_items=1))
    assert len(f.items) == 1 and "more than 1 items" in str(f.problems[-1])


def test_an_unknown_version_is_read_with_a_warning():
    f = parse({"version": "https://jsonfeed.org/version/2", "items": [{"id": "1", "url": "https://v.example.org/1"}]})
    assert len(f.items) == 1 and "'https://jsonfeed.org/version/2' is not a JSON Feed version" in str(f.problems[0])


def test_a_json_feed_builds_a_graph_from_the_cli(tmp_path):
    from click.testing import CliRunner

    from graphbuild.cli import cli
    src = tmp_path / "feed.json"
    src.write_text(json.dumps(FEED_11))
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["build", str(src), "--out", str(out), "--no-html", "--no-analysis", "-q"])
    assert r.exit_code == 0, r.output
    ttl = (out / "graph.ttl").read_text()
    assert "<https://notes.example.org/2025/first>" in ttl and '"First post"' in ttl and '"Worth reading"' in ttl


def test_escapes_of_half_a_utf16_pair_are_read_as_replacement_characters_with_one_warning():
    """JSON may escape half of a UTF-16 pair (``\\ud800``), which is no character: Python's json
    keeps it as a lone surrogate, which no UTF-8 file or RDF literal can hold. Each is read as
    U+FFFD (as a UTF-8 decoder reads a broken sequence); a whole pair is its character."""
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Notes \ud800",
           "home_page_url": "https://notes.example.org/",
           "items": [{"id": "1", "url": "https://notes.example.org/1", "title": "Low \udc00 then high \ud800",
                      "content_html": "<p>Thanks to Ada \udbff and \ud83d\ude00 friends.</p>",
                      "tags": ["open\udfff", "fine"], "authors": [{"name": "Ann \ud801Lee"}]}]}
    f = parse(doc)
    assert f.info.title == "Notes \ufffd"
    [item] = f.items
    assert item.title == "Low \ufffd then high \ufffd"
    assert item.text == "Thanks to Ada \ufffd and \U0001F600 friends."
    assert item.categories == ("open\ufffd", "fine")
    assert [a.name for a in item.authors] == ["Ann \ufffdLee"]
    assert [p.reason for p in f.problems] == ["6 \\u escapes of half a UTF-16 pair (no character) read as U+FFFD"]


def test_a_json_feed_with_half_a_utf16_pair_builds_with_one_warning(tmp_path):
    from click.testing import CliRunner

    from graphbuild.cli import cli
    src = tmp_path / "feed.json"
    doc = {**FEED_11, "items": [{**FEED_11["items"][0], "title": "First \ud800 post"}]}
    src.write_text(json.dumps(doc))
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["build", str(src), "--out", str(out), "--no-html", "--no-analysis", "-q"])
    assert r.exit_code == 0, r.output
    assert r.exception is None
    assert '"First \ufffd post"' in (out / "graph.ttl").read_text(encoding="utf-8")
    assert r.output.count("half a UTF-16 pair") == 1
