"""Our own scorer of a graph against the hand-made gold standard (tests/data/gold-2i2c.json).

It follows the counting rules of the gold's README and of ../shared/eval/score.py (which a test
compares it with): (post, entity) pairs; a predicted node matches one gold entity by normalised
name/alias or URL (required-in-post first, then optional, names before URLs); TP when its mapped
types are a non-empty subset of the gold types; optional matches are ignored; a wrong type is a FP
and leaves a FN; dup = extra nodes per gold entity; relations = gold pairs joined by any
relation-like predicate, either direction.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from urllib.parse import urlsplit

from rdflib import RDF, Graph, Literal, URIRef

S = ("http://schema.org/", "https://schema.org/")
TYPES = {**{ns + "Person": "Person" for ns in S}, **{ns + "Organization": "Organization" for ns in S},
         "http://usefulinc.com/ns/doap#Project": "Project"}
REL = re.compile(r"member|affiliat|worksfor|employ|maintain|fund|sponsor|parentorganization|suborganization|"
                 r"partof|haspart|ispartof|founder|creator|contributor|organizer|organiser|developer|publisher|"
                 r"producer|owner|department|alumni|host", re.I)


def key(s) -> str:
    s = "".join(c for c in unicodedata.normalize("NFKD", str(s)).casefold() if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", s)


def url_key(u) -> str | None:
    p = urlsplit(str(u).strip())
    if p.scheme not in ("http", "https"):
        return None
    host = (p.hostname or "").lower().removeprefix("www.")
    path = p.path.rstrip("/")
    if host in ("github.com", "linkedin.com", "x.com", "twitter.com"):
        path = path.lower()
    port = f":{p.port}" if p.port and p.port not in (80, 443) else ""
    return host + port + path + ("?" + p.query if p.query else "")


def score(g: Graph, gold_path) -> dict:
    gold = json.load(open(gold_path, encoding="utf-8"))
    ents = {e["id"]: e for e in gold["entities"]}
    by_name, by_url = defaultdict(set), defaultdict(set)
    for e in gold["entities"]:
        for n in [e["name"], *e.get("aliases", [])]:
            by_name[key(n)].add(e["id"])
        for u in e.get("urls", []):
            if url_key(u):
                by_url[url_key(u)].add(e["id"])

    def node(n):
        names = {key(o) for p in S for o in g.objects(n, URIRef(p + "name")) if isinstance(o, Literal)}
        names |= {key(o) for p in S for o in g.objects(n, URIRef(p + "alternateName"))}
        urls = {url_key(o) for p in S for q in ("sameAs", "url") for o in g.objects(n, URIRef(p + q))}
        urls.add(url_key(n))
        types = sorted({TYPES[str(t)] for t in g.objects(n, RDF.type) if str(t) in TYPES})
        cands = {gid: "url" for u in urls if u for gid in by_url.get(u, ())}
        cands.update({gid: "name" for k in names if k for gid in by_name.get(k, ())})
        return cands, types

    def choose(cands, req, opt):
        if not cands:
            return None
        return min(cands, key=lambda gid: (0 if gid in req else 1 if gid in opt else 2, cands[gid] != "name", gid))

    def cat(types):
        t = set(types)
        return {frozenset({"Person"}): "Person", frozenset({"Organization"}): "Organization",
                frozenset({"Project"}): "Project", frozenset({"Organization", "Project"}): "Org|Project"}.get(
            frozenset(t), "mixed")

    posts = {}
    for p in S:
        for pn in g.subjects(RDF.type, URIRef(p + "BlogPosting")):
            posts[url_key(pn)] = pn
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    mentioned = set()
    for gp in gold["posts"]:
        req, opt = set(gp["required"]), set(gp.get("optional", []))
        pn = posts.get(url_key(gp["url"]))
        found = set()
        for p in S:
            found |= set(g.objects(pn, URIRef(p + "mentions"))) if pn is not None else set()
        mentioned |= found
        credited, wrong, fps = {}, {}, {}
        for m in sorted(found, key=str):
            cands, types = node(m)
            gid = choose(cands, req, opt)
            if not types or gid in opt:
                continue
            if gid in req:
                (credited if set(types) <= set(ents[gid]["types"]) else wrong).setdefault(gid, types)
                continue
            fps.setdefault(gid or str(m), types)
        for gid in credited:
            tp[cat(ents[gid]["types"])] += 1
        for gid, types in wrong.items():
            if gid not in credited:
                fp[cat(types)] += 1
        for types in fps.values():
            fp[cat(types)] += 1
        for gid in gp["required"]:
            if gid not in credited:
                fn[cat(ents[gid]["types"])] += 1
    rows = {}
    for c in ("Person", "Organization", "Project", "Org|Project"):
        rows[c] = _prf(tp[c], fp[c], fn[c])
    rows["overall"] = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    by_gold = defaultdict(set)
    for m in mentioned:
        gid = choose(node(m)[0], set(), set())
        if gid:
            by_gold[gid].add(m)
    dup = sum(len(v) - 1 for v in by_gold.values() if len(v) > 1)
    ent_nodes = defaultdict(set)
    for s in set(g.subjects()):
        for gid in node(s)[0]:
            ent_nodes[gid].add(s)
    preds = {p for p in set(g.predicates()) if REL.search(re.split(r"[/#]", str(p).rstrip("/#"))[-1])}
    hits = 0
    for r in gold["relations"]:
        hits += any((a, p, b) in g or (b, p, a) in g for a in ent_nodes[r["subject"]]
                    for b in ent_nodes[r["object"]] for p in preds)
    return {"rows": rows, "dup": dup, "relation_recall": hits / len(gold["relations"])}


def _prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}
