"""Small text helpers the extractors lean on (graphbuild/text.py)."""
import re

import pytest

from graphbuild.text import folded, sentence_spans, squash


@pytest.mark.parametrize("text, word", [
    ("Tools ſuch as KelpHub", "such"),  # the long s: re.IGNORECASE takes it for an s
    ("İNCLUDING KelpHub", "including"),  # a dotted capital I: one character, not "i" and a dot
    ("ıncluding KelpHub", "including"),  # a dotless i
    ("a \u212aelp project", "kelp"),  # the Kelvin sign
    ("a project CALLED Kelp", "called"),
])
def test_a_word_an_ignorecase_pattern_finds_is_in_the_folded_text(text, word):
    assert re.search(word, text, re.I)  # what the extractors' patterns would find
    assert word in folded(text)


def test_folded_text_is_only_lower_cased_when_plain():
    assert folded("Our Maintainers, like ÉMILE") == "our maintainers, like émile"


@pytest.mark.parametrize("text, spans", [
    ("One. Two! Three?", [(0, 4), (5, 9), (10, 16)]),
    ("He said “Go.” Then left", [(0, 13), (14, 23)]),  # the closing quote stays with its sentence
    ("No end here", [(0, 11)]),
    ("Ends. ", [(0, 6)]),  # no upper-case letter after the space: one sentence
    ("", []),
])
def test_sentence_spans_read_by_hand(text, spans):
    assert sentence_spans(text) == spans


def test_squash_collapses_every_kind_of_space_as_the_regular_expression_did():
    text = " a\t\tb\n\u00a0c\u2028d\x1ce  "
    assert squash(text) == re.sub(r"\s+", " ", text).strip() == "a b c d e"


def _cued_patterns():
    import importlib
    import pkgutil

    import graphbuild.extractors as X
    from graphbuild.text import Cued
    for info in pkgutil.iter_modules(X.__path__):
        mod = importlib.import_module(f"graphbuild.extractors.{info.name}")
        yield from ((f"{info.name}.{k}", v) for k, v in vars(mod).items() if isinstance(v, Cued))


def test_a_cued_pattern_finds_what_its_pattern_finds_in_real_posts(data_dir):
    """Every match holds a cue word: on the bundled feed and the test feeds, each cued pattern
    finds exactly what its pattern alone finds (a pattern given a new alternative without its
    word fails here)."""
    from graphbuild.graph import load_feeds
    from graphbuild.sources import default_feed

    texts = [b.text for f in load_feeds([default_feed(), *sorted(data_dir.glob("*.xml"))])
             for i in f.items for b in i.blocks]
    cued = dict(_cued_patterns())
    assert len(cued) >= 9
    found = 0
    for name, c in cued.items():
        for text in texts:
            expected = [m.span() for m in c.regex.finditer(text)]
            assert [m.span() for m in c.finditer(text)] == expected, (name, text)
            found += len(expected)
    assert found > 20  # the posts do match them


def test_cue_words_of_a_pattern_that_ignores_case_must_be_lower_case():
    from graphbuild.text import Cued

    with pytest.raises(ValueError):
        Cued(re.compile("called", re.I), "Called")
    assert [m.group() for m in Cued(re.compile("called", re.I), "called").finditer("A tool CALLED x")] == ["CALLED"]
