"""How well do pair scores separate sentences stating one gold fact from other cross-source pairs?

    python3 benchmarks/statement_pairs.py DATA_PATH [--gold FILE|all] [--only neus|emergent] [--missed]

Tuning halves only (``split: tuning``; held-out stories are never read). For each required consensus
fact of a gold story, the pool sentences (``members.pool_of``) of its sources holding one of its
``match`` alternatives are its sentences; a pair of them from two sources is a positive. Every other
pair of sentences of two different sources of the story is a negative. Each score is reported as AUC
(the chance a positive outranks a negative) and as precision at 50 % and 75 % of the positives.
``--only``: the NeuS stories (three outlets' leads) or the Emergent claims (many outlets' headlines, where
one fact gives dozens of positives) alone.

Scores: ``words`` (IDF-weighted Dice of whole sentences, ``StatementMatcher.score``), ``clause words``
(``StatementMatcher.clause_score``: gated by shared anchors and rare words, else 0), ``cosine`` (WordLlama
on whole sentences), ``clause cosine`` (the best WordLlama cosine of a clause of one and a clause of the
other, ``clauses.clauses``), ``clause dice`` (the best IDF Dice of two clauses, no gate), and ``matched``
(``StatementMatcher.same``: what the box pairs).

``--missed``: for every required fact no line matched, its positive pairs with each score, whether the
box pairs them, and whether each sentence may seed a line (``unfit``: a fragment or a figure sentence).
"""

from __future__ import annotations

import argparse
import math
import sys
from itertools import combinations
from pathlib import Path

from anyascii import anyascii

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
import news_facts_eval as nfe  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.facts import clauses, consensus, members, names, statements  # noqa: E402
from digest.facts.consensus import find_facts  # noqa: E402


def tuning_stories(data: Path, files, only: str = "") -> list[tuple[dict, object]]:
    golds = {str(s["id"]): s for s in nfe.load_golds(files) if s["split"] == "tuning" and only in ("", s["data"])}
    stories = nfe.neus_stories(data, {i for i, s in golds.items() if s["data"] == "neus"})
    stories |= ce.emergent_stories(data, {i for i, s in golds.items() if s["data"] == "emergent"})
    return [(golds[i], stories[i]) for i in golds]


def holds(text: str, fact: dict) -> bool:
    words = anyascii(text).lower()
    return any(all(anyascii(w).lower() in words for w in alternative) for alternative in fact["match"])


def required(gold: dict) -> list[dict]:
    """A gold story's required consensus facts (neither optional nor disputed)."""
    return [g for g in gold.get("facts", []) if g.get("status", "consensus") == "consensus" and not g.get("optional")]


def holding(scored: "Scored", fact: dict) -> set[int]:
    """The pool sentences (indices) of the fact's gold sources that hold it (``holds``)."""
    return {i for i, s in enumerate(scored.pool) if s.source.split("#")[0] in fact["sources"] and holds(s.text, fact)}


class Scored:
    """One story's pool, matcher and every pair score."""

    def __init__(self, story, encoder):
        sources = consensus._sources(story)
        said = consensus._said(story, sources)
        self.pool, previous, before = members.pool_of(said)
        self.texts = [s.text for s in self.pool]
        names_said = [s for s in said if s.kind in ("paragraph", "bullet")]
        common = names.lower_case_words(s.text for s in names_said)
        _, canon = names.variant_facts(names_said, common, len(set(sources.values())), 2)
        similar = encoder.similarity(self.texts) if encoder and self.texts else None
        self.matcher = statements.StatementMatcher(self.texts, canon, previous, similar)
        self.encoder = encoder
        self.clause_texts = [clauses.clauses(t) for t in self.texts]
        self.unfit = statements.unfit_seeds(self.pool, previous, before)

    def clause_cosine(self, i: int, j: int) -> float:
        a, b = self.clause_texts[i], self.clause_texts[j]
        vectors = self.encoder.vectors([*a, *b])
        return float((vectors[:len(a)] @ vectors[len(a):].T).max())

    def clause_dice(self, i: int, j: int) -> float:
        m = self.matcher
        bags = [[frozenset(names.stems(c)) for c in self.clause_texts[k]] for k in (i, j)]
        return max(m._dice(x, y) for x in bags[0] for y in bags[1])

    def scores(self, i: int, j: int) -> dict[str, float]:
        m = self.matcher
        found = {"words": m.score(i, j), "clause words": m.clause_score(i, j), "clause dice": self.clause_dice(i, j),
                 "matched": float(m.same(i, j))}
        if m.similar is not None:
            found["cosine"] = float(m.similar[i, j])
            found["clause cosine"] = self.clause_cosine(i, j)
        return found


def auc(positives: list[float], negatives: list[float]) -> float:
    ranked = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    wins, seen_neg, k = 0.0, 0, 0
    while k < len(ranked):  # ties count half
        same = [label for s, label in ranked if s == ranked[k][0]]
        pos = sum(same)
        wins += pos * seen_neg + pos * (len(same) - pos) / 2
        seen_neg += len(same) - pos
        k += len(same)
    return wins / (len(positives) * len(negatives)) if positives and negatives else math.nan


def precision_at(positives: list[float], negatives: list[float], share: float) -> tuple[float, float]:
    """(threshold, precision) at which ``share`` of the positives score at least the threshold."""
    ranked = sorted(positives, reverse=True)
    cut = ranked[max(0, math.ceil(share * len(ranked)) - 1)]
    tp = sum(s >= cut for s in positives)
    fp = sum(s >= cut for s in negatives)
    return cut, tp / (tp + fp)


def measure(rows, encoder, missed_ids: dict[str, set[str]]) -> None:
    positives: dict[str, list[float]] = {}
    negatives: dict[str, list[float]] = {}
    for gold, story in rows:
        scored = Scored(story, encoder)
        facts = required(gold)
        members = {g["id"]: holding(scored, g) for g in facts}
        positive = {tuple(sorted(p)) for ids in members.values() for p in combinations(sorted(ids), 2)
                    if scored.pool[p[0]].source != scored.pool[p[1]].source}
        for i, j in combinations(range(len(scored.pool)), 2):
            if scored.pool[i].source == scored.pool[j].source:
                continue
            target = positives if (i, j) in positive else negatives
            for name, value in scored.scores(i, j).items():
                target.setdefault(name, []).append(value)
        for g in facts:
            if g["id"] in missed_ids.get(str(gold["id"]), ()):
                show_missed(gold, g, scored, members[g["id"]])
    print(f"\npairs: {len(next(iter(positives.values())))} positive, {len(next(iter(negatives.values())))} negative")
    print(f"{'score':14} {'AUC':>6} {'P@R.50':>14} {'P@R.75':>14}")
    for name in positives:
        half, three = (precision_at(positives[name], negatives[name], s) for s in (0.5, 0.75))
        print(f"{name:14} {auc(positives[name], negatives[name]):6.3f} "
              f"{half[1]:6.3f} @{half[0]:5.2f} {three[1]:6.3f} @{three[0]:5.2f}")


def show_missed(gold: dict, fact: dict, scored: Scored, ids: set[int]) -> None:
    print(f"\n{gold['id']} MISSED {fact['id']} {fact['match']}")
    for i in sorted(ids):
        print(f"  [{scored.pool[i].source}{' unfit' if i in scored.unfit else ''}] {scored.texts[i][:200]}")
    for i, j in combinations(sorted(ids), 2):
        if scored.pool[i].source != scored.pool[j].source:
            shown = " ".join(f"{k}={v:.2f}" for k, v in scored.scores(i, j).items())
            print(f"    {i}-{j}: {shown}")


def missed_facts(rows, encoder) -> dict[str, set[str]]:
    found = {}
    for gold, story in rows:
        facts = find_facts(story, ConsensusSettings(max_facts=50), every=True, encoder=encoder)
        pairs, _ = ce.score(facts, gold.get("facts", []))
        hit = {f for _, f in pairs}
        found[str(gold["id"])] = {g["id"] for g in gold.get("facts", []) if g["id"] not in hit}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--gold", default="all")
    parser.add_argument("--only", choices=("neus", "emergent"), default="")
    parser.add_argument("--missed", action="store_true")
    args = parser.parse_args()
    encoder = ce.matcher(False).encoder
    rows = tuning_stories(args.data, nfe.gold_files(args.gold), args.only)
    measure(rows, encoder, missed_facts(rows, encoder) if args.missed else {})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
