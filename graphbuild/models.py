"""Plain records passed between the stages. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter

#: Entity kinds an extractor may claim. ``OrgProject`` is a name that denotes both an acting
#: body and its software (KelpHub, GitHub); resolution may also end with both.
KINDS = ("Person", "Organization", "Project", "OrgProject", "Agent")
#: rule kinds: an entity kind, or Ignore for links that name no entity (encyclopedias, videos, DOIs)
RULE_KINDS = KINDS + ("Ignore",)


def _pickled_by_fields(cls):
    """Pickle a frozen, slotted record as its class and its fields' values, rebuilt by ``cls(*values)``.
    The ``__getstate__`` dataclasses give a slotted class looks its fields up again for every
    object: a build pickles millions of mentions, quotes and blocks (to the extraction workers and
    back, into the extraction cache and out): this way takes half the time to pickle, a quarter
    less to unpickle (docs/performance.md, seventh pass)."""
    get = attrgetter(*(f.name for f in fields(cls)))
    if len(fields(cls)) == 1:
        cls.__reduce__ = lambda self: (type(self), (get(self),))
    else:
        cls.__reduce__ = lambda self: (type(self), get(self))
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """An ``<a href>`` inside one block of a post, with its position in the block text."""

    href: str
    start: int
    end: int


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Block:
    """One block of a post (paragraph, list item, heading, caption) as plain text plus its links."""

    text: str
    links: tuple[Link, ...] = ()
    tag: str = "p"
    #: (start, end) of each inline code span (``<code>``, ``<kbd>``, ``<samp>``, ``<tt>``) in ``text``
    code: tuple[tuple[int, int], ...] = ()


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Author:
    """A feed-level author (RSS ``author``/``dc:creator``, Atom ``author``)."""

    name: str
    url: str | None = None
    email: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class FeedInfo:
    """Where a feed came from and what it calls itself."""

    source: str
    iri: str
    title: str = ""
    link: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class FeedItem:
    """One post of a feed, already parsed: the only shape extractors ever see."""

    id: str
    link: str
    title: str
    feed: FeedInfo
    published: datetime | None = None
    authors: tuple[Author, ...] = ()
    blocks: tuple[Block, ...] = ()
    categories: tuple[str, ...] = ()
    #: ``link`` is an IRI graphbuild minted (the item had no http(s) link or guid), not a web page
    minted: bool = False
    #: the title's markup when it has some that ``title`` (plain text) loses: an HTML or XHTML title
    #: with elements or escaped angle brackets, sanitised (feeds._title_html); "" otherwise
    title_html: str = ""

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Problem:
    """Something skipped or repaired while reading, reported instead of raised."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Feed:
    """A parsed feed: its identity, its items and what was skipped."""

    info: FeedInfo
    items: list[FeedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Quote:
    """Where a fact was read: the exact text plus a little context (a W3C TextQuoteSelector)."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    """A candidate entity named by one post: surface form, believed kind, identifying URLs, evidence."""

    name: str
    kind: str
    post: str
    quote: Quote
    extractor: str
    urls: tuple[str, ...] = ()
    #: a mention that only names its target (no link, no definition) is weak: it is kept
    #: only when resolution can tie it to a strong one or the extractor is confident in its cue.
    weak: bool = False
    #: a mention the post does not itself name (e.g. the owner of a linked repository):
    #: it makes a node and relations but no ``schema:mentions`` edge.
    implicit: bool = False
    #: what the post says of it beyond naming it: ``"author"`` for a byline
    role: str = ""
    #: other surface forms the same words define, e.g. the acronym of "Long Name (ACR)"
    aliases: tuple[str, ...] = ()


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Relation:
    """A stated relation between two mentioned things (e.g. person ``affiliation`` organisation)."""

    subject: Mention
    predicate: str
    object: Mention
    post: str
    quote: Quote
    extractor: str


@dataclass
class Entity:
    """One real-world thing after resolution: canonical name, aliases, URLs and its mentions."""

    key: str
    kind: str
    name: str
    aliases: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def posts(self) -> set[str]:
        return {m.post for m in self.mentions if not m.implicit}
