"""The alternations of the extractors are built from graphbuild/data/words.toml, not written in code."""
import re
import tomllib
from importlib import resources

import pytest

from graphbuild import names
from graphbuild.extractors import links, orgs, people, relations, roles

DATA = tomllib.loads((resources.files("graphbuild") / "data" / "words.toml").read_text(encoding="utf-8"))


def _words(section):
    w = DATA[section]["words"]
    return w.split() if isinstance(w, str) else w


def test_every_section_is_documented_and_non_empty():
    docs = (resources.files("graphbuild").parent / "docs" / "words.md")
    doc = docs.read_text(encoding="utf-8") if docs.is_file() else None
    for name, section in DATA.items():
        assert section.get("description"), name
        assert _words(name), name
        if doc is not None:
            assert f"`{name}`" in doc, f"{name} is not described in docs/words.md"


# (section, compiled regex, how one word of the section is written in text that the regex must match)
CASES = [
    ("org_cues", names.ORG_CUES, lambda w: w),
    ("project_cues", names.PROJECT_CUES, lambda w: w),
    ("role_titles", people.ROLE, lambda w: w),
    ("role_nouns", roles.ROLE_RX, lambda w: w.upper()),
    ("team_after", orgs.TEAM_AFTER, lambda w: " " + w.title()),
    ("project_after", orgs.PROJECT_AFTER, lambda w: " " + w),
    ("compound_nouns", orgs.COMPOUND, lambda w: " " + w),
    ("role_of_titles", orgs.ROLE_OF, lambda w: f"Deputy {w} of the "),
    ("plural_classes", orgs.PLURAL_CLASS, lambda w: w),
    ("project_classes", orgs.EXAMPLES, lambda w: f"{w} like "),
    ("org_classes", orgs.EXAMPLES, lambda w: f"{w} such as "),
    ("unit_words", links.UNIT_WORDS, lambda w: w.lower()),
    ("role_at_titles", links.ROLE_AT, lambda w: f"{w} at Example"),
    ("org_role_titles", links.ORG_ROLE_BEFORE, lambda w: f"{w} for "),
    ("software_after", people.SOFTWARE_AFTER, lambda w: f" 2 {w.upper()}"),
    ("work_roles", roles.WORK_ROLES, lambda w: w.title() + "s"),
    ("software_nouns", roles.SOFTWARE_NOUN, lambda w: " " + w),
    ("unit_nouns", roles.UNIT_END, lambda w: " " + w.lower()),
    ("unit_nouns", roles.OUR_UNIT, lambda w: f"our Example {w}"),
    ("unit_role_titles", roles.UNIT_ROLE_NAME, lambda w: f"Example Review Board {w} Ana Lopes"),
    ("publisher_works", roles.OUR_WORK, lambda w: f"our Field Data {w.lower()}"),
]


@pytest.mark.parametrize("section,rx,shape", CASES, ids=[c[0] for c in CASES])
def test_each_word_of_a_section_is_in_its_regex(section, rx, shape):
    # the regex holds the section's words, escaped, in file order ...
    assert names.alternation(section) in rx.pattern
    # ... and every word of the file, written as text, is matched whole
    for w in _words(section):
        assert rx.fullmatch(shape(w)), (section, w)


def test_thanks_words_and_stems():
    for w in _words("ack_words"):
        assert people.ACK.fullmatch(w.upper()), w
    for stem in _words("ack_stems"):
        assert people.ACK.fullmatch(stem + "ements"), stem
    assert not people.ACK.search("We met at the harbour on a grey morning.")


def test_alternation_escapes_each_word_and_keeps_file_order(monkeypatch):
    # a section as a user extending the file for another domain would write it: punctuation is literal
    monkeypatch.setitem(names._DATA, "example_cues", {"description": "test", "words": ["C++", "Lab.", "Lab", "Work Group"]})
    alt = names.alternation("example_cues")
    rx = re.compile(rf"\b(?:{alt})")
    assert rx.fullmatch("C++") and rx.fullmatch("Lab.") and rx.fullmatch("Work Group")
    assert not rx.fullmatch("Cx+") and not rx.fullmatch("Labx")
    assert rx.match("Lab.").group(0) == "Lab."  # the first alternative that fits wins
    monkeypatch.setitem(names._DATA, "example_cues", {"description": "test", "words": "Guild Lodge"})
    assert names.alternation("example_cues") == "Guild|Lodge"


def test_a_word_not_in_a_list_is_not_a_cue():
    # "Bakery" is in no list: "Ada Bakery" stays a possible person, "Ada Foundation" is an organisation
    assert "Bakery" not in _words("org_cues")
    assert not names.ORG_CUES.search("Ada Bakery")
    assert names.ORG_CUES.search("Ada Foundation")



def test_unit_tail_and_word_sets():
    for m in _words("unit_tail_modifiers"):
        for n in _words("unit_tail_nouns"):
            assert relations.UNIT_TAIL.fullmatch(f" {m} {n}"), (m, n)
    assert links.HOST_NOISE == frozenset(_words("host_noise"))
    assert roles.UNIT_DESCRIPTOR == frozenset(_words("unit_descriptors"))


def test_software_and_contribution_lists():
    from graphbuild.extractors import contributions, software
    for lang in _words("software_languages"):
        for w in _words("software_what"):
            assert software.WHAT.fullmatch(f" {lang.lower()} {w.upper()}"), (lang, w)
    for w in _words("package_only"):
        assert software.PACKAGE_AFTER.fullmatch(f" Python {w}"), w
    for w in _words("contribution_classes"):
        assert contributions.LIKE.match(f"to many {w} here, including the "), w
    for w in _words("thing_tails"):
        assert contributions.THING_TAIL.search(f"Example {w}"), w
    for w in _words("fund_words"):
        assert contributions.FUND_WORDS.fullmatch(w.title()), w
    assert names.alternation("thing_tails") in contributions.THING_TAIL.pattern


GUILD_FEED = """<rss version="2.0"><channel><title>Harbor notes</title><link>https://harbor.example/</link>
<item><title>News</title><link>https://harbor.example/news/</link><description>&lt;p&gt;We met the Tidewater
Guild at the pier, and the Marlin Foundation too.&lt;/p&gt;</description></item></channel></rss>"""


def _built_names(tmp_path, *extra) -> tuple[int, str]:
    import subprocess
    import sys
    out = tmp_path / f"out{len(extra)}"
    r = subprocess.run([sys.executable, "-m", "graphbuild", "build", str(tmp_path / "f.xml"), "--out", str(out),
                        "-q", "--no-html", "--no-analysis", *extra], capture_output=True, text=True)
    ttl = (out / "graph.ttl").read_text() if r.returncode == 0 else r.stderr
    return r.returncode, ttl


def test_a_users_word_file_extends_a_list_of_the_bundled_ones(tmp_path):
    (tmp_path / "f.xml").write_text(GUILD_FEED)
    (tmp_path / "mine.toml").write_text('[org_cues]\nwords = "Guild"\n')
    code, plain = _built_names(tmp_path)
    assert code == 0 and '"Marlin Foundation"' in plain and '"Tidewater Guild"' not in plain
    code, mine = _built_names(tmp_path, "--words", str(tmp_path / "mine.toml"))
    assert code == 0 and '"Tidewater Guild"' in mine


def test_a_word_file_naming_no_bundled_section_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "f.xml").write_text(GUILD_FEED)
    (tmp_path / "bad.toml").write_text('[org_cuez]\nwords = "Guild"\n')
    code, err = _built_names(tmp_path, "--words", str(tmp_path / "bad.toml"))
    assert code == 1 and "[org_cuez] is not a section" in err and "Traceback" not in err


def test_the_extraction_cache_keys_on_the_users_word_files(tmp_path):
    import subprocess
    import sys
    (tmp_path / "f.xml").write_text(GUILD_FEED)
    (tmp_path / "mine.toml").write_text('[org_cues]\nwords = "Harbour"\n')
    out = tmp_path / "out"  # one output folder, so one --store cache for both builds
    build = [sys.executable, "-m", "graphbuild", "build", str(tmp_path / "f.xml"), "--out", str(out), "-q",
             "--no-html", "--no-analysis", "--words", str(tmp_path / "mine.toml")]
    subprocess.run(build, check=True)
    assert '"Tidewater Guild"' not in (out / "graph.ttl").read_text()
    (tmp_path / "mine.toml").write_text('[org_cues]\nwords = "Guild"\n')  # the file changes, not its name
    subprocess.run(build, check=True)
    assert '"Tidewater Guild"' in (out / "graph.ttl").read_text()
