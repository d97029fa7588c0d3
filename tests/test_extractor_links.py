"""The links extractor on hand-written snippets."""
import pytest

from graphbuild.extractors import Context
from graphbuild.extractors.links import extract
from graphbuild.html import html_blocks
from graphbuild.models import FeedInfo, FeedItem, Mention, Relation
from graphbuild.resolve import resolve
from graphbuild.rules import load_rules, parse_rules

POST = "https://site.example.org/blog/post/"


def item(html: str) -> FeedItem:
    return FeedItem(POST, POST, "t", FeedInfo("x", "https://site.example.org/index.xml"), blocks=html_blocks(html, POST))


def mentions(html: str, rules=None):
    out = list(extract(item(html), Context(rules or load_rules())))
    return [m for m in out if isinstance(m, Mention) and not m.implicit], [r for r in out if isinstance(r, Relation)]


def test_author_page_is_a_person_with_its_canonical_url():
    [m], _ = mentions('<p>Written with <a href="/author/jenny-wong/">Jenny Wong</a>.</p>')
    assert (m.name, m.kind, m.urls) == ("Jenny Wong", "Person", ("https://site.example.org/author/jenny-wong/",))
    assert m.quote.exact == "Written with Jenny Wong."


def test_github_repository_is_a_project_maintained_by_its_owner():
    ms, [rel] = mentions('<p>We use <a href="https://github.com/jupyterhub/nbgitpuller">nbgitpuller</a> daily.</p>')
    assert [(m.name, m.kind, m.urls) for m in ms] == [("nbgitpuller", "Project", ("https://github.com/jupyterhub/nbgitpuller",))]
    assert rel.predicate == "maintainer" and rel.object.urls == ("https://github.com/jupyterhub",)


def test_deep_github_link_names_the_repo_only_if_the_text_does():
    ms, _ = mentions('<p><a href="https://github.com/org/infrastructure/pull/12">MAAP’s PR</a> landed.</p>')
    assert ms == []
    ms, _ = mentions('<p><a href="https://github.com/jupyterlab/jupyter-ai/releases/tag/v3">Jupyter AI v3 is out</a>.</p>')
    assert [m.name for m in ms] == ["Jupyter AI"]


def test_github_user_with_a_person_name_is_a_person_a_handle_is_left_to_resolution():
    ms, _ = mentions('<p>Thanks <a href="https://github.com/jasongrout">Jason Grout</a> and '
                     '<a href="https://github.com/bsipocz">@bsipocz</a>.</p>')
    # a handle may be a person's or an organisation's: resolution decides (a person when nothing ties it)
    assert [(m.name, m.kind) for m in ms] == [("Jason Grout", "Person"), ("@bsipocz", "Agent")]
    assert [e.kind for e in resolve(ms).entities.values() if e.name == "@bsipocz"] == ["Person"]


def test_acronym_in_link_text_becomes_an_alias():
    [m], _ = mentions('<p><a href="/collaborators/bids/">Berkeley Institute for Data Science (BIDS)</a> joined.</p>')
    assert (m.name, m.aliases, m.kind) == ("Berkeley Institute for Data Science", ("BIDS",), "Organization")


def test_link_text_naming_a_sub_unit_is_not_the_linked_organisation():
    ms, _ = mentions('<p>Thanks to <a href="/collaborators/jupyter/">Jupyter Executive Council</a>.</p>')
    assert ms == []


@pytest.mark.parametrize("text", ["here", "this post", "read more"])
def test_generic_link_text_names_nobody(text):
    assert mentions(f'<p>See <a href="https://www.linkedin.com/in/someone-123">{text}</a>.</p>')[0] == []


def test_linkedin_and_orcid_profiles_are_people():
    ms, _ = mentions('<p><a href="https://www.linkedin.com/in/zach-sailer-8a1472151">Zach Sailer</a> and '
                     '<a href="https://orcid.org/0000-0002-1825-0097">Josiah Carberry</a></p>')
    assert [(m.name, m.kind) for m in ms] == [("Zach Sailer", "Person"), ("Josiah Carberry", "Person")]


def test_user_rules_come_first():
    rules = parse_rules('''
[[rule]]
name = "wiki-person"
match = '^https://wiki\\.example\\.org/User:(?P<id>[^/]+)$'
kind = "Person"
''') + load_rules()
    [m], _ = mentions('<p>By <a href="https://wiki.example.org/User:Ada_Lovelace">Ada Lovelace</a></p>', rules)
    assert (m.name, m.kind, m.extractor) == ("Ada Lovelace", "Person", "links:wiki-person")
