"""ROUGE-1/2 of digest's summaries against every plain sumy summarizer and lead baselines.

    python3 benchmarks/summary_rouge.py /work/shared/data/neus_allsides/test.jsonl
    python3 -m pip install -e ".[bench]"   # rouge-score: only the benchmarks need it

Data: NeuS / AllSides, one story per line told by three outlets (``source_articles``, each a
title and its lead text) with an editor-written neutral summary (``reference``). Candidates are
the sentences of the three texts (titles are headlines, not sentences), split with digest's own
splitter, each text one paragraph of its own article, in the file's order.

Every system gets the same word budget: the reference's length in words (``digest.text.sentences.words``).
Two protocols, both printed:

- **budget** (what digest does): whole sentences only, none cut, the total within the budget.
  A plain sumy summarizer walks its own ranking and takes each sentence that still fits;
  ``lead-rr`` takes the first sentence of each source in turn, then the second ones, ...;
  ``lead-1`` takes the first source's sentences in order. ``digest`` is ``summarize()`` with the
  default ``SummarySettings`` and ``words_per_theme`` set to the budget (below the config's
  floor of 20 when a reference is shorter: the settings are copied without validation).
- **truncated** (DUC style): each system's sentences in its order of preference until the budget
  is reached, then the text is cut at the budget's word, so every system is scored at exactly
  the reference's length. For digest the preference order is its summary followed by the rest of
  its ranking (sentences it declined are appended in sumy's order, so it is never short).

Scores are F1 (budget) and recall (truncated) from ``rouge_score`` with Porter stemming, averaged
over stories, with a 95% bootstrap interval (1,000 resamples, fixed seed) for ROUGE-2 and the
share of stories where digest's ROUGE-2 beats each system's.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rouge_score import rouge_scorer  # noqa: E402

from digest.config import SummarySettings  # noqa: E402
from digest.models import Sentence  # noqa: E402
from digest.text.sentences import split, words  # noqa: E402
from digest.summary.summarize import summarize, sumy_order  # noqa: E402

SUMY = ("lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson")
# candidates, budget -> (the budget protocol's sentences, every sentence in order of preference)
System = Callable[[list[Sentence], int], tuple[list[Sentence], list[Sentence]]]


def stories(path: Path) -> list[tuple[list[Sentence], str]]:
    """(candidate sentences, reference text) per story."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        candidates = []
        for number, source in enumerate(row["source_articles"]):
            for index, text in enumerate(split(source["text"])):
                candidates.append(Sentence(text, f"{row['id']}/{number}", 0, index))
        found.append((candidates, row["reference"]["text"]))
    return found


def size(sentence: Sentence) -> int:
    return len(words(sentence.text))


def fit(preference: Sequence[Sentence], budget: int) -> list[Sentence]:
    """Whole sentences in preference order, each taken if it still fits."""
    taken, used = [], 0
    for sentence in preference:
        if used + size(sentence) <= budget:
            taken.append(sentence)
            used += size(sentence)
    return taken


def truncate(preference: Sequence[Sentence], budget: int) -> str:
    return " ".join(" ".join(s.text for s in preference).split()[:budget])


def digest_settings(budget: int, settings: SummarySettings) -> SummarySettings:
    return settings.model_copy(update={"words_per_theme": budget})


def digest_system(settings: SummarySettings) -> System:
    def run(candidates: list[Sentence], budget: int) -> tuple[list[Sentence], list[Sentence]]:
        chosen = list(summarize(candidates, digest_settings(budget, settings)))
        rest = [candidates[i] for i in sumy_order(candidates, settings.algorithm)]
        return chosen, chosen + [s for s in rest if s not in chosen]
    return run


def fitted(order: Callable[[list[Sentence]], list[Sentence]]) -> System:
    def run(candidates: list[Sentence], budget: int) -> tuple[list[Sentence], list[Sentence]]:
        preference = order(candidates)
        return fit(preference, budget), preference
    return run


def lead_round_robin(candidates: list[Sentence]) -> list[Sentence]:
    return sorted(candidates, key=lambda s: (s.index, s.article_id))


def lead_first(candidates: list[Sentence]) -> list[Sentence]:
    first = candidates[0].article_id
    return [s for s in candidates if s.article_id == first] + [s for s in candidates if s.article_id != first]


def systems(settings: SummarySettings) -> dict[str, System]:
    found: dict[str, System] = {"digest": digest_system(settings)}
    for name in SUMY:
        found[name] = fitted(lambda candidates, name=name: [candidates[i] for i in sumy_order(candidates, name)])
    found.update({"lead-rr": fitted(lead_round_robin), "lead-1": fitted(lead_first)})
    return found


def score_all(data, settings: SummarySettings) -> tuple[dict[str, dict[str, list[float]]], dict[str, float]]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    scores: dict[str, dict[str, list[float]]] = {}
    seconds: dict[str, float] = {}
    for name, system in systems(settings).items():
        rows = scores.setdefault(name, {"b1": [], "b2": [], "t1": [], "t2": []})
        start = time.perf_counter()
        for candidates, reference in data:
            budget = len(words(reference))
            budgeted, preference = system(candidates, budget)
            b = scorer.score(reference, " ".join(s.text for s in budgeted))
            t = scorer.score(reference, truncate(preference, budget))
            rows["b1"].append(b["rouge1"].fmeasure)
            rows["b2"].append(b["rouge2"].fmeasure)
            rows["t1"].append(t["rouge1"].recall)
            rows["t2"].append(t["rouge2"].recall)
        seconds[name] = time.perf_counter() - start
    return scores, seconds


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def interval(values: Sequence[float], rounds: int = 1000) -> tuple[float, float]:
    rng = random.Random(5)
    means = sorted(mean(rng.choices(values, k=len(values))) for _ in range(rounds))
    return means[int(0.025 * rounds)], means[int(0.975 * rounds)]


def wins(ours: Sequence[float], theirs: Sequence[float]) -> str:
    better = sum(a > b for a, b in zip(ours, theirs))
    worse = sum(a < b for a, b in zip(ours, theirs))
    return f"{better}/{worse}"


def table(scores, seconds) -> str:
    header = (f"{'system':<10} {'R1 F':>6} {'R2 F':>6} {'R2 F 95% CI':>14} {'win/loss':>8}   "
              f"{'R1 R@len':>8} {'R2 R@len':>8} {'win/loss':>8}  {'time':>6}")
    lines = ["budget = whole sentences within the reference length; @len = truncated to it", header]
    ours = scores["digest"]
    for name, rows in scores.items():
        low, high = interval(rows["b2"])
        versus = ("-", "-") if name == "digest" else (wins(ours["b2"], rows["b2"]), wins(ours["t2"], rows["t2"]))
        lines.append(
            f"{name:<10} {100 * mean(rows['b1']):6.2f} {100 * mean(rows['b2']):6.2f} "
            f"{f'{100 * low:.2f}-{100 * high:.2f}':>14} {versus[0]:>8}   "
            f"{100 * mean(rows['t1']):8.2f} {100 * mean(rows['t2']):8.2f} {versus[1]:>8}  {seconds[name]:5.1f}s"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="neus_allsides test.jsonl (or val.jsonl)")
    parser.add_argument("--algorithm", default=None, choices=SUMY, help="digest's algorithm (default: config default)")
    args = parser.parse_args()
    settings = SummarySettings() if args.algorithm is None else SummarySettings(algorithm=args.algorithm)
    data = stories(args.data)
    scores, seconds = score_all(data, settings)
    print(f"{args.data} ({len(data)} stories), digest = {settings.algorithm}, default settings")
    print(table(scores, seconds))


if __name__ == "__main__":
    main()
