"""Deterministic synthetic RSS 2.0 feed for benchmarks: realistic posts (3-6 KB of HTML, 10-30
links) naming people, organisations and projects drawn with skewed (Zipf-like) popularity.

usage: python benchmarks/gen_feed.py N_POSTS OUT.xml [--seed 1]
"""
from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

SITE = "https://bench.example.org"
FIRST = "Ada Alan Grace Linus Guido Barbara Margaret Donald Edsger Frances Hedy Katherine Radia Tim Vint " \
        "Jean Sophie Ravi Mei Omar Lena Kofi Ines Yuki Arjun Noor Pablo Zara Ivan Chloe".split()
LAST = "Lovelace Turing Hopper Torvalds Rossum Liskov Hamilton Knuth Dijkstra Allen Lamarr Johnson " \
       "Perlman Berners Cerf Bartik Wilson Patel Chen Haddad Novak Mensah Costa Tanaka Rao Aziz Ortiz " \
       "Kowalski Petrov Dubois".split()
ORG_HEAD = "Northern Southern Eastern Western Central Coastal Open Federated Applied Digital".split()
ORG_TAIL = ["Institute for Data Science", "University", "Research Foundation", "Computing Lab",
            "Science Council", "Data Consortium", "Climate Center", "Software Alliance"]
PROJ_A = "py hub lab flow kit geo sci nb data cloud jet arc".split()
PROJ_B = "viz store graph cast lint sync forge pipe map grid serve base".split()
FILLER = ("The team spent the last quarter improving reliability and documentation. "
          "Several communities asked for better onboarding, so we wrote new guides. "
          "We also reviewed open pull requests and triaged issues with maintainers. "
          "Infrastructure costs were reduced by tuning autoscaling and storage. ").split(". ")


def entities(rng: random.Random, n_people=2000, n_orgs=800, n_projects=1200):
    people, orgs, projects = set(), set(), set()
    while len(people) < n_people:
        people.add(f"{rng.choice(FIRST)} {rng.choice(LAST)}{'' if rng.random() < .7 else rng.choice('ABCDEFG')}")
    while len(orgs) < n_orgs:
        orgs.add(f"{rng.choice(ORG_HEAD)} {rng.choice(LAST)} {rng.choice(ORG_TAIL)}")
    while len(projects) < n_projects:
        projects.add(f"{rng.choice(PROJ_A)}{rng.choice(PROJ_B)}{rng.randint(1, 99)}")
    return sorted(people), sorted(orgs), sorted(projects)


def zipf_pick(rng: random.Random, items: list[str]) -> str:
    # rank r has weight ~ 1/r: a few are everywhere, most are rare
    i = int(len(items) ** rng.random()) - 1
    return items[min(i, len(items) - 1)]


def slug(s: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in s.lower()).strip("-")


def link(kind: str, name: str, rng: random.Random) -> str:
    if kind == "person":
        href = rng.choice([f"{SITE}/author/{slug(name)}/", f"https://www.linkedin.com/in/{slug(name)}-{len(name)}",
                           f"https://github.com/{slug(name).replace('-', '')}"])
    elif kind == "org":
        href = f"{SITE}/collaborators/{slug(name)}/"
    else:
        href = f"https://github.com/{slug(name)}-org/{name}"
    return f'<a href="{escape(href)}">{escape(name)}</a>'


def post_html(rng: random.Random, people, orgs, projects) -> str:
    parts = []
    n_links = rng.randint(10, 30)
    made = 0
    while made < n_links or sum(map(len, parts)) < 3000:
        kind = rng.choice(["person", "person", "org", "project"])
        name = zipf_pick(rng, {"person": people, "org": orgs, "project": projects}[kind])
        other = zipf_pick(rng, orgs)
        if made < n_links:
            made += 1
            sent = rng.choice([
                f"Thanks to {link(kind, name, rng)} for their help with the migration.",
                f"{link(kind, name, rng)} ({escape(other)}) presented the new roadmap.",
                f"We worked with {link(kind, name, rng)} on shared infrastructure.",
                f"The {link(kind, name, rng)} community contributed documentation and tests.",
            ])
        else:
            sent = f"{escape(name)} was also mentioned in the discussion."
        filler = ". ".join(rng.sample(FILLER, 2)).strip() + "."
        parts.append(f"<p>{sent} {filler}</p>\n")
    return "".join(parts)[:6000]


def generate(n_posts: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    people, orgs, projects = entities(rng)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    items = []
    for i in range(n_posts):
        html = post_html(rng, people, orgs, projects)
        date = format_datetime(start + timedelta(hours=7 * i))
        items.append(f"<item><title>Post {i}: {xml_escape(zipf_pick(rng, projects))} update</title>"
                     f"<link>{SITE}/blog/post-{i}/</link><guid>{SITE}/blog/post-{i}/</guid>"
                     f"<pubDate>{date}</pubDate><description>{xml_escape(html)}</description></item>\n")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Benchmark feed</title><link>{SITE}/</link><description>synthetic</description>\n"
            + "".join(items) + "</channel></rss>\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(generate(a.n, a.seed))


if __name__ == "__main__":
    main()
