"""Feeds of many tiny items, timed: does a feed cost time in proportion to its bytes?

    python3 benchmarks/feed_items.py [--items 2000 4000 8000 16000] [--json FILE] [--on-topic 0.05]

For each N, an RSS 2.0 file of N tiny items (~100 bytes each: a title, a link, a one-sentence
description; ``--on-topic`` of them about AI in film, the rest not; dates inside the week) is
written to a temporary folder with a config that is the shipped ``config.yaml`` reading only that
feed (teaser pages off: the items are the text). Then the real ``python -m digest run --timings``
runs in a child process on a fresh store. Printed per N: the feed's size, wall and CPU seconds of
the run and of each stage; then the growth exponent k of time ~ N^k between successive sizes and
over the whole range (1.0 is proportional). The machine's load average is printed: on a shared
machine compare exponents measured in one run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 7, 20, 8, 0, tzinfo=timezone.utc)
_ON = ["Studio uses AI to dub film {n}.", "AI voice clone stars in series {n}.", "Game {n} ships with generative AI."]
_OFF = ["Council approves road plan {n}.", "Bank raises rates in quarter {n}.", "Rain expected on day {n}."]


def write_feed(path: Path, items: int, on_topic: float, seed: int = 18) -> int:
    rng = random.Random(seed)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Wire</title>'
             '<link>https://wire.example/</link><description>Many tiny items</description>']
    for n in range(items):
        text = rng.choice(_ON if rng.random() < on_topic else _OFF).format(n=n)
        when = format_datetime(NOW - timedelta(minutes=rng.randrange(6 * 24 * 60)))
        parts.append(f"<item><title>{text[:-1]}</title><link>https://wire.example/{n}</link>"
                     f"<description>{text}</description><pubDate>{when}</pubDate></item>")
    parts.append("</channel></rss>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path.stat().st_size


def write_config(work: Path, feed: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["sources"] = {"folders": [], "feeds": [{"url": str(feed), "name": "wire"}]}
    config.update(store="digest.sqlite", output="out")
    config["fetch"]["teaser_words"] = 0  # the items are the text: no page fetching
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run(items: int, on_topic: float) -> dict:
    import resource

    with tempfile.TemporaryDirectory(prefix="digest-feed-") as temporary:
        work = Path(temporary)
        size = write_feed(work / "wire.xml", items, on_topic)
        config, timings = write_config(work, work / "wire.xml"), work / "timings.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "digest", "run", "--config", str(config), "--now", NOW.isoformat(),
                               "--timings", str(timings)], cwd=work, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        stages = json.loads(timings.read_text()) if timings.exists() else []
        return {"items": items, "bytes": size, "exit": done.returncode, "wall": round(wall, 2), "cpu": round(cpu, 2),
                "stages": stages, "summary": done.stdout.strip().splitlines()[:1],
                "errors": done.stderr.strip().splitlines()[-3:]}


def exponent(a: dict, b: dict, key: str = "wall") -> float:
    return round(math.log(b[key] / a[key]) / math.log(b["items"] / a["items"]), 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    parser.add_argument("--on-topic", type=float, default=0.05)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = {"load_average": os.getloadavg(), "runs": []}
    for items in sorted(args.items):
        result = run(items, args.on_topic)
        report["runs"].append(result)
        print(f"{items:>7} items {result['bytes'] / 1024:8.0f} KB  wall {result['wall']:7.2f} s  CPU {result['cpu']:7.2f} s"
              f"  exit {result['exit']}", flush=True)
        for stage in result["stages"]:
            print(f"        {stage['name']:<10} {stage['items']:>7} items {stage['wall']:7.2f} s  CPU {stage['cpu']:7.2f} s")
        if result["exit"]:
            print("        " + "\n        ".join(result["errors"]))
    runs = report["runs"]
    report["exponents"] = [exponent(a, b) for a, b in zip(runs, runs[1:])]
    report["exponent_cpu"] = exponent(runs[0], runs[-1], "cpu") if len(runs) > 1 else None
    report["load_average_after"] = os.getloadavg()
    print(f"growth exponent (wall) between sizes: {report['exponents']}; first to last (CPU): {report['exponent_cpu']}; "
          f"load {report['load_average']} -> {report['load_average_after']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["exit"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
