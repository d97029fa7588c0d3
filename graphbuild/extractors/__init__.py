"""The extractor registry: a name, a description and a module per extractor, imported lazily.

An extractor is a module with ``DESCRIPTION`` and ``extract(item, context) -> Iterable[Mention | Relation]``:
a pure function of one FeedItem (plus the run's URL rules). Adding one is one file plus one line here.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Iterable, Iterator

from ..budget import within
from ..errors import UnknownExtractor
from ..models import FeedItem, Mention, Problem, Relation
from ..rules import Rule, load_rules

#: the built-in extractors, in the order they run: name -> module
BUILTINS: dict[str, str] = {
    "authors": "graphbuild.extractors.authors",
    "links": "graphbuild.extractors.links",
    "publisher": "graphbuild.extractors.publisher",
    "orgs": "graphbuild.extractors.orgs",
    "people": "graphbuild.extractors.people",
    "software": "graphbuild.extractors.software",
    "lists": "graphbuild.extractors.lists",
    "relations": "graphbuild.extractors.relations",
    "roles": "graphbuild.extractors.roles",
    "contributions": "graphbuild.extractors.contributions",
}

_registry: dict[str, str | ModuleType] = dict(BUILTINS)


@dataclass
class Context:
    """What an extractor may know besides its item: the URL rules of this run."""

    rules: list[Rule] = field(default_factory=load_rules)


def register(name: str, module: str | ModuleType) -> None:
    """Register an extractor module (or its dotted import path) under ``name``."""
    _registry[name] = module


def names() -> list[str]:
    """Registered extractor names, in run order."""
    return list(_registry)


def get(name: str) -> ModuleType:
    """The extractor module called ``name``.

    Raises:
        UnknownExtractor: no extractor has that name; the message lists those that exist.
    """
    try:
        mod = _registry[name]
    except KeyError:
        raise UnknownExtractor(f"Unknown extractor {name!r}. Available: {', '.join(names())}") from None
    if isinstance(mod, str):
        mod = _registry[name] = importlib.import_module(mod)
    return mod


def describe() -> list[tuple[str, str]]:
    """(name, one-line description) of every registered extractor."""
    return [(n, get(n).DESCRIPTION) for n in names()]


def run_extractors(items: Iterable[FeedItem], extractors: Iterable[str] | None = None,
                   context: Context | None = None, budget: float | None = None,
                   problems: list[Problem] | None = None) -> Iterator[Mention | Relation]:
    """Run the chosen extractors (default: all registered) over every item.

    With a ``budget`` (CPU seconds per item, see :mod:`graphbuild.budget`; an item of more than a
    million characters of text gets that much per million), an item whose extraction spends more is
    abandoned whole: none of its mentions or relations are kept, and a Problem naming it is appended
    to ``problems``.
    """
    mods = [get(n) for n in (extractors if extractors is not None else names())]
    context = context or Context()
    for item in items:
        if not budget:
            for mod in mods:
                yield from mod.extract(item, context)
            continue
        limit = budget * max(1.0, sum(len(b.text) for b in item.blocks) / 1e6)
        out = within(limit, lambda: [x for mod in mods for x in mod.extract(item, context)])
        if out is None:
            if problems is not None:
                problems.append(Problem(item.link, f"extraction took more than {limit:.3g} s of CPU time; abandoned "
                                                   "for this item (the post is kept, without mentions; see --item-budget)"))
            continue
        yield from out

