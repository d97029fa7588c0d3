"""Extraction rules of the third quality wave (issue 9), each on hand-written sentences with invented
names: software listed after a class noun, roles that make a linked site an organisation, link texts
that name nothing, fiscal sponsors, and the merges of spelling variants and a site's stem."""
import pytest

from graphbuild.extractors import links, orgs, relations
from graphbuild.models import Mention
from test_extractor_text import run  # the same post, feed and runner as the other extractor tests


# ---------------------------------------------------------------- examples after a class noun
@pytest.mark.parametrize("html, expected", [
    # a comma before "such as", a singular class noun
    ("<p>Clusters use a batch queueing system, such as Quorra, TIDEQ, or Marlq.</p>", ["Marlq", "Quorra", "TIDEQ"]),
    # a parenthesis right after the class noun, slashes between the items, an ellipsis at the end
    ("<p>Kelpie talks to our job schedulers (QUORRA/Marlq/TDQ/…) directly.</p>", ["Marlq", "QUORRA", "TDQ"]),
    ("<p>We configured several queueing systems (Quorra, Marlq, Tideq) in containers.</p>", ["Marlq", "Quorra", "Tideq"]),
    ("<p>It asks the batch scheduler (like Quorra, TDQ, …) for nodes.</p>", ["Quorra", "TDQ"]),
    ("<p>Other systems like Brinemq or Kelpstore solved this.</p>", ["Brinemq", "Kelpstore"]),
    ("<p>Data-engineering systems like Saltflow/Tidewire/Quaymaster do not.</p>", ["Quaymaster", "Saltflow", "Tidewire"]),
    ("<p>Fast databases (e.g. Kelpstore, Brinedb) help.</p>", ["Brinedb", "Kelpstore"]),
])
def test_software_listed_after_a_class_noun(html, expected):
    ms, _ = run(orgs, html)
    assert sorted(m.name for m in ms if m.extractor == "orgs:examples" and m.kind == "Project") == expected


@pytest.mark.parametrize("html", [
    "<p>Our systems (see below) are fast.</p>",           # a parenthesis that lists nothing
    "<p>The schedulers (Quorra) run nightly.</p>",       # one name in a parenthesis: an aside, not a list
])
def test_a_parenthesis_after_a_class_noun_that_lists_nothing(html):
    ms, _ = run(orgs, html)
    assert [m.name for m in ms if m.extractor == "orgs:examples"] == []


# ---------------------------------------------------------------- links
@pytest.mark.parametrize("html, expected", [
    # a role held there, inside the link text or just before it: the site is an organisation
    ('most recently as <a href="https://q7x.org/">People Lead at Q7x</a>', ("Q7x", "Organization")),
    ('and as Board Chair for <a href="https://kelpwise.org/">Kelp Wise</a>', ("Kelp Wise", "Organization")),
    ('she is an Engineer at <a href="https://tidewirez.io/">Tidewirez</a>', ("Tidewirez", "Organization")),
    # a role that a software project has too says nothing about the site
    ('the maintainer of <a href="https://tidewirez.io/">Tidewirez</a>', ("Tidewirez", "Project")),
])
def test_a_role_held_at_a_linked_site(html, expected):
    ms, _ = run(links, f"<p>She served {html} for years.</p>")
    assert [(m.name, m.kind) for m in ms if not m.implicit] == [expected]


def test_a_link_text_that_is_an_address_with_a_path_names_nothing():
    ms, _ = run(links, '<p>Photos: <a href="https://t.example/QxT7pLm">pic.example.com/QxT7pLm</a></p>')
    assert [m for m in ms if not m.implicit] == []


def test_a_site_named_by_an_english_word_and_more():
    # oceanin.org: "Ocean" alone is an English word, no name; the link text names the site
    ms, _ = run(links, '<p>We are a project of <a href="https://oceanin.org/about/">Ocean Initiatives</a>.</p>')
    assert [m.name for m in ms if not m.implicit] == ["Ocean Initiatives"]


# ---------------------------------------------------------------- relations
@pytest.mark.parametrize("text", [
    "Kelpie is now a fiscally sponsored project of Tideway Commons!",
    "In 2022 Kelpie moved to the 501(c)(3) fiscal host, Tideway Commons, and hired staff.",
])
def test_a_fiscal_sponsor_is_an_organisation_for_sure(text):
    ms, rs = run(relations, f"<p>{text}</p>")
    sponsor = [m for m in ms if m.name == "Tideway Commons"]
    assert sponsor and all(m.kind == "Organization" and not m.weak for m in sponsor)


# ---------------------------------------------------------------- resolution
from graphbuild.models import Quote  # noqa: E402
from graphbuild.resolve import resolve  # noqa: E402


def mm(name, kind="Organization", post="https://b.example/1", urls=(), weak=False):
    return Mention(name, kind, post, Quote("q"), "test", tuple(urls), weak=weak)


def groups(res):
    return sorted(sorted({x.name for x in e.mentions}) for e in res.entities.values())


def test_a_company_word_after_a_stem_its_site_spells_is_one_organisation():
    res = resolve([mm("Quillwork Computing", urls=["https://quillwork.io/"]), mm("Quillwork", post="https://b.example/2")])
    assert groups(res) == [["Quillwork", "Quillwork Computing"]]
    assert any("quillwork.io" in line for line in res.merges)  # the reason is recorded


def test_a_foundation_and_an_initiative_of_one_donor_with_the_donors_site():
    res = resolve([mm("Mara Oduya Foundation", urls=["https://maraoduya.org/grants/x"]),
                   mm("Mara Oduya Initiative", post="https://b.example/2")])
    assert groups(res) == [["Mara Oduya Foundation", "Mara Oduya Initiative"]]


def test_no_site_spelling_the_stem_no_merge():
    # a site of another name, or none: "Quillwork Computing" may be a unit, a rival, a former name
    assert len(resolve([mm("Quillwork Computing", urls=["https://qwc.example/"]), mm("Quillwork")]).entities) == 2
    assert len(resolve([mm("Quillwork Computing"), mm("Quillwork")]).entities) == 2
    # a common word is no stem: "Open Foundation" at open.example is not every "Open Initiative"
    assert len(resolve([mm("Open Foundation", urls=["https://open.example/"]), mm("Open Initiative")]).entities) == 2


def test_a_typing_slip_in_a_long_organisation_name():
    res = resolve([mm("Tamsin Hale Medial Institute"), mm("Tamsin Hale Medical Institute", post="https://b.example/2")])
    assert len(res.entities) == 1 and any("typing slip" in line for line in res.merges)


@pytest.mark.parametrize("a, b", [
    ("Harbor Data Lab", "Harbor Data Lib"),                   # short words: "Lab" / "Lib" may be two things
    ("Institute of Marine Sciences", "Institute of Marine Studies"),  # two words apart
    ("Nordic Coastal Centre", "Baltic Coastal Centre"),       # more than one letter
    ("Quill Computing", "Quill Computin"),                    # two words: too short a name to trust
])
def test_names_not_one_slip_apart_stay_apart(a, b):
    assert len(resolve([mm(a), mm(b)]).entities) == 2


# ---------------------------------------------------------------- software named in prose
from graphbuild.extractors import software  # noqa: E402


@pytest.mark.parametrize("html, expected", [
    # an apposition says what the name is: code, inner capitals, or a listed name
    ("<p>I spent weeks on <code>stubquill</code> — a typing tool that checks stubs.</p>", ["stubquill"]),
    ("<p>Code runs in the browser via TideLite, a WebAssembly notebook distribution.</p>", ["TideLite"]),
    # a slash list followed by a software noun: each of its names
    ("<p>I added an option to switch between QRBL/LAKPQ libraries.</p>", ["LAKPQ", "QRBL"]),
])
def test_software_said_by_the_words_around_it(html, expected):
    ms, _ = run(software, html)
    assert sorted(m.name for m in ms) == expected


@pytest.mark.parametrize("html", [
    "<p>Marta Quill, a researcher at the lab, spoke.</p>",          # an apposition of a person
    "<p>We met in TideWater, a town with a library.</p>",          # the noun is not what the name is
    "<p>Kelpie, the project we started, grew.</p>",                # a plain capitalised word, no code
    "<p>Read the AB/CD report.</p>",                               # a slash list without a software noun
])
def test_no_software_without_such_words(html):
    ms, _ = run(software, html)
    assert [m.name for m in ms] == []


@pytest.mark.parametrize("html, expected", [
    # a product named by its site's domain and sub-domain, even when it reads like a person's name
    ('<a href="https://gateway.kelpie.org">Kelpie Gateway</a>', [("Kelpie Gateway", "Project")]),
    ('<a href="https://portal.tidewire.io/docs">Tidewire Portal</a>', [("Tidewire Portal", "Project")]),
])
def test_a_product_named_by_its_sub_domain(html, expected):
    ms, _ = run(links, f"<p>We have seen adoption of {html} this year.</p>")
    assert [(m.name, m.kind) for m in ms if not m.implicit] == expected
    assert ms[0].urls[0].split('/')[2] == html.split('"')[1].split('/')[2]  # the product's own site, not the domain's


def test_listed_names_written_as_code_next_to_each_other():
    # English words on the package list: alone as code they need a cue; listed together, they are tools
    ms, _ = run(software, "<ul><li><strong>Code analysis:</strong> <code>vulture</code>, <code>radon</code>.</li></ul>")
    assert sorted(m.name for m in ms) == ["radon", "vulture"]
    ms, _ = run(software, "<p>It returns <code>None</code>, <code>True</code> or a <code>rich</code> object.</p>")
    assert [m.name for m in ms] == []  # Python's own words are no packages
    ms, _ = run(software, "<p>The <code>vulture</code> shape.</p>")
    assert [m.name for m in ms] == []  # one English word as code, nothing else: not enough


@pytest.mark.parametrize("text, kind", [
    ("This work is supported by the Kelp Data Discovery Initiative from the Tidewater Foundation.", "Project"),
    ("She directs the Marine Analytics Education Initiative at Harbor Lab.", "Project"),
    # an initiative named on its own is an organisation ("the Example Initiative funds ...")
    ("The Tamsin Hale Initiative funds open source.", "Organization"),
])
def test_an_initiative_an_organisation_runs_is_a_programme(text, kind):
    ms, _ = run(orgs, f"<p>{text}</p>")
    assert [m.kind for m in ms if m.name.endswith("Initiative") and m.extractor == "orgs:cue"] == [kind]


def test_examples_with_asides_and_lower_case_packages():
    html = "<p>Maintainers of core Python tools like httpx (Jane Roe) and Tidewire (John Doe) spoke.</p>"
    ms, _ = run(orgs, html)
    assert sorted(m.name for m in ms if m.extractor == "orgs:examples") == ["Tidewire", "httpx"]
    # a lower-case word the package list does not know is no example of software
    ms, _ = run(orgs, "<p>We love tools like quillwobble and Tidewire.</p>")
    assert [m.name for m in ms if m.extractor == "orgs:examples"] == []


def test_an_abbreviation_two_long_names_fit_takes_the_one_in_its_post():
    res = resolve([mm("Quill Software Federation", post="https://b.example/1"),
                   mm("Quilters of South Fenwick", post="https://b.example/2"),
                   mm("QSF", post="https://b.example/1")])
    assert sorted(groups(res)) == [["QSF", "Quill Software Federation"], ["Quilters of South Fenwick"]]
    # written in neither post: ambiguous, left alone
    res = resolve([mm("Quill Software Federation", post="https://b.example/1"),
                   mm("Quilters of South Fenwick", post="https://b.example/2"),
                   mm("QSF", post="https://b.example/3")])
    assert len(res.entities) == 3


def test_a_link_text_showing_the_address_it_links_to_still_names_it():
    ms, _ = run(links, '<p>Our plans: <a href="https://3d4e.org/roadmap">3d4e.org/roadmap</a></p>')
    assert [m.name for m in ms if not m.implicit] == ["3d4e.org/roadmap"]


def test_providers_listed_in_a_parenthesis_and_a_named_example_after_the():
    ms, _ = run(orgs, "<p>All major cloud providers (Quillcorp, QWS, Brinesoft) offer it.</p>")
    assert sorted((m.name, m.kind) for m in ms if m.extractor == "orgs:examples") == \
        [("Brinesoft", "Organization"), ("QWS", "Organization"), ("Quillcorp", "Organization")]
    ms, _ = run(orgs, "<p>It was designed for storage systems like the Kelp FileStore (KFS) or clusters.</p>")
    assert [m.name for m in ms if m.extractor == "orgs:examples"] == ["Kelp FileStore"]


def test_a_role_title_after_the_organisation_in_parentheses_is_no_part_of_it():
    from graphbuild.extractors import people
    ms, rs = run(people, "<p>I sat with Marta Quill (Tidewire Labs CEO) and we talked.</p>")
    assert ("Marta Quill", "affiliation", "Tidewire Labs") in rs
    ms, rs = run(people, "<p>I sat with Marta Quill (Tidewire Concepts CEO) and we talked.</p>")
    assert "Tidewire Concepts CEO" not in {m.name for m in ms}


def test_a_course_code_after_an_organisation_is_no_part_of_it():
    ms, _ = run(orgs, "<p>As part of the University of Tidewater MARB310 class, students drew.</p>")
    assert [m.name for m in ms if m.kind == "Organization"] == ["University of Tidewater"]


def test_slash_list_parts_next_to_known_software():
    # "kubernetes" is on the package list (flag: no English word); the others are carried by it
    ms, _ = run(software, "<p>Does anyone use it with Kubernetes/Quorra/TDQ/Marlq/… ?</p>")
    assert sorted(m.name for m in ms) == ["Kubernetes", "Marlq", "Quorra", "TDQ"]
    ms, _ = run(software, "<p>Read the Input/Output notes.</p>")  # no known software in it: words
    assert [m.name for m in ms] == []


def test_two_neighbouring_letters_swapped_in_a_long_name():
    res = resolve([mm("KELPDIS", "Project"), mm("KELPDSI", "Project", post="https://b.example/2")])
    assert len(res.entities) == 1 and any("swapped" in line for line in res.merges)
    # another letter changed is another name ("pytest" / "pytext"); short names are left alone
    assert len(resolve([mm("quillest", "Project"), mm("quillext", "Project")]).entities) == 2
    assert len(resolve([mm("QWSD", "Project"), mm("QWDS", "Project")]).entities) == 2


@pytest.mark.parametrize("html, expected", [
    # a verb before the name in the address; a name that reads like a person's, named by its first word
    ('a packager for <a href="https://getkelpora.org/">Kelpora Linux</a>', [("Kelpora", "Project")]),
    ('see <a href="https://trytidewire.com/docs">Tidewire</a>', [("Tidewire", "Project")]),
    # the address is only the first word: a person's own site
    ('written by <a href="https://marta.example/">Marta Quill</a>', []),
])
def test_site_addresses_with_a_verb_or_a_first_word(html, expected):
    ms, _ = run(links, f"<p>Elsewhere, {html} says so.</p>")
    assert [(m.name, m.kind) for m in ms if not m.implicit] == expected


def test_a_cue_word_inside_a_longer_name_and_the_owner_of_a_working_group():
    from graphbuild.extractors import roles
    # "Project" is part of the summit's name here, not a word saying TideFOCUS is software
    ms, _ = run(software, "<p>She organized the TideFOCUS Project Summit for two years.</p>")
    assert [m.name for m in ms] == []
    ms, _ = run(software, "<p>We rely on the TideKit project for this.</p>")  # the cue word itself
    assert [m.name for m in ms] == ["TideKit"]
    # a working group of a name spelled like no word: that name is an organisation, for sure
    ms, rs = run(roles, "<p>She championed the creation of the TideFOCUS CoC Working Group.</p>")
    assert ("TideFOCUS CoC Working Group", "parentOrganization", "TideFOCUS") in rs
    assert [m.weak for m in ms if m.name == "TideFOCUS"] == [False]


@pytest.mark.parametrize("text, expected", [
    ("My first pull request went to a project called first steps which walks you through a commit.",
     [("first steps", "Project")]),
    ("Later I joined a startup called Tidewire Labs, in 2020.", [("Tidewire Labs", "Organization")]),
    ("It ships as a package named kelpdb.", [("kelpdb", "Project")]),
    ("I wrote to a tool called Marta Quill.", []),                    # reads like a person's name
    ("We built a library called the best thing ever.", []),          # no name: a phrase runs on
])
def test_a_name_after_called(text, expected):
    ms, _ = run(orgs, f"<p>{text}</p>")
    assert [(m.name, m.kind) for m in ms if m.extractor == "orgs:called"] == expected


def test_a_cue_word_after_the_acronym_ends_the_name():
    ms, _ = run(orgs, "<p>Partners: Tidewater Energy Research Computing (TERC) Center and others.</p>")
    assert [(m.name, m.kind, m.aliases) for m in ms if m.extractor == "orgs:acronym"] == \
        [("Tidewater Energy Research Computing Center", "Organization", ("TERC",))]
    # a plain word after the definition is no part of the name
    ms, _ = run(orgs, "<p>Tidewater Energy Research Computing (TERC) Today we met.</p>")
    assert [m.name for m in ms if m.extractor == "orgs:acronym"] == ["Tidewater Energy Research Computing"]
