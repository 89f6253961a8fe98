"""Speed and memory of dedup.group on 10,000 articles of ~600 words, and an exact all-pairs baseline.

    python3 benchmarks/dedup_speed.py ../shared/data [--articles 10000] [--baseline 2000]

Synthetic articles are built from BBC sentences: each takes ~600 words of sentences drawn from one
topic (so same-topic articles share vocabulary, and now and then a sentence, as real news does),
and one article in ten is a realistic copy of another (``dedup_data.make_copy``). Reported for
``group`` (signatures, LSH, exact checks, TF-IDF, stories): seconds (wall and CPU) and peak
traced memory (tracemalloc, a second run, since tracing slows Python down). The baseline, on the
first ``--baseline`` articles of the same set, compares every pair exactly (shingle sets and
TF-IDF cosine), then reports the same figures and whether both find the same copy pairs.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import time
import tracemalloc
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dedup_data as data  # noqa: E402

from digest.stories import copies, dedup, features  # noqa: E402
from digest.config import DedupSettings  # noqa: E402
from digest.models import stable_id  # noqa: E402


def synthetic(root: Path, count: int, rng: random.Random) -> list:
    bbc = data.bbc(root / "bbc_topics")
    pools: dict[str, list[str]] = {}
    for a in bbc:
        pools.setdefault(a.location.split("/")[0], []).extend(s for b in a.blocks for s in re.split(r"(?<=[.!?])\s+", b.text))
    topics = sorted(pools)
    made = []
    while len(made) < count:
        if made and rng.random() < 0.1:
            original = rng.choice(made)
            copy = data.make_copy(original, rng.choice(data.KINDS[:-1]), rng, rng.choice(bbc), "Reprint")
            made.append(dataclasses.replace(copy, id=stable_id("synthetic", str(len(made)))))
            continue
        topic = rng.choice(topics)
        paragraphs, words = [], 0
        while words < 600:
            sentences = rng.sample(pools[topic], 4)
            paragraphs.append(" ".join(sentences))
            words += sum(len(s.split()) for s in sentences)
        made.append(data.article(f"synthetic/{len(made)}", sentences[0][:60], paragraphs, f"Outlet {len(made) % 50}"))
    return made


def timed(function, *args):
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu


def peak(function, *args) -> float:
    tracemalloc.start()
    function(*args)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def exact(articles, settings: DedupSettings):
    """The baseline: every pair's shingle sets and TF-IDF cosine, no LSH, no sparse product."""
    profiles = copies.profiles_of(articles, settings)
    found = {(m.left, m.right) for a, b in combinations(profiles, 2)
             if (m := copies.confirm(*sorted((a, b), key=lambda p: p.id), settings))}
    matrix = dedup.tfidf([features.story_text(a, settings.story_lead_words) for a in articles])
    rows = [dict(zip(matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]].tolist(),
                     matrix.data[matrix.indptr[i]:matrix.indptr[i + 1]].tolist())) for i in range(len(articles))]
    linked = sum(dedup._dot(rows[i], rows[j]) >= settings.story_similarity for i, j in combinations(range(len(rows)), 2))
    return found, linked


def report(name, seconds, cpu, memory):
    print(f"  {name}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak traced memory {memory:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (bbc_topics)")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    args = parser.parse_args()
    settings = DedupSettings()
    articles = synthetic(args.data, args.articles, random.Random(4))
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(f"{len(articles)} synthetic articles, {words:.0f} words on average")
    for size in sorted({args.baseline, len(articles)}):
        subset = articles[:size]
        stories, seconds, cpu = timed(dedup.group, subset, settings)
        origins = sum(len(s.origins) for s in stories)
        print(f"{size} articles: {origins} origins, {len(stories)} stories, "
              f"largest story {max(len(s.articles) for s in stories)} articles")
        report("dedup.group (LSH + sparse TF-IDF)", seconds, cpu, peak(dedup.group, subset, settings))
    subset = articles[:args.baseline]
    (found, linked), seconds, cpu = timed(exact, subset, settings)
    report(f"exact all-pairs baseline on {len(subset)}", seconds, cpu, peak(exact, subset, settings))
    lsh = {(m.left, m.right) for m in copies.find_copies(subset, settings)}
    print(f"  copy pairs: exact {len(found)}, LSH {len(lsh)}, found by both {len(found & lsh)}; "
          f"story links above {settings.story_similarity}: {linked}")
    ids = [a.id for a in subset]
    exact_origins, lsh_origins = _partition(ids, found), _partition(ids, lsh)
    print(f"  origins: exact {len(set(exact_origins.values()))}, LSH {len(set(lsh_origins.values()))}; "
          f"articles whose origin differs: {sum(exact_origins[i] != lsh_origins[i] for i in ids)}")


def _partition(ids, pairs) -> dict[str, str]:
    """Article id -> the smallest id of its group when ``pairs`` are joined."""
    joined = dedup._UnionFind(ids)
    for a, b in pairs:
        joined.union(a, b)
    return {i: joined.find(i) for i in ids}


if __name__ == "__main__":
    main()
