"""Resolution: merge on shared URL, names, acronyms, short forms; keep conflicting namesakes apart."""
from graphbuild.models import Mention, Quote
from graphbuild.resolve import resolve

Q = Quote("q")


def m(name, kind="Organization", post="https://b.example/1", urls=(), aliases=(), implicit=False, weak=False):
    return Mention(name, kind, post, Q, "test", tuple(urls), aliases=tuple(aliases), implicit=implicit, weak=weak)


def keys(res):
    return sorted(sorted({x.name for x in e.mentions}) for e in res.entities.values())


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
    from graphbuild.feeds import parse_feed
    from graphbuild.graph import build
    feed = parse_feed(b'<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://e.example/1</link>'
                      b'<description>&lt;p&gt;We use &lt;a href="https://grafana.com/"&gt;Grafana&lt;/a&gt; and '
                      b'&lt;a href="https://prometheus.io/"&gt;Prometheus&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;We upgraded '
                      b'Grafana, Prometheus, nginx-ingress as well as the cluster-autoscaler. VS Code for the Web, '
                      b'Cline, and OpenRouter.&lt;/p&gt;</description></item></channel></rss>', "l.xml")
    names = {e.name: e.kind for e in build(feeds=[feed]).resolution.entities.values()}
    assert names.get("nginx-ingress") == names.get("cluster-autoscaler") == "Project"
    assert "Web" not in names


def test_package_names_built_on_a_known_project():
    from graphbuild.feeds import parse_feed
    from graphbuild.graph import build
    feed = parse_feed(b'<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://e.example/1</link>'
                      b'<description>&lt;p&gt;&lt;a href="https://jupyterhub.example/"&gt;JupyterHub&lt;/a&gt; runs '
                      b'jupyterhub-simulator, a jupyterhub-based tool, and see jupyterhub-org/repo.&lt;/p&gt;</description>'
                      b'</item></channel></rss>', "p.xml")
    names = {e.name for e in build(feeds=[feed]).resolution.entities.values()}
    assert "jupyterhub-simulator" in names and "jupyterhub-based" not in names and "jupyterhub-org" not in names


def test_the_ambiguity_report_names_the_keys_of_the_final_entities():
    # "NRG Keelwater" (a link to its own site) becomes a unit of the organisation Keelwater after
    # clustering; a person of the same name is kept apart: the report must give the unit's final key
    ms = [Mention("Keelwater", "Organization", "https://b.example/1", Q, "links:site-collaborator",
                  ("https://b.example/collaborators/keelwater/",)),
          Mention("NRG Keelwater", "Project", "https://b.example/1", Q, "links:site", ("https://keelwater.example.com/",)),
          Mention("NRG Keelwater", "Person", "https://b.example/2", Q, "people", ("https://b.example/author/nrg/",))]
    res = resolve(ms)
    assert {e.key: e.kind for e in res.entities.values() if e.name == "NRG Keelwater"} == {
        "org/nrg-keelwater": "Organization", "person/nrg-keelwater": "Person"}
    [line] = res.ambiguous
    assert "<org/nrg-keelwater>" in line and "<person/nrg-keelwater>" in line and "project/" not in line
    assert {res.of[x] for x in ms[1:]} == {"org/nrg-keelwater", "person/nrg-keelwater"}
