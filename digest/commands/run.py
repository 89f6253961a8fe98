"""``digest run``: build this week's issue (or rebuild a stored week) and say what it holds."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from digest.commands import config_option, console, moment, week
from digest.errors import DigestError


def add_commands(commands) -> None:
    run = commands.add_parser("run", help="build this week's issue")
    config_option(run)
    run.add_argument("--source", action="append", default=[], metavar="PATH_OR_URL",
                     help="read this folder, file or feed instead of the configured sources (repeatable)")
    run.add_argument("--out", type=Path, help="output folder (default: the config's)")
    run.add_argument("--now", type=moment, help="the run's clock, ISO 8601 (for reproducible runs)")
    run.add_argument("--strict", action="store_true", help="fail (exit 1) if any source has a problem")
    run.add_argument("--week", type=week, help="rebuild a past week's issue from the store, e.g. 2025-W30 (no fetching)")
    run.set_defaults(command=_run)


def _run(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.email.view import plural
    from digest.lock import RunLock
    from digest.pipeline import run_issue

    err = console()
    if args.week and args.source:
        raise DigestError("--week rebuilds a week from the store and reads no source: drop --source")
    config = config_module.load(args.config)
    now = args.now or datetime.now(timezone.utc)
    started = time.perf_counter()
    with RunLock(config.store, "run"), err.status("Building the issue…"):
        result = run_issue(config, now, sources=args.source, out=args.out, strict=args.strict, week=args.week)
    digest = result.digest
    for problem in digest.problems:
        err.print(f"[yellow]problem[/yellow] {problem}", markup=True, soft_wrap=True)
    size = len(result.email.html.encode("utf-8")) / 1024
    counts = (plural(result.articles_read, "article"), plural(len(digest.stories), "story", "stories"),
              plural(len(digest.sections), "theme"), plural(len(digest.facts), "fact"))
    print(f"Read {' · '.join(counts)} · HTML {size:.1f} KB · {plural(len(digest.problems), 'problem')} · "
          f"{len(digest.left_out)} off topic · {time.perf_counter() - started:.1f} s")
    if result.tally:
        print(f"  Articles: {result.tally.line()}")
    for verdict in digest.left_out:
        print(f"  off topic {verdict.location}: {verdict.reason}")
    for repeat in digest.repeats:
        print(f"  left out, {repeat}")
    if not digest.stories:
        why = result.tally.empty_reason() if result.tally else "see the lines above"
        err.print(f"[yellow]This issue has no stories[/yellow]: {why} (notes.txt lists each article); "
                  "add sources, set the week with --now, or rebuild a week with --week.", markup=True,
                  soft_wrap=True)
    feeds = Counter(r.status.split(":")[0] for r in result.reports if r.kind == "feed")
    if feeds:
        print("Feeds: " + " · ".join(f"{count} {status}" for status, count in sorted(feeds.items())))
    for kind, path in result.files.items():
        print(f"  {kind:5} {path}")
    return 0
