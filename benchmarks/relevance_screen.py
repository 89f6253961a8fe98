"""The relevance screen, checked: every article scored by the full scorer and by ``relevance.assess``
(which skips splitting the paragraphs of an article that names no term of some group), compared.

    python3 benchmarks/relevance_screen.py [FOLDER ...]

Reads the labelled fixture (``benchmarks/relevance_eval.py``), every folder given (e.g. a corpus
kept by ``benchmarks/run.py --keep DIR``: ``DIR/corpus``); prints per set how many articles were screened (decided without splitting
their quiet paragraphs), how many (score, reason) pairs differ (must be 0) and the CPU seconds of
each way. Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest.config import load  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.sources import relevance, screen  # noqa: E402
from digest.sources.folder import read_folder  # noqa: E402
from digest.text import sentences  # noqa: E402


def timed(score, articles: list[Article], topic: relevance.Topic) -> tuple[list, float]:
    sentences._split.cache_clear()  # each way splits from scratch
    started = time.process_time()
    found = [score(a, topic) for a in articles]
    return found, time.process_time() - started


def compare(name: str, articles: list[Article], topic: relevance.Topic) -> bool:
    slow, slow_cpu = timed(relevance.full, articles, topic)
    fast, fast_cpu = timed(relevance.assess, articles, topic)
    screened = sum(1 for a in articles if screen.quiet(a, screen.Text(a), topic) is not None)
    differ = [(a.location, s, f) for a, s, f in zip(articles, slow, fast) if s != f]
    print(f"{name}: {len(articles)} articles, {screened} screened, {len(differ)} differ; "
          f"CPU full {slow_cpu:.2f} s, screened {fast_cpu:.2f} s")
    for where, s, f in differ[:5]:
        print(f"    {where}\n      full: {s}\n      fast: {f}")
    return not differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args(argv)
    from relevance_eval import load_items

    topic = relevance.compile_topic(load(ROOT / "config.yaml").topic)
    sets = [("fixture", [item.article for item in load_items()])]
    sets += [(str(folder), read_folder(folder)[0]) for folder in args.folders]
    return 0 if all([compare(name, articles, topic) for name, articles in sets]) else 1


if __name__ == "__main__":
    sys.exit(main())
