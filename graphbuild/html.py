"""Post HTML -> plain-text blocks with their links (lxml.html, no network, no scripts)."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from .models import Block, Link

BLOCK_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 blockquote td th dt dd figcaption caption pre div section article "
    "header footer aside ul ol dl table tr figure details summary main nav address hr".split()
)
#: inline tags whose text is code: their spans are kept in Block.code
CODE_TAGS = frozenset("code kbd samp tt".split())
#: elements whose content is never text of the post (``object``/``embed`` are not here: an object's
#: content is its text fallback, and HTML parsers put the text after an unclosed ``<embed>`` inside it)
SKIP_TAGS = frozenset("script style template noscript iframe svg math head title".split())
_WS = re.compile(r"\s+")
_UNSAFE = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")
# a plain etree HTML parser: lxml.html's own adds a Python element class lookup per node
# huge_tree: a text node over 10 MB is otherwise dropped without a word (the body limit is graphbuild's own)
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, default_doctype=False,
                           huge_tree=True)


def _squash_ws(s: str) -> str:
    """``_WS.sub(" ", s)``: each run of whitespace one space. ``str.split`` splits on the same
    characters as ``\\s`` (both are ``str.isspace``) and is twice as fast as the regular expression
    on the text pieces of a post (715,602 pieces of 10,000 posts: 0.37 s vs 0.87 s)."""
    words = s.split()
    if not words:
        return " "
    out = " ".join(words)
    if s[0].isspace():
        out = " " + out
    if s[-1].isspace():
        out += " "
    return out


class _Builder:
    """Collects text pieces of the current block and the links opened inside it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.size = 0
        self.links: list[Link] = []
        self.code: list[tuple[int, int]] = []
        self.tag = "p"

    def add(self, s: str | None) -> None:
        if not s:
            return
        s = _squash_ws(s)
        if s.startswith(" ") and (not self.parts or self.parts[-1].endswith(" ")):
            s = s[1:]
        if s:
            self.parts.append(s)
            self.size += len(s)

    def flush(self, tag: str) -> None:
        if not self.parts:  # nothing since the last block (every block's start and end flush)
            self.links, self.code, self.tag = [], [], tag
            return
        text = "".join(self.parts)
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if text:
            links = tuple(
                Link(l.href, max(0, l.start - lead), min(len(text), l.end - lead))
                for l in self.links
                if l.end - lead > 0 and l.start - lead < len(text)
            ) if self.links else ()
            code = tuple(
                (max(0, s - lead), min(len(text), e - lead))
                for s, e in self.code
                if e - lead > 0 and s - lead < len(text) and e > s
            ) if self.code else ()
            self.blocks.append(Block(text, links, self.tag, code))
        self.parts, self.size, self.links, self.code, self.tag = [], 0, [], [], tag


def _is_permalink(a: etree._Element) -> bool:
    """A heading's permalink anchor (``<a href="#id">#</a>``, ``¶``, ``§``, an icon): a link to a place
    in the same page whose text has no letter or digit. Its symbol is not part of the heading's text."""
    return (a.get("href") or "").strip().startswith("#") and not any(
        c.isalnum() for c in "".join(a.itertext()))


#: an element's ``tag`` -> its local name in lower case ("" for a comment or processing instruction)
_TAGS: dict = {}


def _tag(tag) -> str:
    name = tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
    if len(_TAGS) < 10_000:  # (a feed's made-up tags do not grow it without end)
        _TAGS[tag] = name
    return name


def _walk(root: etree._Element, b: _Builder) -> int:
    """Walk the tree without recursion (feeds may nest thousands deep); returns its depth."""
    depth = max_depth = 0
    skipped: set = set()
    link_at: dict = {}
    walker = etree.iterwalk(root, events=("start", "end"))
    tags = _TAGS
    for event, el in walker:
        tag = tags.get(el.tag)
        if tag is None:
            tag = _tag(el.tag)
        if event == "start":
            depth += 1
            if depth > max_depth:
                max_depth = depth
            if tag in SKIP_TAGS or not tag or (tag == "a" and _is_permalink(el)):
                skipped.add(el)
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                b.flush(tag)
            if tag in ("br", "sup", "sub"):
                b.add(" ")  # "TIDE-Kelp<sup>1</sup>" is a name and a footnote mark, not "TIDE-Kelp1"
            if tag == "a" or tag in CODE_TAGS:
                link_at[el] = (b.size, len(b.blocks))
            text = el.text
            if text:  # (most elements have none, or no tail: a call saved)
                b.add(text)
            continue
        depth -= 1
        if el in skipped:
            skipped.discard(el)
        else:
            if tag == "a" and el in link_at:
                start, n_blocks = link_at.pop(el)
                href = resolve_href(b.base, el.get("href", ""))
                if href and len(b.blocks) == n_blocks:
                    b.links.append(Link(href, start, b.size))
            elif tag in CODE_TAGS and el in link_at:
                start, n_blocks = link_at.pop(el)
                if len(b.blocks) == n_blocks:
                    b.code.append((start, b.size))
            if tag in BLOCK_TAGS:
                b.flush("p")
        if el is not root:
            tail = el.tail
            if tail:
                b.add(tail)
    return max_depth


def resolve_href(base: str, href: str) -> str | None:
    """Absolute form of ``href`` against ``base``; ``None`` for fragments-only and unparsable hrefs."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if href.startswith(("https://", "http://")) and "/." not in href and not _UNSAFE.search(href):
        return href  # already absolute and clean: the common case, no parsing needed
    href = _UNSAFE.sub(_pct, href.replace("\n", "").replace("\r", "").replace("\t", ""))
    try:
        url = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if "/." in url.path:  # an absolute href may still hold dot segments: /blog/a/../../2025/
        url = url._replace(path=_remove_dots(url.path))
    return urlunsplit(url)


def _remove_dots(path: str) -> str:
    """RFC 3986 section 5.2.4 on an absolute path."""
    out: list[str] = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    tail = "/" if path.endswith(("/.", "/..")) else ""
    return "/" + "/".join(out) + tail


def _pct(m: re.Match) -> str:
    return "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8"))


def safe_iri(url: str) -> str:
    """``url`` with the characters an IRI may not hold (spaces, quotes, <>, controls) percent-encoded."""
    return _UNSAFE.sub(_pct, url.strip())


#: bidirectional overrides and other invisible controls that can make a name display as another
_CONTROLS = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(s: str) -> str:
    """Text without control characters and bidirectional overrides."""
    return _CONTROLS.sub("", s)


class UnreadableHtml(ValueError):
    """lxml could not parse a post's HTML at all: the text of that post is lost."""


def parse_blocks(html: str, base: str) -> tuple[tuple[Block, ...], int]:
    """Post HTML as ``(blocks, depth)``: text blocks, each with its links resolved against ``base``,
    and the depth of the HTML tree (lxml's HTML parser silently drops what lies below 255 levels,
    and a depth that reaches it tells the caller so).

    Raises:
        UnreadableHtml: the parser gave up (the caller records a problem for the item).
    """
    if not html or not html.strip():
        return (), 0
    try:
        doc = etree.fromstring(f"<html><body><div>{strip_controls(html)}</div></body></html>", _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise UnreadableHtml(str(e).strip() or type(e).__name__) from e
    if doc is None:
        raise UnreadableHtml("the HTML parser found no document")
    root = doc.find("body") if doc.find("body") is not None else doc
    b = _Builder(base)
    depth = _walk(root, b) + 2  # html and body
    b.flush("p")
    return tuple(b.blocks), depth


def html_blocks(html: str, base: str) -> tuple[Block, ...]:
    """The blocks of :func:`parse_blocks`, or none for HTML that cannot be parsed (for short texts,
    such as a title, where there is no item to record a problem for)."""
    try:
        return parse_blocks(html, base)[0]
    except UnreadableHtml:
        return ()


def text_blocks(text: str) -> tuple[Block, ...]:
    """Plain text (Atom ``type="text"``) as blocks: one per paragraph."""
    return tuple(Block(_WS.sub(" ", p).strip()) for p in re.split(r"\n\s*\n", text) if p.strip())
