"""The parsed HTML kept between builds (pipeline.HtmlCache): the same feeds as parsing, and only
new or changed HTML parsed again."""
import logging

import pytest

from graphbuild import html, pipeline
from graphbuild.errors import FeedError
from graphbuild.graph import load_feeds
from graphbuild.models import Block, Link

POST = """<item><title>{title}</title><link>https://lab.example/{slug}</link>
<description>{body}</description></item>"""
BODY_A = ("&lt;p>We thank &lt;a href='/people/jane'>Jane Doe&lt;/a> for &lt;code>kelp-tools&lt;/code>.&lt;/p>"
          "&lt;ul>&lt;li>one&lt;/li>&lt;li>two&lt;/li>&lt;/ul>")
BODY_B = "&lt;h2>News&lt;/h2>&lt;p>Nothing new.&lt;/p>"


def _feed(path, *posts):
    path.write_text('<rss version="2.0"><channel><title>Lab</title><link>https://lab.example/</link>'
                    + "".join(POST.format(title=t, slug=s, body=b) for t, s, b in posts)
                    + "</channel></rss>", encoding="utf-8")
    return path


@pytest.fixture
def parsed(monkeypatch):
    """The base URL of every HTML body parsed (titles, parsed with base "", left out)."""
    calls = []
    real = html.parse_blocks
    monkeypatch.setattr(html, "parse_blocks", lambda text, base: (calls.append(base) if base else None)
                        or real(text, base))
    return calls


def test_kept_html_gives_the_blocks_read_by_hand(tmp_path, parsed):
    feed = _feed(tmp_path / "f.xml", ("A", "a", BODY_A))
    state = tmp_path / "state"
    # what the post says, read by hand: a paragraph with its link and code span, two list items
    expected = (Block("We thank Jane Doe for kelp-tools.", (Link("https://lab.example/people/jane", 9, 17),),
                      "p", ((22, 32),)),
                Block("one", (), "li"), Block("two", (), "li"))
    first = load_feeds([feed], html_cache=state)
    assert parsed == ["https://lab.example/a"]
    again = load_feeds([feed], html_cache=state)
    assert parsed == ["https://lab.example/a"]  # not parsed the second time
    assert first[0].items[0].blocks == again[0].items[0].blocks == expected
    assert first[0].items == again[0].items == load_feeds([feed])[0].items


@pytest.mark.parametrize("batch", [500, 1])  # stored at the end, or as each post is read
def test_only_new_or_changed_html_is_parsed_and_posts_gone_are_forgotten(tmp_path, parsed, monkeypatch, batch):
    monkeypatch.setattr(pipeline.HtmlCache, "BATCH", batch)
    state = tmp_path / "state"
    load_feeds([_feed(tmp_path / "f.xml", ("A", "a", BODY_A), ("B", "b", BODY_B))], html_cache=state)
    del parsed[:]
    # b's text changed, c is new, a only changed its title: its HTML is the same
    feed = _feed(tmp_path / "f.xml", ("A2", "a", BODY_A), ("B", "b", BODY_B + "&lt;p>More.&lt;/p>"),
                 ("C", "c", BODY_B))
    items = load_feeds([feed], html_cache=state)[0].items
    assert sorted(parsed) == ["https://lab.example/b", "https://lab.example/c"]
    assert [b.text for b in items[1].blocks] == ["News", "Nothing new.", "More."]
    assert items == load_feeds([feed])[0].items
    with pipeline.sqlite3.connect(state / "html.sqlite") as db:
        assert db.execute("SELECT count(*) FROM blocks").fetchone() == (3,)  # b's old text is gone
    load_feeds([_feed(tmp_path / "f.xml", ("C", "c", BODY_B))], html_cache=state)
    with pipeline.sqlite3.connect(state / "html.sqlite") as db:
        assert db.execute("SELECT count(*) FROM blocks").fetchone() == (1,)


def test_the_same_html_under_another_base_url_is_parsed_again(tmp_path, parsed):
    state = tmp_path / "state"
    load_feeds([_feed(tmp_path / "f.xml", ("A", "a", BODY_A))], html_cache=state)
    items = load_feeds([_feed(tmp_path / "f.xml", ("A", "moved", BODY_A))], html_cache=state)[0].items
    assert parsed == ["https://lab.example/a", "https://lab.example/moved"]
    assert items[0].blocks[0].links[0].href == "https://lab.example/people/jane"


def test_another_parser_version_parses_everything_again(tmp_path, parsed, monkeypatch):
    state = tmp_path / "state"
    feed = _feed(tmp_path / "f.xml", ("A", "a", BODY_A))
    load_feeds([feed], html_cache=state)
    monkeypatch.setattr(pipeline.HtmlCache, "FORMAT", "another")
    load_feeds([feed], html_cache=state)
    assert parsed == ["https://lab.example/a"] * 2


def test_html_that_cannot_be_parsed_is_not_kept_and_still_noted(tmp_path, monkeypatch):
    state = tmp_path / "state"
    feed = _feed(tmp_path / "f.xml", ("A", "a", BODY_A), ("B", "b", BODY_B))

    def refuse(text, base):
        raise html.UnreadableHtml("no root")
    monkeypatch.setattr(html, "parse_blocks", refuse)
    for _ in range(2):
        f = load_feeds([feed], html_cache=state)[0]
        assert [i.blocks for i in f.items] == [(), ()]
        assert sum("could not be parsed (no root)" in p.reason for p in f.problems) == 2
    assert not state.exists()  # nothing to keep


def test_a_damaged_html_cache_is_replaced_with_a_warning(tmp_path, caplog):
    state = tmp_path / "state"
    state.mkdir()
    (state / "html.sqlite").write_bytes(b"this is not a database" * 100)
    feed = _feed(tmp_path / "f.xml", ("A", "a", BODY_A))
    with caplog.at_level(logging.WARNING):
        items = load_feeds([feed], html_cache=state)[0].items
    assert items == load_feeds([feed])[0].items
    assert "not a readable HTML cache" in caplog.text
    assert (state / "html.sqlite").read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_read_that_fails_forgets_nothing(tmp_path, parsed):
    state = tmp_path / "state"
    good = _feed(tmp_path / "f.xml", ("A", "a", BODY_A))
    load_feeds([good], html_cache=state)
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><item>", encoding="utf-8")
    with pytest.raises(FeedError):
        load_feeds([bad], html_cache=state)
    load_feeds([good], html_cache=state)
    assert parsed == ["https://lab.example/a"]  # kept through the failed read


def test_a_cache_that_cannot_store_reads_on_with_a_warning(tmp_path, parsed, monkeypatch, caplog):
    monkeypatch.setattr(pipeline.HtmlCache, "BATCH", 1)
    state = tmp_path / "state"
    feed = _feed(tmp_path / "f.xml", ("A", "a", BODY_A), ("B", "b", BODY_B))
    load_feeds([feed], html_cache=state)

    def full(self):
        raise pipeline.sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(pipeline.HtmlCache, "_store", full)
    feed = _feed(tmp_path / "f.xml", ("A", "a", BODY_A), ("C", "c", BODY_B + "&lt;p>New.&lt;/p>"), ("D", "d", BODY_B))
    with caplog.at_level(logging.WARNING):
        items = load_feeds([feed], html_cache=state)[0].items
    assert items == load_feeds([feed])[0].items  # every post read, as without the cache
    assert "could not keep the parsed HTML (database or disk is full)" in caplog.text
