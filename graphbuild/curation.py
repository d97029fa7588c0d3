"""Curation: the user's own corrections of a build, in a TOML file (docs/curation.md).

    [[drop]]   name = "relevant"                       # not an entity: remove it
    [[type]]   name = "rTideSci"  type = "Organization" # force a type
    [[merge]]  names = ["NIST", "National Institute of Standards and Technology"]
    [[split]]  names = ["NIST", "NOAA"]                # never one entity
    [[split]]  name = "Science"                        # never merged with another name
    [[alias]]  name = "Odhran Pike"  alias = "Dr. Pike"

``[[split]]`` acts during resolution (:meth:`Curation.tags` and :meth:`Curation.apart` veto a
union of mentions); the other rules are applied to the resolved entities by :func:`curate`, in
the order merge, alias, type, drop. What a rule changed is kept as :class:`Fact` records that
``graph.py`` writes as ``rdf:Statement`` nodes ``prov:wasDerivedFrom`` a ``gb:CurationRule``.
Names are compared as resolution compares them (case, accents and punctuation ignored).
"""
from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CurationError
from .models import Entity, Mention
from .namespaces import KIND_TYPES
from .text import name_key, slugify

if TYPE_CHECKING:  # pragma: no cover
    from .resolve import Resolution

ACTIONS = ("merge", "alias", "type", "drop", "split")  # the order rules are applied in
#: the types a rule may set (``OrgProject``: an organisation that is also a project)
TYPES = ("Person", "Organization", "Project", "OrgProject")
_TYPE_SPELLINGS = {t.lower(): t for t in TYPES} | {"organisation": "Organization", "orgproject": "OrgProject"}
#: keys each table takes: required, optional
KEYS = {
    "drop": ({"name"}, set()),
    "type": ({"name", "type"}, set()),
    "merge": ({"names"}, {"name", "type"}),
    "split": (set(), {"name", "names"}),
    "alias": ({"name", "alias"}, set()),
}


@dataclass(frozen=True)
class Rule:
    """One table of a curation file."""

    action: str
    names: tuple[str, ...]
    type: str = ""   # type: the forced type; merge: optional type of the merged entity
    alias: str = ""
    name: str = ""   # merge: optional canonical name
    where: str = ""  # "curation.toml, [[type]] #2, line 7"

    @property
    def text(self) -> str:
        """The rule in one line, e.g. ``type "rTideSci" = Organization`` (stored in the graph)."""
        names = ", ".join(f'"{n}"' for n in self.names)
        extra = {"type": f" = {self.type}", "alias": f' += "{self.alias}"'}.get(self.action, "")
        if self.action == "merge":
            extra = (f' as "{self.name}"' if self.name else "") + (f" ({self.type})" if self.type else "")
        if self.action == "split" and len(self.names) == 1:
            extra = " from every other name"
        return f"{self.action} {names}{extra}"


@dataclass(frozen=True)
class Fact:
    """A statement a rule put in the graph: ``entity predicate value``.

    ``predicate`` is ``type`` (value: a type of :data:`TYPES`), ``alternateName`` or ``name``
    (value: text) or ``differentFrom`` (value: the other Entity).
    """

    entity: Entity
    predicate: str
    value: object
    rule: Rule


@dataclass
class Applied:
    """What a curation did to one resolution: rules with the number of entities each matched."""

    matched: dict[Rule, int] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Curation:
    """Parsed curation rules; also the ``keep_apart`` veto :func:`graphbuild.resolve.resolve` takes."""

    def __init__(self, rules: list[Rule], source: str = "curation") -> None:
        self.rules = rules
        self.source = source
        self._splits = [(i, [name_key(n) for n in r.names]) for i, r in enumerate(rules) if r.action == "split"]
        self._split_keys: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, keys in self._splits:
            for j, k in enumerate(keys):
                self._split_keys[k].append((i, j))
        self._solo = {i for i, keys in self._splits if len(keys) == 1}

    def __bool__(self) -> bool:
        return bool(self.rules)

    # ---- during resolution: [[split]]
    def tags(self, m: Mention) -> frozenset[tuple[int, int]]:
        """(split rule, member) pairs whose name is one of the mention's forms."""
        if not self._split_keys:
            return frozenset()
        return frozenset(t for f in (m.name, *m.aliases) for t in self._split_keys.get(name_key(f), ()))

    def apart(self, a: frozenset, b: frozenset) -> bool:
        """True when two clusters with these tags must stay two entities."""
        if not (a or b):
            return False
        for rule in {i for i, _ in a} | {i for i, _ in b}:
            ma, mb = {j for i, j in a if i == rule}, {j for i, j in b if i == rule}
            if rule in self._solo:
                if bool(ma) != bool(mb):  # a name kept from every other name
                    return True
            elif ma and mb and ma != mb:  # two names kept from each other
                return True
        return False


# ------------------------------------------------------------------ parsing
def _lines_of(text: str) -> dict[str, list[int]]:
    """Line numbers of each ``[[table]]`` header, in order."""
    out: dict[str, list[int]] = defaultdict(list)
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*\[\[\s*([\w-]+)\s*\]\]", line)
        if m:
            out[m.group(1)].append(n)
    return out


def _string(v, where: str, key: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise CurationError(f"{where}: '{key}' must be a non-empty string")
    return v.strip()


def _rule(action: str, d, where: str) -> Rule:
    if not isinstance(d, dict):
        raise CurationError(f"{where}: expected a table")
    required, optional = KEYS[action]
    unknown = sorted(set(d) - required - optional)
    if unknown:
        raise CurationError(f"{where}: unknown key '{unknown[0]}'; expected {', '.join(sorted(required | optional))}")
    missing = sorted(required - set(d))
    if missing:
        raise CurationError(f"{where}: missing key '{missing[0]}'")
    kind = ""
    if "type" in d:
        kind = _TYPE_SPELLINGS.get(_string(d["type"], where, "type").lower().replace("-", ""), "")
        if not kind:
            raise CurationError(f"{where}: type {d['type']!r} is not one of {', '.join(TYPES)}")
    if action in ("merge", "split"):
        if action == "split" and ("name" in d) == ("names" in d):
            raise CurationError(f"{where}: give either 'name' (kept from every other name) or 'names' (kept apart)")
        if "names" in d:
            names = d["names"]
            if not isinstance(names, list) or len(names) < 2:
                raise CurationError(f"{where}: 'names' must be a list of at least two names")
            names = tuple(_string(n, where, "names") for n in names)
            if len({name_key(n) for n in names}) < len(names):
                raise CurationError(f"{where}: 'names' lists one name twice")
            return Rule(action, names, kind, name=_string(d["name"], where, "name") if "name" in d else "", where=where)
        return Rule(action, (_string(d["name"], where, "name"),), where=where)
    return Rule(action, (_string(d["name"], where, "name"),), kind,
                _string(d["alias"], where, "alias") if "alias" in d else "", where=where)


def parse_curation(text: str, source: str = "curation") -> Curation:
    """Parse a curation document. ``source`` names the file in errors and in the graph.

    Raises:
        CurationError: one line naming the file, the table (and its line) and the reason.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CurationError(f"{source}: not valid TOML ({e})") from None
    lines = _lines_of(text)
    for key in data:
        if key not in KEYS:
            raise CurationError(f"{source}: unknown table '{key}'; expected [[drop]], [[type]], [[merge]], "
                                f"[[split]] or [[alias]]")
        if not isinstance(data[key], list):
            raise CurationError(f"{source}: '{key}' must be written as [[{key}]] tables")
    rules = []
    for action in ACTIONS:
        for n, d in enumerate(data.get(action, []), 1):
            at = lines.get(action, [])
            line = f", line {at[n - 1]}" if len(at) >= n else ""
            rules.append(_rule(action, d, f"{source}, [[{action}]] #{n}{line}"))
    return Curation(rules, source)


def load_curation(path: str | Path) -> Curation:
    """Read and parse a curation file (see :func:`parse_curation`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CurationError(f"{p}: cannot read curation file ({getattr(e, 'strerror', None) or e})") from None
    return parse_curation(text, p.name)


def as_curation(curation) -> Curation | None:
    """A Curation from a path, a Curation, or None."""
    if curation is None or isinstance(curation, Curation):
        return curation
    return load_curation(curation)


# ------------------------------------------------------------------ applying
class _Finder:
    """Entities by name and by alias; entries are checked on use, so rekeyed ones just go stale."""

    def __init__(self, res: Resolution) -> None:
        self.res = res
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.by_alias: dict[str, set[str]] = defaultdict(set)
        for e in res.entities.values():
            self.add(e)

    def add(self, e: Entity) -> None:
        self.by_name[name_key(e.name)].add(e.key)
        for a in e.aliases:
            self.by_alias[name_key(a)].add(e.key)

    def named(self, name: str) -> list[Entity]:
        k, ents = name_key(name), self.res.entities
        return [ents[x] for x in sorted(self.by_name.get(k, ())) if x in ents and name_key(ents[x].name) == k]

    def aliased(self, name: str) -> list[Entity]:
        k, ents = name_key(name), self.res.entities
        return [ents[x] for x in sorted(self.by_alias.get(k, ()))
                if x in ents and k in {name_key(a) for a in ents[x].aliases}]

    def find(self, name: str) -> list[Entity]:
        return self.named(name) or self.aliased(name)


def _rekey(res: Resolution, e: Entity, kind: str, finder: _Finder) -> None:
    """Give ``e`` the key (hence IRI) its kind and name call for, unique in the run."""
    base = new = f"{KIND_TYPES[kind][0]}/{slugify(e.name)}"
    e.kind = kind
    if re.fullmatch(re.escape(base) + r"(?:-\d+)?", e.key):
        return  # already so (perhaps with a counter)
    n = 2
    while new in res.entities:
        new = f"{base}-{n}"
        n += 1
    res.entities[new] = res.entities.pop(e.key)
    e.key = new
    for m in e.mentions:
        res.of[m] = new
    finder.add(e)


def _absorb(res: Resolution, target: Entity, other: Entity) -> None:
    """Move everything of ``other`` into ``target``."""
    del res.entities[other.key]
    target.aliases |= {other.name} | other.aliases
    target.urls |= other.urls
    target.mentions += other.mentions
    for m in other.mentions:
        res.of[m] = target.key
    target.aliases.discard(target.name)


def _missing(rule: Rule, name: str, finder: _Finder) -> str:
    holders = finder.aliased(name) if rule.action == "drop" else []
    hint = (f" (it is another name of {', '.join(repr(h.name) for h in holders)}: use [[split]] to keep it apart)"
            if holders else "")
    return f"{rule.action} {name!r} matched nothing{hint} ({rule.where})"


def curate(res: Resolution, curation: Curation | None, record: bool = True) -> Resolution:
    """Apply ``curation``'s merge, alias, type and drop rules to ``res`` (in place), and record
    what the rules did (split rules included) in ``res.curation`` when ``record``."""
    if not curation:
        return res
    out = Applied()
    finder = _Finder(res)
    for rule in curation.rules:
        out.matched[rule] = _apply(rule, res, finder, out)
    if record:
        res.curation = out
    return res


def _apply(rule: Rule, res: Resolution, finder: _Finder, out: Applied) -> int:
    """Apply one rule; returns the number of entities it matched."""
    if rule.action == "drop":
        hits = finder.named(rule.names[0])
        for e in hits:
            del res.entities[e.key]
            for m in e.mentions:
                res.of.pop(m, None)
        if not hits:
            out.warnings.append(_missing(rule, rule.names[0], finder))
        return len(hits)
    if rule.action == "type":
        hits = finder.find(rule.names[0])
        for e in hits:
            _rekey(res, e, rule.type, finder)
            out.facts.append(Fact(e, "type", rule.type, rule))
        if not hits:
            out.warnings.append(_missing(rule, rule.names[0], finder))
        return len(hits)
    if rule.action == "alias":
        hits = finder.find(rule.names[0])
        if not hits:
            out.warnings.append(_missing(rule, rule.names[0], finder))
            return 0
        target = hits[0]
        if len(hits) > 1:
            out.warnings.append(f"alias: {rule.names[0]!r} names {len(hits)} entities; "
                                f"added to {target.key} only ({rule.where})")
        for other in finder.named(rule.alias):  # a node the alias made on its own is the same thing
            if other is not target:
                _absorb(res, target, other)
        if name_key(rule.alias) != name_key(target.name):
            target.aliases.add(rule.alias)
            finder.add(target)
            out.facts.append(Fact(target, "alternateName", rule.alias, rule))
        else:
            out.warnings.append(f"alias {rule.alias!r} is {target.name!r} already (names are compared without case, "
                                f"spaces and punctuation) ({rule.where})")
        return 1
    if rule.action == "merge":
        found: list[Entity] = []
        for name in rule.names:
            hits = finder.find(name)
            if not hits:
                out.warnings.append(_missing(rule, name, finder))
            found += [h for h in hits if all(h is not f for f in found)]
        if len(found) < 2 and not (found and (rule.name or rule.type)):
            if found:
                out.warnings.append(f"merge {', '.join(map(repr, rule.names))}: only one entity found; "
                                    f"nothing merged ({rule.where})")
            return len(found)
        target = found[0]
        for other in found[1:]:
            _absorb(res, target, other)
            out.facts += [Fact(target, "alternateName", n, rule) for n in sorted({other.name} | other.aliases)
                          if name_key(n) != name_key(target.name)]
        if rule.name and rule.name != target.name:
            target.aliases.add(target.name)
            target.name = rule.name
            target.aliases.discard(rule.name)
            out.facts.append(Fact(target, "name", rule.name, rule))
        _rekey(res, target, rule.type or target.kind, finder)
        if rule.type:
            out.facts.append(Fact(target, "type", rule.type, rule))
        finder.add(target)
        res.merges.append(f"{target.name}: merged by curation with " + ", ".join(
            sorted(n for n in rule.names if name_key(n) != name_key(target.name))) + f" ({rule.where})")
        return len(found)
    # split: already applied during resolution; record which entities it kept apart
    groups = []
    for name in rule.names:
        hits = finder.find(name)
        if not hits:
            out.warnings.append(_missing(rule, name, finder))
        groups.append(hits)
    firsts = [g[0] for g in groups if g]
    out.facts += [Fact(a, "differentFrom", b, rule) for i, a in enumerate(firsts) for b in firsts[i + 1:]
                  if a is not b]
    return sum(1 for g in groups if g)
