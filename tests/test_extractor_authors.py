from graphbuild.extractors.authors import extract


def test_feed_authors_become_people_who_wrote_the_post(sample_items):
    [m] = list(extract(sample_items[0]))
    assert (m.name, m.kind, m.role) == ("Charles Babbage", "Person", "author")


import pytest

from graphbuild.extractors.authors import author_kind


@pytest.mark.parametrize("name, kind", [("Charles Babbage", "Person"), ("Yuvi", "Person"), ("The Jupyter Team", "Organization"),
                                        ("2i2c", "Organization"), ("NASA", "Organization"), ("Brigitta Sipőcz", "Person")])
def test_bylines_of_people_and_organisations(name, kind):
    assert author_kind(name) == kind
