"""Copy detection on a labelled set: every copy found, no two independent articles merged?

    python3 benchmarks/dedup_copies.py ../shared/data [--lsh 0.3 0.2 0.1]

The set (built in memory from the data folder, never saved):
- all 2,225 BBC articles, outlet "BBC": hard negatives of one outlet, one year and five topics.
  BBC's own 169 near-duplicate pairs (5-shingle Jaccard >= 0.5: 108 exact duplicates, the rest
  updated versions of one article) and one more read by hand (``EXTRA_BBC_COPIES``) are labelled
  as copies: one outlet's article counts once;
- 200 BBC articles each copied nine ways (``dedup_data.KINDS``) by 12 reprint outlets, each
  outlet with its own boilerplate footer (so copies of different articles by one outlet share it);
  the local paragraphs of "local" copies come from NeuS validation articles, which are not in the set;
- 60 BBC articles turned into "LONDON (Reuters) -" dispatches, each copied plainly and heavily
  edited (two paragraphs dropped, one word in 20 changed), and 60 more with the same dateline
  as hard negatives;
- the 307 NeuS test triples (three outlets on one story: hard negatives); one article of 100 of
  them (those whose three leads have 40 words or more) copied with a new headline, a footer, and a
  word changed.

Reports pairwise same-origin precision/recall, copies found per kind, independent articles
merged, and the exact score margins (all pairs sharing a 5-shingle) that justify the thresholds.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dedup_data as data  # noqa: E402

from digest.stories import copies  # noqa: E402
from digest.config import DedupSettings  # noqa: E402
from digest.stories.dedup import _UnionFind, find_origins  # noqa: E402
from digest.models import Block  # noqa: E402

OUTLETS = [f"Reprint {k}" for k in range(12)]
# Read and judged: an earlier 924-word version wholly inside the 2,389-word one (94% of its
# 5-shingles), missed by the Jaccard-based pair list. Every other BBC pair sharing over 40% of the
# smaller article's 5-shingles is a later article on the same running story (a different day,
# a different event) that reuses paragraphs: not a copy, and the highest of these is 0.677.
EXTRA_BBC_COPIES = [("politics/111.txt", "politics/293.txt")]
DATELINE = "LONDON (Reuters) -"


def build(root: Path, rng: random.Random):
    """(articles, gold origin label per article id, copy kind per copy id, article id -> group name)."""
    bbc = data.bbc(root / "bbc_topics")
    by_key = {a.location: a for a in bbc}
    same = _UnionFind([a.id for a in bbc])
    for left, right in [(a, b) for a, b, _ in data.bbc_pairs(root / "bbc_topics")] + EXTRA_BBC_COPIES:
        same.union(by_key[left].id, by_key[right].id)
    gold = {a.id: same.find(a.id) for a in bbc}
    paired = {a for a, b, _ in data.bbc_pairs(root / "bbc_topics")} | {b for a, b, _ in data.bbc_pairs(root / "bbc_topics")}
    free = [a for a in bbc if a.location not in paired and len(a.blocks) >= 4]
    rng.shuffle(free)
    sources, wire, decoys = free[:200], free[200:260], free[260:320]
    articles = {a.id: a for a in bbc}
    for a in wire + decoys:
        articles[a.id] = data.with_dateline(a, DATELINE, "Reuters")
    kinds, made = {}, []
    donors = [a for _, members in data.neus(root / "neus_allsides", "val") for a in members if a.blocks]  # not in the set
    for original in sources:
        for kind in data.KINDS:
            made.append((original, kind, data.make_copy(original, kind, rng, rng.choice(donors), rng.choice(OUTLETS))))
    for original in (articles[a.id] for a in wire):
        made.append((original, "wire", data.make_copy(original, "headline", rng, original, rng.choice(OUTLETS))))
        made.append((original, "wire-edited", _wire_edit(original, rng)))
    triples = data.neus(root / "neus_allsides")
    for _, members in triples:
        for a in members:
            articles[a.id] = a
            gold[a.id] = a.id
    long_enough = [m for _, m in triples if all(len(a.text.split()) >= 40 for a in m)]
    for members in rng.sample(long_enough, 100):
        original = rng.choice(members)
        for kind in ("headline", "footer", "edited"):
            made.append((original, f"neus-{kind}", data.make_copy(original, kind, rng, original, rng.choice(OUTLETS))))
    for original, kind, copy in made:
        copy = dataclasses.replace(copy, id=f"{original.id}-{kind}", location=f"{original.location}#{kind}")
        articles[copy.id] = copy
        gold[copy.id] = gold[original.id]
        kinds[copy.id] = (kind, original.id)
    return list(articles.values()), gold, kinds, triples


def _wire_edit(original, rng):
    """A paper's heavy edit of a wire dispatch: dateline kept, two paragraphs dropped, 1 word in 20 changed."""
    prose = [b.text for b in original.blocks]
    for _ in range(2):
        del prose[rng.randrange(1, len(prose))]
    words = [p.split() for p in prose]
    pool = sorted({w for p in words for w in p})
    for i, p in enumerate(words):
        for j in range(len(p)):
            if (i or j >= 4) and rng.random() < 1 / 20:  # the dateline stays
                words[i][j] = rng.choice(pool)
    blocks = tuple(Block("paragraph", " ".join(p)) for p in words)
    return dataclasses.replace(original, title=original.title + " (updated)", outlet=rng.choice(OUTLETS), blocks=blocks)


def evaluate(articles, gold, kinds, triples, settings):
    started, cpu = time.perf_counter(), time.process_time()
    origins, merges = find_origins(articles, settings)
    seconds = (time.perf_counter() - started, time.process_time() - cpu)
    predicted = {a.id: o.id for o in origins for a in o.articles}
    scores = data.pairwise(gold, predicted)
    found = Counter()
    total = Counter()
    for copy_id, (kind, original_id) in kinds.items():
        total[kind] += 1
        found[kind] += predicted[copy_id] == predicted[original_id]
    mixed = [o for o in origins if len({gold[a.id] for a in o.articles}) > 1]
    neus_merged = sum(predicted[x.id] == predicted[y.id] for _, m in triples for i, x in enumerate(m) for y in m[i + 1:])
    return seconds, scores, found, total, mixed, neus_merged, Counter(m.rule for m in merges)


def margins(articles, gold, kinds, settings):
    """Exact Jaccard and containment of every pair sharing a 5-shingle, summarised per kind of pair."""
    profiles = {p.id: p for p in copies.profiles_of(articles, settings)}
    postings = defaultdict(list)
    for pid, profile in profiles.items():
        for s in profile.shingles:
            postings[s].append(pid)
    shared = Counter()
    for ids in postings.values():
        if len(ids) < 200:
            ids = sorted(ids)
            shared.update((ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids)))
    top = defaultdict(list)
    lowest = defaultdict(lambda: [1.0, 1.0, ""])
    for (a, b), n in shared.items():
        pa, pb = profiles[a], profiles[b]
        small = min(len(pa.shingles), len(pb.shingles))
        jac, con = n / (len(pa.shingles) + len(pb.shingles) - n), (n / small if small >= settings.copy_min_shingles else 0)
        if gold[a] != gold[b]:
            group = ("negative, same dateline" if pa.dateline and pa.dateline == pb.dateline
                     else "negative, same outlet" if pa.outlet == pb.outlet else "negative, other")
            if con > 0.2 or jac > 0.1:
                top[group].append((round(con, 3), round(jac, 3), pa.id, pb.id))
        else:
            kind = _pair_kind(a, b, kinds, pa.outlet == pb.outlet == "bbc")
            if kind is None:
                continue
            record = lowest[kind]
            record[0], record[1] = min(record[0], jac), min(record[1], con)
    worst = {g: (max(p[1] for p in pairs), sorted(pairs, reverse=True)[:5]) for g, pairs in top.items()}
    return worst, lowest


def _pair_kind(a, b, kinds, both_bbc):
    """The kind of a copy/original pair (or BBC's own near-duplicates); None for two copies of one original."""
    for copy, original in ((a, b), (b, a)):
        if copy in kinds and kinds[copy][1] == original:
            return kinds[copy][0]
    return "bbc near-duplicate" if both_bbc else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (bbc_topics, neus_allsides)")
    parser.add_argument("--lsh", type=float, nargs="+", default=[0.3, 0.2, 0.1])
    parser.add_argument("--no-margins", action="store_true")
    args = parser.parse_args()
    articles, gold, kinds, triples = build(args.data, random.Random(4))
    print(f"{len(articles)} articles, {len(set(gold.values()))} gold origins, {len(kinds)} copies")
    for threshold in args.lsh:
        settings = DedupSettings(lsh_threshold=threshold)
        seconds, scores, found, total, mixed, neus_merged, rules = evaluate(articles, gold, kinds, triples, settings)
        print(f"\nLSH threshold {threshold}: {seconds[0]:.1f} s ({seconds[1]:.1f} s CPU); same-origin pairs precision {scores['precision']:.4f} "
              f"recall {scores['recall']:.4f} ({scores['true_pairs']} of {scores['gold_pairs']} gold pairs, "
              f"{scores['predicted_pairs']} predicted)")
        print("  copies found: " + ", ".join(f"{k} {found[k]}/{total[k]}" for k in total))
        print(f"  copies found overall: {sum(found.values())}/{sum(total.values())}; independent origins merged: "
              f"{len(mixed)}; NeuS same-story pairs merged: {neus_merged}")
        print("  rules: " + ", ".join(f"{r} {n}" for r, n in sorted(rules.items())))
        for origin in mixed[:10]:
            print("  MIXED: " + " | ".join(a.location for a in origin.articles))
    if not args.no_margins:
        worst, lowest = margins(articles, gold, kinds, DedupSettings())
        print("\nIndependent pairs, highest exact scores (Jaccard, containment):")
        where = {a.id: a.location for a in articles}
        for group, (jaccard, pairs) in sorted(worst.items()):
            print(f"  {group}: Jaccard {jaccard:.3f}; containment, top 5: "
                  + "; ".join(f"{c} {where[a]} ~ {where[b]}" for c, _, a, b in pairs))
        print("Copy pairs, lowest exact scores (Jaccard, containment):")
        for kind, (jac, con, _) in sorted(lowest.items()):
            print(f"  {kind}: {jac:.3f}, {con:.3f}")


if __name__ == "__main__":
    main()
