"""Entity resolution: every mention of the whole run -> one Entity per real-world thing.

Mentions are merged when they share an identifying URL, when a name or alias of one equals a name
or alias of the other (case, accents and punctuation ignored) and nothing they know contradicts it,
and when a single word is the first or last name of exactly one person named in the same post.
Ambiguous names (one surface form, two things with conflicting identities) are kept apart and
reported.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .models import Entity, Mention, Relation
from .names import is_acronym
from .namespaces import KIND_TYPES
from .text import name_key, slugify
from .urls import host, norm_url

PERSON, THINGS = "Person", ("Organization", "Project", "OrgProject")


@dataclass
class Resolution:
    """The outcome of resolution: entities by key, the entity of each mention, and what was decided."""

    entities: dict[str, Entity]
    of: dict[Mention, str]
    merges: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)

    def entity(self, m: Mention) -> Entity:
        return self.entities[self.of[m]]


class _Clusters:
    """Union-find over mention indices, remembering each cluster's URLs and kinds."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.m = mentions
        self.parent = list(range(len(mentions)))
        self.urls = [{norm_url(u) for u in m.urls} for m in mentions]
        self.kinds = [Counter([m.kind]) for m in mentions]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return False
        a, b = min(a, b), max(a, b)
        self.parent[b] = a
        self.urls[a] |= self.urls[b]
        self.kinds[a] += self.kinds[b]
        return True

    def kind_group(self, i: int) -> str:
        k = self.kinds[self.find(i)]
        people, things = k.get(PERSON, 0), sum(k.get(t, 0) for t in THINGS)
        return "" if not (people or things) else PERSON if people >= things else "thing"

    def conflict(self, i: int, j: int) -> bool:
        """Two clusters are different things when their kinds differ, or both have URLs on one
        host without a URL in common (two author pages, two LinkedIn profiles)."""
        a, b = self.find(i), self.find(j)
        ga, gb = self.kind_group(a), self.kind_group(b)
        if ga and gb and ga != gb:
            return True
        ua, ub = self.urls[a], self.urls[b]
        if ua & ub:
            return False
        return bool({host("//" + u) for u in ua} & {host("//" + u) for u in ub})


def _names(m: Mention) -> list[str]:
    return [m.name, *m.aliases]


def _merge_by_url(c: _Clusters) -> None:
    first: dict[str, int] = {}
    for i, urls in enumerate(c.urls):
        for u in urls:
            if u in first:
                c.union(first[u], i)
            else:
                first[u] = i


def _merge_by_name(c: _Clusters, ambiguous: set[str]) -> None:
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(c.m):
        for n in _names(m):
            k = name_key(n)
            if k:
                by_key[k].append(i)
    for k, idx in sorted(by_key.items()):
        for i in idx[1:]:
            if c.find(i) == c.find(idx[0]):
                continue
            if c.conflict(idx[0], i):
                ambiguous.add(k)
                continue
            c.union(idx[0], i)


def _merge_short_forms(c: _Clusters) -> None:
    """'Yuvi' -> 'Yuvi Panda' when exactly one person of the same post (else feed) has that first
    or last name."""
    full: dict[tuple[str, str], set[int]] = defaultdict(set)  # (scope, token) -> cluster roots
    for i, m in enumerate(c.m):
        words = m.name.split()
        if m.kind == PERSON and len(words) >= 2:
            for scope in (m.post, "*"):
                for w in (words[0], words[-1]):
                    full[(scope, name_key(w))].add(c.find(i))
    for i, m in enumerate(c.m):
        if m.kind != PERSON or len(m.name.split()) != 1:
            continue
        k = name_key(m.name.lstrip("@"))
        for scope in (m.post, "*"):
            roots = {c.find(r) for r in full.get((scope, k), ())}
            if len(roots) == 1:
                c.union(next(iter(roots)), i)
                break
            if len(roots) > 1:
                break  # ambiguous in this scope: leave it alone


def _kind(kinds: Counter) -> str:
    """The kind a cluster's mentions vote for (Agent only when nobody says more)."""
    votes = {k: n for k, n in kinds.items() if k != "Agent"}
    if not votes:
        return "Agent"
    if votes.get("OrgProject"):
        return "OrgProject"
    return max(sorted(votes), key=lambda k: votes[k])


def _canonical(ms: list[Mention], kind: str) -> str:
    """Most frequent explicit surface form; for people the fullest one; long forms over acronyms."""
    explicit = [m for m in ms if not m.implicit] or ms
    counts = Counter(m.name for m in explicit)
    def score(n: str):
        words = len(n.split())
        return (words if kind == PERSON else 0, not is_acronym(n), counts[n], len(n), n)
    return max(counts, key=score)


def resolve(mentions: Iterable[Mention]) -> Resolution:
    """Group mentions into entities.

    Args:
        mentions: every Mention of the run (all items, all feeds).
    Returns:
        A Resolution: entities keyed by a stable key, each mention's entity key, merges and
        ambiguous names for the build report.
    """
    ms = sorted(set(mentions), key=lambda m: (m.post, m.name, m.kind, m.urls, m.extractor, m.quote.exact))
    c = _Clusters(ms)
    ambiguous: set[str] = set()
    _merge_by_url(c)
    _merge_by_name(c, ambiguous)
    _merge_short_forms(c)
    groups: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(ms):
        groups[c.find(i)].append(m)
    entities: dict[str, Entity] = {}
    of: dict[Mention, str] = {}
    merges: list[str] = []
    used: set[str] = set()
    for root in sorted(groups, key=lambda r: (sorted(c.urls[r]), groups[r][0].name)):
        group = groups[root]
        kind = _kind(c.kinds[root])
        name = _canonical(group, kind)
        key = f"{KIND_TYPES[kind][0]}/{slugify(name)}"
        n = 2
        while key in used:
            key = f"{KIND_TYPES[kind][0]}/{slugify(name)}-{n}"
            n += 1
        used.add(key)
        named = [m for m in group if not m.implicit] or group
        forms = {a for m in named for a in _names(m)}
        urls = {u for m in group for u in m.urls}
        entities[key] = Entity(key, kind, name, forms - {name}, urls, group)
        if len({name_key(f) for f in forms}) > 1:
            merges.append(f"{name}: " + ", ".join(sorted(forms - {name})))
        for m in group:
            of[m] = key
    amb = sorted(f"{k}: kept apart ({', '.join(sorted(e.name for e in entities.values() if any(name_key(x) == k for x in [e.name, *e.aliases])))})"
                 for k in ambiguous)
    return Resolution(entities, of, merges, amb)


def relations_of(res: Resolution, relations: Iterable[Relation]) -> list[tuple[str, str, str, Relation]]:
    """(subject key, predicate, object key, relation) for relations whose ends were resolved."""
    out = []
    for r in relations:
        s, o = res.of.get(r.subject), res.of.get(r.object)
        if s and o and s != o:
            out.append((s, r.predicate, o, r))
    return out
