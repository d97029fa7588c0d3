"""Property-based: random and mutated feeds never make the reader or the extractors raise anything
but graphbuild's own errors."""
import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import DATA
from graphbuild import extractors
from graphbuild.errors import GraphbuildError
from graphbuild.export import serialize
from graphbuild.feeds import parse_feed
from graphbuild.graph import build

SEEDS = [(DATA / n).read_bytes() for n in ("rss2.xml", "atom.xml", "rss1.xml")] + \
        [(DATA / "hostile" / n).read_bytes() for n in ("odd-items.xml", "xss.xml", "truncated.xml")]
SNIPPETS = [b"<", b">", b"&", b"&amp;", b"<![CDATA[", b"]]>", b"\x00", b"\xff\xfe", b"\xc3", b"<a href='javascript:x'>",
            b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"&e;", b"</item>", b"<item>", b"<link>", b"</link>", b"\"", b"\\",
            b"\xe2\x80\xae", b"<description>", b"&lt;p&gt;", b"<entry>", b"xml:base='../'"]
settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")


def mutate(data: bytes, cuts: list[tuple[int, int, int]]) -> bytes:
    for pos, kind, pick in cuts:
        pos = pos % (len(data) + 1)
        if kind == 0:
            data = data[:pos]  # truncate
        elif kind == 1:
            data = data[:pos] + SNIPPETS[pick % len(SNIPPETS)] + data[pos:]
        elif kind == 2:
            data = data[:pos] + data[pos + 1 + pick % 20:]
        else:
            data = data[:pos] + bytes([pick % 256]) + data[pos + 1:]
    return data


def read_and_extract(data: bytes) -> None:
    try:
        feed = parse_feed(data, "fuzz.xml")
    except GraphbuildError:
        return
    b = build(feeds=[feed])
    assert len(b.graph) > 0
    turtle = serialize(b.graph, "ttl")  # and the output re-parses with an independent parser
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) == len(b.graph)
    for name in extractors.names():
        for item in feed.items:
            list(extractors.get(name).extract(item, extractors.Context()))


@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.integers(0, 10**3)),
                                         max_size=6))
def test_mutated_feeds_raise_only_graphbuild_errors(seed, cuts):
    read_and_extract(mutate(seed, cuts))


@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_graphbuild_errors(data):
    read_and_extract(data)


@given(st.text(max_size=300))
def test_random_text_in_a_post_is_harmless(text):
    from xml.sax.saxutils import escape
    feed = (f'<rss version="2.0"><channel><title>{escape(text)}</title><item><title>{escape(text)}</title>'
            f'<link>https://f.example.org/p</link><description>{escape(text)}</description></item></channel></rss>')
    read_and_extract(feed.encode("utf-8", "surrogatepass"))


_SPACES = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u2029\u202f\u3000\u200b\ufeff"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_SPACES + "ab", max_size=12))
def test_whitespace_of_html_text_squashed_as_the_regular_expression_would(s):
    import re

    from graphbuild.html import _squash_ws

    if s:  # (the builder skips empty text)
        assert _squash_ws(s) == re.sub(r"\s+", " ", s)


def test_whitespace_of_every_kind_is_one_space_and_others_stay():
    from graphbuild.html import _squash_ws

    # no-break, em and ideographic spaces, tabs and line breaks are whitespace; zero-width ones are not
    assert _squash_ws("\u00a0Ada\t\n Lovelace\u2003\u3000") == " Ada Lovelace "
    assert _squash_ws("a\u200bb\ufeff") == "a\u200bb\ufeff"
    assert _squash_ws("\n\n") == " "
