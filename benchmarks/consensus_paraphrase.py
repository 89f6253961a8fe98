"""The paraphrase model (``digest.facts.paraphrase``) on the MSR Paraphrase Corpus, alone and with
the statement matcher; its cost.

    python3 benchmarks/consensus_paraphrase.py /work/shared/data/msrp [--json]

Thresholds are chosen on the train pairs (best F1, and best F0.5: the box favours precision) and
reported on the test pairs. Rules compared, each pair of sentences scored:
- matcher: ``StatementMatcher.same`` at its shipped thresholds (``consensus_msrp``);
- cosine: embedding cosine >= t;
- matcher or cosine: either says same (what a paraphrase signal adds to word overlap);
- matcher and cosine: both say same (a veto);
- matcher with model: ``StatementMatcher`` given the cosines, at its shipped ``veto`` and
  ``paraphrase`` thresholds (chosen on the news gold's tuning half and the seeds, see statements.py).
Cost: import of wordllama, model load, sha256 of the weights, and ms per
sentence embedded (batches of 64, CPU; the machine is shared, so times are noisy).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import consensus_msrp  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.facts import paraphrase  # noqa: E402
from digest.facts.statements import StatementMatcher  # noqa: E402

GRID = [round(0.30 + 0.01 * k, 2) for k in range(66)]


def prf(said: list[tuple[int, bool]]) -> dict[str, float]:
    tp = sum(1 for label, same in said if same and label)
    fp = sum(1 for label, same in said if same and not label)
    positives = sum(label for label, _ in said)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / positives if positives else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "f0.5": round(f05, 3)}


class Pairwise:
    """Cosine of two texts on demand (a corpus-wide square array would hold 8,000² floats)."""

    def __init__(self, vectors):
        self.vectors = vectors

    def __getitem__(self, pair: tuple[int, int]) -> float:
        return float(self.vectors[pair[0]] @ self.vectors[pair[1]])


def judged(labelled, encoder) -> tuple[list[int], list[bool], list[float], list[bool]]:
    """Labels, the matcher's word rules, the cosine, and the matcher as shipped with the model."""
    texts = sorted({t for _, a, b in labelled for t in (a, b)})
    index = {t: i for i, t in enumerate(texts)}
    matcher = StatementMatcher(texts)
    with_model = StatementMatcher(texts, similar=Pairwise(encoder.vectors(texts)))
    labels = [label for label, _, _ in labelled]
    said = [matcher.same(index[a], index[b]) for _, a, b in labelled]
    cosine = [with_model.similar[index[a], index[b]] for _, a, b in labelled]
    shipped = [with_model.same(index[a], index[b]) for _, a, b in labelled]
    return labels, said, cosine, shipped


RULES = {
    "cosine": lambda same, cos, t: cos >= t,
    "matcher or cosine": lambda same, cos, t: same or cos >= t,
    "matcher and cosine": lambda same, cos, t: same and cos >= t,
}


def score(split, rule: str, t: float) -> dict[str, float]:
    labels, said, cosine, _ = split
    return prf([(label, RULES[rule](s, c, t)) for label, s, c in zip(labels, said, cosine)])


def cost(data: Path) -> tuple[dict, paraphrase.Encoder]:
    started = time.perf_counter()
    import wordllama  # noqa: F401  (the import alone)
    imported = time.perf_counter()
    folder = paraphrase.package_folder()
    reason = paraphrase.why_not(folder)
    hashed = time.perf_counter()
    if reason:
        raise SystemExit(reason)
    loaded = paraphrase.load(ConsensusSettings(), {})
    ready = time.perf_counter()
    sample = sorted({t for _, a, b in consensus_msrp.pairs(data / consensus_msrp.FILES[1]) for t in (a, b)})[:1000]
    fresh = paraphrase.Encoder(loaded.encoder.model, folder)
    began = time.perf_counter()
    fresh.vectors(sample)
    done = time.perf_counter()
    return {"import s": round(imported - started, 2), "sha256 s": round(hashed - imported, 2),
            "load s": round(ready - hashed, 2), "ms per sentence": round(1000 * (done - began) / len(sample), 2),
            "sentences timed": len(sample), "sha256": paraphrase.sha256(folder / paraphrase.WEIGHTS)}, loaded.encoder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder holding the MSRP .txt files")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    costs, encoder = cost(args.data)
    train, test = (judged(consensus_msrp.pairs(args.data / name), encoder) for name in consensus_msrp.FILES)
    shipped = f"matcher with model (veto {StatementMatcher.veto:.2f}, anchored {StatementMatcher.paraphrase:.2f})"
    result = {"cost": costs,
              "matcher": {"train": prf(list(zip(train[0], train[1]))), "test": prf(list(zip(test[0], test[1])))},
              shipped: {"train": prf(list(zip(train[0], train[3]))), "test": prf(list(zip(test[0], test[3])))}}
    for rule in RULES:
        for aim in ("f1", "f0.5"):
            best = max(GRID, key=lambda t: (score(train, rule, t)[aim], t))
            result[f"{rule} (t={best:.2f}, best {aim} on train)"] = {
                "train": score(train, rule, best), "test": score(test, rule, best)}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("cost:", ", ".join(f"{k} {v}" for k, v in costs.items()))
    print(f"{'rule':52} {'split':5} {'P':>6} {'R':>6} {'F1':>6} {'F0.5':>6}")
    for rule, splits in result.items():
        if rule == "cost":
            continue
        for split, row in splits.items():
            print(f"{rule:52} {split:5} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} {row['f0.5']:>6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
