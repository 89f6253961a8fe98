"""Labelled article sets for the dedup benchmarks, built from ../shared/data (never copied here).

``bbc(path)`` / ``neus(path)`` / ``emergent(path)`` read the corpora as Articles; ``make_copy``
makes the realistic copies the copy benchmark labels: a new headline, a boilerplate footer, a
dropped paragraph, a few words changed, a truncated reprint, a wire copy with a local paragraph,
and all of these at once. Every random choice comes from a seeded ``random.Random``.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.models import Article, Block, stable_id  # noqa: E402

KINDS = ("headline", "footer", "dropped", "edited", "truncated-half", "truncated-third",
         "truncated-fifth", "local", "combined")
FOOTERS = (
    "This article originally appeared on {outlet}. Copyright 2025 {outlet} Media Group. All rights reserved. "
    "This material may not be published, broadcast, rewritten or redistributed without permission.",
    "Sign up for the {outlet} morning newsletter to get the day's top stories in your inbox. "
    "Follow {outlet} on social media for breaking news, and send your tips to our newsroom.",
    "{outlet} may earn a commission from links on this page. Our journalism is independent and "
    "reader funded: subscribe today to support reporting you can trust from {outlet}.",
)


def article(key: str, title: str, paragraphs: list[str], outlet: str, url: str | None = None) -> Article:
    blocks = tuple(Block("paragraph", p.strip()) for p in paragraphs if p.strip())
    return Article(id=stable_id("bench", key), location=key, title=title.strip(), outlet=outlet, blocks=blocks, url=url)


def bbc(path: Path) -> list[Article]:
    """The 2,225 BBC articles, outlet "BBC", one block per paragraph, keyed by doc_id."""
    rows = [json.loads(line) for line in (path / "bbc_articles.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [article(r["doc_id"], r["title"], r["text"].split("\n\n"), "BBC") for r in rows]


def bbc_pairs(path: Path) -> list[tuple[str, str, float]]:
    """BBC's own near-duplicates (5-shingle Jaccard >= 0.5): duplicates and updated versions."""
    pairs = json.loads((path / "near_duplicate_pairs_j050.json").read_text(encoding="utf-8"))
    return [(p["a"], p["b"], p["jaccard_5shingle"]) for p in pairs]


def neus(path: Path, split: str = "test") -> list[tuple[str, list[Article]]]:
    """NeuS triples: one story told by three outlets (title + lead), each outlet its own name."""
    triples = []
    for line in (path / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        members = [article(f"neus/{row['id']}/{k}", a["title"], [a["text"]], f"neus {row['id']} outlet {k}")
                   for k, a in enumerate(row["source_articles"])]
        triples.append((row["id"], members))
    return triples


def emergent(path: Path) -> list[tuple[str, Article]]:
    """(claim id, headline-only Article) for the 2,595 Emergent headlines; outlet is the source site."""
    found = []
    for line in (path / "emergent_claims.jsonl").read_text(encoding="utf-8").splitlines():
        claim = json.loads(line)
        for a in claim["articles"]:
            found.append((claim["claim_id"], article(f"emergent/{a['article_id']}", a["headline"], [a["headline"]],
                                                     a["source"], a["url"])))
    return found


def make_copy(original: Article, kind: str, rng: random.Random, donor: Article, outlet: str) -> Article:
    """A realistic copy of ``original`` of the given kind, published by ``outlet``."""
    prose = [b.text for b in original.blocks]
    title = original.title
    if kind in ("headline", "combined"):
        title = f"{rng.choice(['Report', 'Update', 'Explainer', 'Latest'])}: {' '.join(reversed(title.split()))}"
    if kind in ("dropped", "combined") and len(prose) > 2:
        del prose[rng.randrange(1, len(prose) - 1)]
    if kind in ("edited", "combined"):
        prose = _edit_words(prose, rng)
    if kind.startswith("truncated"):
        prose = _truncate(prose, {"truncated-half": 0.5, "truncated-third": 1 / 3, "truncated-fifth": 0.2}[kind])
    if kind == "local":  # a local intro paragraph the original never had
        prose = [donor.blocks[0].text] + prose
    if kind in ("footer", "combined"):
        prose.append(FOOTERS[hash_index(outlet, len(FOOTERS))].format(outlet=outlet))
    return dataclasses.replace(original, id=stable_id("copy", original.id, kind), location=f"{original.location}#{kind}",
                               title=title, outlet=outlet, blocks=tuple(Block("paragraph", p) for p in prose))


def hash_index(text: str, modulo: int) -> int:
    return int(stable_id(text), 16) % modulo


def _edit_words(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A few words changed: one word in 80 (at least one) swapped for another word of the article."""
    words = [p.split() for p in paragraphs]
    places = [(i, j) for i, p in enumerate(words) for j in range(len(p))]
    vocabulary = sorted({w for p in words for w in p})
    for i, j in rng.sample(places, min(len(places), max(1, len(places) // 80))):
        words[i][j] = rng.choice(vocabulary)
    return [" ".join(p) for p in words]


def _truncate(paragraphs: list[str], share: float) -> list[str]:
    """The first paragraphs holding at least ``share`` of the words (whole paragraphs, at least one)."""
    total = sum(len(p.split()) for p in paragraphs)
    kept, words = [], 0
    for p in paragraphs:
        kept.append(p)
        words += len(p.split())
        if words >= share * total:
            break
    return kept


def with_dateline(original: Article, dateline: str, outlet: str) -> Article:
    """The article as a wire dispatch: the dateline opens its first paragraph."""
    first = Block("paragraph", f"{dateline} {original.blocks[0].text}")
    return dataclasses.replace(original, outlet=outlet, blocks=(first,) + original.blocks[1:])


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of "same group" and the adjusted Rand index, from a contingency table."""
    from collections import Counter
    from math import comb
    keys = sorted(gold)
    cells = Counter((gold[k], predicted[k]) for k in keys)
    same_both = sum(comb(n, 2) for n in cells.values())
    same_gold = sum(comb(n, 2) for n in Counter(gold[k] for k in keys).values())
    same_pred = sum(comb(n, 2) for n in Counter(predicted[k] for k in keys).values())
    total = comb(len(keys), 2)
    precision = same_both / same_pred if same_pred else 1.0
    recall = same_both / same_gold if same_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = same_gold * same_pred / total if total else 0.0
    maximum = (same_gold + same_pred) / 2
    ari = (same_both - expected) / (maximum - expected) if maximum != expected else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari,
            "true_pairs": same_both, "predicted_pairs": same_pred, "gold_pairs": same_gold}
