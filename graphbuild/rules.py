"""Declarative URL rules: which link shapes identify a person, organisation or project.

The bundled rules live in ``graphbuild/data/rules.toml``; users add their own with ``--rules FILE``
(same format, documented in docs/rules.md). Rules describe URL shapes only, never names.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable

from .errors import RulesError
from .models import RULE_KINDS

NAME_SOURCES = ("text", "id")


@dataclass(frozen=True)
class Rule:
    """One URL shape: a regex with an ``id`` group, the kind it names and how to canonicalise it."""

    name: str
    pattern: re.Pattern[str]
    kind: str
    canonical: str = "{url}"
    exclude: re.Pattern[str] | None = None
    maintainer: str = ""  # template of the URL of the owner who maintains a matched project
    name_from: str = "text"

    def match(self, url: str) -> re.Match[str] | None:
        m = self.pattern.match(url)
        if m and self.exclude is not None and self.exclude.search(m.group("id")):
            return None
        return m

    def expand(self, template: str, m: re.Match[str]) -> str:
        return template.format(url=m.group(0), **{k: v or "" for k, v in m.groupdict().items()})


def _rule(d: dict, where: str) -> Rule:
    try:
        name, pattern, kind = d["name"], d["match"], d["kind"]
    except KeyError as e:
        raise RulesError(f"{where}: rule {d.get('name', '?')!r} lacks the key {e.args[0]!r}") from None
    if kind not in RULE_KINDS:
        raise RulesError(f"{where}: rule {name!r} has kind {kind!r}; expected one of {', '.join(RULE_KINDS)}")
    try:
        rx = re.compile(pattern, re.I)
        ex = re.compile(d["exclude"], re.I) if d.get("exclude") else None
    except re.error as e:
        raise RulesError(f"{where}: rule {name!r} has a bad regex ({e})") from None
    if "id" not in rx.groupindex:
        raise RulesError(f"{where}: rule {name!r} needs a named group (?P<id>...) in 'match'")
    if d.get("name_from", "text") not in NAME_SOURCES:
        raise RulesError(f"{where}: rule {name!r}: name_from must be one of {', '.join(NAME_SOURCES)}")
    return Rule(name, rx, kind, d.get("canonical", "{url}"), ex, d.get("maintainer", ""), d.get("name_from", "text"))


def parse_rules(text: str, where: str = "rules") -> list[Rule]:
    """Parse a TOML rules document (``[[rule]]`` tables)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"{where}: not valid TOML ({e})") from None
    return [_rule(d, where) for d in data.get("rule", [])]


def load_rules(extra: Iterable[str | Path] = ()) -> list[Rule]:
    """The bundled rules, preceded by the user's own (which therefore win)."""
    rules: list[Rule] = []
    for path in extra:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise RulesError(f"{path}: cannot read rules ({e.strerror or e})") from None
        rules += parse_rules(text, str(path))
    bundled = resources.files("graphbuild") / "data" / "rules.toml"
    return rules + parse_rules(bundled.read_text(encoding="utf-8"), "bundled rules.toml")


def match_url(rules: Iterable[Rule], url: str) -> tuple[Rule, re.Match[str]] | None:
    """The first rule matching ``url`` and its match, or None."""
    for r in rules:
        m = r.match(url)
        if m:
            return r, m
    return None
