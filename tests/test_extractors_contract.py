"""Every registered extractor: tolerates empty items, and every mention carries evidence."""
import pytest

from graphbuild import extractors
from graphbuild.errors import UnknownExtractor
from graphbuild.models import FeedInfo, FeedItem, Mention, Relation


@pytest.mark.parametrize("name", extractors.names())
def test_extractor_yields_nothing_for_an_empty_item(name):
    empty = FeedItem("x", "https://e.example/x", "", FeedInfo("s", ""))
    assert list(extractors.get(name).extract(empty, extractors.Context())) == []


@pytest.fixture(scope="module")
def items(sample_items, reference_build):
    return list(sample_items) + list(reference_build.items)  # every extractor finds something in the whole feed


@pytest.mark.parametrize("name", extractors.names())
def test_extractor_mentions_carry_evidence_and_their_extractor(name, items):
    out = [m for item in items for m in extractors.get(name).extract(item, extractors.Context())]
    assert out, f"{name} found nothing in the sample feeds"
    for m in out:
        assert isinstance(m, (Mention, Relation))
        assert m.quote.exact and m.extractor.split(":")[0] == name
        if isinstance(m, Mention):
            assert m.name and m.kind in ("Person", "Organization", "Project", "OrgProject", "Agent")


def test_extractor_modules_describe_themselves():
    assert all(desc for _, desc in extractors.describe())


def test_unknown_extractor_lists_the_known_ones():
    with pytest.raises(UnknownExtractor) as e:
        extractors.get("peple")
    assert "links" in str(e.value)
