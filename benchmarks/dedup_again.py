"""Dedup on a re-run, timed and checked: ``again.group_again`` against ``dedup.group`` on a kept corpus.

    python3 benchmarks/dedup_again.py DIR/corpus [--store FILE] [--new new-] [--json FILE]
    python3 benchmarks/dedup_again.py --sets ../shared/data [--share 0.01] [--json FILE]

``DIR`` is a corpus kept by ``benchmarks/run.py --articles N --data ../shared/data --rerun 0.01
--keep DIR``: the files whose names start with ``--new`` are the re-run's new articles. The
articles are read and cleaned as ``digest run`` does (every article counts as on topic), their
features kept in ``--store`` (a work cache; default: a temporary file), then, in one process:

1. ``first``: ``group_again`` on the old articles with no state (a first run: it computes all and
   keeps its state), compared with ``dedup.group`` on them;
2. ``full``: ``dedup.group`` on all articles, as a run that keeps nothing;
3. ``again``: ``group_again`` on all articles with the state of 1., compared with 2.

Reported: wall and CPU seconds of each, what ``again`` worked again, the state's size, whether
the first run's stories are ``group``'s (ids, origins, every merge with its score and detail) and
the re-run's origins the full run's, and how far the re-run's stories are from the full run's
(``against_full``: pairwise P/R/F1 and ARI with the full run as gold, stories only one of them
has, and how many of the re-run's own stories hold no new article); with ``--sets``, both runs
against the set's gold (Emergent claims, NeuS triples; BBC's topics are no story gold); a re-run past ``regroup.REFRESH`` computes all and is identical. ``--sets`` does the
same on the shared data's Emergent headlines, NeuS triples and BBC articles, with a random
``--share`` of each set (seed 18) as the new articles.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dedup_data  # noqa: E402
import dedup_stories  # noqa: E402

from digest.config import DedupSettings  # noqa: E402
from digest.sources.folder import read_folder  # noqa: E402
from digest.stories import again, dedup, features, regroup  # noqa: E402
from digest.text.hygiene import clean_article  # noqa: E402
from digest.work import WorkCache  # noqa: E402


def timed(function, *args):
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, {"wall": round(time.perf_counter() - started, 2), "cpu": round(time.process_time() - cpu, 2)}


def load(folder: Path, store: Path, settings: DedupSettings):
    articles = [clean_article(a) for a in read_folder(folder)[0]]
    keys = features.work_keys(articles, settings)
    with WorkCache(store, datetime.now(timezone.utc)) as cache:
        found, new = features.features_of(articles, settings, cache.get("dedup", keys.values()), keys=keys)
        cache.put("dedup", new)
    return articles, found


def compare(settings: DedupSettings, articles, found, new: set[str], gold: dict | None = None) -> dict:
    old = [a for a in articles if a.id not in new]
    report: dict = {"articles": len(articles), "new": len(articles) - len(old), "load_average": os.getloadavg()}
    (kept_first, state, _), report["first"] = timed(again.group_again, old, settings, found, None)
    plain_first, report["first_plain"] = timed(dedup.group, old, settings, found)
    full, report["full"] = timed(dedup.group, articles, settings, found)
    (kept_again, _, work), report["again"] = timed(again.group_again, articles, settings, found, state)
    report["state_mb"] = round(len(state) / 2**20, 2)
    report["work"] = work.summary()
    report["identical_first"] = kept_first == plain_first
    report["identical_again"] = kept_again == full
    report["same_origins"] = {o.id for s in kept_again for o in s.origins} == {o.id for s in full for o in s.origins}
    report["against_full"] = difference(kept_again, full)
    in_full = {frozenset(a.id for a in t.articles) for t in full}
    report["stories_only_again_without_new"] = sum(not new & {a.id for a in s.articles} for s in kept_again
                                                   if frozenset(a.id for a in s.articles) not in in_full)
    if gold:
        for name, stories in (("full", full), ("again", kept_again)):
            scores = dedup_data.pairwise(gold, {a.id: s.id for s in stories for a in s.articles})
            report[f"gold_{name}"] = {k: round(scores[k], 4) for k in ("ari", "precision", "recall", "f1")}
    report["stories"], report["origins"] = len(full), sum(len(s.origins) for s in full)
    report["merges"] = sum(len(s.merges) for s in full)
    return report


def difference(again_, full) -> dict:
    """How far the re-run's stories are from a from-scratch run's: pairwise P/R/F1 and ARI of "same
    story" over the articles (the full run as gold), and the stories one has that the other has not."""
    mine = {a.id: s.id for s in again_ for a in s.articles}
    theirs = {a.id: s.id for s in full for a in s.articles}
    scores = {k: round(v, 4) if isinstance(v, float) else v for k, v in dedup_data.pairwise(theirs, mine).items()}
    sets = [{frozenset(a.id for a in s.articles) for s in stories} for stories in (again_, full)]
    return scores | {"stories_only_again": len(sets[0] - sets[1]), "stories_only_full": len(sets[1] - sets[0])}


def shared_sets(data: Path, share: float, settings: DedupSettings) -> dict:
    reports = {}
    for name, articles, gold in dedup_stories.corpora(data):
        rng = random.Random(18)
        new = {a.id for a in rng.sample(articles, max(1, round(share * len(articles))))}
        found = features.features_of(articles, settings)[0]
        reports[name] = compare(settings, articles, found, new, gold if name != "bbc topics" else None)
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--store", type=Path, help="a work cache for the articles' features (kept between runs)")
    parser.add_argument("--new", default="new-", help="names of the re-run's new files start with this")
    parser.add_argument("--sets", type=Path, help="the shared data folder: Emergent, NeuS and BBC instead of a corpus")
    parser.add_argument("--share", type=float, default=0.01, help="with --sets: the share of new articles")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--refresh", type=float, help="regroup.REFRESH for this run (to measure a share above it)")
    args = parser.parse_args(argv)
    settings = DedupSettings()
    if args.refresh is not None:
        regroup.REFRESH = args.refresh
    if args.sets:
        reports = shared_sets(args.sets, args.share, settings)
    else:
        with tempfile.TemporaryDirectory() as temporary:
            articles, found = load(args.folder, args.store or Path(temporary) / "work.sqlite", settings)
            new = {a.id for a in articles if Path(a.location).name.startswith(args.new)}
            reports = {str(args.folder): compare(settings, articles, found, new)}
    print(json.dumps(reports, indent=2))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["identical_first"] and r["same_origins"] for r in reports.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
