"""Every link read from a feed passes one IRI check (graph.py ``_Triples.web``, urls.py ``clean_iri``):
repaired when RFC 3987 allows it, dropped when not, one warning per item naming it. Property-based:
arbitrary hrefs, guids, author URIs and xml:base values never break a build, and the Turtle re-parses
with two independent parsers (pyoxigraph and raptor's rapper)."""
import subprocess
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import URIRef
from rdflib.namespace import RDF, SDO

from conftest import need_tool
from graphbuild.export import serialize
from graphbuild.feeds import parse_feed
from graphbuild.graph import build
from graphbuild.urls import clean_iri, host, is_web_iri, norm_url, redact, split

GOOD = "https://blog.example.org/posts/good/"


def _feed(body: str, href: str = "[link]") -> bytes:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://blog.example.org/</link>
<item><title>Good</title><link>{GOOD}</link><description>{escape(body.replace("HREF", escape(href, {'"': "&quot;"})))}</description></item>
</channel></rss>""".encode()


def _build(data: bytes):
    return build(feeds=[parse_feed(data, "t.xml")])


@pytest.mark.parametrize("href, expected", [
    ("[link]", "https://blog.example.org/posts/good/%5Blink%5D"),  # a template placeholder left in a real post
    ("https://x.example.org/search?q[]=1", "https://x.example.org/search?q%5B%5D=1"),
    ("https://x.example.org/a%/b", "https://x.example.org/a%25/b"),
    ("https://x.example.org/a%2", "https://x.example.org/a%252"),
    ("https://x.example.org/p#one#two", "https://x.example.org/p#one%23two"),
    ("https://x.example.org/caf\u00e9", "https://x.example.org/caf\u00e9"),  # IRIs keep Unicode
    ("https://x.example.org/\ue000", "https://x.example.org/%EE%80%80"),  # private use: only in a query
    ("https://x.example.org/?\ue000", "https://x.example.org/?\ue000"),
])
def test_a_citation_is_repaired_with_one_warning_naming_the_item(href, expected):
    b = _build(_feed('<p>See <a href="HREF">this</a>.</p>', href))
    assert (URIRef(GOOD), SDO.citation, URIRef(expected)) in b.graph
    warned = [str(p) for p in b.problems]
    assert expected != GOOD + href and len(warned) == 1 and warned[0].startswith(GOOD) and "percent-encoded" in warned[0] \
        or expected == href and not warned


@pytest.mark.parametrize("href", ["http://[::1/x", "http://example.org:8o/", "http://example.org:http/", "http://@/x"])
def test_a_citation_that_cannot_be_an_iri_is_dropped_and_the_post_kept(href):
    b = _build(_feed('<p>See <a href="HREF">this</a> and <a href="https://ok.example.org/">that</a>.</p>', href))
    cited = set(b.graph.objects(URIRef(GOOD), SDO.citation))
    assert cited == {URIRef("https://ok.example.org/")}
    [p] = b.problems
    assert p.where == GOOD and "dropped" in p.reason and repr(redact(href)) in p.reason


def test_several_bad_links_of_one_item_make_one_warning():
    body = '<p><a href="[a]">a</a> <a href="[b]">b</a> <a href="http://[::1/x">c</a> <a href="%/">d</a></p>'
    b = _build(_feed(body))
    assert len(b.problems) == 1 and b.problems[0].reason.startswith("4 links")


def test_a_post_whose_link_cannot_be_an_iri_keeps_its_mentions_under_a_minted_iri():
    from graphbuild.feeds import Author, FeedInfo, FeedItem
    from graphbuild.models import Feed
    info = FeedInfo("t.xml", "https://blog.example.org/feed.xml", "T")
    item = FeedItem("x", "http://bad host.example.org/post", "Post", info, authors=(Author("Grace Example"),))
    b = build(feeds=[Feed(info, [item])])
    [post] = list(b.graph.subjects(RDF.type, SDO.BlogPosting))
    assert str(post).startswith("https://graphbuild.example/id/post/")
    assert b.graph.value(post, SDO.url) is None  # no schema:url: the link was not a URL
    assert [str(b.graph.value(a, SDO.name)) for a in b.graph.objects(post, SDO.author)] == ["Grace Example"]
    assert "dropped" in b.problems[0].reason


def test_user_info_never_reaches_the_graph():
    data = _feed("<p>x</p>").replace(b"<link>https://blog.example.org/</link>",
                                     b"<link>https://editor:s3cret@blog.example.org/</link>")
    b = _build(data)
    turtle = serialize(b.graph, "ttl").decode()
    assert "s3cret" not in turtle and "editor" not in turtle and "<https://blog.example.org/>" in turtle
    assert all("s3cret" not in str(p) for p in b.problems)


def test_a_bad_base_uri_is_refused_in_one_line():
    from graphbuild.errors import FeedError
    with pytest.raises(FeedError, match="base URI"):
        build(feeds=[parse_feed(_feed("<p>x</p>"), "t.xml")], base_uri="not a base/")


@pytest.mark.parametrize("url", ["http://[::1/x", "http://a:99999/", "http://a:b/", "http://\uff03.example/", "", "::"])
def test_urls_helpers_never_raise(url):
    assert split(url) is None or split(url).scheme is not None
    norm_url(url), host(url), is_web_iri(url), clean_iri(url)


def test_bidi_controls_are_percent_encoded_and_user_info_removed():
    assert clean_iri("https://x.example.org/a\u202eb") == ("https://x.example.org/a%E2%80%AEb", "percent-encoded")
    assert clean_iri("https://u:pw@x.example.org/") == ("https://x.example.org/", "user info (credentials) removed")
    assert clean_iri("javascript:alert(1)")[0] is None and clean_iri("https://x.example.org/\ud800")[0] is None


def test_redact_removes_user_info_from_every_url_in_a_message():
    assert redact("x http://u:p@h.example/f and https://tok@h2.example:8/ y") == "x http://h.example/f and https://h2.example:8/ y"
    assert redact("http://u:p@ss@h.example/f") == "http://h.example/f"


# ------------------------------------------------------------------ property-based
_XML_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff",
                           min_codepoint=0x09).filter(lambda c: c >= " " or c in "\t\n\r")
_URLISH = st.one_of(
    st.text(_XML_CHARS, max_size=40),
    st.builds(lambda s, h, p: f"{s}://{h}/{p}", st.sampled_from(["http", "https", "HTTP", "ftp", "javascript"]),
              st.text(_XML_CHARS, max_size=15), st.text(_XML_CHARS, max_size=25)),
    st.builds(lambda p: "https://ex.example.org/" + p, st.text(_XML_CHARS, max_size=30)),
    st.sampled_from(["[link]", "?q[]=1", "%/", "http://[::1/x", "http://u:p@h.example/", "../..", "//h.example/x",
                     "http://h.example:99999/", "#frag", "http://h.example/\u202e", "http://[v1.x]/", "mailto:a@b"]),
)


@st.composite
def hostile_feed(draw) -> tuple[bytes, str]:
    """An RSS or Atom feed with one ordinary item and one whose URLs are arbitrary strings."""
    u = [quoteattr(draw(_URLISH)) for _ in range(5)]
    link, guid, author, base = (escape(draw(_URLISH)) for _ in range(4))
    if draw(st.booleans()):
        data = f"""<rss version="2.0"><channel><title>T</title><link>{link}</link>
<item><title>Good</title><link>{GOOD}</link><description>ok</description></item>
<item><title>Odd</title><link>{link}</link><guid>{guid}</guid><author>x@y.org (Ann Example)</author>
<description>&lt;p&gt;Thanks to &lt;a href={escape(u[0])}&gt;Jo Example&lt;/a&gt; of &lt;a href={escape(u[1])}&gt;Example Lab&lt;/a&gt;&lt;/p&gt;</description></item>
</channel></rss>"""
    else:
        data = f"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base={u[2]}><title>T</title><id>{guid}</id>
<link href={u[3]}/>
<entry><title>Good</title><link href="{GOOD}"/><id>{GOOD}</id></entry>
<entry xml:base={u[4]}><title>Odd</title><link href={u[0]}/><id>{guid}</id>
<author><name>Ann Example</name><uri>{author}</uri></author>
<content type="xhtml" xml:base="{base}"><div xmlns="http://www.w3.org/1999/xhtml"><p>Thanks to
<a href={u[1]}>Jo Example</a> of <a href="https://github.com/example-lab">Example Lab</a></p></div></content></entry>
</feed>"""
    return data.encode("utf-8"), data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_feed())
def test_arbitrary_urls_never_break_a_build_and_the_turtle_reparses(tmp_path_factory, feed):
    data, _ = feed
    b = _build(data)
    assert (URIRef(GOOD), RDF.type, SDO.BlogPosting) in b.graph
    turtle = serialize(b.graph, "ttl")
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) == len(b.graph)
    path = tmp_path_factory.mktemp("iri") / "g.ttl"
    path.write_bytes(turtle)
    r = subprocess.run([need_tool("rapper"), "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"returned {len(b.graph)} triples" in r.stderr and "Error" not in r.stderr
