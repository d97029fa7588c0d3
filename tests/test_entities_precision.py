"""Precision, identity, types and confidence of entities: one test per failure class, each on a
hand-written snippet (invented people, organisations and projects)."""
import pytest

from graphbuild.extractors import Context
from graphbuild.extractors import authors, links, orgs, people
from graphbuild.html import html_blocks
from graphbuild.models import Author, Entity, FeedInfo, FeedItem, Mention, Quote, Relation
from graphbuild.names import WORDS, is_document, is_person_name, proper_phrases
from graphbuild.resolve import confidence, resolve

POST = "https://news.example.org/blog/post/"
POST2 = "https://news.example.org/blog/other/"
FEED = FeedInfo("x", "https://news.example.org/index.xml", "Blog | Example Lab", "https://examplelab.org/blog/")


def item(html: str, title: str = "A post", link: str = POST, authors_=()) -> FeedItem:
    return FeedItem(link, link, title, FEED, blocks=html_blocks(html, link), authors=tuple(authors_))


def run(mod, html, **kw):
    out = list(mod.extract(item(html, **kw), Context()))
    return [m for m in out if isinstance(m, Mention)], [(r.subject.name, r.predicate, r.object.name)
                                                        for r in out if isinstance(r, Relation)]


def strong(ms, kind=None):
    return sorted({m.name for m in ms if not m.weak and (kind is None or m.kind == kind)})


def m(name, kind="Organization", post=POST, urls=(), aliases=(), extractor="test", weak=False, role=""):
    return Mention(name, kind, post, Quote("q"), extractor, tuple(urls), aliases=tuple(aliases), weak=weak, role=role)


# ---------------------------------------------------------------- word lists
def test_word_lists_load_once_from_the_data_file():
    assert {"common_words", "not_names", "modifiers", "collective_bylines", "document_series"} <= set(WORDS)
    assert "only" in WORDS["modifiers"] and "developers" in WORDS["collective_bylines"]


# ---------------------------------------------------------------- common words are not names
@pytest.mark.parametrize("sentence", [
    "<p>It is the only Python library that reads these files.</p>",
    "<p>Install the correct package for your driver.</p>",
    "<p>A bug in Hurricane, the networking library underneath, slowed it.</p>",
    "<p>The whole library was out of scope, so we wrote the entire library guide later.</p>",
])
def test_adjectives_before_library_are_not_software(sentence):
    assert strong(run(orgs, sentence)[0], "Project") == []


def test_a_lower_case_library_name_is_still_software():
    assert strong(run(orgs, "<p>We use the quiltwork Python library for this.</p>")[0], "Project") == ["quiltwork"]


@pytest.mark.parametrize("phrase", ["Style Guide", "Lazy Loading", "Pull Request", "Key Performance Indicators",
                                    "Business Development", "Python Events", "Minimum Supported Versions"])
def test_title_case_common_nouns_are_not_people(phrase):
    assert not is_person_name(phrase)


@pytest.mark.parametrize("phrase", ["Grace Hopper", "Ada Lovelace", "Rosalind Franklin",
                                    "Orla B. Quist", "Ann McQuist", "Bo MacTavish"])  # an initial, a prefix
def test_people_are_still_people(phrase):
    assert is_person_name(phrase)


def test_a_name_glued_before_a_role_title_needs_another_signal():
    ms, _ = run(people, "<p>The role of Quarkfield Bio Science Fellow is broad.</p>")
    assert strong(ms, "Person") == []
    ms, _ = run(people, "<li>Presenter: Ada Lovelace, CTO</li>")
    assert strong(ms, "Person") == ["Ada Lovelace"]


# ---------------------------------------------------------------- headings and documents
@pytest.mark.parametrize("heading", ["<h2>Cost and Collaboration</h2>", "<h3>Project Report</h3>",
                                     "<h2>Serendipitous Collaboration</h2>"])
def test_a_heading_that_is_only_a_cue_phrase_is_a_section_title(heading):
    ms, _ = run(orgs, heading)
    assert strong(ms) == []


def test_a_heading_naming_an_institution_is_an_organisation():
    ms, _ = run(orgs, "<h4>National Institute of Marine Botany</h4>")
    assert strong(ms, "Organization") == ["National Institute of Marine Botany"]


@pytest.mark.parametrize("name, doc", [("PEP 8", True), ("NEP 12", True), ("NEPs", True), ("RFC 9110", True),
                                       ("SPEC 3—Accessible Plotting", True), ("Example Content Guidelines", True),
                                       ("Specula", False), ("Pepper Labs", False), ("Iris 2", False)])
def test_numbered_documents_are_not_entities(name, doc):
    assert is_document(name) is doc


def test_resolution_drops_documents_whichever_extractor_found_them():
    res = resolve([m("PEP 8", "Project", urls=["https://peps.example.org/pep-0008/"]), m("Quiltwork", "Project")])
    assert [e.name for e in res.entities.values()] == ["Quiltwork"]


# ---------------------------------------------------------------- spans
def test_a_unit_at_a_university_is_two_organisations():
    spans = [p for _, _, p in proper_phrases("We met at the Hollow Institute at the University of Tarnwick today.")]
    assert spans == ["Hollow Institute", "University of Tarnwick"]


def test_a_place_after_a_comma_continues_only_an_institution():
    assert [p for _, _, p in proper_phrases("She studied at the University of Tarnwick, Eastholm.")] == \
        ["University of Tarnwick, Eastholm"]
    assert [p for _, _, p in proper_phrases("Work by Ada at Pelican, Quill 2.0 now ships.")][-1] == "Quill"


def test_a_comma_before_of_ends_the_name():
    phrases = [p for _, _, p in proper_phrases("Director at Fern Lab, University of Tarnwick, Eastholm.")]
    assert "Fern Lab" in phrases and "University of Tarnwick, Eastholm" in phrases


def test_a_role_title_before_of_the_is_not_part_of_the_organisation():
    ms, _ = run(orgs, "<p>She is Director of the Lantern Learning Initiative.</p>")
    assert strong(ms, "Organization") == ["Lantern Learning Initiative"]


def test_a_role_at_an_organisation_names_only_the_organisation():
    ms, _ = run(orgs, "<p>Our Program Officer at the Brightwater Foundation agreed.</p>")
    assert strong(ms, "Organization") == ["Brightwater Foundation"]


def test_several_affiliations_in_parentheses_are_not_one_organisation():
    ms, rels = run(people, "<p>Ada Lovelace (Pelican Labs; Quill, Inkwell) will join.</p>")
    assert ("Ada Lovelace", "affiliation", "Pelican Labs") in rels
    assert not any(";" in x.name for x in ms)


def test_an_acronym_defining_a_common_phrase_is_not_an_affiliation():
    ms, rels = run(people, "<p>Open a Merge Request (MR) to start.</p>")
    assert rels == [] and strong(ms, "Person") == []


# ---------------------------------------------------------------- bylines
def test_several_authors_in_one_byline_are_several_people():
    ms, _ = run(authors, "<p>x</p>", authors_=[Author("Ada Lovelace, Grace Hopper and Alan Turing")])
    assert [(x.name, x.kind) for x in ms] == [("Ada Lovelace", "Person"), ("Grace Hopper", "Person"),
                                              ("Alan Turing", "Person")]


def test_a_citation_style_byline_stays_whole():
    assert authors.split_byline("Lovelace, Ada") == ["Lovelace, Ada"]


@pytest.mark.parametrize("name", ["Quiltwork Developers", "The Inkwell Core Team", "quillOrg", "@quillorg"])
def test_organisation_bylines_are_organisations(name):
    assert authors.author_kind(name) == "Organization"


# ---------------------------------------------------------------- handles
def test_a_handle_merges_with_the_person_whose_name_it_spells():
    res = resolve([m("Ada Lovelace", "Person"), m("@adablovelace", "Agent", urls=["https://github.com/adablovelace"])])
    [e] = res.entities.values()
    assert e.kind == "Person" and "@adablovelace" in e.aliases
    assert any("spells the name" in x for x in res.merges)


def test_a_handle_of_two_possible_people_is_left_alone():
    res = resolve([m("Ada Lovelace", "Person"), m("Ada Lovell", "Person"), m("@adalove", "Agent")])
    assert len(res.entities) == 3


def test_an_organisation_handle_merges_with_its_name():
    res = resolve([m("Quiltwork", "Project"), m("@quiltwork_dev", "Agent", urls=["https://x.com/quiltwork_dev"]),
                   m("@Inkwell", "Agent"), m("Inkwell")])
    assert sorted((e.name, e.kind) for e in res.entities.values()) == [("Inkwell", "Organization"),
                                                                        ("Quiltwork", "Project")]


def test_a_linked_handle_in_parentheses_is_the_persons_alias():
    ms, rels = run(people, '<p>We hired Ada Lovelace (<a href="https://github.com/AdaL">AdaL</a>) this year.</p>')
    assert rels == [] and [(x.name, x.aliases) for x in ms] == [("Ada Lovelace", ("AdaL",))]


# ---------------------------------------------------------------- safe merges
def test_an_acronym_defined_in_one_post_is_not_resolved_to_another_long_name():
    res = resolve([m("Merge Request", aliases=["MR"]), m("MR"), m("Migration Report", post=POST2)])
    names = sorted(sorted({e.name, *e.aliases}) for e in res.entities.values())
    assert ["MR", "Merge Request"] in names and ["Migration Report"] in names


def test_every_merge_says_why():
    res = resolve([m("Tarnwick Data Lab", urls=["https://tdl.example/"]), m("TDL", urls=["https://tdl.example"])])
    [line] = res.merges
    assert line.startswith("Tarnwick Data Lab: TDL (") and "same URL tdl.example" in line


def test_a_site_address_as_a_name_is_the_sites_project():
    res = resolve([m("Quilt-Stitch", "Project"), m("stitch.quilt.org", "Project", post=POST2)])
    assert len(res.entities) == 1


def test_the_x_project_is_x():
    assert len(resolve([m("Lanternfish", "Project"), m("Lanternfish Project", "Project", post=POST2)]).entities) == 1


# ---------------------------------------------------------------- types by evidence
def test_gazetteer_echoes_do_not_outvote_stated_evidence():
    ms = [m("Inkwell Commons", "Organization", extractor="orgs:examples"),
          m("Inkwell Commons", "Project", extractor="links:site", urls=["https://inkwell.example/"]),
          m("Inkwell Commons", "Project", post=POST2, extractor="gazetteer"),
          m("Inkwell Commons", "Project", post="https://news.example.org/3", extractor="gazetteer")]
    [e] = resolve(ms).entities.values()
    assert e.kind == "Organization"


def test_communities_like_names_organisations():
    ms, _ = run(orgs, "<p>We work with aligned communities like Quillworks, Inkwell and The Binders.</p>")
    assert strong(ms, "Organization") == ["Inkwell", "Quillworks", "The Binders"]


def test_a_site_named_by_its_leading_words():
    ms, _ = run(links, '<p><a href="https://quilt-works.org/">Quilt Works Developer Summit</a></p>')
    assert [x.name for x in ms] == ["Quilt Works"]


def test_a_site_id_spelled_by_the_starts_of_words():
    assert links.names_id("Development Seedling", "devseedling")
    assert not links.names_id("Development Seedling", "devsling")


# ---------------------------------------------------------------- confidence
def test_confidence_grows_with_independent_signals():
    weak = Entity("org/x", "Organization", "Quill Circle", mentions=[m("Quill Circle", extractor="orgs:team", weak=True)])
    linked = Entity("org/y", "Organization", "Tarnwick Data Lab", aliases={"TDL"}, urls={"https://tdl.example/"},
                    mentions=[m("Tarnwick Data Lab", extractor="orgs:acronym", aliases=["TDL"]),
                              m("Tarnwick Data Lab", extractor="links:site", urls=["https://tdl.example/"]),
                              m("TDL", post=POST2, extractor="gazetteer")])
    assert 0 < confidence(weak) < 0.3 < confidence(linked) <= 1
    assert confidence(linked) == round(1 - (1 - 0.55) * (1 - 0.45) * (1 - 0.05) * (1 - 0.1), 2)


@pytest.mark.parametrize("phrase", ["Ann JupyterHub", "Widget DevOps", "NSF NCAR"])
def test_inner_capitals_and_acronyms_are_still_not_people(phrase):
    assert not is_person_name(phrase)
