"""``digest run``: build this week's issue (or rebuild a stored week) and say what it holds.

A week already built is rebuilt with its first build's clock, so with nothing new it is the same
issue, byte for byte (an approval stays valid); ``--force`` rebuilds it with the current clock on
purpose. Each run is recorded in the store's run history (``digest status``) and refreshes the web
archive (``archive:`` in config.yaml).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from digest.commands import config_option, console, moment, stderr_is_terminal, week
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
    run.add_argument("--timings", type=Path, metavar="FILE",
                     help="write each stage's items, wall and CPU seconds and peak memory to FILE as JSON")
    run.add_argument("--force", action="store_true",
                     help="rebuild this week's issue with the current clock even if it was built already")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="wait this long for another run or send to finish (default: exit 75 at once)")
    run.set_defaults(command=_run)


def _run(args: argparse.Namespace) -> int:
    from digest import heap

    if args.week and args.source:
        raise DigestError("--week rebuilds a week from the store and reads no source: drop --source")
    with heap.run():  # what the run loads lives to its end: frozen (heap.keep), the collector's again after it
        with heap.reading(then_keep=True):  # code and config live to the end: no collection walks them
            from digest import config as config_module, lock, weeks  # noqa: F401 (_locked's, loaded here)
            from digest.runs import runlog  # noqa: F401

            config = config_module.load(args.config)
        return _locked(args, config)


def _locked(args: argparse.Namespace, config) -> int:
    """The run under the run lock, recorded in the store's run history."""
    from digest.lock import RunLock
    from digest.runs.runlog import RunLog
    from digest.weeks import local

    now = local(args.now or datetime.now(timezone.utc), config.schedule.timezone)  # the week of the zone's calendar
    started = time.perf_counter()
    with RunLock(config.store, "run", wait=args.wait):
        recorded = not args.source  # an ad-hoc --source run is not the week's build
        if recorded:
            with RunLog(config.store) as log:
                run_id = log.start("build", datetime.now(timezone.utc))
        stages = _stages(args)
        try:
            result = _build(args, config, now, stages)
        except BaseException as error:
            if recorded:
                with RunLog(config.store) as log:
                    log.finish(run_id, "failed", datetime.now(timezone.utc), message=str(error) or type(error).__name__)
            raise
        finally:
            if args.timings:
                _write_timings(args.timings, stages)
        if recorded:
            _record(config, run_id, result)
    if not args.quiet:
        _print(args, result, time.perf_counter() - started)
    return 0


def _stages(args: argparse.Namespace):
    """Per-stage progress: bars on a terminal, else one log line per stage (not with --quiet)."""
    from digest.progress import Progress

    live = not getattr(args, "quiet", False) and args.log_format != "json" and stderr_is_terminal()
    if not live and not getattr(args, "quiet", False):
        logging.getLogger("digest.progress").setLevel(logging.INFO)
    return Progress(live=live)


def _build(args: argparse.Namespace, config, now: datetime, stages):
    from digest import heap

    with heap.reading(then_keep=True):  # ~400 modules: CPython's collector walked their objects ~100 times while they loaded
        from digest.pipeline import run_issue
        from digest.email.publish import publish
        from digest.store import Store

    result = run_issue(config, now, sources=args.source, out=args.out, strict=args.strict, week=args.week,
                       force=args.force, progress=stages)
    if not args.source:
        with Store(config.store) as store:
            issues = store.issues()
        try:
            published = publish(issues, config.archive_folder, config.email)
        except OSError as error:  # the issue is built and recorded; only its web copy is behind
            _say(args, logging.WARNING, f"archive: cannot write {config.archive_folder}: {error.strerror or error} "
                                        "(the issue is built; fix archive: in config.yaml and run `digest archive`)")
            return result
        for line in published.skipped:
            _say(args, logging.WARNING, f"archive: {line}")
    return result


def _record(config, run_id: int, result) -> None:
    from digest.runs.runlog import RunLog

    digest = result.digest
    counts = {"articles": result.articles_read, "stories": len(digest.stories), "facts": len(digest.facts),
              "themes": len(digest.sections), "off_topic": len(digest.left_out)}
    problems = "; ".join(str(p) for p in digest.problems[:3])
    with RunLog(config.store) as log:
        log.finish(run_id, "ok", datetime.now(timezone.utc), digest.week, len(digest.problems), counts,
                   f"{_same(result)}{' problems: ' + problems if problems else ''}")


def _same(result) -> str:
    """What became of a week built before: the same issue, or a changed one (and its approval void)."""
    before = result.previous
    if before is None:
        return f"built {result.digest.week}"
    if before["fingerprint"] == result.email.fingerprint:
        return f"{result.digest.week} unchanged since {before['created']} (same issue, byte for byte)"
    return f"{result.digest.week} rebuilt: it differs from the issue built on {before['created']}"


def _say(args, level: int, message: str) -> None:
    from digest.logs import say

    if args.log_format == "json":
        say(level, message)
    elif not stderr_is_terminal():  # the words alone, as rich would print them here, without loading it
        print(f"{'problem' if level >= logging.WARNING else 'note'} {message}", file=sys.stderr)
    else:
        from rich.markup import escape  # the message is text, never markup (a path may hold "[...]")

        tag = "[yellow]problem[/yellow]" if level >= logging.WARNING else "[dim]note[/dim]"
        console().print(f"{tag} {escape(message)}", markup=True, soft_wrap=True, highlight=False)


def _print(args: argparse.Namespace, result, seconds: float) -> None:
    from digest.email.view import plural

    digest = result.digest
    for problem in digest.problems:
        _say(args, logging.WARNING, str(problem))
    if args.force and result.previous:
        _say(args, logging.INFO, f"--force: rebuilt {digest.week} with the current clock on purpose "
                                 f"(it was built on {result.previous['created']})")
    elif result.previous and not args.week:
        _say(args, logging.INFO, _same(result) + ("" if result.previous["fingerprint"] == result.email.fingerprint
                                                  else " (new or changed articles; an approval of it is void)"))
    size = len(result.email.html.encode("utf-8")) / 1024
    stories = plural(len(digest.stories), "story", "stories") + (f" (+{len(digest.more)} listed)" if digest.more else "")
    counts = (plural(result.articles_read, "article"), stories,
              plural(len(digest.sections), "theme"), plural(len(digest.facts), "fact"))
    print(f"Read {' · '.join(counts)} · HTML {size:.1f} KB · {plural(len(digest.problems), 'problem')} · "
          f"{len(digest.left_out)} off topic · {seconds:.1f} s")
    if result.tally:
        print(f"  Articles: {result.tally.line()}")
    for verdict in digest.left_out:
        print(f"  off topic {verdict.location}: {verdict.reason}")
    for repeat in digest.repeats:
        print(f"  left out, {repeat}")
    if not digest.stories:
        why = result.tally.empty_reason() if result.tally else "see the lines above"
        _say(args, logging.WARNING, f"This issue has no stories: {why} (notes.txt lists each article); "
                                    "add sources, set the week with --now, or rebuild a week with --week.")
    feeds = Counter(r.status.split(":")[0] for r in result.reports if r.kind == "feed")
    if feeds:
        print("Feeds: " + " · ".join(f"{count} {status}" for status, count in sorted(feeds.items())))
    for kind, path in result.files.items():
        print(f"  {kind:5} {path}")
    return 0


def _write_timings(path: Path, progress) -> None:
    try:
        path.write_text(json.dumps([t.as_dict() for t in progress.timings()], indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise DigestError(f"{path}: cannot write the timings: {error.strerror or error}") from None
