"""JSON Feed 1.1 and 1.0 (https://jsonfeed.org/version/1.1) -> the same Feed records as RSS/Atom.

Read with Python's ``json`` module (no other parser): the whole document is read up to
``--max-feed-bytes`` and refused past it; nesting deeper than the module can follow (it raises
RecursionError) and numbers too long to convert are refused with a reason, never a traceback.
Items are read like the XML reader's: ``url`` is the post's link (else ``id`` when it is an
http(s) URL, else an IRI minted from ``id`` or from title, date and text); one Problem per item.
"""
from __future__ import annotations

import json
from typing import IO

from .errors import FeedError
from .feeds import (POST_BASE, Limits, _is_web, _where, body_blocks, cut_body, identify, parse_date)
from .html import safe_iri, strip_controls
from .models import Author, Block, Feed, FeedInfo, FeedItem, Link, Problem
from .namespaces import digest
from .text import SURROGATES, squash

#: the version URLs of JSON Feed (1.0 and 1.1); a document with ``items`` but another version is read with a warning
VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def _str(obj: dict, key: str, notes: list[str]) -> str:
    """``obj[key]`` as a string ('' when absent); a number is taken as its digits (JSON Feed 1.0
    ids), any other type is noted and ignored."""
    v = obj.get(key)
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        notes.append(f"{key} is a JSON {type(v).__name__}, not a string; ignored")
        return ""
    return strip_controls(str(v)).strip()


def _authors(obj: dict, notes: list[str]) -> tuple[Author, ...]:
    """``authors`` (1.1, a list) or ``author`` (1.0, one object): name and http(s) url."""
    raw = obj.get("authors")
    if raw is None and obj.get("author") is not None:
        raw = [obj.get("author")]
    if raw is None:
        return ()
    if not isinstance(raw, list):
        notes.append("authors is not a list; ignored")
        return ()
    out = []
    for a in raw:
        if not isinstance(a, dict):
            continue
        name = squash(_str(a, "name", notes))
        url = _str(a, "url", notes)
        if name:
            out.append(Author(name, safe_iri(url) if _is_web(url) else None))
    return tuple(dict.fromkeys(out))


def _whole_characters(doc) -> tuple[object, int]:
    """``doc`` with every lone surrogate in its strings (a ``\\udXXX`` escape without its pair:
    Python's json module keeps it, no UTF-8 text or RDF literal can hold it) replaced by U+FFFD, as
    a UTF-8 decoder replaces a broken sequence; and how many were replaced. Object keys are left:
    they are only looked up. Walked without recursion (a document may nest as deep as json reads)."""
    found = 0

    def whole(text: str) -> str:
        nonlocal found
        fixed, n = SURROGATES.subn("\ufffd", text)
        found += n
        return fixed

    if isinstance(doc, str):
        return whole(doc), found
    stack = [doc] if isinstance(doc, (list, dict)) else []
    while stack:
        c = stack.pop()
        for k, v in (enumerate(c) if isinstance(c, list) else c.items()):
            if isinstance(v, str):
                if SURROGATES.search(v):
                    c[k] = whole(v)
            elif isinstance(v, (list, dict)):
                stack.append(v)
    return doc, found


def _load(raw: IO[bytes], source: str, limits: Limits):
    data = raw.read(limits.max_feed_bytes + 1)
    if len(data) > limits.max_feed_bytes:
        raise FeedError(f"{source}: larger than {limits.max_feed_bytes} bytes (raise --max-feed-bytes)")
    try:
        return json.loads(data)
    except RecursionError:
        raise FeedError(f"{source}: JSON nested too deeply to read (more levels than Python's json module "
                        "follows); refused") from None
    except json.JSONDecodeError as e:
        raise FeedError(f"{source}: line {e.lineno} not valid JSON ({e.msg})") from None
    except UnicodeDecodeError as e:
        raise FeedError(f"{source}: not valid UTF-8 at byte {e.start} (JSON Feed is UTF-8)") from None
    except ValueError as e:  # e.g. an integer with more digits than Python converts
        raise FeedError(f"{source}: JSON value refused ({str(e).splitlines()[0][:120]})") from None


def parse_json_feed(raw: IO[bytes], source: str, limits: Limits = Limits()) -> Feed:
    """Parse a JSON Feed (1.1 or 1.0) read from ``raw``; see :func:`graphbuild.feeds.parse_feed`.

    Raises:
        FeedError: not JSON, not a JSON Feed object, over the size limit, too deeply nested, or no usable item.
    """
    doc, broken = _whole_characters(_load(raw, source, limits))
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        what = "an object without an items list" if isinstance(doc, dict) else f"a JSON {type(doc).__name__}"
        raise FeedError(f"{source}: a JSON document, not a JSON Feed ({what}; a JSON Feed is an object with "
                        f"\"version\": \"{VERSIONS[1]}\" and \"items\": [...])")
    problems: list[Problem] = []
    if broken:
        problems.append(Problem(source, f"{broken} \\u escape{'s' if broken != 1 else ''} of half a "
                                        "UTF-16 pair (no character) read as U+FFFD"))
    version = doc.get("version")
    if version not in VERSIONS and not (isinstance(version, str) and version.rstrip("/") in VERSIONS):
        problems.append(Problem(source, f"version {str(version)[:60]!r} is not a JSON Feed version "
                                        f"({VERSIONS[1]} or {VERSIONS[0]}); read as JSON Feed 1.1"))
    notes: list[str] = []
    title, home, feed_url = (_str(doc, k, notes) for k in ("title", "home_page_url", "feed_url"))
    problems += [Problem(source, n) for n in notes]
    doc_base = source if _is_web(source) else ""
    home = home if _is_web(home) else None
    iri = next((safe_iri(u) for u in (feed_url, doc_base, home) if _is_web(u)), "")
    info = FeedInfo(source=source, iri=iri, title=squash(title), link=safe_iri(home) if home else None)
    feed_authors = _authors(doc, [])
    items: list[FeedItem] = []
    guids: dict[str, tuple[int, str, str, str]] = {}
    for n, obj in enumerate(doc["items"], 1):
        if n > limits.max_items:
            problems.append(Problem(source, f"more than {limits.max_items} items; read the first "
                                            f"{limits.max_items} (raise --max-items)"))
            break
        notes = []
        if not isinstance(obj, dict):
            problems.append(Problem(_where(source, n, None, ""), f"a JSON {type(obj).__name__}, not an item "
                                                                 "object; skipped"))
            continue
        try:
            item = _item(obj, info, n, limits, notes, guids, feed_authors)
        except FeedError as e:
            item = None
            notes.append(str(e))
        if item is not None:
            items.append(item)
        if notes:
            problems.append(Problem(_where(source, n, None, item.title if item else _str(obj, "title", [])),
                                    "; ".join(notes)))
    if not items:
        why = "; ".join(p.reason for p in problems[:3])
        raise FeedError(f"{source}: no usable items ({why or 'the JSON Feed has no items'})")
    return Feed(info, items, problems)


def _item(obj: dict, feed: FeedInfo, n: int, limits: Limits, notes: list[str],
          guids: dict[str, tuple[int, str, str, str]], feed_authors: tuple[Author, ...]) -> FeedItem:
    title = squash(_str(obj, "title", notes))
    guid = _str(obj, "id", notes)
    url, external = _str(obj, "url", notes), _str(obj, "external_url", notes)
    date = _str(obj, "date_published", notes) or _str(obj, "date_modified", notes)
    if not guid:
        notes.append("no id (JSON Feed requires one)")
    link = url if _is_web(url) else None
    if url and not link:
        notes.append(f"url {url[:80]!r} is not a usable http(s) URL")
    if not link and _is_web(guid):
        link = guid
    kind, body = "none", ""
    for key, k in (("content_html", "html"), ("content_text", "text"), ("summary", "text")):
        body = _str(obj, key, notes)
        if body:
            kind = k
            break
    body = cut_body(body, limits, notes)
    if not (title or guid or url or external or date or body):
        raise FeedError("an empty item (no id, url, title, date or content); skipped")
    if title or date or body.strip():
        content = digest(title, date, squash(body[:100_000]))
    else:  # only tags, an image, an attachment ...: the item's whole JSON
        content = digest(json.dumps(obj, sort_keys=True, default=str))
    link = identify(guid, link, content, title, feed, n, guids, notes)
    minted = link.startswith(POST_BASE)
    blocks = body_blocks(kind, body, feed.link or feed.iri if minted else link, notes) if body else ()
    if _is_web(external):  # a link blog's subject: kept as a link of the post unless the body has it
        ext = safe_iri(external)
        if not any(l.href == ext for b in blocks for l in b.links):
            blocks = (*blocks, Block(ext, (Link(ext, 0, len(ext)),)))
    elif external:
        notes.append(f"external_url {external[:80]!r} is not a usable http(s) URL")
    published = parse_date(date) if date else None
    if date and published is None:
        notes.append(f"date {date[:40]!r} not understood; the post has no datePublished")
    tags = obj.get("tags")
    if tags is not None and not isinstance(tags, list):
        notes.append("tags is not a list; ignored")
        tags = []
    cats = tuple(squash(strip_controls(t)) for t in (tags or ()) if isinstance(t, str) and t.strip())
    if not title:  # like RSS/Atom: the link stands in; a minted post is named by its first words
        title = squash(blocks[0].text)[:80] if minted and blocks else link
    return FeedItem(id=guid or link, link=link, title=title, feed=feed, published=published,
                    authors=_authors(obj, notes) or feed_authors, blocks=blocks, categories=cats, minted=minted)

