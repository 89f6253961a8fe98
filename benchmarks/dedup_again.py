"""Dedup on a re-run, timed and checked: ``again.group_again`` against ``dedup.group`` on a kept corpus.

    python3 benchmarks/dedup_again.py DIR/corpus [--store FILE] [--new new-] [--json FILE]

``DIR`` is a corpus kept by ``benchmarks/run.py --articles N --data ../shared/data --rerun 0.01
--keep DIR``: the files whose names start with ``--new`` are the re-run's new articles. The
articles are read and cleaned as ``digest run`` does (every article counts as on topic), their
features kept in ``--store`` (a work cache; default: a temporary file), then, in one process:

1. ``first``: ``group_again`` on the old articles with no state (a first run: it computes all and
   keeps its state), compared with ``dedup.group`` on them;
2. ``full``: ``dedup.group`` on all articles, as a run that keeps nothing;
3. ``again``: ``group_again`` on all articles with the state of 1., compared with 2.

Reported: wall and CPU seconds of each, what ``again`` worked again, the state's size, and whether
the stories (ids, origins, every merge with its score and detail) are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.config import DedupSettings  # noqa: E402
from digest.sources.folder import read_folder  # noqa: E402
from digest.stories import again, dedup, features  # noqa: E402
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


def compare(settings: DedupSettings, articles, found, new_prefix: str) -> dict:
    old = [a for a in articles if not Path(a.location).name.startswith(new_prefix)]
    report: dict = {"articles": len(articles), "new": len(articles) - len(old), "load_average": os.getloadavg()}
    (kept_first, state, _), report["first"] = timed(again.group_again, old, settings, found, None)
    plain_first, report["first_plain"] = timed(dedup.group, old, settings, found)
    full, report["full"] = timed(dedup.group, articles, settings, found)
    (kept_again, _, work), report["again"] = timed(again.group_again, articles, settings, found, state)
    report["state_mb"] = round(len(state) / 2**20, 2)
    report["work"] = work.summary()
    report["identical_first"] = kept_first == plain_first
    report["identical_again"] = kept_again == full
    report["stories"], report["origins"] = len(full), sum(len(s.origins) for s in full)
    report["merges"] = sum(len(s.merges) for s in full)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--store", type=Path, help="a work cache for the articles' features (kept between runs)")
    parser.add_argument("--new", default="new-", help="names of the re-run's new files start with this")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    settings = DedupSettings()
    with tempfile.TemporaryDirectory() as temporary:
        articles, found = load(args.folder, args.store or Path(temporary) / "work.sqlite", settings)
        report = compare(settings, articles, found, args.new)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["identical_first"] and report["identical_again"] else 1


if __name__ == "__main__":
    sys.exit(main())
