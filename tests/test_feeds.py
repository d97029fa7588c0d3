"""The reader: RSS 2.0, Atom 1.0, RSS 1.0, the reference feed. Expected values read from the files by hand."""
from datetime import datetime, timedelta, timezone

import pytest

from graphbuild.errors import FeedError
from graphbuild.feeds import parse_date, parse_feed
from graphbuild.sources import default_feed


def read(data_dir, name):
    p = data_dir / name
    return parse_feed(p.read_bytes(), str(p))


def test_rss2_items_titles_links_dates(data_dir):
    f = read(data_dir, "rss2.xml")
    assert f.info.title == "Example Lab blog"
    assert f.info.iri == "https://lab.example.org/blog/index.xml"
    assert [i.title for i in f.items] == ["Ada Lovelace joins the Analytical Engine team", "Welcome to the blog",
                                          "A post without a link"]
    first = f.items[0]
    assert first.link == "https://lab.example.org/blog/ada-joins/"
    assert first.published == datetime(2025, 9, 2, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert [a.name for a in first.authors] == ["Charles Babbage"]
    assert first.categories == ("team",)


def test_rss2_relative_links_resolve_against_item_link(data_dir):
    links = [l.href for b in read(data_dir, "rss2.xml").items[0].blocks for l in b.links]
    assert "https://lab.example.org/author/ada-lovelace/" in links
    assert "https://lab.example.org/blog/welcome/" in links  # "../welcome/" from /blog/ada-joins/


def test_rss2_author_email_form_gives_the_name(data_dir):
    assert [a.name for a in read(data_dir, "rss2.xml").items[1].authors] == ["Charles Babbage"]


def test_rss2_item_without_link_is_kept_under_a_minted_iri(data_dir):
    f = read(data_dir, "rss2.xml")
    third = f.items[2]
    assert third.minted and third.link.startswith("https://graphbuild.example/id/post/")
    assert third.id == "no-link" and third.blocks[0].text == "Nothing to see."
    [p] = f.problems
    assert "item 3 'A post without a link' (line 25)" in p.where and "no http(s) link" in p.reason


def test_rss2_link_text_positions_match_block_text(data_dir):
    block = read(data_dir, "rss2.xml").items[0].blocks[0]
    assert [block.text[l.start:l.end] for l in block.links] == ["Ada Lovelace", "engine", "Royal Society"]


def test_atom_xml_base_and_relative_links(data_dir):
    f = read(data_dir, "atom.xml")
    assert f.info.title == "Example Network News"
    assert f.info.iri == "https://news.example.net/feed.atom"
    hopper = f.items[0]
    assert hopper.link == "https://news.example.net/posts/hopper"
    assert hopper.title == "Grace Hopper & the COBOL committee"  # type="html": escaped HTML, rendered to text
    assert hopper.published == datetime(2025, 10, 5, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert hopper.authors[0].name == "Jean Sammet"
    hrefs = [l.href for b in hopper.blocks for l in b.links]
    assert hrefs == ["https://news.example.net/posts/hopper-notes", "https://github.com/ghopper"]


def test_atom_xhtml_content_and_updated_as_date(data_dir):
    second = read(data_dir, "atom.xml").items[1]
    assert second.blocks[0].text == "An earlier post and XHTML content."
    assert [l.href for l in second.blocks[0].links] == ["https://news.example.net/posts/hopper"]
    assert second.published == datetime(2025, 10, 7, 10, 0, tzinfo=timezone.utc)


def test_rss1_feed(data_dir):
    f = read(data_dir, "rss1.xml")
    assert f.info.title == "Old School Weblog"
    [item] = f.items
    assert item.link == "https://old.example.com/2004/first"
    assert item.published == datetime(2004, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert item.authors[0].name == "Tim Example"
    assert item.blocks[0].links[0].href == "https://orcid.org/0000-0002-1825-0097"


def test_reference_feed_has_28_posts_with_known_items():
    f = parse_feed(default_feed().read_bytes(), "2i2c")
    assert len(f.items) == 28 and not f.problems
    first, fourteenth, last = f.items[0], f.items[13], f.items[27]
    assert first.title == "Report from the Jupyter and AI community meetup"
    assert first.link == "https://deploy-preview-612--2i2c-org.netlify.app/blog/jupyter-ai-seattle-meetup/"
    assert first.published == datetime(2026, 4, 23, tzinfo=timezone.utc)
    assert fourteenth.title == "Refactoring Jupyter Book 2 documentation ahead of a major release"
    assert fourteenth.published == datetime(2025, 11, 1, tzinfo=timezone.utc)
    assert last.link == "https://deploy-preview-612--2i2c-org.netlify.app/blog/open-source-funding-principles/"
    assert last.published == datetime(2023, 1, 8, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, expected", [
    ("Thu, 23 Apr 2026 00:00:00 +0000", datetime(2026, 4, 23, tzinfo=timezone.utc)),
    ("Mon, 01 Sep 2025 00:00:00 GMT", datetime(2025, 9, 1, tzinfo=timezone.utc)),
    ("2025-10-05T08:00:00-05:00", datetime(2025, 10, 5, 8, tzinfo=timezone(timedelta(hours=-5)))),
    ("2025-10-05T08:00:00Z", datetime(2025, 10, 5, 8, tzinfo=timezone.utc)),
    ("2025-10-05", datetime(2025, 10, 5, tzinfo=timezone.utc)),
    ("2025-10-05 08:00:00", datetime(2025, 10, 5, 8, tzinfo=timezone.utc)),
    ("next Tuesday", None),
])
def test_parse_date_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("data, fragment", [
    (b"", "empty input"),
    (b"<html><body>hi</body></html>", "an HTML page, not a feed, and it links to no feed"),
    (b"<feedback><x/></feedback>", "not a feed: root element <feedback>"),
    (b"<rss version='2.0'><channel><title>x</title>", "not a well-formed feed"),
    (b"<rss version='2.0'><channel><title>x</title></channel></rss>", "no usable items"),
])
def test_bad_feeds_raise_feed_error_naming_the_source(data, fragment):
    with pytest.raises(FeedError) as e:
        parse_feed(data, "bad.xml")
    assert "bad.xml" in str(e.value) and fragment in str(e.value)


def test_permalink_anchors_are_not_part_of_a_headings_text():
    from graphbuild.html import html_blocks
    page = ('<h2 id="tide">Counting the tide pools <a class="header-anchor" href="#tide">#</a></h2>'
            '<h3 id="b">Results<a href="#b">¶</a></h3><p>See <a href="#tide">the first section</a>.</p>')
    texts = [b.text for b in html_blocks(page, "https://tide.example/")]
    assert texts == ["Counting the tide pools", "Results", "See the first section."]


class _BodyParserFails:
    """lxml.etree whose HTML parse of a body holding ``marker`` fails (lxml itself rarely gives up)."""

    def __init__(self, marker, error):
        from lxml import etree
        self._etree, self._marker, self._error = etree, marker, error

    def fromstring(self, text, parser=None):
        if self._marker in text:
            raise self._error
        return self._etree.fromstring(text, parser)

    def __getattr__(self, name):
        return getattr(self._etree, name)


def test_html_the_parser_cannot_read_is_a_problem_for_its_item_not_silence(data_dir, monkeypatch):
    import graphbuild.html
    from lxml import etree
    # "Our first post" is the body of the second item of rss2.xml only
    monkeypatch.setattr(graphbuild.html, "etree", _BodyParserFails("Our first post", etree.ParserError("broken")))
    f = read(data_dir, "rss2.xml")
    blocks = {i.link: i.blocks for i in f.items}
    assert blocks["https://lab.example.org/blog/welcome/"] == ()
    assert blocks["https://lab.example.org/blog/ada-joins/"]  # the other items are read as before
    assert [(p.where, p.reason) for p in f.problems if "HTML" in p.reason] == [
        (f"{data_dir / 'rss2.xml'} item 2 'Welcome to the blog' (line 17)",
         "post HTML could not be parsed (broken): the post is kept without its text")]


def test_an_unexpected_error_in_the_html_parser_is_not_swallowed(data_dir, monkeypatch):
    import graphbuild.html
    monkeypatch.setattr(graphbuild.html, "etree", _BodyParserFails("Our first post", RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        read(data_dir, "rss2.xml")
