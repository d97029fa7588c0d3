"""Resolution: merge on shared URL, names, acronyms, short forms; keep conflicting namesakes apart."""
from graphbuild.models import Mention, Quote
from graphbuild.resolve import resolve

Q = Quote("q")


def m(name, kind="Organization", post="https://b.example/1", urls=(), aliases=(), implicit=False, weak=False):
    return Mention(name, kind, post, Q, "test", tuple(urls), aliases=tuple(aliases), implicit=implicit, weak=weak)


def keys(res):
    return sorted(sorted({x.name for x in e.mentions}) for e in res.entities.values())


def built(description: bytes) -> dict:
    """Entity name -> kind after a whole build of one post whose escaped HTML is ``description``."""
    from graphbuild.feeds import parse_feed
    from graphbuild.graph import build
    feed = parse_feed(b'<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://e.example/1</link>'
                      b'<description>' + description + b'</description></item></channel></rss>', "p.xml")
    return {e.name: e.kind for e in build(feeds=[feed]).resolution.entities.values()}


def test_shared_url_merges_different_names():
    res = resolve([m("BIDS", urls=["https://bids.example/"]), m("Berkeley Institute", urls=["http://www.bids.example"])])
    assert keys(res) == [["BIDS", "Berkeley Institute"]]


def test_acronym_alias_merges_with_a_bare_acronym_in_another_post():
    res = resolve([m("Berkeley Institute for Data Science", aliases=["BIDS"]), m("BIDS", post="https://b.example/2")])
    [e] = res.entities.values()
    assert e.name == "Berkeley Institute for Data Science" and e.aliases == {"BIDS"}
    assert e.posts == {"https://b.example/1", "https://b.example/2"}


def test_case_and_punctuation_variants_merge():
    assert len(resolve([m("JupyterHub"), m("jupyterhub"), m("Jupyter-Hub")]).entities) == 1


def test_first_name_merges_with_the_one_full_name_in_the_post():
    res = resolve([m("Yuvi Panda", "Person"), m("Yuvi", "Person")])
    [e] = res.entities.values()
    assert e.name == "Yuvi Panda" and "Yuvi" in e.aliases


def test_first_name_shared_by_two_people_is_left_alone():
    res = resolve([m("Chris Holdgraf", "Person"), m("Chris Smith", "Person"), m("Chris", "Person")])
    assert len(res.entities) == 3


def test_same_name_with_conflicting_profiles_is_kept_apart_and_reported():
    res = resolve([m("Alex Kim", "Person", urls=["https://www.linkedin.com/in/alex-kim-1"]),
                   m("Alex Kim", "Person", urls=["https://www.linkedin.com/in/alex-kim-2"], post="https://b.example/2")])
    assert len(res.entities) == 2
    assert res.ambiguous and "alexkim" in res.ambiguous[0]


def test_a_person_and_an_organisation_with_one_name_stay_apart():
    assert len(resolve([m("Jordan", "Person"), m("Jordan")]).entities) == 2


def test_entity_keys_are_stable_across_input_order():
    ms = [m("Zed Project", "Project"), m("Alpha Org"), m("Beta Person", "Person")]
    assert sorted(resolve(ms).entities) == sorted(resolve(list(reversed(ms))).entities)


def test_a_leading_the_does_not_make_another_thing():
    assert len(resolve([m("The Jupyter Foundation"), m("Jupyter Foundation", post="https://b.example/2")]).entities) == 1


def test_a_site_and_a_page_of_it_are_one_thing_two_pages_two_things():
    one = resolve([m("Tool", "Project", urls=["https://tool.example/"]), m("Tool", "Project", urls=["https://tool.example/docs"])])
    two = resolve([m("Ann Lee", "Person", urls=["https://s.example/author/ann-lee/"]),
                   m("Ann Lee", "Person", urls=["https://s.example/author/ann-lee-2/"])])
    assert (len(one.entities), len(two.entities)) == (1, 2)


def test_abbreviation_merges_with_the_one_long_name_it_abbreviates():
    res = resolve([m("University of Washington"), m("UW", weak=True, post="https://b.example/2")])
    assert len(res.entities) == 1 and "UW" in next(iter(res.entities.values())).aliases


def test_an_acronym_before_an_organisations_name_is_a_unit_of_it():
    res = resolve([m("Openscapes"), Mention("NMFS Openscapes", "Project", "https://b.example/2", Q, "links:site",
                                             ("https://nmfs.example/",))])
    kinds = {e.name: (e.kind, e.key) for e in res.entities.values()}
    assert kinds["NMFS Openscapes"] == ("Organization", "org/nmfs-openscapes")
    assert all(res.of[x] in res.entities for x in res.of)


def test_names_listed_with_known_projects_are_projects():
    names = built(b'&lt;p&gt;We use &lt;a href="https://grafana.com/"&gt;Grafana&lt;/a&gt; and '
                  b'&lt;a href="https://prometheus.io/"&gt;Prometheus&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;We upgraded '
                  b'Grafana, Prometheus, nginx-ingress as well as the cluster-autoscaler. VS Code for the Web, '
                  b'Cline, and OpenRouter.&lt;/p&gt;')
    assert names.get("nginx-ingress") == names.get("cluster-autoscaler") == "Project"
    assert "Web" not in names


def test_package_names_built_on_a_known_project():
    names = built(b'&lt;p&gt;&lt;a href="https://jupyterhub.example/"&gt;JupyterHub&lt;/a&gt; runs '
                  b'jupyterhub-simulator, a jupyterhub-based tool, and see jupyterhub-org/repo.&lt;/p&gt;')
    assert "jupyterhub-simulator" in names and "jupyterhub-based" not in names and "jupyterhub-org" not in names


def test_package_shaped_words_that_are_not_packages():
    names = set(built(b'&lt;p&gt;&lt;a href="https://frobnia.example/"&gt;Frobnia&lt;/a&gt; is '
                      b'frobnia-compliant and community-centered; see frobnia-4521 and frobnia-cli.&lt;/p&gt;'
                      b'&lt;pre&gt;with:\n  frobnia-version: 3&lt;/pre&gt;'))
    assert "frobnia-cli" in names
    assert not names & {"frobnia-compliant", "frobnia-4521", "frobnia-version"}


def test_a_programme_written_with_and_without_project():
    res = resolve([m("Project Frobnia", "Project"), m("Frobnia", "Project", post="https://b.example/2")])
    assert keys(res) == [["Frobnia", "Project Frobnia"]]


def test_a_company_with_and_without_its_legal_ending():
    res = resolve([m("Quuxcorp, Inc."), m("Quuxcorp", post="https://b.example/2"), m("Quuxcorp Labs")])
    assert keys(res) == [["Quuxcorp", "Quuxcorp, Inc."], ["Quuxcorp Labs"]]


def test_a_person_with_and_without_a_middle_name():
    res = resolve([m("Ada Byron Lovelace", "Person"), m("Ada Lovelace", "Person", post="https://b.example/2"),
                   m("Ada Smith", "Person")])
    assert keys(res) == [["Ada Byron Lovelace", "Ada Lovelace"], ["Ada Smith"]]


def test_a_site_named_like_a_person_joins_the_thing_of_that_name():
    # "Frob Works" -> frobworks.org reads like a personal homepage; the text calls it a project elsewhere
    site = Mention("Frob Works", "Person", "https://b.example/1", Q, "links:site", ("https://frobworks.org/",))
    res = resolve([site, m("frob-works", "Project", post="https://b.example/2")])
    [e] = res.entities.values()
    assert e.kind == "Project"
    # a person shown as one (a byline) still stays apart from a project of the same name
    res = resolve([m("Frob Works", "Person"), m("frob-works", "Project", post="https://b.example/2")])
    assert len(res.entities) == 2


def test_a_release_number_after_a_project_name():
    res = resolve([m("Frobnia 4.7", "Project"), m("Frobnia", "Project", post="https://b.example/2"),
                   m("Frobnia 2030", "Project")])
    assert keys(res) == [["Frobnia", "Frobnia 4.7"], ["Frobnia 2030"]]


def test_a_possessive_inside_a_name():
    res = resolve([m("Frobnia’s Steering Council"), m("Frobnia Steering Council", post="https://b.example/2"),
                   m("Frobnia Steering")])
    assert keys(res) == [["Frobnia Steering"], ["Frobnia Steering Council", "Frobnia’s Steering Council"]]


def test_a_title_before_a_persons_name():
    res = resolve([m("Dr. Orla Quist", "Person"), m("Orla Quist", "Person", post="https://b.example/2")])
    assert keys(res) == [["Dr. Orla Quist", "Orla Quist"]]


def test_a_module_path_is_part_of_its_package():
    res = resolve([m("frobkit.sub.run", "Project"), m("Frobkit", "Project", post="https://b.example/2")])
    assert keys(res) == [["Frobkit", "frobkit.sub.run"]]
    # a person's dotted name is no module path
    res = resolve([m("frobkit.sub.run", "Person"), m("Frobkit", "Project", post="https://b.example/2")])
    assert len(res.entities) == 2


def test_an_owners_acronym_before_a_project_name():
    res = resolve([m("QRX WidgetCube", "Project"), m("Widget Cube", "Project", post="https://b.example/2")])
    assert keys(res) == [["QRX WidgetCube", "Widget Cube"]]
    # before an organisation's name it names a unit of it: kept apart
    res = resolve([m("QRX Widgetorg", "Project"), m("Widgetorg", "Organization", post="https://b.example/2")])
    assert len(res.entities) == 2


def test_a_repository_and_documentation_site_of_one_name():
    res = resolve([m("frob system Kit", "Project", urls=["https://github.com/someone/frobsystem_kit"]),
                   m("fsk", "Project", post="https://b.example/2", urls=["https://frobsystem-kit.readthedocs.io/"])])
    assert keys(res) == [["frob system Kit", "fsk"]]
    # two repositories of one name under two owners stay apart
    res = resolve([m("Team compass", "Project", urls=["https://github.com/one/team-compass-x"]),
                   m("compass", "Project", post="https://b.example/2", urls=["https://github.com/two/team-compass-x"])])
    assert len(res.entities) == 2


def test_a_personal_site_spelling_the_name_of_the_one_person():
    res = resolve([m("Orla Quist", "Person"), m("oquist.github.io", "Project", post="https://b.example/2",
                                                 urls=["https://oquist.github.io/"])])
    [e] = res.entities.values()
    assert e.kind == "Person" and e.name == "Orla Quist"


def test_a_listed_name_loses_its_sentence_opener():
    names = built(b'&lt;p&gt;See &lt;a href="https://frobco.example/"&gt;Frobco&lt;/a&gt; and '
                  b'&lt;a href="https://quuxly.example/"&gt;Quuxly&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;Companies build on it. '
                  b'Including Zentrix Data, Frobco and Quuxly.&lt;/p&gt;')
    assert "Zentrix Data" in names and "Including Zentrix Data" not in names


def test_the_ambiguity_report_names_the_keys_of_the_final_entities():
    # "NRG Keelwater" (a link to a page of its own site) becomes a unit of the organisation Keelwater
    # after clustering; a person of the same name, with another page of that site, is kept apart (two
    # pages of one site are two things): the report must give the unit's final key
    ms = [Mention("Keelwater", "Organization", "https://b.example/1", Q, "links:site-collaborator",
                  ("https://b.example/collaborators/keelwater/",)),
          Mention("NRG Keelwater", "Project", "https://b.example/1", Q, "links:site", ("https://keelwater.example.com/nrg/",)),
          Mention("NRG Keelwater", "Person", "https://b.example/2", Q, "people",
                  ("https://keelwater.example.com/team/nrg-keelwater/",))]
    res = resolve(ms)
    assert {e.key: e.kind for e in res.entities.values() if e.name == "NRG Keelwater"} == {
        "org/nrg-keelwater": "Organization", "person/nrg-keelwater": "Person"}
    [line] = res.ambiguous
    assert "<org/nrg-keelwater>" in line and "<person/nrg-keelwater>" in line and "project/" not in line
    assert {res.of[x] for x in ms[1:]} == {"org/nrg-keelwater", "person/nrg-keelwater"}


def test_known_forms_are_found_whole_longest_first_and_not_inside_other_words():
    from graphbuild.resolve import _FormFinder

    find = _FormFinder({"Kelp Hub": "project/kelp-hub", "Kelp": "org/kelp", "Hub": "project/hub"})
    text = "Kelp Hub met Kelp-Hub and Hub. SuperKelp, Kelp.io and @Kelp"
    # "Kelp Hub" whole (its "Hub" is not found again); "Kelp-Hub", "SuperKelp", "Kelp.io" and "@Kelp"
    # are other names; "Hub" before a full stop is the form
    assert list(find(text)) == [(0, "Kelp Hub"), (26, "Hub")]


def test_known_forms_whose_first_words_share_letters_or_are_long():
    from graphbuild.resolve import _FormFinder

    long = "Quinquagintaquadringentillionthsworkshoplabs"  # longer than the trie's depth
    find = _FormFinder({"Ad Astra": "org/ad-astra", "Ada": "person/ada", "Adam Lab": "org/adam-lab",
                        "Ådalen Trust": "org/adalen", "Ada2 Kit": "project/ada2", long: "org/long",
                        f"{long} Two": "org/long-two"})
    text = (f"Ad Astra, Ada, Adam Lab and Adam. Ada_x, Adas, Ådalen Trust, Ada2 Kit, {long}, "
            f"{long} Two, {long}s")
    # each first word whole: "Adam" alone, "Adas", "Ada_x" (a form ends where a word does) and
    # "Quinqua...s" are no forms; the longer form of a first word is tried before the shorter
    assert [(text[s:s + len(f)], f) == (f, f) for s, f in find(text)] == [True] * 7
    assert [f for _, f in find(text)] == ["Ad Astra", "Ada", "Adam Lab", "Ådalen Trust", "Ada2 Kit", long,
                                          f"{long} Two"]


def test_forms_that_share_a_first_word_are_told_apart_by_what_follows_it():
    from graphbuild.resolve import _FormFinder

    find = _FormFinder({f: f.lower() for f in ("Ada", "Ada L", "Ada Lab", "Ada Labs", "Ada Lovelace",
                                                "Ada Lovelace Institute", "Ada-Lin", "Ada Lx")})
    text = ("Ada Lovelace Institute; Ada Lovelace met Ada Lab, Ada Labs and Ada L. Ada Lo, Ada-Lin, "
            "Ada Lxx and Ada")
    # the longest form each place holds whole: "Ada Lo" and "Ada Lxx" hold only "Ada"
    assert [f for _, f in find(text)] == ["Ada Lovelace Institute", "Ada Lovelace", "Ada Lab", "Ada Labs", "Ada L",
                                          "Ada", "Ada-Lin", "Ada", "Ada"]
    assert [s for s, _ in find(text)] == [text.index(w) for w in ("Ada Lovelace Institute", "Ada Lovelace met",
                                                                  "Ada Lab,", "Ada Labs", "Ada L.", "Ada Lo,",
                                                                  "Ada-Lin", "Ada Lxx", "and Ada")][:-1] + [len(text) - 3]


def _span_texts(text):
    from graphbuild.resolve import _LIST, _list_spans

    spans = list(_list_spans(text))
    assert spans == [(x.start(), x.end()) for x in _LIST.finditer(text)]  # the pattern it stands for
    return [text[s:e] for s, e in spans]


def test_lists_found_where_their_first_item_starts():
    # a first item has at most four capitalised words: of five before the comma, the last four
    assert _span_texts("Alpha Beta Gamma Delta Epsilon, Tidemon and Quill met.") == [
        "Beta Gamma Delta Epsilon, Tidemon and Quill"]
    # a list may start inside a word; "Tools like" is not part of the item (a lower-case word)
    assert _span_texts("xFoo, Bar and Baz. Tools like Quill Studio Pro, Tidemon or kelp-ingress help.") == [
        "Foo, Bar and Baz", "Quill Studio Pro, Tidemon or kelp-ingress"]
    # no list without a conjunction, nor across a comma with no space after it, nor after "(" that
    # ends the words before the comma
    assert _span_texts("Foo, Bar, Baz. Alpha,Beta and Gamma. (Foo, Bar) and Baz; Qux,\nQuux as well as the Corge") == [
        "Qux,\nQuux as well as the Corge"]
