"""Does structure separate the pairs the box misses? Lead sentences, same position, mutual best match.

    python3 benchmarks/lead_pairs.py DATA_PATH [--gold FILE|all] [--only neus|emergent] [--facts]

Tuning halves only (``split: tuning``; held-out stories are never read). News articles put their main
facts first (the inverted pyramid), so among the few pairs of the sources' lead sentences a lower word or
cosine score might already be precise. For every tuning story (``statement_pairs.Scored``: the pool, the
matcher and the WordLlama cosines the box uses) each pool sentence gets its position in its source (the
index among the source's prose sentences, after the box's split); a sentence's dateline ("OTTAWA —",
``DATELINE``) is removed before its cosine is taken (the box's own pairing, ``taken``, is as it runs). Reported:

- where the required consensus facts are: how many are held (``statement_pairs.holds``) by a sentence of
  at least two of their sources, and how many by a sentence at position < 1, < 2, < 3 in at least two;
  ``--facts`` lists, for every required fact the box misses, the positions of its sentences per source;
- for the cross-source pairs the box does NOT pair now (``StatementMatcher.same`` false) that could seed a
  line (at least one sentence not ``statements.unfit_seeds``), under each structural filter (all, both in
  the lead 1/2/3, same position, mutual best match by words or by cosine, lead and mutual best, a mutual
  best pair (cosine) whose two sentences are each the mutual best of one sentence of a third source, the story's
  single closest pair by cosine or words, its closest pair the box does not take) and each cut of the IDF
  word score, the cosine and the cosine in standard deviations above the story's mean (``z``): pairs stating a required fact the box misses (``new``, the only
  ones that could add a right line), pairs stating a fact the box already has (``dup``: a second line for
  it counts wrong), other pairs (``neg``), the share ``new / all``, and how many missed facts get a pair.

A pair is a fact's when both sentences hold it and come from two of its gold sources (as
``statement_pairs`` builds its positives).

Measured (2 December 2026, main at c813712, ``--only neus``): NeuS sources are leads already (median 2
sentences; 316 of 360 pool sentences at position < 3), 66 of 72 required facts in the first 3 sentences
of two sources, 33 in the first (base rate 0.37); 7 of the 21 missed facts in two first sentences. Of the
823 free seedable pairs (26 new, 51 dup, 746 neg) no filter and cut reaches a fifth ``new``: lead 1, 3 of
87 (1 of 23 at cosine 0.50); mutual best by both, 4 of 34 at cosine 0.50; the story's closest pair 5 of 26.
Wired into the box as an experiment (first sentences each other's closest at cosine 0.50; not shipped):
tuning recall 61/84 unchanged, precision 1.00 -> 0.89; README "The consensus box" has the outside reading.
"""

from __future__ import annotations

import argparse
import re
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
import news_facts_eval as nfe  # noqa: E402
import statement_pairs as sp  # noqa: E402
from digest.facts import consensus  # noqa: E402

DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.]*[ ,]+){0,4}[A-Z][A-Za-z.]*\s*(?:\([^)]{1,40}\))?\s*[—–-]+\s+")  # "OTTAWA —",
# "MANCHESTER, N.H. –", "New York (CNN Business) -": the place a wire report opens with, no part of its fact
WORD_CUTS = (0.05, 0.10, 0.15, 0.20)
COSINE_CUTS = (0.40, 0.50, 0.55, 0.60, 0.65)
Z_CUTS = (1.0, 1.5, 2.0, 2.5)  # standard deviations above the story's mean cross-source cosine


def positions(story, pool) -> list[int]:
    """Each pool sentence's index among its source's prose sentences (reading order)."""
    sources = consensus._sources(story)
    said = [s for s in consensus._said(story, sources) if s.kind in ("paragraph", "bullet")]
    index, seen = {}, {}
    for s in said:
        index[id(s)] = seen.get(s.source, 0)
        seen[s.source] = seen.get(s.source, 0) + 1
    # pool_of keeps the Said objects of ``_said``; rebuild them in the same order to map positions
    by_key = {(s.source, s.text): index[id(s)] for s in said}
    return [by_key[(s.source, s.text)] for s in pool]


def best_of(scored, score) -> dict[tuple[int, str], int]:
    """For each sentence and other source, that source's sentence scoring highest with it."""
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for i, j in combinations(range(len(scored.pool)), 2):
        a, b = scored.pool[i].source, scored.pool[j].source
        if a == b:
            continue
        value = score(i, j)
        for x, y, other in ((i, j, b), (j, i, a)):
            if value > best.get((x, other), (-1.0, -1))[0]:
                best[(x, other)] = (value, y)
    return {k: v[1] for k, v in best.items()}


def story_pairs(gold, story, encoder, missed: set[str]) -> tuple[list[dict], list[dict], list[int]]:
    """Every cross-source pair of the story with its class, position and scores; each required fact's
    positions per source; and every pool sentence's position."""
    scored = sp.Scored(story, encoder)
    where = positions(story, scored.pool)
    m = scored.matcher
    required = sp.required(gold)
    holding = {g["id"]: sp.holding(scored, g) for g in required}
    every = [(i, j) for i, j in combinations(range(len(scored.pool)), 2) if scored.pool[i].source != scored.pool[j].source]
    taken = {p: m.same(*p) for p in every}  # as the box pairs them, before the datelines go
    stripped = [DATELINE.sub("", t) for t in scored.texts]
    if m.similar is not None and stripped != scored.texts:  # cosines of the sentences without their datelines
        vectors = encoder.vectors(stripped)
        m.similar = vectors @ vectors.T
    cosine = (lambda i, j: float(m.similar[i, j])) if m.similar is not None else (lambda i, j: 0.0)
    best_words, best_cosine = best_of(scored, m.score), best_of(scored, cosine)
    z = dict(zip(every, _standard([cosine(*p) for p in every]))) if every else {}
    top = {max(every, key=lambda p: cosine(*p)), max(every, key=lambda p: m.score(*p))} if every else set()
    free = [p for p in every if not taken[p]]
    top_free = max(free, key=lambda p: cosine(*p)) if free else None
    mutual = {p for p in every if _mutual(best_cosine, scored.pool, *p)}
    triangle = {(i, j) for i, j in mutual for k in range(len(scored.pool))
                if tuple(sorted((i, k))) in mutual and tuple(sorted((j, k))) in mutual}
    pairs = []
    for i, j in every:
        a, b = scored.pool[i].source, scored.pool[j].source
        facts = {f for f, ids in holding.items() if i in ids and j in ids}
        pairs.append({
            "story": gold["id"], "pos": (where[i], where[j]), "kind": "new" if facts & missed else "dup" if facts else "neg",
            "facts": sorted(facts & missed), "taken": taken[(i, j)],
            "seedable": not (i in scored.unfit and j in scored.unfit), "words": m.score(i, j), "cosine": cosine(i, j),
            "mutual words": best_words.get((i, b)) == j and best_words.get((j, a)) == i,
            "mutual cosine": (i, j) in mutual, "triangle": (i, j) in triangle,
            "z": z[(i, j)], "top": (i, j) in top, "top free": (i, j) == top_free,
            "texts": (scored.texts[i], scored.texts[j]),
            "datelined": stripped[i] != scored.texts[i] or stripped[j] != scored.texts[j]})
    return pairs, fact_positions(gold["id"], required, holding, scored.pool, where, missed), where


def _mutual(best: dict[tuple[int, str], int], pool, i: int, j: int) -> bool:
    return best.get((i, pool[j].source)) == j and best.get((j, pool[i].source)) == i


def fact_positions(story_id, required, holding, pool, where, missed) -> list[dict]:
    """Each required fact's sentence positions per source, and the length of each such source."""
    facts = []
    for g in required:
        per_source: dict[str, list[int]] = {}
        for k in sorted(holding[g["id"]]):
            per_source.setdefault(pool[k].source, []).append(where[k])
        facts.append({"story": story_id, "id": g["id"], "missed": g["id"] in missed, "sources": per_source,
                      "lengths": {s: sum(1 for p in pool if p.source == s) for s in per_source}})
    return facts


def _standard(values: list[float]) -> list[float]:
    """Each cosine as standard deviations above the story's mean cross-source cosine."""
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
    return [(v - mean) / spread for v in values]


FILTERS = {
    "all": lambda p: True,
    "lead 1": lambda p: max(p["pos"]) < 1,
    "lead 2": lambda p: max(p["pos"]) < 2,
    "lead 3": lambda p: max(p["pos"]) < 3,
    "same position": lambda p: p["pos"][0] == p["pos"][1],
    "mutual words": lambda p: p["mutual words"],
    "mutual cosine": lambda p: p["mutual cosine"],
    "lead 1 + mutual cos": lambda p: max(p["pos"]) < 1 and p["mutual cosine"],
    "lead 2 + mutual cos": lambda p: max(p["pos"]) < 2 and p["mutual cosine"],
    "mutual both": lambda p: p["mutual cosine"] and p["mutual words"],
    "mutual triangle": lambda p: p["triangle"],
    "story top pair": lambda p: p["top"],
    "story top free pair": lambda p: p["top free"],
}


def report_facts(facts: list[dict], where: list[int]) -> None:
    print("pool sentences at position < 1, < 2, < 3 (the base rate): "
          + ", ".join(f"{sum(p < k for p in where)} of {len(where)} ({sum(p < k for p in where) / len(where):.2f})"
                      for k in (1, 2, 3)))
    held = [f for f in facts if len(f["sources"]) >= 2]
    print(f"required consensus facts: {len(facts)}; held by a sentence of >= 2 of their sources: {len(held)}")
    for k in (1, 2, 3):
        lead = [f for f in facts if sum(min(p) < k for p in f["sources"].values()) >= 2]
        missed = [f for f in lead if f["missed"]]
        print(f"  in the first {k} sentence(s) of >= 2 sources: {len(lead)} of {len(facts)} "
              f"({len(lead) / len(facts):.2f}); of them missed by the box: {len(missed)}")


def report_pairs(pairs: list[dict], missed_total: int) -> None:
    free = [p for p in pairs if not p["taken"] and p["seedable"]]
    print(f"\ncross-source pairs {len(pairs)}: taken by the box {sum(p['taken'] for p in pairs)}; "
          f"not taken and seedable {len(free)} (new {sum(p['kind'] == 'new' for p in free)}, "
          f"dup {sum(p['kind'] == 'dup' for p in free)}, neg {sum(p['kind'] == 'neg' for p in free)}); "
          f"missed facts {missed_total}")
    print(f"pairs with a sentence opening with a dateline (removed before the cosine): {sum(p['datelined'] for p in pairs)}")
    print(f"{'filter':20} {'score':7} {'cut':>5} {'new':>4} {'dup':>4} {'neg':>4} {'share':>6} {'facts':>5}")
    for name, keep in FILTERS.items():
        chosen = [p for p in free if keep(p)]
        for score, cuts in (("words", WORD_CUTS), ("cosine", COSINE_CUTS), ("z", Z_CUTS)):
            for cut in (0.0, *cuts):
                above = [p for p in chosen if p[score] >= cut]
                if not above or (cut == 0.0 and score != "words"):
                    continue
                new = [p for p in above if p["kind"] == "new"]
                dup = sum(p["kind"] == "dup" for p in above)
                facts = {(p["story"], f) for p in new for f in p["facts"]}
                print(f"{name:20} {score:7} {cut:5.2f} {len(new):4} {dup:4} {len(above) - len(new) - dup:4} "
                      f"{len(new) / len(above):6.2f} {len(facts):5}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--gold", default="all")
    parser.add_argument("--only", choices=("neus", "emergent"), default="")
    parser.add_argument("--facts", action="store_true", help="positions of every missed fact's sentences")
    parser.add_argument("--show", default="", help="print the free pairs of this filter (e.g. 'lead 1 + mutual cos')")
    args = parser.parse_args()
    encoder = ce.matcher(False).encoder
    rows = sp.tuning_stories(args.data, nfe.gold_files(args.gold), args.only)
    missed = sp.missed_facts(rows, encoder)
    pairs, facts, where = [], [], []
    for gold, story in rows:
        found_pairs, found_facts, found_where = story_pairs(gold, story, encoder, missed[str(gold["id"])])
        pairs += found_pairs
        facts += found_facts
        where += found_where
    report_facts(facts, where)
    if args.facts:
        for f in (f for f in facts if f["missed"]):
            where = "; ".join(f"{s}: {p} of {f['lengths'][s]}" for s, p in f["sources"].items()) or "no sentence holds it"
            print(f"  MISSED {f['story']:9} {f['id']:30} {where}")
    report_pairs(pairs, sum(f["missed"] for f in facts))
    if args.show:
        for p in (p for p in pairs if not p["taken"] and p["seedable"] and FILTERS[args.show](p)):
            print(f"\n{p['story']} {p['kind']} {p['facts']} pos={p['pos']} words={p['words']:.2f} cos={p['cosine']:.2f}")
            for text in p["texts"]:
                print(f"    | {text[:220]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
