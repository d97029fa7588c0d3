"""Credit for work (contributions extractor), on hand-written sentences with invented people, projects
and organisations; the negatives look alike but state no relation, or state it of someone unknown."""
import pytest

from graphbuild.extractors import Context, contributions
from graphbuild.html import html_blocks
from graphbuild.models import Author, FeedInfo, FeedItem, Relation

POST = "https://news.example.org/blog/post/"
FEED = FeedInfo("x", "https://news.example.org/index.xml", "Example Lab", "https://examplelab.org/blog/")


def rels(html: str, authors=()) -> set:
    it = FeedItem(POST, POST, "A post", FEED, blocks=html_blocks(html, POST),
                  authors=tuple(Author(a) for a in authors))
    out = list(contributions.extract(it, Context()))
    return {(r.subject.name, r.predicate, r.object.name) for r in out if isinstance(r, Relation)}


INTRO = "<p>Present were Ingrid Solberg, Tomasz Wren and Hedda Quist.</p>"


@pytest.mark.parametrize("html, expected", [
    # who did what, first names resolved to the one person of the post with that first name
    (INTRO + "<ul><li>Ingrid and Tomasz fixed a rendering bug in kelp-docs.</li></ul>",
     {("kelp-docs", "contributor", "Ingrid Solberg"), ("kelp-docs", "contributor", "Tomasz Wren")}),
    (INTRO + "<ul><li>Ingrid, Tomasz, and Hedda worked together to extend Brine Theme’s test suite.</li></ul>",
     {("Brine Theme", "contributor", p) for p in ("Ingrid Solberg", "Tomasz Wren", "Hedda Quist")}),
    (INTRO + "<ul><li>Hedda added her wombat-check-action to the toolbox.</li></ul>",
     {("wombat-check-action", "creator", "Hedda Quist")}),
    ("<p>Ingrid Solberg improved the Quokka scheduler.</p>", {("Quokka", "contributor", "Ingrid Solberg")}),
    # thanks
    ("<p>Thanks to Ingrid Solberg and Tomasz Wren for their help when building and testing quokka-ml.</p>",
     {("quokka-ml", "contributor", "Ingrid Solberg"), ("quokka-ml", "contributor", "Tomasz Wren")}),
    ("<p>Special thanks here go out to Hedda Quist, for making Wombat release the lock.</p>",
     {("Wombat", "contributor", "Hedda Quist")}),
    # contribution lists, by name or by the pronoun of the post's subject
    ("<p>Ingrid Solberg has contributed to many projects in the stack, including Quokka, Numbat, and Kelp.</p>",
     {(p, "contributor", "Ingrid Solberg") for p in ("Quokka", "Numbat", "Kelp")}),
    ("<p>Hedda Quist joined us. Hedda writes a lot. Hedda sings. She’s worked with projects like Brinefield, "
     "SaltWiki, and the Deep Tide Podcast.</p>",
     {(p, "contributor", "Hedda Quist") for p in ("Brinefield", "SaltWiki", "Deep Tide Podcast")}),
    # a first name in the patterns written for full names
    (INTRO + "<p>Outside of work, Tomasz is a developer on the Numbat project.</p>",
     {("Numbat", "contributor", "Tomasz Wren")}),
    # "contributed to" names right after it
    ("<p>Ingrid Solberg has contributed to Quokka and Numbat.</p>",
     {("Quokka", "contributor", "Ingrid Solberg"), ("Numbat", "contributor", "Ingrid Solberg")}),
    # a funder list naming its beneficiary in the sentence before
    ("<p>This would not have been possible without sponsors allowing our team to work on Quokka as part of "
     "their day jobs. We’d like to acknowledge in particular: the Harbor Trust, the Ellis B. Marlow Foundation, "
     "Tidewater Labs, and Kelpworks.</p>",
     {("Quokka", "funder", o) for o in ("Harbor Trust", "Ellis B. Marlow Foundation", "Tidewater Labs", "Kelpworks")}),
    ("<p>Our sponsors fund the development of Wombat. Funders: Harbor Trust, Tidewater Labs.</p>",
     {("Wombat", "funder", "Harbor Trust"), ("Wombat", "funder", "Tidewater Labs")}),
    # her package, her fellowship
    (INTRO + "<p>Last spring, Hedda had submitted a package she’s been developing called Kelpmeter, which "
     "helps with tides.</p>", {("Kelpmeter", "maintainer", "Hedda Quist")}),
    ("<p>Tomasz Wren also received a Brine Research Software (BRS) fellowship to write lessons.</p>",
     {("Tomasz Wren", "funder", "Brine Research Software fellowship")}),
    # the publisher ("we") funded
    ("<p>In 2024, with Harbor Trust funding secured, we hired a maintainer.</p>",
     {("Example Lab", "funder", "Harbor Trust")}),
    # list items "Name: what they did" under a line saying what the work went to
    ("<p>Pull requests submitted to kelpWare during the sprint:</p><ul><li>Ingrid: docs fixes</li>"
     "<li>tomw Tomw submitted an issue about fonts.</li><li>Kelp Harbor Trust: fixed a typo</li></ul>"
     "<p>More later.</p><ul><li>Hedda: made tea</li></ul>",
     {("kelpWare", "contributor", "Ingrid"), ("kelpWare", "contributor", "Tomw")}),
])
def test_credit_shapes(html, expected):
    assert rels(html) == expected


@pytest.mark.parametrize("html", [
    # the first name is shared by two people of the post: which one is not said
    "<p>Ingrid Solberg and Ingrid Moss came.</p><ul><li>Ingrid fixed a bug in kelp-docs.</li></ul>",
    # a first name the post never gives in full
    "<ul><li>Ingrid fixed a bug in kelp-docs.</li></ul>",
    # no verb of work right after the people
    "<p>Ingrid Solberg and Tomasz Wren met in Quokka Hall to fix things.</p>",
    # thanks for nothing named
    "<p>Thanks to Ingrid Solberg for her patience.</p>",
    "<p>Thanks to everyone at Quokka for coming.</p>",
    # funders and an acknowledgement, but two beneficiaries: which one is not said
    "<p>Sponsors let us work on Quokka and also work on Wombat. We thank in particular: Harbor Trust.</p>",
    # an acknowledgement without funding in the sentence before
    "<p>We worked on Quokka all week. We’d like to acknowledge in particular: Harbor Trust.</p>",
    # she/he without a clear subject of the post
    "<p>She’s worked with projects like Brinefield and SaltWiki.</p>",
    # a package without a name; a prize that is no fellowship, grant or award
    "<p>Hedda Quist submitted a package she’s been developing to the review.</p>",
    "<p>Tomasz Wren received a Brine Research Software mug.</p>",
    # funding, but not of us; a person's name is no funder here
    "<p>With Harbor Trust funding, Tomasz Wren hired a maintainer.</p>",
    "<p>With Ingrid Solberg support, we hired a maintainer.</p>",
    # a list of people with no line saying what they contributed to
    "<p>Our speakers:</p><ul><li>Ingrid: keynote</li><li>Tomasz: lightning talk</li></ul>",
    # "like" that lists no projects
    "<p>Ingrid Solberg has worked on problems that feel like Quokka puzzles.</p>",
    # "contributed to" something that is no name
    "<p>Ingrid Solberg has contributed to the discussion.</p>",
])
def test_no_credit(html):
    assert rels(html) == set()


@pytest.mark.parametrize("html, expected", [
    ("<p>I also added numbat backends in Quokka to a few modules.</p>", {("Quokka", "contributor", "Hedda Quist")}),
    # the work went elsewhere: "to Y" belongs to another action
    ("<p>I worked on many topics starting from migrating the Quokka build system to Wombat.</p>", set()),
    # several authors: "I" is not known
])
def test_first_person_credit(html, expected):
    assert rels(html, authors=["Hedda Quist"]) == expected


def test_first_person_needs_one_author():
    assert rels("<p>I also added numbat backends in Quokka.</p>", authors=["Hedda Quist", "Tomasz Wren"]) == set()
