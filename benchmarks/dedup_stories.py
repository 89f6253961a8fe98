"""Story grouping against gold: Emergent headlines (300 claims), NeuS triples, BBC topics.

    python3 benchmarks/dedup_stories.py ../shared/data [--similarity 0.18 0.25] [--cohesion 0 0.1]

- Emergent: 2,595 headlines (no bodies, no dates) of 300 claims; a story should be a claim.
- NeuS: the 307 test triples (title + lead of three outlets on one story); a story is a triple.
- BBC: 2,225 articles in five topics. Topics are much wider than stories, so the adjusted Rand
  index against them is low by design; what matters is pairwise precision (a story never spans
  two topics) and the largest story (single-link chaining shows up as one giant story).

For each setting: adjusted Rand index (ARI), pairwise precision / recall / F1 of "same story",
number of stories, largest story, and seconds. None of these sets has dates, so the time rule is
not exercised here (tests cover it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dedup_data as data  # noqa: E402

from digest.config import DedupSettings  # noqa: E402
from digest.stories.dedup import group  # noqa: E402


def corpora(root: Path):
    """(name, articles, gold label per article id) for each benchmark set."""
    emergent = data.emergent(root / "emergent")
    neus = data.neus(root / "neus_allsides")
    bbc = data.bbc(root / "bbc_topics")
    return [
        ("emergent", [a for _, a in emergent], {a.id: claim for claim, a in emergent}),
        ("neus", [a for _, m in neus for a in m], {a.id: story for story, m in neus for a in m}),
        ("bbc topics", bbc, {a.id: a.location.split("/")[0] for a in bbc}),
    ]


def measure(articles, gold, settings: DedupSettings) -> dict:
    started = time.perf_counter()
    stories = group(articles, settings)
    seconds = time.perf_counter() - started
    predicted = {a.id: s.id for s in stories for a in s.articles}
    scores = data.pairwise(gold, predicted)
    scores.update(stories=len(stories), largest=max(len(s.articles) for s in stories), seconds=seconds)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (emergent, neus_allsides, bbc_topics)")
    parser.add_argument("--similarity", type=float, nargs="+", default=[DedupSettings().story_similarity])
    parser.add_argument("--cohesion", type=float, nargs="+", default=[0.0, DedupSettings().story_cohesion])
    parser.add_argument("--lead-words", type=int, nargs="+", default=[DedupSettings().story_lead_words])
    parser.add_argument("--sets", nargs="+", default=["emergent", "neus", "bbc topics"])
    args = parser.parse_args()
    for name, articles, gold in corpora(args.data):
        if name not in args.sets:
            continue
        print(f"\n{name}: {len(articles)} articles, {len(set(gold.values()))} gold groups")
        for similarity in args.similarity:
            for cohesion in args.cohesion:
                for lead in args.lead_words:
                    settings = DedupSettings(story_similarity=similarity, story_cohesion=cohesion, story_lead_words=lead)
                    s = measure(articles, gold, settings)
                    print(f"  similarity {similarity:.2f} cohesion {cohesion:.2f} lead {lead:3}: ARI {s['ari']:.3f} "
                          f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}; {s['stories']} stories, "
                          f"largest {s['largest']}; {s['seconds']:.1f} s")


if __name__ == "__main__":
    main()
