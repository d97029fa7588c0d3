"""Feed autodiscovery and non-feed sources: an HTML page is refused with the feeds it links to,
``--discover`` follows a URL's feed on the same site only, and says so on stderr; other URL
schemes are refused naming what is supported. HTTP cases use a server on 127.0.0.1 (ephemeral port)."""
import json
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner

from conftest import DATA, loopback_server
from graphbuild.cli import cli
from graphbuild.discover import FoundFeed, choose, find_feeds
from graphbuild.errors import FeedError
from graphbuild.feeds import parse_feed

PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A blog</title>
<script>if (a < b && c) { go(); }</script>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" title="All posts" href="/atom.xml">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml" href="https://other.example.com/rss">
<link rel="alternate" hreflang="fr" href="/fr/">
</head><body><p>Hello<br>world <img src=x></body></html>"""

JSON_FEED = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Blog",
                        "items": [{"id": "1", "url": "https://blog.example.org/one", "title": "Post one"}]}).encode()


def test_links_are_found_in_page_order_resolved_against_the_page():
    feeds = find_feeds(PAGE, "https://blog.example.org/2025/index.html")
    assert feeds == [
        FoundFeed("https://blog.example.org/comments/feed.xml", "application/rss+xml", "Comments"),
        FoundFeed("https://blog.example.org/atom.xml", "application/atom+xml", "All posts"),
        FoundFeed("https://blog.example.org/2025/feed.json", "application/feed+json", ""),
        FoundFeed("https://other.example.com/rss", "application/rss+xml", ""),
    ]
    # the feed to use: on the page's site, not the comments feed
    assert choose("https://www.blog.example.org/", feeds).url == "https://blog.example.org/atom.xml"
    assert choose("https://unrelated.example.net/", feeds) is None


def test_base_href_is_honoured():
    page = b'<html><head><base href="https://cdn.example.org/site/"><link rel=alternate type=application/rss+xml href=rss.xml></head></html>'
    assert [f.url for f in find_feeds(page)] == ["https://cdn.example.org/site/rss.xml"]


def test_an_html5_page_file_is_an_html_page_not_a_feed():
    with pytest.raises(FeedError) as e:
        parse_feed(PAGE, "index.html")
    msg = str(e.value)
    assert msg.startswith("index.html: an HTML page, not a feed; it links to 4 feeds: /comments/feed.xml (RSS, 'Comments'); "
                          "/atom.xml (Atom, 'All posts'); feed.json (JSON Feed); https://other.example.com/rss (RSS)")
    assert "StartTag" not in msg and "\n" not in msg


def test_a_feed_with_an_xhtml_doctype_is_still_read_as_a_feed():
    feed = (b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x">\n<!-- a - b -->\n'
            b"<rss version='2.0'><channel><title>T</title><item><title>Kept</title>"
            b"<link>https://d.example.org/1</link></item></channel></rss>")
    assert [i.title for i in parse_feed(feed, "doctype.xml").items] == ["Kept"]


def test_sniffing_a_page_takes_linear_time_on_hostile_comments():
    import time

    from graphbuild.discover import looks_like_html
    for head in (b"<!---->" * 1200 + b"<rss>", b"<!--" * 2000, b"<!-- - - -" * 800):
        t = time.perf_counter()
        assert not looks_like_html(head)
        assert time.perf_counter() - t < 1.0  # backtracking over the comments took minutes


def test_a_page_without_feed_links_says_so():
    with pytest.raises(FeedError, match=r"page.html: an HTML page, not a feed, and it links to no feed"):
        parse_feed(b"<!doctype html><title>x</title><p>no feeds here", "page.html")


@pytest.mark.parametrize("source, expected", [
    ("file:///tmp/feed%20one.xml", "file:///tmp/feed%20one.xml: file: addresses are not supported; give a file path, - for "
                                   "stdin, or an http:// or https:// URL (for a local file give its path: /tmp/feed one.xml)"),
    ("ftp://ftp.example.org/feed.xml", "ftp://ftp.example.org/feed.xml: ftp: addresses are not supported; give a file path, "
                                       "- for stdin, or an http:// or https:// URL"),
])
def test_other_url_schemes_name_what_is_supported(tmp_path, source, expected):
    r = CliRunner().invoke(cli, ["build", source, "--out", str(tmp_path), "-q"])
    assert r.exit_code == 1 and r.output.strip() == f"Error: {expected}"


# ---------------------------------------------------------------- over HTTP
class Handler(BaseHTTPRequestHandler):
    hits: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        routes = {
            "/blog/": (PAGE.replace(b"/atom.xml", b"/feed.xml"), "text/html; charset=utf-8"),
            "/feed.xml": ((DATA / "rss2.xml").read_bytes(), "application/rss+xml"),
            "/blog/feed.json": (JSON_FEED, "application/feed+json"),
            "/elsewhere/": (b'<html><head><link rel="alternate" type="application/rss+xml" '
                            b'href="https://feeds.example.com/blog.xml"></head></html>', "text/html"),
        }
        body, ctype = routes.get(self.path, (b"", "text/plain"))
        self.send_response(200 if self.path in routes else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    with loopback_server(Handler) as url:
        yield url


def run(tmp_path, *args):
    return CliRunner().invoke(cli, ["build", *args, "--out", str(tmp_path / "out"), "--no-html", "--no-analysis",
                                    "--no-cache", "-q"])


def test_a_page_url_is_refused_with_its_feeds_and_never_followed_silently(server, tmp_path):
    Handler.hits.clear()
    r = run(tmp_path, f"{server}/blog/")
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {server}/blog/: an HTML page, not a feed; it links to 4 feeds: "
                               f"{server}/comments/feed.xml (RSS, 'Comments'); {server}/feed.xml (Atom, 'All posts'); ")
    assert f"use: graphbuild build {server}/feed.xml (or add --discover to follow it)" in r.output
    assert "/feed.xml" not in Handler.hits and not (tmp_path / "out" / "graph.ttl").exists()


def test_discover_follows_the_same_site_feed_and_says_so(server, tmp_path):
    Handler.hits.clear()
    r = run(tmp_path, f"{server}/blog/", "--discover")
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith(f"discover: {server}/blog/ is an HTML page; following the feed it links to: "
                               f"{server}/feed.xml (Atom, 'All posts')")
    assert Handler.hits.get("/feed.xml") == 1
    assert "<https://lab.example.org/blog/ada-joins/>" in (tmp_path / "out" / "graph.ttl").read_text()


def test_discover_leaves_a_feed_url_alone(server, tmp_path):
    r = run(tmp_path, f"{server}/blog/feed.json", "--discover")
    assert r.exit_code == 0 and "discover:" not in r.stderr
    assert "<https://blog.example.org/one>" in (tmp_path / "out" / "graph.ttl").read_text()


def test_discover_never_follows_a_feed_on_another_site(server, tmp_path):
    r = run(tmp_path, f"{server}/elsewhere/", "--discover")
    assert r.exit_code == 1
    assert "links to 1 feed: https://feeds.example.com/blog.xml (RSS)" in r.output
    assert "none of them is on the page's own site, so --discover does not follow one" in r.output
