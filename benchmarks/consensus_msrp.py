"""Precision of the consensus box's sentence matcher on the MSR Paraphrase Corpus.

    python3 benchmarks/consensus_msrp.py /work/shared/data/msrp [--sweep]

MSRP (Dolan & Brockett 2005) holds sentence pairs from news clusters about one event, labelled
paraphrase or not: close to the box's question "do two sources state the same fact?". Each file
is one "story" for the matcher's IDF (the corpus has no story grouping, so words rare in the
file count as rare: a looser test of the rare-word rule than a real story gives). The matcher
is ``digest.facts.statements.StatementMatcher`` at its shipped threshold; ``--sweep`` also prints other
thresholds, to show where the shipped one sits. The data is read in place, never copied.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.facts.statements import StatementMatcher  # noqa: E402

FILES = ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt")
SWEEP = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def pairs(path: Path) -> list[tuple[int, str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        return [(int(r[0]), r[3], r[4]) for r in rows if len(r) == 5]


def scores(labelled: list[tuple[int, str, str]], threshold: float) -> dict[str, float]:
    texts = sorted({t for _, a, b in labelled for t in (a, b)})
    index = {t: i for i, t in enumerate(texts)}
    matcher = StatementMatcher(texts)
    matcher.threshold = threshold
    said = [(label, matcher.same(index[a], index[b])) for label, a, b in labelled]
    tp = sum(1 for label, same in said if same and label)
    fp = sum(1 for label, same in said if same and not label)
    positives = sum(label for label, _ in said)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return {"pairs": len(said), "matched": tp + fp, "precision": precision, "recall": recall,
            "f0.5": f05, "base rate": positives / len(said)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder holding the MSRP .txt files")
    parser.add_argument("--sweep", action="store_true", help="also score other thresholds")
    args = parser.parse_args()
    thresholds = sorted({StatementMatcher.threshold, *(SWEEP if args.sweep else ())})
    header = ("file", "threshold", "pairs", "matched", "precision", "recall", "F0.5", "base")
    print("{:28} {:>9} {:>6} {:>7} {:>9} {:>6} {:>6} {:>5}".format(*header))
    for name in FILES:
        labelled = pairs(args.data / name)
        for threshold in thresholds:
            row = scores(labelled, threshold)
            mark = "*" if threshold == StatementMatcher.threshold else " "
            print(f"{name:28} {threshold:>8.2f}{mark} {row['pairs']:>6} {row['matched']:>7} "
                  f"{row['precision']:>9.3f} {row['recall']:>6.3f} {row['f0.5']:>6.3f} {row['base rate']:>5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
