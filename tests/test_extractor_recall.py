"""Recall extractors (software, lists) on hand-written snippets: each class of names blogs write
without links, and the words that must not become names. Names here are made up or taken from the
public PyPI list; none comes from a gold file."""
import time

import pytest

from graphbuild.extractors import Context, lists, software
from graphbuild.html import html_blocks
from graphbuild.models import FeedInfo, FeedItem, Mention, Relation

POST = "https://news.example.org/blog/post/"
FEED = FeedInfo("x", "https://news.example.org/index.xml", "Example blog", "https://news.example.org/")


def item(html: str) -> FeedItem:
    return FeedItem(POST, POST, "A post", FEED, blocks=html_blocks(html, POST))


def run(mod, html):
    out = list(mod.extract(item(html), Context()))
    return [m for m in out if isinstance(m, Mention)], \
        [(r.subject.name, r.predicate, r.object.name) for r in out if isinstance(r, Relation)]


def names(ms, kind=None):
    return sorted({m.name for m in ms if kind is None or m.kind == kind})


# ------------------------------------------------------------------ code spans in blocks
def test_blocks_keep_code_span_positions():
    (b,) = html_blocks("<p>Run <code>tox</code> then <a href='https://x.org/'><kbd>nox -s docs</kbd></a>.</p>", POST)
    assert [b.text[s:e] for s, e in b.code] == ["tox", "nox -s docs"]
    assert b.links[0].start == b.code[1][0]


# ------------------------------------------------------------------ software
@pytest.mark.parametrize("html, expected", [
    # code formatting: names that are English words too
    ("<p>We format with <code>black</code> and sort imports with <code>isort</code>.</p>", ["black", "isort"]),
    # an install command, even for a package nobody lists
    ("<pre>pip install --upgrade frobnicatorlib</pre>", ["frobnicatorlib"]),
    # the project's own spelling, with inner capitals
    ("<p>The tables are loaded with SQLAlchemy and plotted with SymPy.</p>", ["SQLAlchemy", "SymPy"]),
    # capitalised inside a sentence, not an English word
    ("<p>Our dashboards are drawn with Bokeh these days.</p>", ["Bokeh"]),
    # lower case, not an English word
    ("<p>The client uses httpx and validates with pydantic.</p>", ["httpx", "pydantic"]),
    # an English word listed next to software is software
    ("<p>Install it with pip or mamba, or with requests and httpx if you must.</p>", ["httpx", "mamba", "pip", "requests"]),
    # "the X library"
    ("<p>We parse responses with the requests library.</p>", ["requests"]),
    # English words glued together need more: alone no, after "like" yes
    ("<p>These datasets are big.</p>", []),
    ("<p>Use something like statsmodels for that.</p>", ["statsmodels"]),
])
def test_known_software_weighed_by_context(html, expected):
    assert names(run(software, html)[0], "Project") == expected


@pytest.mark.parametrize("html", [
    "<p>Black is the new black, and requests are welcome.</p>",     # English words in prose
    "<p>Rich people build tools.</p>",                               # sentence start
    "<pre>import httpx\nhttpx.get(url)</pre>",                       # code listings: only install lines
    "<p>Edit pyproject.toml and docs.yaml.</p>",                     # files, not packages
    "<p>She works at Bokeh now.</p>",                                # "at X" is an organisation
])
def test_words_and_code_are_not_software(html):
    assert names(run(software, html)[0]) == []


def test_a_person_named_in_the_post_is_not_a_package():
    ms, _ = run(software, "<p>Thanks to Tox Hammer for the review. Tox fixed it on Monday.</p>")
    assert "Tox" not in names(ms)


# ------------------------------------------------------------------ lists
@pytest.mark.parametrize("html, expected", [
    ("<li>Presenters: Ada Quist, Bram Olsen, and Cleo Varga</li>", ["Ada Quist", "Bram Olsen", "Cleo Varga"]),
    ("<p>Moderator: Dora Finch Panelists:</p>", ["Dora Finch"]),
    ("<li>Presenters: Jan Pieter van Dijk</li>", ["Jan Pieter van Dijk"]),
    ("<li>Speakers: Lea Horn and Milo Brandt</li>", ["Lea Horn", "Milo Brandt"]),
])
def test_labelled_names_are_people(html, expected):
    assert names(run(lists, html)[0], "Person") == expected


def test_items_after_a_people_lead_in():
    html = ("<p>Panelists:</p><ul><li>Ines Dahl, Example Survey Agency</li><li>Olaf Berg, Initech</li>"
            "<li>Pia Lund, Staff, Northwind Institute</li></ul>")
    ms, rs = run(lists, html)
    assert names(ms, "Person") == ["Ines Dahl", "Olaf Berg", "Pia Lund"]
    assert names(ms, "Organization") == ["Example Survey Agency", "Initech", "Northwind Institute"]
    assert ("Olaf Berg", "affiliation", "Initech") in rs


def test_talk_listing_items():
    html = "<p>Featured talks include:</p><ul><li>Rita Moss: Tiling large rasters</li><li>Sven Ek and Tove Ek: Fast joins</li></ul>"
    assert names(run(lists, html)[0], "Person") == ["Rita Moss", "Sven Ek", "Tove Ek"]


def test_items_after_an_organisations_lead_in():
    html = ("<p>We had attendees from the following companies:</p><ul><li>Initech</li><li>Globex Analytics</li>"
            "<li>Northwind Institute, Southwind Campus</li><li>National Widget Office (NWO)</li></ul>"
            "<p>Next steps:</p><ul><li>Write docs</li></ul>")
    ms, _ = run(lists, html)
    assert names(ms, "Organization") == ["Globex Analytics", "Initech", "National Widget Office",
                                         "Northwind Institute", "Southwind Campus"]
    assert "Write docs" not in names(ms)


def test_runs_of_names_are_people():
    html = "<p>Corrections welcome! Ada Quist, Bram Olsen, Cleo Varga, Joost van Buren, Dora Finch and so many more.</p>"
    assert names(run(lists, html)[0], "Person") == ["Ada Quist", "Bram Olsen", "Cleo Varga", "Dora Finch",
                                                    "Joost van Buren"]
    # two names need a label word before them
    assert names(run(lists, "<p>Blue Yonder and Red Dawn.</p>")[0]) == []
    assert names(run(lists, "<p>organised by collaborators Ada Quist and Bram Olsen.</p>")[0]) == ["Ada Quist", "Bram Olsen"]


def test_role_apposition():
    html = "<p>“It matters,” said Ines Dahl, Science Program Officer at the Example Trust.</p>"
    assert names(run(lists, html)[0], "Person") == ["Ines Dahl"]


def test_funders_listed_after_a_cue():
    html = ("<p>We would like to acknowledge in particular: the Alfred Q. Example Foundation, the Widget Trust "
            "Fund, NWO, Initech, and the Example Survey Agency.</p>")
    assert names(run(lists, html)[0], "Organization") == ["Alfred Q. Example Foundation", "Example Survey Agency",
                                                          "Initech", "NWO", "Widget Trust Fund"]
    # the same list without a funding cue is not a list of funders
    html = "<p>We met the Alfred Q. Example Foundation, the Widget Trust Fund, NWO, Initech.</p>"
    assert names(run(lists, html)[0], "Organization") == []


@pytest.mark.parametrize("html, expected", [
    ("<li>Ada and Bram explored caching for the viewer.</li>", ["Ada", "Bram"]),
    ("<li>Cleo, Dora, and Emil worked together on the docs.</li>", ["Cleo", "Dora", "Emil"]),
    ("<h2>Lessons learned</h2><h2>Getting started</h2>", []),
    ("<p>Tests discussed below.</p>", []),
])
def test_first_names_doing_things(html, expected):
    assert names(run(lists, html)[0], "Person") == expected


# ------------------------------------------------------------------ linear time
@pytest.mark.parametrize("html", [
    "<p>" + "Abcdefg " * 700 + "</p>",                              # a 5,000-character capitalised name
    "<p>" + "Ada Quist, " * 8000 + "</p>",                          # a very long list of names
    "<p>" + "," * 10_000 + "</p>",                                  # 10,000 commas
    "<li>" + "Xy, " * 5000 + ":</li>",
    "<p>pip install " + "-x " * 5000 + "</p>",
    "<p>" + "Ada and " * 3000 + "worked.</p>",
    "<p>funding: " + "the Example Foundation, " * 8000 + "</p>",
    "<p>" + "httpx or " * 20_000 + "</p>",
])
def test_patterns_stay_linear_on_hostile_text(html):
    for mod in (software, lists):
        t = time.perf_counter()
        list(mod.extract(item(html), Context()))
        assert time.perf_counter() - t < 20  # quadratic work on these inputs would take minutes


@pytest.mark.parametrize("html, expected", [
    # a link whose whole text is a listed name, to a site no link rule knows (docs of another project)
    ("<p>Files are read through <a href='https://docs.example.org/io/fs.html'>httpx’s</a> client.</p>", ["httpx"]),
    # names joined by slashes: each part stands alone
    ("<p>It runs next to FastAPI/Bokeh/Pydantic services.</p>", ["Bokeh", "FastAPI", "Pydantic"]),
])
def test_linked_and_slashed_software(html, expected):
    assert names(run(software, html)[0], "Project") == expected


@pytest.mark.parametrize("html", [
    "<p>Read <a href='https://docs.example.org/'>the flask guide</a> first.</p>",  # more than the name
    "<p>Choose input/output and and/or, or C/C++.</p>",                           # words, not names
    "<p>See https://example.org/Bokeh/Pydantic for details.</p>",                  # a URL path
])
def test_links_and_slashes_that_are_not_software(html):
    assert names(run(software, html)[0]) == []


def test_package_installers_named_in_prose_are_software():
    ms, _ = run(software, "<p>Readers set it up with pip or conda in a minute.</p>")
    assert names(ms, "Project") == ["conda", "pip"]
    # a short installer name alone needs company: "pip" by itself is left to other signals
    ms, _ = run(software, "<p>The pip of the fruit.</p>")
    assert names(ms) == []


@pytest.mark.parametrize("html, expected", [
    # a name with inner capitals nobody lists: software when listed next to software, or "the X library"
    ("<p>We compared numpy and FrobStore for the benchmark.</p>", ["FrobStore", "numpy"]),
    ("<p>The tables come from the QuuxBase library.</p>", ["QuuxBase"]),
    # alone in prose it is left to other signals (a method, a class, a surname)
    ("<p>The data goes through a DataFrame in FrobStore first.</p>", []),
    ("<p>Thanks to Ann McEwen and numpy.</p>", ["numpy"]),
])
def test_inner_capitals_next_to_software(html, expected):
    assert names(run(software, html)[0], "Project") == expected


@pytest.mark.parametrize("html, expected", [
    # a full name doing what people do, or with a title before it, needs no list around it
    ("<p>Orla Quist showed how the plots are made.</p>", ["Orla Quist"]),
    ("<p>The palette was introduced by Prof. Benno Tarrant last year.</p>", ["Benno Tarrant"]),
    # a capitalised pair doing nothing human, or a phrase with a possessive, is left alone
    ("<p>Open Widgets showed no change.</p>", []),  # a common word: no person's name
    ("<p>Read Orla Quist’s Bridges Report first.</p>", []),
])
def test_full_names_doing_things(html, expected):
    assert names(run(lists, html)[0], "Person") == expected


def test_a_name_written_singular_and_plural_is_a_class_of_things():
    # "pydantic" is on the list; "PyWidget"/"PyWidgets" is written as a class of things
    ms, _ = run(software, "<p>A PyWidget holds values. PyWidgets nest, and pydantic checks them.</p>")
    assert names(ms) == ["pydantic"]
    ms, _ = run(software, "<p>We compared numpy and PyWidgets for the benchmark.</p>")
    assert names(ms) == ["PyWidgets", "numpy"]
