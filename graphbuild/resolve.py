"""Entity resolution: every mention of the whole run -> one Entity per real-world thing.

Mentions are merged when they share an identifying URL, when a name or alias of one equals a name
or alias of the other (case, accents and punctuation ignored) and nothing they know contradicts it,
and when a single word is the first or last name of exactly one person named in the same post.
Ambiguous names (one surface form, two things with conflicting identities) are kept apart and
reported.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Iterable

from .extractors.links import HOST_NOISE
from .forked import Forked
from .models import Entity, Mention, Relation
from .names import COMMON_WORDS, NOT_NAMES, WORDS, abbreviates, is_acronym, is_document, org_or_project
from .namespaces import KIND_TYPES
from .text import name_key, quote_at, slugify
from .urls import host, norm_url

PERSON, THINGS = "Person", ("Organization", "Project", "OrgProject")
_THING_1, _THING_2, _THING_3 = THINGS  # (for _Clusters.kind_group, which adds them one by one)


@dataclass
class Resolution:
    """The outcome of resolution: entities by key, the entity of each mention, and what was decided."""

    entities: dict[str, Entity]
    of: dict[Mention, str]
    merges: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    curation: object = None  # what a curation file did (graphbuild.curation.Applied), if any

    def entity(self, m: Mention) -> Entity:
        return self.entities[self.of[m]]


@lru_cache(maxsize=65_536)
def _norm_urls(urls: tuple[str, ...]) -> frozenset[str]:
    """A mention's URLs normalised (worked out once for each tuple of URLs: a run names the same
    pages thousands of times, and most mentions have none)."""
    return frozenset(norm_url(u) for u in urls)


class _Clusters:
    """Union-find over mention indices, remembering each cluster's URLs and kinds."""

    def __init__(self, mentions: list[Mention], keep_apart=None) -> None:
        self.m = mentions
        # curation [[split]]: a veto on unions (graphbuild.curation.Curation.tags / .apart)
        self.keep_apart = keep_apart
        self.tags = [keep_apart.tags(m) for m in mentions] if keep_apart else None
        self.parent = list(range(len(mentions)))
        #: each cluster's URLs (frozensets, shared until a union makes a new one)
        self.urls = [_norm_urls(m.urls) for m in mentions]
        # weak mentions (a name in a loose pattern) do not vote on what a thing is; kind -> votes
        # (a plain dict: a kind at 0 counts as a kind without votes wherever votes are read)
        weights = [kind_weight(m) for m in mentions]
        self.kinds = [{m.kind: w} for m, w in zip(mentions, weights)]
        #: does the cluster hold a mention whose kind is evidence, not a guess (see kind_weight)?
        self.sure = [w >= 1.0 for w in weights]
        #: (mention index, mention index, why they are one thing) for every merge of two forms
        self.reasons: list[tuple[int, int, str]] = []

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int, reason: str = "") -> bool:
        a, b = self.find(i), self.find(j)
        if a == b or (self.tags is not None and self.keep_apart.apart(self.tags[a], self.tags[b])):
            return False
        a, b = min(a, b), max(a, b)
        self.parent[b] = a
        if self.tags is not None:
            self.tags[a] |= self.tags[b]
        ua, ub = self.urls[a], self.urls[b]
        if ub and not ub <= ua:
            self.urls[a] = ua | ub
        ka = self.kinds[a]
        for k, n in self.kinds[b].items():
            ka[k] = ka.get(k, 0) + n
        self.sure[a] = self.sure[a] or self.sure[b]
        if reason:
            self.reasons.append((i, j, reason))
        return True

    def kind_group(self, i: int) -> str:
        k = self.kinds[self.find(i)]
        # weak votes count 0.01; THINGS added one by one (this runs for every pair of clusters a
        # merge step looks at: a generator and sum() cost more than the adding)
        people, things = k.get(PERSON, 0), k.get(_THING_1, 0) + k.get(_THING_2, 0) + k.get(_THING_3, 0)
        return "" if not (people or things) else PERSON if people >= things else "thing"

    def conflict(self, i: int, j: int) -> bool:
        """Two clusters are different things when their kinds differ, or both have URLs on one
        host without a URL in common (two author pages, two LinkedIn profiles)."""
        a, b = self.find(i), self.find(j)
        ga, gb = self.kind_group(a), self.kind_group(b)
        if ga and gb and ga != gb and (self.sure[a] or not self.sure[b]) and (self.sure[b] or not self.sure[a]):
            return True  # (a kind only guessed does not stand against a kind shown)
        ua, ub = self.urls[a], self.urls[b]
        if not ua or not ub or ua & ub:
            return False
        for h in {host("//" + u) for u in ua} & {host("//" + u) for u in ub}:
            xs = [u for u in ua if host("//" + u) == h]
            ys = [u for u in ub if host("//" + u) == h]
            # a site and a page of it are one thing; two different pages of one site are two
            if not any(x == y or x.startswith(y + "/") or y.startswith(x + "/") for x in xs for y in ys):
                return True
        return False


def kind_weight(m: Mention) -> float:
    """How much a mention's kind counts when its entity's kind is decided: evidence, not echoes.

    A weak mention (a loose pattern) and a gazetteer hit (which copies the kind a first resolution
    gave) barely count; a site link whose kind is only the default guess (no cue word in its name)
    counts half; a byline, a profile link, a cue word, a definition or a stated context count 1.
    """
    if m.weak or m.extractor.startswith("gazetteer"):
        return 0.01
    if m.extractor == "links:site" and m.kind == "Project" and not org_or_project(m.name):
        return 0.5
    if m.extractor == "links:site" and m.kind == "Person":
        return 0.5  # a site named like a person ("Jane Doe" -> janedoe.org) may be a company's
    return 1.0


def _names(m: Mention) -> tuple[str, ...]:
    """A mention's surface forms; "The Lamplighters" is also "Lamplighters", "@example" is "example"."""
    return _forms(m.name, m.aliases, m.kind, m.weak)


@lru_cache(maxsize=262_144)
def _keys(name: str, aliases: tuple[str, ...], kind: str, weak: bool) -> tuple[str, ...]:
    """The non-empty name keys of :func:`_forms` (once per form: a form and its key may repeat)."""
    return tuple(k for n in _forms(name, aliases, kind, weak) if (k := name_key(n)))


@lru_cache(maxsize=262_144)
def _forms(name: str, aliases: tuple[str, ...], kind: str, weak: bool) -> tuple[str, ...]:
    """:func:`_names` of every mention with this name, aliases, kind and weakness (worked out once:
    a run names the same things thousands of times)."""
    forms = [name, *aliases]
    return tuple(forms + [f[4:] for f in forms if f.startswith("The ") and len(f) > 6] + \
        [f[1:] for f in forms if f.startswith("@") and len(f) > 3] + \
        [f[:-8] for f in forms if f.endswith(" Project") and len(f) > 11] + \
        [f[8:] for f in forms if f.startswith("Project ") and len(f) > 11] + \
        [c for f in forms if (c := _POSSESSIVE.sub(" ", f)) != f] + \
        [c for f in forms if (c := _COMPANY.sub("", f)) != f and len(c) >= 3] + \
        ([c for f in forms if (c := _VERSION.sub("", f)) != f and len(c) >= 3] if kind == "Project" else []) + \
        ([f.split(".")[0] for f in forms if _MODULE.match(f) and not _HOST_NAME.match(f)] if kind == "Project" else []) + \
        ([_TITLE.sub("", f) for f in forms if _TITLE.match(f)] if kind == PERSON else []) + \
        ([w[0] + " " + w[-1] for f in forms if len(w := f.split()) >= 3 and w[1][:1].isupper()]
         if kind == PERSON and not weak else []) + \
        [h for f in forms for h in _host_forms(f)])


#: a possessive inside a name: "Example’s Steering Council" is "Example Steering Council"
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\s+(?=[A-Z])")
#: a title before a person's name: "Dr. Ada Lovelace" is "Ada Lovelace"
_TITLE = re.compile(r"^(?:Dr|Prof|Professor|Mr|Ms|Mrs|Mx)\.?\s+(?=[A-Z])")
#: a module path: "example.sub.func" is a part of the package "example"
_MODULE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+$")
#: an owner's acronym before a project's name: "NSF ExampleCube" is "ExampleCube"
_OWNER_ACRONYM = re.compile(r"^[A-Z]{2,6}\s+(?=\S*[a-z])\S+(?:\s+\S+)?$")
#: legal endings of company names: "Example Inc." is "Example"
_COMPANY = re.compile(r",?\s+(?:Inc|Ltd|LLC|GmbH|Corp)\.?$")
#: a release after a project's name: "Example 4.7" is "Example" (one number alone may be part of it)
_VERSION = re.compile(r"\s+v?\d+(?:\.\d+)+$")
_HOST_NAME = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:org|io|com|net|dev|app|ai)$", re.I)


def _host_forms(name: str) -> list[str]:
    """A site's address used as its name: "tool.example.org" is also "example-tool", "example.org" is
    "example", "example.readthedocs.io" is "example" (hosting services' labels left out)."""
    if not _HOST_NAME.match(name):
        return []
    labels = [x for x in name.lower().split(".")[:-1] if x not in HOST_NOISE]
    if not labels or len(labels) > 2 or len("".join(labels)) < 3:
        return []
    return ["-".join(reversed(labels))]


def _merge_by_url(c: _Clusters) -> None:
    first: dict[str, int] = {}
    for i, urls in enumerate(c.urls):
        for u in sorted(urls) if urls else ():
            if u in first:
                c.union(first[u], i, f"same URL {u}")
            else:
                first[u] = i


_REPO_ID = re.compile(r"^(?:github\.com|gitlab\.com)/[^/]+/([^/]+)$")
_DOCS_ID = re.compile(r"^([a-z0-9-]+)\.readthedocs\.io(?:/|$)")


def _merge_by_repository(c: _Clusters) -> None:
    """A repository and a documentation site of one name are one project: github.com/owner/example_kit
    and example-kit.readthedocs.io (names compared without case and punctuation; never two repositories,
    which may share a name under two owners)."""
    repos: dict[str, set[int]] = defaultdict(set)
    docs: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(c.m):
        if m.kind not in ("Project", "OrgProject"):
            continue
        for u in c.urls[i]:
            r, d = _REPO_ID.match(u), _DOCS_ID.match(u)
            if r and len(name_key(r.group(1))) >= 5:
                repos[name_key(r.group(1))].add(i)
            elif d and len(name_key(d.group(1))) >= 5:
                docs[name_key(d.group(1))].append(i)
    for k, idx in docs.items():
        roots = {c.find(i) for i in repos.get(k, ())}
        if len(roots) == 1:
            for i in idx:
                if not c.conflict(next(iter(roots)), i):
                    c.union(next(iter(roots)), i, "a repository and a documentation site of the same name")


def _merge_by_name(c: _Clusters, ambiguous: set[str]) -> None:
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(c.m):
        for k in _keys(m.name, m.aliases, m.kind, m.weak):
            by_key[k].append(i)
    for k, idx in sorted(by_key.items()):
        for i in idx[1:]:
            if c.find(i) == c.find(idx[0]):
                continue
            if c.conflict(idx[0], i):
                ambiguous.add(k)
                continue
            c.union(idx[0], i, "same name" if name_key(c.m[i].name) == name_key(c.m[idx[0]].name)
                    else "alias given in the text")


#: last words that name the legal or giving body of a name, not another thing: "Example Computing",
#: "Example Foundation", "Example Initiative" (words.toml: body_tails)
_BODY_TAILS = frozenset(WORDS["body_tails"])


def _site_labels(urls: set[str]) -> set[str]:
    """The name-like labels of the hosts of normalised URLs: "examplecorp" for examplecorp.io/about."""
    return {label for u in urls for label in host("//" + u).split(".")[:-1] if label not in HOST_NOISE}


def _merge_site_stems(c: _Clusters) -> None:
    """"Example Computing" (linked to example.io) -> "Example", "Example Initiative": names made of one
    stem and a word for a company or a giving body are one organisation when the site of one of them
    is spelled by the stem alone (the site says the stem is the name; the last word is its form)."""
    stems: dict[str, set[int]] = defaultdict(set)  # stem key -> organisation mentions named by it
    for i, m in enumerate(c.m):
        if m.kind != "Organization" or m.weak:
            continue
        words = m.name.split()
        if len(words) == 1:
            stems[name_key(m.name)].add(i)
        elif words[-1].lower().rstrip(".") in _BODY_TAILS:
            stems[name_key(" ".join(words[:-1]))].add(i)
    for i, m in enumerate(c.m):
        if m.kind != "Organization" or m.weak:
            continue
        words = m.name.split()
        if len(words) < 2 or words[-1].lower().rstrip(".") not in _BODY_TAILS:
            continue
        stem = " ".join(words[:-1])
        k = name_key(stem)
        if len(k) < 4 or stem.lower() in COMMON_WORDS or k not in _site_labels(c.urls[i]):
            continue
        for j in sorted(stems.get(k, ())):
            if c.find(j) != c.find(i) and not c.conflict(i, j):
                c.union(i, j, f"one stem ({stem}) before a word for its body, spelled by the site "
                              f"{sorted(h for h in (host('//' + u) for u in c.urls[i]) if k in h.split('.'))[0]}")


def _one_edit(a: str, b: str) -> bool:
    """Are two words one typing slip apart (one letter added, dropped or changed)?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _swapped(a: str, b: str) -> bool:
    """Are two words the same but for two neighbouring letters swapped ("RAPDIS" / "RAPIDS")?"""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _merge_swapped_letters(c: _Clusters) -> None:
    """"Kelpdsi" -> "Kelpdis": a one-word name of six letters or more that is another thing's name of the
    same kind with two neighbouring letters swapped (a typing slip; another letter changed may be
    another package, "pytest" / "pytext", so only a swap counts)."""
    by_key: dict[tuple[str, int, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, m in enumerate(c.m):
        k = name_key(m.name)
        if m.kind in THINGS and not m.weak and " " not in m.name.strip() and len(k) >= 6:
            by_key[(m.kind, len(k), "".join(sorted(k)))][k].add(i)  # swaps keep the letters and the length
    for _, names in sorted(by_key.items()):
        ks = sorted(names)
        for x_i, x in enumerate(ks):
            for y in ks[x_i + 1:]:
                i, j = min(names[x]), min(names[y])
                if _swapped(x, y) and c.find(i) != c.find(j) and not c.conflict(i, j):
                    c.union(i, j, f"the same name but for two letters swapped ({c.m[i].name} / {c.m[j].name})")


def _merge_spelling_slips(c: _Clusters) -> None:
    """"Example Hughes Medial Institute" -> "Example Hughes Medical Institute": two organisation names of
    three words or more, equal but for one long word (5+ letters) one typing slip apart."""
    slots: dict[tuple[str, ...], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, m in enumerate(c.m):
        if m.kind != "Organization" or m.weak:
            continue
        words = [name_key(w) for w in m.name.split()]
        if len(words) < 3 or not all(words):
            continue
        for n, w in enumerate(words):
            if len(w) >= 5:
                slots[tuple(words[:n]) + ("*",) + tuple(words[n + 1:])][w].add(i)
    for key, by_word in sorted(slots.items()):
        ws = sorted(by_word)
        for a_i, a in enumerate(ws):
            for b in ws[a_i + 1:]:
                if not _one_edit(a, b):
                    continue
                i, j = min(by_word[a]), min(by_word[b])
                if c.find(i) != c.find(j) and not c.conflict(i, j):
                    c.union(i, j, f"the same name but for one typing slip ({a} / {b})")


def _merge_owner_prefix(c: _Clusters) -> None:
    """"NSF ExampleCube" -> "ExampleCube": an owner's acronym before the name of the one project of the
    run with that name (before an organisation's name it names a unit of it, see _units_of_organisations)."""
    projects: dict[str, set[int]] = defaultdict(set)
    for i, m in enumerate(c.m):
        if m.kind == "Project" and not m.weak:
            projects[name_key(m.name)].add(i)
    for i, m in enumerate(c.m):
        if m.kind != "Project" or not _OWNER_ACRONYM.match(m.name):
            continue
        rest = m.name.split(" ", 1)[1]
        roots = {c.find(j) for j in projects.get(name_key(rest), ())}
        if len(roots) != 1:
            continue
        root = next(iter(roots))
        k = c.kinds[root]
        if k.get("Project", 0) > k.get("Organization", 0) + k.get("OrgProject", 0) and not c.conflict(root, i):
            c.union(root, i, f"{rest} with its owner's acronym before it")


def _merge_short_forms(c: _Clusters) -> None:
    """'Odhran' -> 'Odhran Pike' when exactly one person of the same post (else feed) has that first
    or last name."""
    full: dict[tuple[str, str], set[int]] = defaultdict(set)  # (scope, token) -> cluster roots
    for i, m in enumerate(c.m):
        if m.kind != PERSON:
            continue
        words = m.name.split()
        if len(words) >= 2:
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
                c.union(next(iter(roots)), i, "first or last name of the one person named in full in "
                        + ("the same post" if scope != "*" else "the feed"))
                break
            if len(roots) > 1:
                break  # ambiguous in this scope: leave it alone


@lru_cache(maxsize=262_144)
def _signature(name: str) -> str:
    """Initials of a name's significant words, acronyms spelled out: "UN Oskarvik" -> "UNO",
    "University of Northshire, Oskarvik" -> "UNO"; equal signatures are needed to abbreviate."""
    out = []
    for w in re.findall(r"[^\W_][\w’'.-]*", name):
        if w.lower() in ("of", "for", "and", "the", "&", "at", "in"):
            continue
        out.append("".join(c for c in w if c.isalpha()) if is_acronym(w) and w.isupper() else w[:1].upper())
    return "".join(out)


def _merge_abbreviations(c: _Clusters) -> None:
    """"UO" -> "University of Oskarvik", "UN Oskarvik" -> "University of Northshire, Oskarvik":
    a short upper-case form merges with the one organisation name of the run it abbreviates."""
    longs: dict[str, dict[int, str]] = defaultdict(dict)  # signature -> cluster root -> long name
    posts: dict[int, set[str]] = defaultdict(set)  # cluster root of a long name -> posts that write it
    for i, m in enumerate(c.m):
        if m.kind in THINGS and not m.weak and len(m.name.split()) >= 2 and not is_acronym(m.name):
            longs[_signature(m.name)].setdefault(c.find(i), m.name)
            posts[c.find(i)].add(m.post)
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(c.m):
        if m.kind in THINGS and is_acronym(m.name.split()[0]) and len(m.name.split()) <= 3:
            by_name[m.name].append(i)
    defined = {c.find(i) for i, m in enumerate(c.m) for n in (m.name, *m.aliases) if _spelled_out(n)}
    for name, idx in by_name.items():
        if any(c.find(i) in defined for i in idx):
            continue  # "Pull Request (PR)" defined it already: not also another long name elsewhere
        hits = {c.find(r) for r, long in longs.get(_signature(name), {}).items() if abbreviates(name, long)}
        if len(hits) == 1:
            root = next(iter(hits))
            for i in idx:
                c.union(root, i, f"abbreviation of {longs[_signature(name)][root]}")
        elif len(hits) > 1:
            # two long names of the run fit ("PSF": two of them); one written in the same post wins there
            for i in idx:
                near = [r for r in hits if c.m[i].post in posts.get(r, ())]
                if len(near) == 1:
                    c.union(near[0], i, f"abbreviation of {longs[_signature(name)][near[0]]}, written in the same post")


@lru_cache(maxsize=262_144)
def _spelled_out(name: str) -> bool:
    """A name of two words or more that does not start with an acronym ("Pull Request", not "PR" or "NSF Example")."""
    words = name.split()
    return len(words) >= 2 and not is_acronym(words[0])


#: endings of organisations' handles: "@example_dev", "@examplehq", "@example_org"
_HANDLE_SUFFIX = re.compile(r"[_-]?(?:dev|devs|hq|team|org|official|project|inc|io|py|app)$", re.I)


def _handle_spells(handle: str, person: str) -> bool:
    """Does a handle spell a person's name? "adalovelace", "alovelace", "adal", "adalove",
    "adabl" + "lovelace" (a middle initial), "lovelace42"."""
    h = re.sub(r"\d+$", "", name_key(handle))
    words = [name_key(w) for w in person.split() if name_key(w)]
    if len(words) < 2 or len(h) < 4:
        return False
    first, last = words[0], words[-1]
    if h in (first + last, first[0] + last, first + last[0], last + first, last + first[0], "".join(words),
             "".join(w[0] for w in words[:-1]) + last):
        return True
    if h.startswith(first) and h.endswith(last) and len(h) - len(first) - len(last) <= 2:
        return True  # a middle initial or two
    return h.startswith(first) and len(h) - len(first) >= 3 and last.startswith(h[len(first):])


_PERSONAL_SITE = re.compile(r"^([a-z0-9-]+)\.(?:github|gitlab)\.io$", re.I)


def _handles(m: Mention) -> list[str]:
    """The handles ("@adalove") among a mention's name and aliases."""
    return [n for n in (m.name, *m.aliases) if n.startswith("@")]


def _merge_handles(c: _Clusters) -> None:
    """"@adalove" -> "Ada Lovelace" when the handle spells the name of exactly one person named in full
    in the same post; "@example_dev" -> "Example" when, without its ending, it is a thing's name there."""
    people: dict[str, set[int]] = defaultdict(set)
    things: dict[tuple[str, str], set[int]] = defaultdict(set)
    # (things are looked up by a handle's stem, in the handle's post: only those posts' are kept)
    handled = {m.post for m in c.m if m.kind in ("Agent", PERSON) and _handles(m)}
    for i, m in enumerate(c.m):
        if m.kind == PERSON:
            if not m.weak and len(m.name.split()) >= 2:
                people[m.post].add(i)
        elif m.post in handled and not m.implicit and not m.name.startswith("@"):
            for n in _names(m):
                things[(m.post, name_key(n))].add(i)
    everyone = {i for ids in people.values() for i in ids}
    for i, m in enumerate(c.m):
        site = _PERSONAL_SITE.match(m.name) if m.kind != PERSON else None
        if site:
            # "ajoe.github.io": a personal site, named by its owner's handle
            for scope, where in ((people.get(m.post, ()), "the same post"), (everyone, "the feed")):
                roots = {c.find(j) for j in scope if _handle_spells(site.group(1), c.m[j].name)}
                if len(roots) == 1 and c.union(next(iter(roots)), i, f"site {m.name} spells the name of the one "
                                               f"such person in {where}"):
                    c.kinds[c.find(i)][m.kind] = 0  # the site's guessed kind does not outvote the person
                if roots:
                    break
            continue
        if m.kind not in ("Agent", PERSON):
            continue
        handles = _handles(m)
        if not handles:
            continue
        h = handles[0]
        roots = {c.find(j) for j in people.get(m.post, ()) if _handle_spells(h, c.m[j].name)}
        if len(roots) == 1 and not c.conflict(next(iter(roots)), i):
            c.union(next(iter(roots)), i, f"handle {h} spells the name of the one such person in the same post")
            continue
        stem = _HANDLE_SUFFIX.sub("", h[1:])
        roots = {c.find(j) for j in things.get((m.post, name_key(stem)), ())} if stem != h[1:] else set()
        if len(roots) == 1 and not c.conflict(next(iter(roots)), i):
            c.union(next(iter(roots)), i, f"handle {h} is the name {stem} with an ending, in the same post")


def _kind(kinds: dict[str, float]) -> str:
    """The kind a cluster's mentions vote for (Agent only when nobody says more)."""
    votes = {k: n for k, n in kinds.items() if k != "Agent" and n > 0}
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
        return (words if kind == PERSON else 0, not n.startswith("@"), not is_acronym(n), counts[n], len(n), n)
    return max(counts, key=score)


#: the order resolution takes mentions in (each once): a list already in it (or nearly, as a sorted
#: list with a few appended) is sorted again in a fraction of the time (Python's sort finds the runs)
ORDER = attrgetter("post", "name", "kind", "urls", "extractor", "quote.exact")


#: :func:`graphbuild.names.is_document`, once per name (the names of a run's mentions repeat)
_is_document = lru_cache(maxsize=262_144)(is_document)


def resolve(mentions: Iterable[Mention], keep_apart=None) -> Resolution:
    """Group mentions into entities.

    Args:
        mentions: every Mention of the run (all items, all feeds); faster in :data:`ORDER`.
        keep_apart: a :class:`graphbuild.curation.Curation` whose ``[[split]]`` rules veto merges.
    Returns:
        A Resolution: entities keyed by a stable key, each mention's entity key, merges and
        ambiguous names for the build report.
    """
    # numbered documents and document titles are not entities, whichever extractor found them
    # (each mention once, the first kept: the order given goes into the sort, a set's would not)
    ms = sorted(dict.fromkeys(m for m in mentions if not _is_document(m.name)), key=ORDER)
    c = _Clusters(ms, keep_apart)
    ambiguous: set[str] = set()
    _merge_by_url(c)
    _merge_by_repository(c)
    _merge_by_name(c, ambiguous)
    _merge_owner_prefix(c)
    _merge_site_stems(c)
    _merge_spelling_slips(c)
    _merge_swapped_letters(c)
    _merge_short_forms(c)
    _merge_abbreviations(c)
    _merge_handles(c)
    groups: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(ms):
        groups[c.find(i)].append(m)
    why: dict[int, list[str]] = defaultdict(list)  # cluster root -> "form = form: reason"
    for i, j, reason in c.reasons:
        a, b = ms[i].name, ms[j].name
        if name_key(a) != name_key(b):
            line = f"{b} = {a}: {reason}"
            if line not in why[c.find(i)]:
                why[c.find(i)].append(line)
    entities: dict[str, Entity] = {}
    of: dict[Mention, str] = {}
    merges: list[str] = []
    used: set[str] = set()
    next_n: dict[str, int] = {}  # slug -> next free suffix
    dropped = 0
    for root in sorted(groups, key=lambda r: (sorted(c.urls[r]), groups[r][0].name)):
        group = groups[root]
        if all(m.weak for m in group):
            dropped += 1  # only loose patterns name it, and nothing known ties it down
            continue
        kind = _kind(c.kinds[root])
        if kind == "Agent" and all(n.startswith("@") for m in group for n in (m.name, *m.aliases)):
            kind = PERSON  # a handle nothing else ties down: most handles are people's
        name = _canonical(group, kind)
        base = key = f"{KIND_TYPES[kind][0]}/{slugify(name)}"
        n = next_n.get(base, 2)
        while key in used:
            key = f"{base}-{n}"
            n += 1
        next_n[base] = n
        used.add(key)
        named = [m for m in group if not m.implicit] or group
        forms = {a for m in named for a in (m.name, *m.aliases)}
        urls = {u for m in group for u in m.urls}
        entities[key] = Entity(key, kind, name, forms - {name}, urls, group)
        if len({name_key(f) for f in forms}) > 1:
            reasons = why.get(root) or ["aliases given in the text"]
            merges.append(f"{name}: " + ", ".join(sorted(forms - {name})) + " (" + "; ".join(reasons) + ")")
        for m in group:
            of[m] = key
    for _, new in _units_of_organisations(entities):  # a step after clustering: before any report of keys
        for m in entities[new].mentions:
            of[m] = new
    holders: dict[str, dict[str, str]] = defaultdict(dict)
    for e in entities.values():
        for x in (e.name, *e.aliases):
            if name_key(x) in ambiguous:
                holders[name_key(x)][e.key] = f"{e.name} <{e.key}>"
    amb = sorted(f"{k}: kept apart ({', '.join(sorted(holders[k].values()))})" for k in ambiguous
                 if len(holders[k]) > 1)
    return Resolution(entities, of, merges, amb)


def _units_of_organisations(entities: dict[str, Entity]) -> list[tuple[str, str]]:
    """A name that ends with an organisation's name ("NRG Keelwater") is a unit or chapter of it,
    so an organisation too, when only a default guess called it a project. Returns (old, new) keys."""
    orgs = {name_key(e.name) for e in entities.values() if e.kind == "Organization"}
    moved = []
    for key, e in list(entities.items()):
        words = e.name.split()
        if e.kind != "Project" or len(words) < 2 or any(not m.extractor.endswith(":site") for m in e.mentions
                                                          if not m.implicit and m.extractor != "gazetteer"):
            continue
        # "NRG Keelwater": an acronym before an organisation's name; not "Zero to KelpHub"
        if any(name_key(" ".join(words[i:])) in orgs and all(w.isupper() and len(w) > 1 for w in words[:i])
               for i in range(1, len(words))):
            new = f"{KIND_TYPES['Organization'][0]}/{key.split('/', 1)[1]}"
            if new in entities:
                continue
            e.kind, e.key = "Organization", new
            entities[new] = entities.pop(key)
            moved.append((key, new))
    return moved


#: how much one independent signal alone makes an entity believable (docs/vocabulary.md, gb:confidence)
SIGNAL_STRENGTH = {"url": 0.55, "byline": 0.6, "definition": 0.45, "cue": 0.35, "pattern": 0.25,
                   "weak": 0.1, "gazetteer": 0.05, "post": 0.1}


def signals(e: Entity) -> dict[str, float]:
    """An entity's independent kinds of evidence, each with its strength: an identifying URL, a
    byline, a definition ("Long Name (ACR)"), a cue word, another extractor pattern, a loose pattern,
    gazetteer hits, and every post beyond the first (at most three)."""
    out: dict[str, float] = {}
    named = [m for m in e.mentions if not m.implicit]
    if e.urls:
        out["url"] = SIGNAL_STRENGTH["url"]
    for m in named:
        fam = m.extractor.split(":")[0]
        if m.role == "author":
            key = "byline"
        elif m.extractor.endswith(":acronym") or any(is_acronym(a) for a in m.aliases):
            key = "definition"
        elif m.extractor.startswith("gazetteer"):
            key = "gazetteer"
        elif m.weak:
            key = "weak"
        elif m.extractor.endswith(":cue") or fam == "publisher":
            key = "cue"
        elif fam == "links":
            key = "url"
        else:
            key = "pattern"
        out.setdefault(key, SIGNAL_STRENGTH[key])
        if key == "pattern":
            out.setdefault(f"pattern:{m.extractor}", SIGNAL_STRENGTH[key] / 2)  # another pattern, less new
    for i in range(min(len(e.posts) - 1, 3)):
        out[f"post:{i + 2}"] = SIGNAL_STRENGTH["post"]
    return out


def confidence(e: Entity) -> float:
    """How likely an entity is real and rightly named, in [0, 1]: 1 - prod(1 - strength) over its
    independent signals (noisy-or), rounded to two decimals."""
    miss = 1.0
    for p in signals(e).values():
        miss *= 1.0 - p
    return round(1.0 - miss, 2)


def relations_of(res: Resolution, relations: Iterable[Relation]) -> list[tuple[str, str, str, Relation]]:
    """(subject key, predicate, object key, relation) for relations whose ends were resolved."""
    out = []
    for r in relations:
        s, o = res.of.get(r.subject), res.of.get(r.object)
        if s and o and s != o:
            out.append((s, r.predicate, o, r))
    return out


# ------------------------------------------------------------------ gazetteer
_BOUND_L, _BOUND_R = r"(?<![\w@/.-])", r"(?![\w-]|\.\w)"


def _gazetteer_forms(res: Resolution) -> dict[str, str]:
    """Surface forms worth looking for in text -> entity key (ambiguous forms left out)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for key, e in res.entities.items():
        if e.kind == "Agent" or all(m.implicit for m in e.mentions):
            continue
        for form in {m.name for m in e.mentions if not m.implicit} | {a for m in e.mentions for a in m.aliases} | {e.name}:
            form = form.strip()
            words = form.split()
            if len(form) < 2 or (e.kind == PERSON and len(words) < 2):
                continue  # people by full name only: first names are resolved per post
            if len(words) == 1 and (form.lower() in COMMON_WORDS or form.lower() in NOT_NAMES or len(form) < 3
                                   or form.lower() in WORDS["modifiers"]):
                continue  # "Open", "Data": words, not names, in running text
            owners[form].add(key)
    return {f: next(iter(k)) for f, k in owners.items() if len(k) == 1}


_ITEM = r"(?:[A-Z][\w.+-]*[\w+](?:\s+[A-Z][\w.+-]*[\w+]){0,3}|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)"
_LIST = re.compile(rf"{_ITEM}(?:,\s+{_ITEM})+,?\s+(?:and|or|as well as)\s+(?:the\s+)?{_ITEM}")
# _LIST, matched in linear time (see _list_spans): the comma-separated items before the conjunction
# as an atomic group, then the rest; and the runs that a failed start rules out
_LIST_AT = re.compile(rf"(?>{_ITEM}(?:,\s+{_ITEM})+)(?P<rest>,?\s+(?:and|or|as well as)\s+(?:the\s+)?{_ITEM})?")
_LETTER = re.compile(r"[A-Za-z]")
_RUN = re.compile(r"[\w.+-]*")
_LOWER_RUN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?")
_AFTER_ITEM = re.compile(r",|\s+(?:and|or|as well as)\b")
_BEFORE_ITEM = re.compile(r"(?:, |and |or |the |as well as )$")
_COMMA = re.compile(r",\s")
# a list's first item, read backwards from the comma after it: at most four words
_WORDS_BACK = re.compile(r"[\w.+-]++(?:\s+[\w.+-]++){0,3}")


def _list_spans(text: str):
    """(start, end) of each match of ``_LIST.finditer(text)``, found in linear time.

    ``_LIST.finditer`` retries the pattern at every letter: inside one long word, or along one long
    list without a conjunction, each retry rescans the same characters (quadratic). The items before
    the conjunction are fixed by the commas, so a start that failed after matching them up to ``b``
    rules out every start before ``b``; a start at a capital rules out the rest of its word (a later
    start there matches a subset of what it could), a lower-case start the rest of its lower-case run.
    And the first item ends at the first comma (and space) after its start and has at most four
    words, so only the starts in those words before each comma are tried: the words are found by
    reading the text backwards from the comma.
    """
    pos = 0
    back = text[::-1]
    comma = first = -1  # the next comma (and space) after ``pos``; the first start its item allows
    while True:
        if pos >= comma:
            m = _COMMA.search(text, pos)
            if not m:
                return
            comma = m.start()
            m = _WORDS_BACK.match(back, len(text) - comma)
            first = comma - (m.end() - m.start()) if m else comma
        if pos < first:
            pos = first
        m = _LETTER.search(text, pos, comma)
        if not m:
            pos = comma + 1
            continue
        p = m.start()
        m = _LIST_AT.match(text, p)
        if m and m.group("rest") is not None:
            yield p, m.end()
            pos = m.end()
        elif m:
            pos = m.end()  # every start before the end of these items fails the same way
        elif text[p].isupper():
            pos = max(p + 1, _RUN.match(text, p).end())
        else:
            pos = max(p + 1, _LOWER_RUN.match(text, p).end())


def _trimmed(start: int, item: str) -> tuple[int, int, str]:
    """A list item without a leading sentence opener: "Including Example Labs" is "Example Labs"."""
    from .names import trim_phrase

    words = item.split()
    if len(words) < 2:
        return start, start + len(item), item
    name = trim_phrase(item)
    if not name or not item.endswith(name):
        return start, start + len(item), item
    at = start + len(item) - len(name)
    return at, at + len(name), name


def _trie(node: dict) -> str:
    """A pattern matching the words of a trie (char -> subtrie; "" marks a word's end)."""
    alts = [re.escape(ch) + _trie(sub) for ch, sub in sorted(node.items()) if ch]
    if not alts:
        return ""
    if "" not in node:
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
    return f"{alts[0]}?" if len(alts) == 1 and len(alts[0]) == 1 else f"(?:{'|'.join(alts)})?"


def list_mentions(items, res: Resolution, forms: dict[str, str]) -> list[Mention]:
    """Names listed together with known things of one kind are of that kind: in "Quillview, Tidemon,
    kelp-ingress as well as the node-scaler", two known projects make the others projects."""
    out = []
    for item in items:
        for block in item.blocks:
            if ", " not in block.text or not re.search(r"\b(?:and|or|as well as) ", block.text):
                continue
            for m_start, m_end in _list_spans(block.text):
                items = [(p.start(), p.end(), p.group(0)) for p in re.finditer(_ITEM, block.text[m_start:m_end])]
                known = [res.entities[forms[p]].kind for _, _, p in items if p in forms]
                kinds = set(known)
                if len(known) < 2 or len(kinds) != 1 or len(known) == len(items):
                    continue
                kind = kinds.pop()
                text = block.text[m_start:m_end]
                # "Tide Studio for the Web, Quillo": a list starting inside a longer name starts after it
                tail = bool(re.search(r"\b(?:for|the|a|an|of|to|in|on|at)\s+$", block.text[max(0, m_start - 6):m_start]))
                for s, e, p in items:
                    # (the last 12 characters hold any match of the pattern ending before ``s``)
                    delimited = ((s == 0 and not tail) or _BEFORE_ITEM.search(text[max(0, s - 12):s])) and \
                        (e == len(text) or _AFTER_ITEM.match(text, e))
                    s, e, p = _trimmed(s, p)  # "Including Example Labs" is "Example Labs"
                    if delimited and p and p not in forms and p.lower() not in ("and", "or", "the"):
                        at = m_start + s
                        out.append(Mention(p, kind, item.link, quote_at(block.text, at, at + len(p)), "gazetteer:list"))
    return out


_PACKAGE = re.compile(r"(?<![\w@/.-])([a-z][a-z0-9]*)((?:-[a-z0-9]+)+)(?![\w/-]|\.\w)")
#: second halves of hyphenated words that describe, not name: "jupyter-based", "cloud-native"
_DESCRIBING = frozenset("""based like style friendly specific native powered related enabled compatible aware
                        centric first only ready driven focused oriented heavy light wide level side compliant centered centred
                        led owned agnostic independent""".split())


def package_mentions(items, res: Resolution) -> list[Mention]:
    """Package-style names built on a known project's name: "kelphub-simulator" (KelpHub)."""
    stems = {name_key(e.name) for e in res.entities.values() if e.kind in ("Project", "OrgProject", "Organization")
             and len(name_key(e.name)) >= 4}
    known = {name_key(f) for e in res.entities.values() for f in (e.name, *e.aliases)}
    out = []
    for item in items:
        for block in item.blocks:
            if block.tag == "pre" or "-" not in block.text:
                # a code listing: option names and keys ("example-version:"), not packages; or no
                # hyphen, which every package-style name has
                continue
            for m in _PACKAGE.finditer(block.text):
                rest = m.group(2).strip("-").split("-")
                if m.group(1) in stems and rest[-1] not in _DESCRIBING and not rest[-1].isdigit() \
                        and name_key(m.group(0)) not in known:
                    out.append(Mention(m.group(0), "Project", item.link, quote_at(block.text, m.start(), m.end()),
                                       "gazetteer:package"))
    return out


def gazetteer_mentions(items, res: Resolution) -> list[Mention]:
    """Unlinked mentions of the run's known entities: every post that writes a known name or alias.

    Args:
        items: every FeedItem of the run.
        res: a first resolution of the run's linked, defined and pattern mentions.
    Returns:
        New mentions (extractor ``gazetteer``) to resolve together with the others.
    """
    forms = _gazetteer_forms(res)
    if not forms:
        return []
    items = list(items)
    known: dict[str, set[str]] = defaultdict(set)  # post -> entities already found in it
    for key, e in res.entities.items():
        for m in e.mentions:
            if not m.implicit:
                known[m.post].add(key)
    half = len(items) // 2
    # a big run's posts in two halves, the first read by another process meanwhile: the same
    # mentions in the same order as one pass (found, then listed, then package names)
    first = Forked(half >= GAZETTEER_FORK_POSTS, _gazetteer_pass, items[:half], res, forms, known)
    second = _gazetteer_pass(items[half:], res, forms, known)
    first = first.result()
    return [m for i in range(3) for part in (first, second) for m in part[i]]


#: a run of at least twice this many posts is read for known names by two processes
GAZETTEER_FORK_POSTS = 500


def _gazetteer_pass(items: list, res: Resolution, forms: dict[str, str],
                    known: dict[str, set[str]]) -> tuple[list[Mention], ...]:
    """:func:`gazetteer_mentions` of some posts: (known forms found, list items, package names);
    ``known``: post -> entities already found in it."""
    listed = list_mentions(items, res, forms)
    packages = package_mentions(items, res)
    find = _FormFinder(forms)
    out: list[Mention] = []
    for item in items:
        texts = [item.title] + [b.text for b in item.blocks]
        seen: set[str] = set(known.get(item.link, ()))  # only new (post, entity) pairs
        for text in texts:
            for start, form in find(text):
                key = forms[form]
                if key in seen:
                    continue
                seen.add(key)
                e = res.entities[key]
                urls = tuple(sorted(e.urls))[:1]
                out.append(Mention(form, e.kind, item.link, quote_at(text, start, start + len(form)),
                                   "gazetteer", urls))
    return out, listed, packages


class _FormFinder:
    """Finds known forms in text by their first word: linear in the text, whatever the number of
    forms (one regex alternation of thousands of names is not). The words that start a form are
    found by one pattern, a trie of them (each character a branch, so a word is matched in its
    length's steps): the words of the text (``_WORD``: a run of letters and digits, not preceded by
    one, ``@``, ``/``, ``.`` or ``-``) that are such a first word, whole; the text's other words are
    never seen in Python (docs/performance.md, "Sixteenth pass"). The forms a first word starts are
    looked up by the characters after it in the text (:attr:`AHEAD` at most), so a word that starts
    hundreds of forms (a common first name) costs a few look-ups, not a test of each form."""

    _WORD = r"(?<![\w@/.-])"
    _RIGHT = re.compile(_BOUND_R)
    TRIE_DEPTH = 40
    #: characters after a form's first word that pick the forms to test
    AHEAD = 4

    def __init__(self, forms: dict[str, str]) -> None:
        #: (first word, the form's next AHEAD characters, or all of them when fewer) -> the forms,
        #: longest first: "Kelpie Book" before "Kelpie"
        self.by_next: dict[tuple[str, str], list[str]] = defaultdict(list)
        for f in sorted(forms, key=len, reverse=True):
            m = re.match(r"[^\W_]+", f)
            if m:
                self.by_next[m.group(0), f[m.end():m.end() + self.AHEAD]].append(f)
        first = {word for word, _ in self.by_next}
        trie: dict = {}
        # (a word longer than TRIE_DEPTH is one more branch, not a path as deep as its letters)
        long = sorted(re.escape(w) for w in first if len(w) > self.TRIE_DEPTH)
        for word in (w for w in first if len(w) <= self.TRIE_DEPTH):
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}
        words = ([_trie(trie)] if trie else []) + long
        self._first = re.compile(f"{self._WORD}(?:{'|'.join(words)})(?![^\\W_])" if words else "(?!)")

    def __call__(self, text: str):
        # a form found, the first words inside it are skipped: the same as a search from its end
        pos = 0
        for m in self._first.finditer(text):
            start = m.start()
            if start < pos:
                continue
            form = self._form_at(text, start, m.group(), m.end())
            if form is not None:
                yield start, form
                pos = start + len(form)

    def _form_at(self, text: str, start: int, word: str, after: int) -> str | None:
        """The longest form that ``text`` holds at ``start`` (where it has the first word ``word``,
        ending at ``after``), whole: among those with AHEAD characters or more after their first word
        that are the text's next ones, then those with fewer (a bucket for each number)."""
        ahead = text[after:after + self.AHEAD]
        for k in range(len(ahead), -1, -1):
            for form in self.by_next.get((word, ahead[:k]), ()):
                if text.startswith(form, start) and self._RIGHT.match(text, start + len(form)):
                    return form
        return None
