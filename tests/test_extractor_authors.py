from graphbuild.extractors.authors import extract


def test_feed_authors_become_people_who_wrote_the_post(sample_items):
    [m] = list(extract(sample_items[0]))
    assert (m.name, m.kind, m.role) == ("Charles Babbage", "Person", "author")
