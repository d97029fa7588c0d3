"""Conformance over feedparser's test corpus (../shared/corpus/feedparser, BSD-2-Clause), read in-process.

Each corpus file's header states what a careful reader finds in it (``Expect:``, a Python expression
over feedparser's result). This test reads every file with graphbuild's reader and checks:

- no file raises anything but FeedError (no crash, whatever the input);
- every refusal names a real reason (never libxml2's misleading "no element found");
- at least 95 % of the files whose Expect line names the first entry's title (``title`` or
  ``title_detail['value']``, whether or not feedparser calls the file well-formed) yield a post with that
  title, as written or as text (feedparser gives a text title's ``&`` as ``&amp;``);
- where feedparser keeps an HTML title's elements (``Example <b>Atom</b>``, a sanitised ``<img>``),
  the headline keeps the same markup (an rdf:HTML literal, docs/vocabulary.md), each exactly
  as feedparser has it (the ``http_*`` files, whose base URI came from feedparser's test
  server, are not counted). Expected titles that are pure markup have no text to show and are not
  counted in the first figure.

The corpus is not copied into the project: it lives beside the clone, as in CI. If it is missing
the test fails (it must run in CI), it does not skip.
"""
import ast
import re
import time

import pytest
from lxml import etree

from conftest import ROOT
from graphbuild.errors import FeedError
from graphbuild.feeds import parse_feed
from graphbuild.text import squash

CORPUS = ROOT.parent / "shared" / "corpus" / "feedparser"
_LIT = r"u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\""
#: the first entry's title: ``entries[0]['title'] == ...``, ``entries[0]['title_detail']['value'] == ...``
#: or ``entries[0]['title'] == entries[1]['title'] == ...``, the value one literal or several joined with +
TITLE = re.compile(rf"entries\[0\]\[['\"]title(?:_detail['\"]\]\[['\"]value)?['\"]\]\s*==\s*"
                   rf"(?:entries\[1\]\[['\"]title['\"]\]\s*==\s*)?((?:{_LIT})(?:\s*\+\s*(?:{_LIT}))*)")
#: refusal reasons a user can act on; anything else is a reader bug to fix
REASONS = re.compile(r"not a feed: root element <|no usable items \(|entity declarations are refused|"
                     r"a JSON document|an HTML page, not a feed|empty input|not a well-formed feed \(|not XML \(|not well-formed XML "
                     r"before the first element|not valid in its declared encoding")


def expected_title(head: str) -> str | None:
    m = re.search(r"Expect:\s*(.*)", head)
    if not m:
        return None
    t = TITLE.search(m.group(1))
    if not t:
        return None
    try:  # one literal or several joined with +
        value = "".join(ast.literal_eval(x.lstrip("u")) for x in re.findall(_LIT, t.group(1)))
    except (ValueError, SyntaxError):
        return None
    return value if value.strip() else None


def as_text(title: str) -> str:
    """feedparser's (sanitised HTML) title as the plain text a headline holds."""
    if "<" not in title and "&" not in title:
        return squash(title)
    doc = etree.fromstring(f"<div>{title}</div>", etree.HTMLParser())
    body = doc.find("body") if doc is not None else None
    return squash("".join(body.itertext())) if body is not None else ""


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.is_dir():
        pytest.fail(f"feedparser's corpus is missing: expected it at {CORPUS} (../shared beside the clone, "
                    "as in CI); this test must not be skipped")
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".xml", ".json"))
    assert len(files) > 2000, f"only {len(files)} corpus files under {CORPUS}"
    results = {}
    started = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        try:
            feed = parse_feed(data, str(path))
            results[path] = ("built", feed, data)
        except FeedError as e:
            results[path] = ("refused", str(e), data)
        except Exception as e:  # noqa: BLE001 - a crash is what this test looks for
            results[path] = ("crash", f"{type(e).__name__}: {e}", data)
    return results, time.perf_counter() - started


def test_no_corpus_file_crashes_the_reader(corpus):
    results, seconds = corpus
    crashes = [f"{p.relative_to(CORPUS)}: {r[1]}" for p, r in results.items() if r[0] == "crash"]
    assert not crashes, "\n".join(crashes[:20])
    assert seconds < 60, f"reading the corpus took {seconds:.0f} s"


def test_every_refusal_names_its_real_reason(corpus):
    results, _ = corpus
    bad = [f"{p.relative_to(CORPUS)}: {r[1]}" for p, r in results.items()
           if r[0] == "refused" and (not REASONS.search(r[1]) or "no element found" in r[1] or str(p) not in r[1])]
    assert not bad, "\n".join(bad[:20])


def test_expected_entry_titles_are_found(corpus):
    results, _ = corpus
    want, missing, markup, lost = 0, [], 0, []
    for path, (kind, feed, data) in results.items():
        exp = expected_title(data[:4000].decode("utf-8", "replace"))
        if exp is None:
            continue
        items = feed.items if kind == "built" else ()
        headlines = {(i.title_html or i.title).strip() for i in items}  # what schema:headline holds
        if MARKUP.search(exp) and not path.name.startswith("http_"):
            markup += 1  # feedparser kept elements: the headline keeps the same markup
            if exp.strip() not in headlines:
                lost.append(f"{path.relative_to(CORPUS)}: want {exp!r}, got {sorted(headlines)[:3]}")
        if not as_text(exp):
            continue
        want += 1
        if not (headlines | {i.title.strip() for i in items}) & {exp.strip(), as_text(exp)}:
            missing.append(f"{path.relative_to(CORPUS)}: want {exp!r}, got {sorted(headlines)[:3]} {kind}")
    assert want >= 120, want
    assert len(missing) <= 0.05 * want, f"{want - len(missing)}/{want} found; missing:\n" + "\n".join(missing)
    # http_* files are not counted: feedparser's own test server gave them a base URI (Content-Location,
    # the request URL) that a file read from disk has not
    assert markup >= 40 and not lost, f"{markup} markup titles; not as written:\n" + "\n".join(lost)
    print(f"{want - len(missing)}/{want} titles found; {markup} markup titles, all as written")


def test_most_wellformed_corpus_files_build(corpus):
    """Beyond titles: the corpus's well-formed feeds that have entries give posts (a floor, so that a
    regression that refuses whole families of feeds cannot pass unnoticed)."""
    results, _ = corpus
    wellformed = [r for p, r in results.items() if "wellformed" in p.parts and re.search(rb"<(\w+:)?(entry|item|ITEM)\b", r[2])]
    built = sum(r[0] == "built" for r in wellformed)
    assert built >= 0.95 * len(wellformed), f"{built}/{len(wellformed)}"


MARKUP = re.compile(r"<[A-Za-z!/]")


FEED_TITLE = re.compile(rf"feed\.title\s*==\s*({_LIT})")
N_ENTRIES = re.compile(r"len\(entries\)\s*==\s*(\d+)")


def test_json_feed_files_build_with_their_expected_feed_title_and_entries(corpus):
    """The corpus's JSON Feed files (json/): each builds, with the feed title and number of entries
    its Expect line states."""
    results, _ = corpus
    checked = 0
    for path, (kind, feed, data) in results.items():
        if path.suffix != ".json":
            continue
        head = data[:4000].decode("utf-8", "replace")
        assert kind == "built", f"{path.relative_to(CORPUS)}: {feed}"
        expect = re.search(r"Expect:\s*(.*)", head).group(1)
        if m := FEED_TITLE.search(expect):
            assert feed.info.title == ast.literal_eval(m.group(1).lstrip("u")), path
            checked += 1
        if m := N_ENTRIES.search(expect):
            assert len(feed.items) == int(m.group(1)), path
            checked += 1
    assert checked >= 2, checked
