"""How long one theme summary takes for 50, 500 and 5,000 candidate sentences.

    python3 benchmarks/summary_speed.py /work/shared/data/bbc_topics/bbc_articles.jsonl [--algorithm all]

Candidates are the sentences of BBC articles (entertainment first, then the rest), split with
digest's own splitter; splitting is not timed. Each size is summarized with the default settings
(``max_candidates`` = 200) and, for contrast, with the cap lifted to the largest allowed value
(5,000) up to ``--uncapped-limit`` sentences, since an uncapped LexRank on 5,000 sentences would
run for many minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.config import SummarySettings  # noqa: E402
from digest.models import Sentence, stable_id  # noqa: E402
from digest.text.sentences import split  # noqa: E402
from digest.summary.summarize import summarize  # noqa: E402

SIZES = (50, 500, 5000)
ALGORITHMS = ("lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson")


def candidates(path: Path, count: int) -> list[Sentence]:
    """``count`` sentences from the corpus, entertainment articles first, in article order."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda row: (row["category"] != "entertainment", row["doc_id"]))
    found: list[Sentence] = []
    for row in rows:
        article_id = stable_id("bbc", row["doc_id"])
        paragraphs = [p for p in row["text"].split("\n\n") if p.strip()]
        for block, paragraph in enumerate(paragraphs):
            for index, text in enumerate(split(paragraph), start=len(found)):
                found.append(Sentence(text, article_id, block, index))
        if len(found) >= count:
            return found[:count]
    return found


def timed(sentences: list[Sentence], settings: SummarySettings) -> tuple[float, int]:
    start = time.perf_counter()
    summary = summarize(sentences, settings)
    return time.perf_counter() - start, sum(len(s.text.split()) for s in summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="bbc_articles.jsonl")
    parser.add_argument("--algorithm", default=SummarySettings().algorithm, choices=ALGORITHMS + ("all",))
    parser.add_argument("--uncapped-limit", type=int, default=500)
    args = parser.parse_args()
    pool = candidates(args.corpus, max(SIZES))
    algorithms = ALGORITHMS if args.algorithm == "all" else (args.algorithm,)
    print(f"{'algorithm':<10} {'sentences':>9} {'capped (200)':>13} {'uncapped':>10}  words")
    for algorithm in algorithms:
        for size in SIZES:
            capped, used = timed(pool[:size], SummarySettings(algorithm=algorithm))
            uncapped = "-"
            if size <= args.uncapped_limit:
                seconds, _ = timed(pool[:size], SummarySettings(algorithm=algorithm, max_candidates=5000))
                uncapped = f"{seconds:.2f} s"
            print(f"{algorithm:<10} {size:>9} {capped:>11.2f} s {uncapped:>10}  {used}")


if __name__ == "__main__":
    main()
