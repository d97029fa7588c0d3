"""The reader's lenient cases (issue 10), one small hand-written feed each; expected values read by hand.

Each case is listed in docs/errors.md.
"""
from datetime import datetime, timezone

import pytest

from graphbuild.errors import FeedError
from graphbuild.feeds import parse_feed
from graphbuild.graph import build


def rss(items: str, channel: str = "<title>T</title><link>https://blog.example.org/</link>") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>{channel}\n{items}\n</channel></rss>'.encode()


# ---------------------------------------------------------------- formats
def test_atom_03_entry_with_issued_date_escaped_content_and_alternate_link():
    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old blog</title>
  <link rel="alternate" type="text/html" href="https://old.example.org/"/>
  <entry>
    <title>First post</title>
    <link rel="service.edit" href="https://old.example.org/edit/1"/>
    <link rel="alternate" type="text/html" href="https://old.example.org/2004/first"/>
    <id>tag:old.example.org,2004:1</id>
    <modified>2004-03-02T10:00:00Z</modified>
    <issued>2004-03-01T10:00:00+01:00</issued>
    <author><name>Tim Example</name><url>https://old.example.org/tim</url></author>
    <content type="text/html" mode="escaped">&lt;p&gt;Hello &lt;a href="/about"&gt;about&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
  <entry>
    <title mode="base64">U2Vjb25kIDxiPnBvc3Q8L2I+</title>
    <link rel="alternate" href="https://old.example.org/2004/second"/>
    <content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">Inline <b>XHTML</b></div></content>
  </entry>
</feed>"""
    f = parse_feed(feed, "old.xml")
    assert f.info.title == "Old blog" and f.info.link == "https://old.example.org/"
    first, second = f.items
    assert first.link == "https://old.example.org/2004/first"
    assert first.published == datetime(2004, 3, 1, 9, 0, tzinfo=timezone.utc)  # issued, not modified
    assert first.authors[0].name == "Tim Example" and first.authors[0].url == "https://old.example.org/tim"
    assert first.blocks[0].text == "Hello about"
    assert first.blocks[0].links[0].href == "https://old.example.org/about"
    assert second.title == "Second <b>post</b>"  # base64, type text/plain by default in Atom 0.3
    assert second.text == "Inline XHTML"
    assert not f.problems


@pytest.mark.parametrize("root_open, root_close", [
    ('<rss version="2.0" xmlns="http://backend.userland.com/rss2">', "</rss>"),
    ('<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2">', "</r:rss>"),
])
def test_rss2_in_the_userland_namespace(root_open, root_close):
    p = "r:" if root_open.startswith("<r:") else ""
    feed = (f'{root_open}<{p}channel><{p}title>Userland</{p}title><{p}link>https://u.example.org/</{p}link>'
            f'<{p}item><{p}title>Namespaced</{p}title><{p}link>https://u.example.org/1</{p}link>'
            f'<{p}description>&lt;p&gt;Body&lt;/p&gt;</{p}description></{p}item></{p}channel>{root_close}').encode()
    f = parse_feed(feed, "userland.xml")
    assert f.info.title == "Userland"
    [item] = f.items
    assert (item.title, item.link, item.text) == ("Namespaced", "https://u.example.org/1", "Body")


def test_cdf_channel_with_href_items():
    feed = b'<CHANNEL HREF="https://cdf.example.org/"><TITLE>CDF</TITLE>' \
           b'<ITEM HREF="https://cdf.example.org/a" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>An item</TITLE>' \
           b'<ABSTRACT>Short text</ABSTRACT></ITEM></CHANNEL>'
    f = parse_feed(feed, "cdf.xml")
    [item] = f.items
    assert (item.title, item.link, item.text) == ("An item", "https://cdf.example.org/a", "Short text")
    assert item.published == datetime(2004, 4, 7, 4, 5, 43, tzinfo=timezone.utc)


# ---------------------------------------------------------------- entities
def test_html_named_entities_are_decoded_without_a_dtd():
    f = parse_feed(rss("<item><title>Caf&eacute;&nbsp;&amp; co &hellip;</title><link>https://blog.example.org/1</link>"
                       "<description><![CDATA[<p>&eacute; stays as HTML here</p>]]></description></item>"), "ent.xml")
    [item] = f.items
    assert item.title == "Caf\u00e9 & co \u2026"  # the no-break space is white space in a headline
    assert item.text == "\u00e9 stays as HTML here"  # CDATA is not rewritten; the HTML parser reads it
    assert not f.problems


def test_an_undefined_entity_and_a_bare_ampersand_are_kept_as_text_with_one_warning():
    f = parse_feed(rss("<item><title>AT&T &madeup; news</title>\n<link>https://blog.example.org/1</link></item>"),
                   "amp.xml")
    [item] = f.items
    assert item.title == "AT&T &madeup; news"
    [p] = f.problems
    assert p.where == "amp.xml item 1 'AT&T &madeup; news' (line 3)"
    assert "undefined entity &madeup; at line 3 kept as text" in p.reason and "bare '&' at line 3" in p.reason


def test_entity_declarations_are_still_refused_naming_the_line():
    feed = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ELEMENT rss ANY>
  <!ENTITY nbsp "&#160;">
]>
<rss version="2.0"><channel><title>x&nbsp;y</title><item><title>a</title><link>https://e.example.org/</link></item></channel></rss>"""
    with pytest.raises(FeedError) as e:
        parse_feed(feed, "decl.xml")
    assert str(e.value).startswith("decl.xml: entity declarations are refused (line 4)")


def test_a_non_feed_is_refused_with_its_root_element():
    with pytest.raises(FeedError, match=r"page.xml: an HTML page, not a feed"):
        parse_feed(b"<html><head><title>x&nbsp;y</title></head><body/></html>", "page.xml")
    with pytest.raises(FeedError, match=r"outline.xml: not a feed: root element <opml> \(an OPML outline"):
        parse_feed(b"<opml version='2.0'><body/></opml>", "outline.xml")


# ---------------------------------------------------------------- identity
NO_LINK = rss("<item><title>Only a title</title><pubDate>Mon, 01 Sep 2025 00:00:00 GMT</pubDate>"
              "<description>&lt;p&gt;Text naming &lt;a href='https://github.com/adalovelace'&gt;Ada Lovelace&lt;/a&gt;.&lt;/p&gt;"
              "</description></item>"
              "<item><title>A tag guid</title><guid isPermaLink='false'>tag:blog.example.org,2025:7</guid></item>"
              "<item><title>Broken IPv6 guid</title><guid>http://[::1</guid></item>")


def test_items_without_a_link_get_a_deterministic_iri_and_a_warning():
    a, b = parse_feed(NO_LINK, "nolink.xml"), parse_feed(NO_LINK, "elsewhere/nolink.xml")
    links = [i.link for i in a.items]
    assert len(set(links)) == 3 and all(l.startswith("https://graphbuild.example/id/post/") for l in links)
    assert links == [i.link for i in b.items]  # stable across runs and paths (from the feed's own link)
    assert all(i.minted for i in a.items)
    assert a.items[1].id == "tag:blog.example.org,2025:7"
    assert len(a.problems) == 3
    assert "nolink.xml item 1 'Only a title'" in a.problems[0].where
    assert "(from its title, date and text)" in a.problems[0].reason
    assert "(from its guid 'tag:blog.example.org,2025:7')" in a.problems[1].reason
    assert "guid 'http://[::1' is a malformed URL" in a.problems[2].reason


def test_a_minted_iri_depends_on_content_not_position():
    one = parse_feed(rss("<item><title>X</title><description>x</description></item>"), "f.xml").items[0].link
    moved = parse_feed(rss("<item><title>Y</title><description>y</description></item>"
                           "<item><title>X</title><description>x</description></item>"), "f.xml").items[1].link
    edited = parse_feed(rss("<item><title>X</title><description>x, edited</description></item>"), "f.xml").items[0].link
    assert one == moved and one != edited


def test_minted_posts_keep_their_mentions_and_have_no_url(tmp_path):
    p = tmp_path / "nolink.xml"
    p.write_bytes(NO_LINK)
    g = build([p]).graph
    rows = list(g.query("""PREFIX schema: <https://schema.org/>
        SELECT ?post ?url WHERE { ?post schema:headline "Only a title" ; schema:mentions ?who .
                                  ?who schema:name "Ada Lovelace" . OPTIONAL { ?post schema:url ?url } }"""))
    assert len(rows) == 1 and rows[0][1] is None


def test_duplicate_guid_with_different_content_warns_naming_both_items():
    f = parse_feed(rss("<item><title>First</title><guid isPermaLink='false'>g1</guid><description>a</description></item>"
                       "<item><title>Second</title><guid isPermaLink='false'>g1</guid><description>b</description></item>"
                       "<item><title>First</title><guid isPermaLink='false'>g1</guid><description>a</description></item>"),
                   "dup.xml")
    assert len({i.link for i in f.items}) == 2  # the exact repeat is the same post (the graph keeps one)
    dup = [p for p in f.problems if "same guid" in p.reason]
    assert len(dup) == 1 and "dup.xml item 2 'Second'" in dup[0].where
    assert "same guid 'g1' as item 1 'First' but different content" in dup[0].reason


def test_an_unreadable_date_warns_naming_the_item():
    f = parse_feed(rss("<item><title>Dated</title><link>https://blog.example.org/d</link>"
                       "<pubDate>the day after tomorrow</pubDate></item>"), "date.xml")
    [item] = f.items
    assert item.published is None
    [p] = f.problems
    assert p.where == "date.xml item 1 'Dated' (line 3)" and "'the day after tomorrow' not understood" in p.reason


@pytest.mark.parametrize("value, expected", [
    ("2004-03", datetime(2004, 3, 1, tzinfo=timezone.utc)),
    ("2004", datetime(2004, 1, 1, tzinfo=timezone.utc)),
    ("20040301T101500Z", datetime(2004, 3, 1, 10, 15, tzinfo=timezone.utc)),
])
def test_w3cdtf_partial_and_compact_dates(value, expected):
    from graphbuild.feeds import parse_date
    assert parse_date(value) == expected


# ---------------------------------------------------------------- xml:base
XML_BASE = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example.net/section/">
  <title>Based</title>
  <entry xml:base="2025/">
    <title>One</title><link href="one"/>
    <author><name>Jean Sammet</name><uri>../people/jean</uri></author>
    <content type="html" xml:base="/assets/">&lt;a href="pic"&gt;pic&lt;/a&gt;</content>
  </entry>
  <entry xml:base="https://news.example.net/section/2024/10/">
    <title>Two</title><link href="two"/>
    <author xml:base="../"><name>Jean Sammet</name><uri>../people/jean</uri></author>
    <content type="html">&lt;a href="three"&gt;three&lt;/a&gt;</content>
  </entry>
</feed>"""


def test_xml_base_scopes_nest_and_author_uris_resolve_against_their_own_base():
    f = parse_feed(XML_BASE, "based.xml")
    one, two = f.items
    assert one.link == "https://news.example.net/section/2025/one"
    assert two.link == "https://news.example.net/section/2024/10/two"
    # entry 1: section/2025/ + ../people/jean; entry 2: the author's base section/2024/ + ../people/jean
    assert one.authors[0].url == two.authors[0].url == "https://news.example.net/section/people/jean"
    assert one.blocks[0].links[0].href == "https://news.example.net/assets/pic"  # the content's own base
    assert two.blocks[0].links[0].href == "https://news.example.net/section/2024/10/three"


def test_xml_base_author_is_one_node(tmp_path):
    p = tmp_path / "based.xml"
    p.write_bytes(XML_BASE)
    g = build([p]).graph
    people = list(g.query('PREFIX schema: <https://schema.org/> SELECT DISTINCT ?p WHERE { ?p schema:name "Jean Sammet" }'))
    assert len(people) == 1


# ---------------------------------------------------------------- bytes XML forbids
def test_nul_bytes_inside_an_item_name_the_item_and_line():
    feed = rss("<item><title>Fine</title><link>https://blog.example.org/1</link></item>\n"
               "<item>\n<title>Bro\x00ken</title>\n<link>https://blog.example.org/2</link></item>")
    f = parse_feed(feed, "nul.xml")
    assert [i.title for i in f.items] == ["Fine", "Broken"]
    [p] = f.problems
    assert p.where == "nul.xml item 2 'Broken' (line 4)"
    assert p.reason == "removed 1 bytes that XML forbids (NUL or control characters) at line 5"


def test_rss_author_name_then_email_in_parentheses():
    f = parse_feed(rss("<item><title>A</title><link>https://blog.example.org/a</link>"
                       "<author>Example Editor (editor@example.org)</author></item>"), "auth.xml")
    assert f.items[0].authors[0].name == "Example Editor" and f.items[0].authors[0].email == "editor@example.org"


# ---------------------------------------------------------------- titles with markup
TITLED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://marsh.example.org/">
  <title>Marsh notes</title><id>https://marsh.example.org/</id>
  <entry><title type="html">Why &lt;code&gt;zebu&lt;/code&gt; is fast&lt;script&gt;steal()&lt;/script&gt;</title>
    <link href="https://marsh.example.org/zebu"/><id>https://marsh.example.org/zebu</id>
    <content type="html">&lt;p&gt;Ines Moreau wrote zebu.&lt;/p&gt;</content></entry>
  <entry><title type="html">Don&amp;#8217;t panic</title>
    <link href="https://marsh.example.org/panic"/><id>https://marsh.example.org/panic</id></entry>
  <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <a href="/kelp" onclick="steal()">kelp</a> map</div></title>
    <link href="https://marsh.example.org/map"/><id>https://marsh.example.org/map</id></entry>
</feed>"""


def test_a_title_with_markup_keeps_it_sanitised_beside_its_text():
    zebu, panic, kelp = parse_feed(TITLED, "marsh.xml").items
    assert (zebu.title, zebu.title_html) == ("Why zebu is fast", "Why <code>zebu</code> is fast")  # script gone
    assert (panic.title, panic.title_html) == ("Don\u2019t panic", "")  # entities only: plain text says it all
    # Atom 1.0's wrapping div is not the title's; the event handler is dropped, the link resolved
    assert (kelp.title, kelp.title_html) == ("A kelp map", 'A <a href="https://marsh.example.org/kelp">kelp</a> map')


def test_a_markup_title_is_an_rdf_html_headline_shown_as_text(tmp_path):
    from rdflib import RDF, XSD, URIRef
    from rdflib.namespace import SDO

    from graphbuild.network import to_networkx
    from graphbuild.validate import validate_graph

    path = tmp_path / "marsh.xml"
    path.write_bytes(TITLED)
    g = build([path]).graph
    head = g.value(URIRef("https://marsh.example.org/zebu"), SDO.headline)
    assert (str(head), head.datatype) == ("Why <code>zebu</code> is fast", RDF.HTML)
    plain = g.value(URIRef("https://marsh.example.org/panic"), SDO.headline)
    assert (str(plain), plain.datatype) == ("Don\u2019t panic", XSD.string)
    assert validate_graph(g) == []  # the contract allows rdf:HTML headlines
    assert to_networkx(g).nodes["https://marsh.example.org/zebu"]["label"] == "Why zebu is fast"
