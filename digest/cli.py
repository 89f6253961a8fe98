"""digest's commands: parse options, call the library, print the result.

Exit codes: 0 done; 1 the run failed (or ``--strict`` and problems were met); 2 bad usage or an
invalid config. Only this module turns a DigestError into an exit code; anything unexpected keeps
its traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console

from digest import config as config_module
from digest.facts import consensus
from digest import weeks
from digest.stories import dedup
from digest.summary import summarize
from digest.mail.commands import add_commands as add_mail_commands
from digest.config import Config
from digest.errors import ConfigError, DigestError, StrictModeError
from digest.models import Story
from digest.email.view import plural
from digest.pipeline import run_issue
from digest.sources import collect_paths, feeds_with
from digest.sources.fetch import Fetcher, make_client
from digest.sources.opml import read_opml
from digest.store import Store

logger = logging.getLogger(__name__)
err = Console(stderr=True, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.command(args)
    except ConfigError as error:
        for line in error.lines:
            err.print(f"[red]error[/red] {line}", markup=True, soft_wrap=True)
        return 2
    except StrictModeError as error:
        err.print("[red]--strict: the run met problems, nothing was written:[/red]", markup=True)
        err.print(str(error), markup=False, soft_wrap=True)
        return 1
    except DigestError as error:
        err.print(f"error: {error}", markup=False, soft_wrap=True)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digest", description="Weekly email digest from feeds and saved articles.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="build this week's issue")
    run.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: ./config.yaml)")
    run.add_argument("--source", action="append", default=[], metavar="PATH_OR_URL",
                     help="read this folder, file or feed instead of the configured sources (repeatable)")
    run.add_argument("--out", type=Path, help="output folder (default: the config's)")
    run.add_argument("--now", type=_moment, help="the run's clock, ISO 8601 (for reproducible runs)")
    run.add_argument("--strict", action="store_true", help="fail (exit 1) if any source has a problem")
    run.add_argument("--week", type=_week, help="rebuild a past week's issue from the store, e.g. 2025-W30 (no fetching)")
    run.set_defaults(command=_run)
    _sources_parser(commands)

    for name, handler, text in (("summarize", _summarize, "extractive summary of article files"),
                                ("dedup", _dedup, "how articles group into origins and stories"),
                                ("facts", _facts, "the consensus facts of article files")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("paths", nargs="+", metavar="PATH", help="article files, folders or feeds")
        sub.add_argument("--config", type=Path, help="config file for settings (default: built-in defaults)")
        if name == "summarize":
            sub.add_argument("--words", type=_word_count, help="at most this many words (10 or more)")
        else:
            sub.add_argument("--json", action="store_true", help="print stable JSON")
        sub.set_defaults(command=handler)
    add_mail_commands(commands)
    return parser


def _word_count(text: str) -> int:
    if not text.isdigit() or int(text) < 10:
        raise argparse.ArgumentTypeError(f"--words takes a whole number of 10 or more, not {text!r}")
    return int(text)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r} (e.g. 2025-07-20T08:00:00+00:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _run(args: argparse.Namespace) -> int:
    if args.week and args.source:
        raise DigestError("--week rebuilds a week from the store and reads no source: drop --source")
    config = config_module.load(args.config)
    now = args.now or datetime.now(timezone.utc)
    started = time.perf_counter()
    with err.status("Building the issue…"):
        result = run_issue(config, now, sources=args.source, out=args.out, strict=args.strict, week=args.week)
    digest = result.digest
    for problem in digest.problems:
        err.print(f"[yellow]problem[/yellow] {problem}", markup=True, soft_wrap=True)
    size = len(result.email.html.encode("utf-8")) / 1024
    counts = (plural(result.articles_read, "article"), plural(len(digest.stories), "story", "stories"),
              plural(len(digest.sections), "theme"), plural(len(digest.facts), "fact"))
    print(f"Read {' · '.join(counts)} · HTML {size:.1f} KB · {plural(len(digest.problems), 'problem')} · "
          f"{len(digest.left_out)} off topic · {time.perf_counter() - started:.1f} s")
    for verdict in digest.left_out:
        print(f"  off topic {verdict.location}: {verdict.reason}")
    for repeat in digest.repeats:
        print(f"  left out, {repeat}")
    if not digest.stories:
        err.print("[yellow]This issue has no stories[/yellow]: nothing new since the last issue "
                  "(see the lines above and notes.txt); add sources or rebuild a week with --week.", markup=True)
    feeds = Counter(r.status.split(":")[0] for r in result.reports if r.kind == "feed")
    if feeds:
        print("Feeds: " + " · ".join(f"{count} {status}" for status, count in sorted(feeds.items())))
    for kind, path in result.files.items():
        print(f"  {kind:5} {path}")
    return 0


def _week(text: str) -> str:
    try:
        weeks.week_window(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _sources_parser(commands) -> None:
    sources = commands.add_parser("sources", help="the feeds and folders read, and how their last fetch went")
    actions = sources.add_subparsers(required=True, metavar="ACTION")
    imports = actions.add_parser("import", help="add the feeds of an OPML file (a feed reader's export)")
    imports.add_argument("opml", type=Path, metavar="FILE.opml")
    listing = actions.add_parser("list", help="each source: last fetch, status, item counts, guessed metadata")
    for sub, handler in ((imports, _sources_import), (listing, _sources_list)):
        sub.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: ./config.yaml)")
        sub.set_defaults(command=handler)


def _sources_import(args: argparse.Namespace) -> int:
    config = config_module.load(args.config)
    feeds = read_opml(args.opml)
    with Store(config.store) as store:
        added = store.import_feeds(feeds, origin=f"opml:{args.opml.name}")
    print(f"Imported {added} new feeds of {len(feeds)} in {args.opml} (kept in {config.store}; read on every run)")
    return 0


def _sources_list(args: argparse.Namespace) -> int:
    config = config_module.load(args.config)
    with Store(config.store) as store:
        runs = {r["name"]: r for r in store.source_runs()}
        configured = feeds_with(config.sources, store.imported_feeds())
    names = [(f.name or f.path.name, "folder", str(f.path)) for f in configured.folders]
    names += [(f.name or f.url, "feed", f.url) for f in configured.feeds]
    for name, kind, location in names:
        run = runs.get(name)
        print(f"{kind:6} {name}" + (f"  <{location}>" if location != name else ""))
        if run is None:
            print("       never fetched")
            continue
        print(f"       last fetch {run['last_fetch']} · {run['status']} · {plural(run['items'], 'item')} this fetch · "
              f"{run['stored']} stored · {plural(run['problems'], 'problem')}"
              + (f" · {run['inferred']}" if run["inferred"] else ""))
    return 0


def _settings(args: argparse.Namespace) -> Config:
    return config_module.load(args.config) if args.config else Config()


def _read(args: argparse.Namespace):
    settings = _settings(args).fetch
    with make_client(settings) as http:
        articles, problems = collect_paths(args.paths, Fetcher(http, settings))
    for problem in problems:
        err.print(f"problem {problem}", markup=False, soft_wrap=True)
    return articles


def _summarize(args: argparse.Namespace) -> int:
    config = _settings(args)
    sentences = summarize.summarize_articles(_read(args), config.summary, args.words)
    print(" ".join(s.text for s in sentences))
    return 0


def _dedup(args: argparse.Namespace) -> int:
    config = _settings(args)
    stories = dedup.group(_read(args), config.dedup)
    if args.json:
        print(json.dumps({"stories": [_story_json(s) for s in stories]}, indent=2, ensure_ascii=False))
        return 0
    for story in stories:
        where = {a.id: a.location for a in story.articles}
        print(f"{story.title} — {len(story.articles)} articles, {len(story.origins)} independent sources")
        for origin in story.origins:
            print("  origin: " + ", ".join(a.location for a in origin.articles))
        for merge in story.merges:
            print(f"  {merge.rule} ({merge.score}): {where[merge.left]} ~ {where[merge.right]}; {merge.detail}")
    return 0


def _story_json(story: Story) -> dict:
    """A story for ``dedup --json``: its origins, and every merge with its pair, rule, score and figures."""
    where = {a.id: a.location for a in story.articles}
    return {
        "id": story.id,
        "title": story.title,
        "articles": len(story.articles),
        "origins": [{"id": o.id, "articles": [a.location for a in o.articles],
                     "outlets": sorted({a.outlet for a in o.articles})} for o in story.origins],
        "merges": [{"left": m.left, "right": m.right, "pair": [where[m.left], where[m.right]],
                    "kind": "copy" if m.rule.startswith("copy:") else "same event",
                    "rule": m.rule, "score": m.score, "detail": m.detail} for m in story.merges],
    }


def _facts(args: argparse.Namespace) -> int:
    config = _settings(args)
    articles = _read(args)
    stories = dedup.group(articles, config.dedup)
    published = {a.id: a.published for a in articles}
    facts = [f for s in stories for f in consensus.find_facts(s, config.consensus, published)]
    location = {o.id: o.lead.location for s in stories for o in s.origins}
    payload = {
        "articles": len(articles),
        "origins": sum(len(s.origins) for s in stories),
        "facts": [{
            "status": f.status,
            "text": f.text,
            "count": f.count,
            "total": f.total,
            "note": f.note,
            "sources": [location[i] for i in f.origin_ids],
            "values": [{"value": v.value, "sources": [location[i] for i in v.origin_ids], "note": v.note}
                       for v in f.values],
            "evidence": [{"source": location[e.origin_id], "sentence": e.sentence} for e in f.evidence],
        } for f in facts],
    }
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    for fact in payload["facts"]:
        print(f"[{fact['status']}] {fact['text']} ({fact['count']} of {fact['total']} sources)")
        for value in fact["values"]:
            print(f"    {value['value']}: {', '.join(value['sources'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
