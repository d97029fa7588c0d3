"""A byte-stream pass in front of the XML parser: HTML named entities, stray ``&``, forbidden bytes.

Feeds made from HTML templates use ``&aacute;`` or ``&nbsp;`` without declaring them, and XML then
refuses the whole document. This pass rewrites, outside CDATA sections and comments:

- ``&name;`` for one of HTML5's named character references (``html.entities.html5``, which holds
  HTML 4's 252) to the numeric reference of the same characters (``&#225;``), so nothing is
  expanded and no DTD is ever needed;
- ``&name;`` for any other undeclared name, and an ``&`` that starts no reference (``AT&T``), to
  ``&amp;...``: the text is kept as written;
- nothing else: XML's own five references and numeric references are left to the parser, and a
  document that *declares* entities is still refused (the pass records the line of each
  ``<!ENTITY`` so the refusal can name it).

It also drops the bytes XML 1.0 forbids (NUL and other C0 controls) and records their lines. Line
numbers are kept intact: no rewrite adds or removes a newline. It works on ASCII-compatible
encodings only (UTF-8, Latin-1, Windows-125x, ...); the caller turns it off for UTF-16/32 and
ISO-2022 documents, where ``&`` and ``<`` bytes may be parts of other characters.
"""
from __future__ import annotations

import re
from html.entities import html5

#: XML's own named references: left to the parser
XML_NAMED = frozenset({"lt", "gt", "amp", "quot", "apos"})
#: HTML5 names that end in ';' (the legacy forms without it are not references in XML)
HTML_NAMED = {k[:-1]: v for k, v in html5.items() if k.endswith(";")}
#: what needs a look: CDATA and comment openers, entity declarations, and any '&' that does not
#: start one of XML's five references or a numeric one (the common cases stay in the regex engine)
_TOKEN = re.compile(rb"<!\[CDATA\[|<!--|<!ENTITY|&(?!(?:lt|gt|amp|quot|apos);|#[0-9x])")
_REF = re.compile(rb"&([A-Za-z_:][A-Za-z0-9_.:-]{0,63});")
_BAD = bytes(b for b in range(32) if b not in (9, 10, 13))
#: bytes held back at the end of a chunk, so that a token cut in two is seen whole
_HOLD = 72


class ByteScan:
    """Stateful rewriter over consecutive chunks; ``notes`` holds (line, kind, detail) of each repair."""

    def __init__(self, entities: bool = True, controls: bool = True) -> None:
        self.entities, self.controls = entities, controls
        self.state = b""  # b"" in text, b"]]>" inside CDATA, b"-->" inside a comment
        self.rest = b""
        self.line = 1  # line number at the start of ``rest``
        self.notes: list[tuple[int, str, str]] = []
        self.entity_lines: list[int] = []
        self.dropped = 0

    def _drop_controls(self, data: bytes, line: int) -> bytes:
        kept = data.translate(None, _BAD)
        if len(kept) != len(data):
            self.dropped += len(data) - len(kept)
            for m in re.finditer(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]+", data):
                self.notes.append((line + data.count(b"\n", 0, m.start()), "control", f"{len(m.group())}"))
        return kept

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """Rewrite one chunk (``final`` for the last); may hold back up to a few bytes for the next."""
        if self.controls and data:
            data = self._drop_controls(data, self.line + self.rest.count(b"\n"))
        if not self.entities:
            return data
        buf = self.rest + data
        limit = len(buf) if final else max(0, len(buf) - _HOLD)
        if not self.state and b"<!" not in buf and not _odd_amp(buf):
            # the common chunk: nothing to rewrite (bytes.replace and count run at C speed; the
            # regex below costs ~50 ns a byte on markup-heavy text)
            self.line += buf.count(b"\n", 0, limit)
            self.rest = buf[limit:]
            return buf[:limit]
        out: list[bytes] = []
        i = 0
        counted, line = 0, self.line

        def line_at(pos: int) -> int:
            nonlocal counted, line
            line += buf.count(b"\n", counted, pos)
            counted = pos
            return line

        while i < limit:
            if self.state:
                j = buf.find(self.state, i)
                if j < 0:
                    k = len(buf) if final else max(i, len(buf) - 2)
                    out.append(buf[i:k])
                    i = k
                    break
                out.append(buf[i:j + 3])
                i, self.state = j + 3, b""
                continue
            m = _TOKEN.search(buf, i)
            if m is None or m.start() >= limit:
                out.append(buf[i:limit])
                i = limit
                break
            s = m.start()
            out.append(buf[i:s])
            tok = m.group()
            if tok == b"<![CDATA[":
                self.state, i = b"]]>", m.end()
                out.append(tok)
            elif tok == b"<!--":
                self.state, i = b"-->", m.end()
                out.append(tok)
            elif tok == b"<!ENTITY":
                self.entity_lines.append(line_at(s))
                out.append(tok)
                i = m.end()
            elif buf.startswith(b"&#X", s):  # HTML allows an upper-case X, XML does not
                out.append(b"&#x")
                i = s + 3
            else:
                r = _REF.match(buf, s)
                name = r.group(1).decode("ascii") if r else ""
                if r and name in HTML_NAMED:
                    out.append("".join(f"&#{ord(c)};" for c in HTML_NAMED[name]).encode("ascii"))
                    i = r.end()
                elif r:
                    self.notes.append((line_at(s), "entity", name))
                    out.append(b"&amp;" + r.group()[1:])
                    i = r.end()
                else:
                    self.notes.append((line_at(s), "amp", ""))
                    out.append(b"&amp;")
                    i = s + 1
        line_at(i)
        self.rest, self.line = buf[i:], line
        return b"".join(out)


def _odd_amp(buf: bytes) -> bool:
    """Whether ``buf`` holds an '&' other than XML's five references and lower-case numeric ones."""
    for ref in (b"&lt;", b"&gt;", b"&amp;", b"&quot;", b"&apos;"):
        buf = buf.replace(ref, b"")
    return buf.count(b"&") != buf.count(b"&#") or b"&#X" in buf


def describe(notes: list[tuple[int, str, str]]) -> list[str]:
    """One phrase per kind of repair, naming the lines: ``removed 3 bytes ... at line 4``."""
    out = []
    ctrl = [(ln, int(n)) for ln, kind, n in notes if kind == "control"]
    if ctrl:
        out.append(f"removed {sum(n for _, n in ctrl)} bytes that XML forbids (NUL or control characters) "
                   f"at {_lines(ln for ln, _ in ctrl)}")
    ents = [(ln, name) for ln, kind, name in notes if kind == "entity"]
    if ents:
        names = ", ".join(dict.fromkeys(f"&{n};" for _, n in ents))
        out.append(f"undefined entity {names} at {_lines(ln for ln, _ in ents)} kept as text")
    amps = [ln for ln, kind, _ in notes if kind == "amp"]
    if amps:
        out.append(f"a bare '&' at {_lines(amps)} read as text")
    return out


def _lines(lines) -> str:
    ls = list(dict.fromkeys(lines))
    shown = ", ".join(map(str, ls[:5])) + (f" and {len(ls) - 5} more" if len(ls) > 5 else "")
    return ("line " if len(ls) == 1 else "lines ") + shown
