"""Score the consensus box on the seed articles against the hand-written gold facts.

    python3 benchmarks/consensus_seeds.py [--gold tests/gold/seed_facts.yaml] [--max-facts N]

Each seed file is one origin (the story is all five); origins are named by the file's
three-digit prefix, as in the gold file. Prints every produced fact with the gold fact it matched
(or "-" for a wrong or redundant line), then precision, recall and F0.5 (precision weighs more:
a wrong line costs more trust than a missing one). The matching rules are in the gold file's
header. Run with the shipped settings (``max_facts`` = 8) and with the cap lifted, which shows
what the cap leaves out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from anyascii import anyascii

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.config import ConsensusSettings  # noqa: E402
from digest.consensus import find_facts  # noqa: E402
from digest.models import Fact, Origin, Story  # noqa: E402
from digest.sources import read_folder  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "seed_facts.yaml"


def seed_story() -> Story:
    articles, problems = read_folder(ROOT / "seeds", source="seeds")
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    origins = tuple(Origin(Path(a.location).name[:3], (a,)) for a in articles)
    return Story("seeds", "Netflix and generative AI", origins)


def _words(fact: Fact) -> str:
    return anyascii(" ".join([fact.text, *(v.value for v in fact.values)])).lower()


def _values_fit(fact: Fact, gold: dict) -> bool:
    if fact.status == "consensus" or "values" not in gold:
        return True
    known = {v["value"].lower(): set(v["sources"]) for v in gold["values"]}
    return all(set(v.origin_ids) <= known.get(v.value.lower(), set()) for v in fact.values)


def matches(fact: Fact, gold: dict) -> bool:
    """The lenient match described in the gold file's header."""
    words = _words(fact)
    return (fact.status == gold["status"]
            and any(all(anyascii(w).lower() in words for w in alternative) for alternative in gold["match"])
            and set(fact.origin_ids) <= set(gold["sources"])
            and _values_fit(fact, gold))


def score(facts: tuple[Fact, ...], gold: list[dict]) -> tuple[list[tuple[Fact, str]], dict[str, float]]:
    """Each fact with the gold id it matched ("" if none), and precision, recall, F0.5."""
    taken: set[str] = set()
    pairs = []
    for fact in facts:
        found = next((g["id"] for g in gold if g["id"] not in taken and matches(fact, g)), "")
        taken.add(found)
        pairs.append((fact, found))
    required = [g["id"] for g in gold if not g.get("optional")]
    correct = sum(1 for _, found in pairs if found)
    precision = correct / len(facts) if facts else 1.0
    recall = sum(1 for g in required if g in taken) / len(required)
    f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return pairs, {"facts": len(facts), "correct": correct, "precision": precision, "recall": recall, "f0.5": f05}


def report(title: str, facts: tuple[Fact, ...], gold: list[dict]) -> dict[str, float]:
    pairs, totals = score(facts, gold)
    print(f"\n{title}")
    print(f"{'status':10} {'k/N':>4}  {'gold':26} text")
    for fact, found in pairs:
        print(f"{fact.status:10} {fact.count}/{fact.total:<2}  {found or '-':26} {fact.text[:80]}")
    print(f"precision {totals['precision']:.3f}  recall {totals['recall']:.3f}  F0.5 {totals['f0.5']:.3f}  "
          f"({totals['correct']} of {totals['facts']} lines correct)")
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--max-facts", type=int, default=ConsensusSettings().max_facts)
    args = parser.parse_args()
    gold = yaml.safe_load(args.gold.read_text(encoding="utf-8"))["facts"]
    story = seed_story()
    shipped = find_facts(story, ConsensusSettings(max_facts=args.max_facts))
    report(f"shipped settings (max_facts={args.max_facts})", shipped, gold)
    report("cap lifted (max_facts=50)", find_facts(story, ConsensusSettings(max_facts=50)), gold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
