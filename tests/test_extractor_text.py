"""Text extractors (people, orgs, relations, publisher) and the site-link rule on hand-written snippets
with the tricky forms real posts use."""
import pytest

from graphbuild.extractors import Context
from graphbuild.extractors import links, orgs, people, publisher, relations
from graphbuild.html import html_blocks
from graphbuild.models import FeedInfo, FeedItem, Mention, Relation

POST = "https://news.example.org/blog/post/"
FEED = FeedInfo("x", "https://news.example.org/index.xml", "Blog | Example Lab", "https://examplelab.org/blog/")


def item(html: str, title: str = "A post") -> FeedItem:
    return FeedItem(POST, POST, title, FEED, blocks=html_blocks(html, POST))


def run(mod, html):
    out = list(mod.extract(item(html), Context()))
    ms = [m for m in out if isinstance(m, Mention)]
    rs = [(r.subject.name, r.predicate, r.object.name) for r in out if isinstance(r, Relation)]
    return ms, rs


def names(ms, kind=None, strong=False):
    return sorted({m.name for m in ms if (kind is None or m.kind == kind) and not (strong and m.weak)})


@pytest.mark.parametrize("html, expected", [
    ("<p>Thanks to Jason Grout, Raniere Silva and Matt Fisher for spotting the bug.</p>",
     ["Jason Grout", "Matt Fisher", "Raniere Silva"]),
    ("<li>Better docs - Rowan Cockett and Angus Hollands explain the new theme.</li>",
     ["Angus Hollands", "Rowan Cockett"]),
    ("<p>This year BIDS Executive Director Kirstie Whitaker spoke.</p>", ["Kirstie Whitaker"]),
    ("<p>We met Open Science and Data Science in the Cloud people.</p>", []),
    ("<p>Thanks to the San Diego Supercomputer Center and Linux Desktop users.</p>", []),
])
def test_people_in_the_places_blogs_name_them(html, expected):
    assert names(run(people, html)[0], "Person") == expected


def test_name_with_organisation_in_brackets_or_of():
    ms, rs = run(people, "<p>Rowan Cockett (Curvenote) and Julia Kent of NSF NCAR gave talks.</p>")
    assert names(ms, "Person") == ["Julia Kent", "Rowan Cockett"]
    assert sorted(rs) == [("Julia Kent", "affiliation", "NSF NCAR"), ("Rowan Cockett", "affiliation", "Curvenote")]


def test_our_own_person_works_for_the_publisher():
    _, rs = run(people, "<p>The group (which includes our own Jim Colliander) met.</p>")
    assert rs == [("Jim Colliander", "worksFor", "Example Lab")]


@pytest.mark.parametrize("html, expected", [
    ("<p>The Berkeley Institute for Data Science (BIDS) joined.</p>", [("Berkeley Institute for Data Science", ("BIDS",))]),
    ("<p>We thank the Alfred P. Sloan Foundation and the University of Washington.</p>",
     [("Alfred P. Sloan Foundation", ()), ("University of Washington", ())]),
    ("<p>Thanks to the Jupyter Security Working Group.</p>", [("Jupyter Security Working Group", ())]),
])
def test_organisations_from_cues_and_definitions(html, expected):
    ms, _ = run(orgs, html)
    assert sorted((m.name, m.aliases) for m in ms if m.kind == "Organization" and not m.weak) == expected


def test_acronym_list_after_a_plural_class_is_part_of_its_owner():
    ms, rs = run(orgs, "<p>Multiple NASA Data Centers (NSIDC, ORNL, PO.DAAC) co-taught.</p>")
    assert names(ms, strong=True) == ["NASA", "NSIDC", "ORNL", "PO.DAAC"]
    assert ("NSIDC", "parentOrganization", "NASA") in rs


def test_possessive_names_a_unit_and_its_owner():
    ms, rs = run(orgs, "<p>Anthony Arendt from UW’s eScience Institute joined.</p>")
    assert "UW’s eScience Institute" in names(ms) and rs == [("UW’s eScience Institute", "parentOrganization", "UW")]


@pytest.mark.parametrize("html, rel", [
    ("<p>Jenny Wong has been invited to join the JupyterHub team.</p>", ("Jenny Wong", "memberOf", "JupyterHub")),
    ("<p>In 2024 we received funding from The Navigation Fund to build this.</p>",
     ("Example Lab", "funder", "Navigation Fund")),
    ("<p>STRUDEL is an open source project housed at the Berkeley Institute for Data Science.</p>",
     ("STRUDEL", "affiliation", "Berkeley Institute for Data Science")),
    ("<p>BIDS is financially supporting Example Lab this year.</p>", ("Example Lab", "funder", "BIDS")),
])
def test_relations_stated_by_a_sentence(html, rel):
    assert rel in run(relations, html)[1]


def test_members_of_a_list():
    _, rs = run(relations, "<p>The STRUDEL team includes members of Superbloom Design, The Carpentries, and 2i2c.</p>")
    assert sorted(rs) == [("2i2c", "memberOf", "STRUDEL"), ("Carpentries", "memberOf", "STRUDEL"),
                          ("Superbloom Design", "memberOf", "STRUDEL")]


@pytest.mark.parametrize("title, link, expected", [
    ("Community | 2i2c", "https://2i2c.org/tag/community/", "2i2c"),
    ("Example Lab blog", "https://lab.example.org/blog/", "Example Lab"),
    ("Jupyter Blog - Medium", "https://blog.jupyter.org/", "Jupyter"),
    ("Posts", "https://x.example.com/", None),
])
def test_publisher_name_from_the_feed_title(title, link, expected):
    assert publisher.publisher_name(title, link) == expected


def test_publisher_is_mentioned_where_a_post_writes_its_name():
    [m] = list(publisher.extract(item("<p>Example Lab is hiring.</p>")))
    assert (m.name, m.kind, m.urls) == ("Example Lab", "Organization", ("https://examplelab.org/",))
    assert list(publisher.extract(item("<p>We are hiring.</p>"))) == []


@pytest.mark.parametrize("html, expected", [
    ('<a href="https://qgis.org/">QGIS</a>', ("QGIS", "Project")),
    ('<a href="https://code.visualstudio.com/">Visual Studio Code</a>', ("Visual Studio Code", "Project")),
    ('<a href="https://jupyterfoundation.org">Jupyter Foundation</a>', ("Jupyter Foundation", "Organization")),
    ('<a href="https://mystmd.org/">MyST</a>', ("MyST", "Project")),
    ('<a href="https://plausible.io/">Plausible.io</a>', ("Plausible.io", "Project")),
    ('<a href="https://chrisholdgraf.com">Chris Holdgraf</a>', ("Chris Holdgraf", "Person")),
    ('<a href="https://the-turing-way.netlify.app">The Turing Way</a>', ("The Turing Way", "Project")),
    ('<a href="https://awid.org/files/guide.pdf">AWID - Towards a feminist funding guide</a>', ("AWID", "Project")),
])
def test_link_text_naming_the_site_it_points_to(html, expected):
    ms, _ = run(links, f"<p>We use {html} daily.</p>")
    assert [(m.name, m.kind) for m in ms if not m.implicit] == [expected]


@pytest.mark.parametrize("html", [
    '<a href="https://en.wikipedia.org/wiki/Kanban">Kanban</a>',
    '<a href="https://doi.org/10.31223/X5WQ47">doi.org/10.31223/X5WQ47</a>',
    '<a href="https://www.youtube.com/watch?v=x">Julia Kent</a>',
    '<a href="https://asana.com/resources/what-is-kanban">Kanban</a>',
    '<a href="https://openscapes.org/blog">Open</a>',
])
def test_links_that_name_no_entity(html):
    assert [m for m in run(links, f"<p>See {html}.</p>")[0] if not m.implicit] == []


def test_examples_after_a_class_noun():
    ms, _ = run(orgs, "<p>BIDS helped shape projects like NumPy, scikit-image, NetworkX, and JupyterHub.</p>")
    assert sorted((m.name, m.kind) for m in ms if m.extractor == "orgs:examples") == [
        ("JupyterHub", "Project"), ("NetworkX", "Project"), ("NumPy", "Project"), ("scikit-image", "Project")]


def test_acknowledgement_list_items():
    ms, _ = run(people, "<ul><li>Shawn Polson for being the community champion leading this effort</li></ul>")
    assert names(ms, "Person") == ["Shawn Polson"]
    ms, _ = run(orgs, "<ul><li>NASA SMCE for providing $2k funding and AWS infrastructure</li></ul>")
    assert names(ms, "Organization", strong=True) == ["NASA SMCE"]


def test_two_people_before_a_role():
    ms, _ = run(people, "<p>Funded by the Sloan Foundation, Liz Vu &amp; Josh Greenberg Program Officers.</p>")
    assert names(ms, "Person") == ["Josh Greenberg", "Liz Vu"]


def test_site_named_inside_a_longer_link_text():
    ms, _ = run(links, '<p>We tried the <a href="https://cline.bot/">Cline AI assistant extension</a>.</p>')
    assert [(m.name, m.kind) for m in ms] == [("Cline", "Project")]


@pytest.mark.parametrize("html, expected", [
    ('<a href="https://z2jh.jupyter.org/">Zero to JupyterHub</a>', ("Zero to JupyterHub", "Project")),
    ('<a href="https://mystmd.org/">MyST Document Engine</a>', ("MyST", "Project")),
    ('<a href="https://codeforsociety.org">Code for Science and Society</a>', ("Code for Science and Society", "Organization")),
    ('<a href="https://www.openandequitable.org/participate">Open Research Funders Group - Open and Equitable Model'
     ' Funding Program</a>', ("Open and Equitable Model Funding Program", "Project")),
    # the same shapes, written fresh: a digit acronym ("2" to, "4" for), a site named by the text's
    # first word, a name with "for", the title part that names the site
    ('<a href="https://d4g.example.org/">Data for Good</a>', ("Data for Good", "Project")),
    ('<a href="https://m2p.example.net/">Model to Production</a>', ("Model to Production", "Project")),
    ('<a href="https://kelpdbx.org/">KelpDB Query Engine</a>', ("KelpDB", "Project")),
    ('<a href="https://codeforriverssociety.org">Code for Rivers Society</a>', ("Code for Rivers Society", "Organization")),
    ('<a href="https://www.coastalopendata.org/apply">Tidewater Science Council - Coastal Open Data Grant Program</a>',
     ("Coastal Open Data Grant Program", "Project")),
])
def test_more_ways_a_link_text_names_its_site(html, expected):
    ms, _ = run(links, f"<p>See {html} today.</p>")
    assert [(m.name, m.kind) for m in ms if not m.implicit] == [expected]


def test_a_lower_case_library_named_by_what_it_is():
    ms, _ = run(orgs, "<p>Participants learned the earthaccess Python library.</p>")
    assert [(m.name, m.kind) for m in ms if m.extractor == "orgs:library"] == [("earthaccess", "Project")]


def test_a_name_used_as_a_modifier_is_not_named():
    ms, _ = run(orgs, "<p>We track work on the GitHub Project board.</p>")
    assert [m for m in ms if m.extractor == "orgs:cue"] == []


def test_affiliation_with_a_hub_is_with_a_project():
    ms, rs = run(people, "<p>Julius Busecke et al. of the LEAP-Pangeo hub wrote it.</p>")
    assert ("Julius Busecke", "affiliation", "LEAP-Pangeo") in rs
    assert [m.kind for m in ms if m.name == "LEAP-Pangeo"] == ["Project"]


@pytest.mark.parametrize("sentence, name", [
    ("The Saltmarsh Analysis Cookbook is out.", "Saltmarsh Analysis Cookbook"),  # a book of worked examples
    ("We wrote the Kelp Forest Cookbooks together.", "Kelp Forest Cookbooks"),
    ("Join the Seagrass Hackweek in May.", "Seagrass Hackweek"),  # a week-long hacking event
])
def test_generic_project_cue_words(sentence, name):
    ms, _ = run(orgs, f"<p>{sentence}</p>")
    assert [(m.name, m.kind) for m in ms if m.extractor == "orgs:cue"] == [(name, "Project")]
