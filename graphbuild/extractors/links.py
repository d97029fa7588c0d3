"""Links whose URL shape (the URL rules) identifies a person, organisation or project."""
from __future__ import annotations

import re
from functools import partial
from typing import Callable, Iterator

from ..models import Block, FeedItem, Link, Mention, Relation
from ..names import (COMMON_WORDS, HANDLE, WORDS, acronym_of, alternation, is_person_name, looks_like_name, org_or_project,
                     split_defined, window_matching)
from ..rules import Rule
from ..rules import match_url
from ..text import clean_name, name_key, quote_at
from ..urls import split

DESCRIPTION = "links matched by URL rules (author pages, GitHub, LinkedIn, ORCID, ...) -> entities"
NAME = "links"
#: words that make "X <words>" a part of X rather than X itself ("Kelpie Steering Council")
UNIT_WORDS = re.compile(rf"\b(?:{alternation('unit_words')})\b", re.I)  # words.toml: unit_words
PROPER = re.compile(r"[A-Z0-9]|\w[-_.]\w")


def _extra_words(text: str, kid: str) -> list[str] | None:
    """The words of ``text`` left when its first or last words spell ``kid``; None if neither does."""
    words = re.findall(r"[^\W_][\w’'.-]*", text)
    for order in (words, list(reversed(words))):
        acc = ""
        for i, w in enumerate(order):
            acc = acc + name_key(w) if order is words else name_key(w) + acc
            if acc == kid:
                return order[i + 1:]
            if len(acc) >= len(kid):
                break
    return None


def names_id(text: str, ident: str, partial: bool = True) -> bool:
    """Does the link text name the thing the URL id names? Same words, an acronym of them, a
    person's name or handle, the id plus words that are not a sub-unit ("Tide Studio Code" for
    "tidestudio"), or most of the id ("Quill" for "quillmd")."""
    k, kid = name_key(re.sub(r"\.(?:io|org|com|net|ai|dev|app|co|edu|bot)$", "", text)), name_key(ident)
    if not k or not kid:
        return False
    if k == kid or (len(kid) <= 6 and acronym_of(ident, text)) or acronym_of(text, ident.replace("-", " ")):
        return True
    if len(kid) <= 6 and re.search(r"[24]", kid) and acronym_of(kid.replace("2", "t").replace("4", "f"), text):
        return True  # "d4g": Data for Good, "m2p": Model to Production
    if text.startswith("@") or is_person_name(text):
        return True  # people's handles rarely spell their names
    if len(kid) >= 3:
        extra = _extra_words(text, kid)
        if extra is not None:
            return not UNIT_WORDS.search(" ".join(extra))
    if partial and len(k) >= 4 and (kid.startswith(k) or kid.endswith(k)) and len(k) * 2 >= len(kid):
        return True  # "Quill" -> quillmd.org, "Lantern Guide" -> the-lantern-guide
    return partial and (_spelled_by_words(text, kid) or _spelled_by_prefixes(text, kid))


def _spelled_by_prefixes(text: str, kid: str) -> bool:
    """The id is the start of each of the text's words, in order: "devtide" for "Development Tide"
    (every word used, each by at least three letters, or whole)."""
    words = [name_key(w) for w in text.split() if name_key(w)]
    if len(words) < 2:
        return False

    def spell(i: int, pos: int) -> bool:
        if i == len(words):
            return pos == len(kid)
        w = words[i]
        return any(kid.startswith(w[:n], pos) and spell(i + 1, pos + n)
                   for n in range(min(len(w), len(kid) - pos), min(3, len(w)) - 1, -1))
    return spell(0, 0)


def _spelled_by_words(text: str, kid: str) -> bool:
    """The id is some of the text's words run together, in order, first and last included:
    "codeforsociety" for "Code for Rivers and Society"."""
    words = [name_key(w) for w in text.split() if name_key(w)]
    if len(words) < 3 or not kid.startswith(words[0]) or not kid.endswith(words[-1]):
        return False
    pos, used = 0, 0
    for w in words:
        if kid.startswith(w, pos):
            pos += len(w)
            used += 1
    return pos == len(kid) and used >= 3


def _name(rule: Rule, m: re.Match, text: str) -> tuple[str, tuple[str, ...]] | None:
    """(surface form, aliases) when the post names the linked thing, else None."""
    ident = m.group("id")
    name, aliases = _link_text(text)
    deep = bool(m.groupdict().get("deep"))
    if looks_like_name(name) and not deep:
        if rule.name_from == "text" and (names_id(name, ident) or any(names_id(a, ident) for a in aliases)):
            return name, aliases
        if name_key(name) != name_key(ident):
            return None  # the text names something else ("Kelpie Steering Council" -> /kelpie/)
    found = window_matching(clean_name(text), name_key(ident))
    if found and PROPER.search(found):
        return found, ()
    return None


def _kind(rule_kind: str, name: str) -> str:
    """The rule's kind, refined by the name: an Agent with a person's name or handle is a Person;
    an organisation cue in a project's name ("... Working Group") makes it an Organization."""
    if rule_kind == "Agent":
        # a handle alone ("@example") may be a person's or an organisation's: resolution decides
        return "Person" if is_person_name(name) else "Agent"
    if rule_kind in ("Project", "Organization"):
        return org_or_project(name) or rule_kind
    return rule_kind


#: host labels that say nothing about what a site is
HOST_NOISE = WORDS["host_noise"]


_NOT_WEB = split("")


#: a link text that is an address with a path ("pic.example.com/AbC123"): it names no other site
URL_TEXT = re.compile(r"^(?:https?://)?([\w-]+(?:\.[\w-]+)+)/")


def site_candidates(url: str) -> list[tuple[str, Callable[[], str], bool]]:
    """(id, identifying URL, is a host label) a link's text may name: the labels of its host, then its path
    segments ("visualstudio" for code.visualstudio.com, "rstudio" for /products/open-source/rstudio/).
    The URL comes as a function that builds it: building the URL of every prefix of a path of
    thousands of segments up front took time and memory quadratic in its length."""
    p = split(url)
    if p is None:
        return []
    host = (p.hostname or "").lower()
    root = f"{p.scheme}://{p.netloc}/"
    out = [(label, partial(str, root), True) for label in host.split(".")
           if label not in HOST_NOISE and not label.isdigit()]
    # "getexample.org", "tryexample.com": a verb before the name in the site's address
    out += [(label[3:], partial(str, root), True) for label, _, _ in list(out)
            if label[:3] in ("get", "try", "use") and len(label) >= 7]
    segs = [x for x in p.path.split("/") if x]
    for i, seg in enumerate(segs):
        stem = re.sub(r"\.(?:html?|php|aspx?)$", "", seg)
        if stem and stem not in HOST_NOISE and not stem.isdigit():
            out.append((stem, partial(_prefix, root.rstrip("/"), segs, i + 1), False))
    return out


def _prefix(root: str, segs: list[str], n: int) -> str:
    return root + "".join("/" + s for s in segs[:n])


def site_mention(item: FeedItem, block: Block, link: Link) -> Mention | None:
    """A link whose text names the site it points to ("TIDALGIS" -> tidalgis.org): the name of a project,
    organisation or person with that site as its homepage."""
    raw = block.text[link.start:link.end]
    name, aliases = _link_text(raw)
    if name.startswith("@") or (split(link.href) or _NOT_WEB).scheme not in ("http", "https"):
        return None
    shown = URL_TEXT.match(name)
    if shown and shown.group(1).lower().removeprefix("www.") != (split(link.href).hostname or "").removeprefix("www."):
        return None  # "pic.example.com/AbC" shown for a link elsewhere (a shortener): an address, not a name
    parts = [p for p in re.split(r"\s+[-–—:|]\s+", clean_name(raw)) if p and p != name]
    for part in parts:  # "Tidewater Science Council - Coastal Open Data Grant Program"
        if looks_like_name(part) and not is_person_name(part) and \
                any(h and names_id(part, ident) for ident, _, h in site_candidates(link.href)):
            name, aliases = _link_text(part)
            break
    if not looks_like_name(name):
        # "Quillo AI assistant extension" -> quillo.bot: the site's name, where the text spells it
        for ident, url, is_host in site_candidates(link.href):
            found = window_matching(name, name_key(ident)) if is_host and len(ident) >= 3 else None
            if found and all(w[:1].isupper() or w[:1].isdigit() for w in found.split()) and not is_person_name(found):
                return Mention(found, org_or_project(found) or "Project", item.link,
                               quote_at(block.text, link.start, link.end), f"{NAME}:site", (url(),))
        return None
    held = _held_at(raw, block.text[max(0, link.start - 40):link.start])  # "Board Chair for [X]"
    for ident, url, is_host in site_candidates(link.href):
        # a personal homepage, unless a role is held there
        person = is_person_name(name) and name_key(name) == name_key(ident) and not held
        if person or ((held or not is_person_name(name)) and names_id(name, ident, partial=is_host)):
            kind = "Person" if person else org_or_project(name) or ("Organization" if held else "Project")
            return Mention(name, kind, item.link, quote_at(block.text, link.start, link.end), f"{NAME}:site",
                           (url(),), aliases=aliases)
    words = name.split()
    labels = [x for x in (split(link.href).hostname or "").lower().split(".")[:-1] if x not in HOST_NOISE]
    if len(words) >= 2 and len(labels) >= 2 and (name_key(name) == "".join(reversed(labels)) or (
            name_key(name) == "".join(labels) and not is_person_name(name))):
        # "Example Gateway" -> gateway.example.org: a product named by its site's domain and sub-domain
        # (in that order even when it reads like a person's name; "jane.doe.example" is Jane Doe's)
        root = f"{split(link.href).scheme}://{split(link.href).netloc}/"
        return Mention(name, org_or_project(name) or "Project", item.link, quote_at(block.text, link.start, link.end),
                       f"{NAME}:site", (root,), aliases=aliases)
    # a site named by the first word of a name that reads like a person's ("Fedora Linux" at
    # getfedora.org) is that thing's, unless the address is only that word (jane.example is Jane's)
    host_first = (split(link.href).hostname or "").removeprefix("www.").split(".")[0]
    for ident, url, is_host in site_candidates(link.href):
        if not is_host or len(words) < 2:
            continue
        kid = name_key(ident)
        # the leading words that spell the start of the id: "Marine Python Spring Sprint" ->
        # marine-python.org is "Marine Python", not "Marine" (a few words at most: a long
        # link text must not make this quadratic)
        n = max((i for i in range(1, min(len(words), 8)) if kid.startswith(name_key(" ".join(words[:i])))),
                default=1)
        first = " ".join(words[:n]) if words else ""
        kf = name_key(first)
        if is_host and len(name.split()) > 1 and PROPER.search(first) and len(kf) >= 3 and kid.startswith(kf) \
                and len(kf) * 5 >= len(kid) * 3 and (not is_person_name(name) or (kf == kid and n == 1 and ident != host_first)):
            if n == 1 and first.lower() in COMMON_WORDS:
                # "Community Initiatives" -> communityin.org: one English word ("Community") is no
                # name; the site's name is the link text that starts with it
                if len(words) <= 4 and not kid.startswith(name_key(name)):
                    return Mention(name, org_or_project(name) or "Project", item.link,
                                   quote_at(block.text, link.start, link.end), f"{NAME}:site", (url(),),
                                   aliases=aliases)
                continue
            # "Quill Document Engine" -> quillmd.org: the site is named by the first word
            return Mention(first, org_or_project(first) or "Project", item.link,
                           quote_at(block.text, link.start, link.end), f"{NAME}:site", (url(),))
    return None


#: a role title and "at" before a name: "Community Lead at Example", "Director of Example"
ROLE_AT = re.compile(rf"^(?:[A-Z][\w-]*\s+){{0,3}}?(?:{alternation('role_at_titles')})s?\s+"
                     r"(?:at|of|for)\s+(?:the\s+)?(\S.*)$")  # words.toml: role_at_titles


#: a role only an organisation has, then "of"/"for": "Board Chair for [Example]", "CEO of [Example]"
ORG_ROLE_BEFORE = re.compile(rf"\b(?:{alternation('org_role_titles')})s?\s+(?:of|for)\s+(?:the\s+)?$")  # words.toml
#: any role title and "at": "People Lead at [Example]", "Engineer at [Example]"
ROLE_AT_BEFORE = re.compile(rf"\b(?:{alternation('role_at_titles')})s?\s+at\s+(?:the\s+)?$")  # words.toml


def _held_at(raw: str, before: str) -> bool:
    """Does a role held there make a link's site an organisation? The role in the link text ("People
    Lead at Example", "Board Chair for Example") or right before the link ("Engineer at [Example]")."""
    role = ROLE_AT.match(clean_name(raw))
    if role:
        head = clean_name(raw)[:role.start(1)]
        return bool(ROLE_AT_BEFORE.search(head) or ORG_ROLE_BEFORE.search(head))
    return bool(ROLE_AT_BEFORE.search(before) or ORG_ROLE_BEFORE.search(before))


def _link_text(text: str) -> tuple[str, tuple[str, ...]]:
    """A link text as (name, aliases): "Long Name (ACR)" defines an alias, "The X" is also "X",
    "April Tennant, a consultant" is "April Tennant"."""
    text = clean_name(text)
    role = ROLE_AT.match(text)
    if role and looks_like_name(role.group(1)):
        text = role.group(1)  # "People Lead at Example": the link names the place, not the role
    first = text.split(", ")[0]
    if first != text and is_person_name(first):
        text = first
    head = re.split(r"\s+[-–—:|]\s+", text)[0]  # "WRQA - Towards an open data guide"
    if head != text and looks_like_name(head):
        text = clean_name(head)
    name, aliases = split_defined(text)
    if re.match(r"^The\s+[A-Z0-9]", name):
        aliases += (name[4:],)
    return name, aliases


def link_mentions(item: FeedItem, block: Block, link: Link, context) -> Iterator[Mention | Relation]:
    """Mentions (and a maintainer relation) made by one link, if a rule knows its shape."""
    hit = match_url(context.rules, link.href)
    if hit is None:
        site = site_mention(item, block, link)
        if site is not None:
            yield site
        return
    rule, m = hit
    if rule.kind == "Ignore":
        return
    named = _name(rule, m, block.text[link.start:link.end])
    if named is None:
        return  # linked but not named: "this post", "the PR"
    name, aliases = named
    quote = quote_at(block.text, link.start, link.end)
    extractor = f"{NAME}:{rule.name}"
    mention = Mention(name, _kind(rule.kind, name), item.link, quote, extractor,
                      (rule.expand(rule.canonical, m),), aliases=aliases)
    yield mention
    if rule.maintainer:
        owner_url = rule.expand(rule.maintainer, m)
        owner = Mention(owner_url.rstrip("/").rsplit("/", 1)[-1], "Agent", item.link, quote, extractor,
                        (owner_url,), implicit=True)
        yield owner
        yield Relation(mention, "maintainer", owner, item.link, quote, extractor)


def extract(item: FeedItem, context) -> Iterator[Mention | Relation]:
    for block in item.blocks:
        for link in block.links:
            if link.href.startswith(item.link) and link.href[len(item.link):][:1] in ("", "#"):
                continue  # a link to the post itself
            yield from link_mentions(item, block, link, context)
