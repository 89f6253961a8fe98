"""``digest summarize|dedup|facts PATH...``: one stage of the pipeline on the given files, to see
what it makes of them (``--json`` for dedup and facts: stable, for scripts and evaluations)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from digest.commands import console


def add_commands(commands) -> None:
    for name, handler, text in (("summarize", _summarize, "extractive summary of article files"),
                                ("dedup", _dedup, "how articles group into origins and stories"),
                                ("facts", _facts, "every consensus line found in article files (the email box shows the top ones)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("paths", nargs="+", metavar="PATH", help="article files, folders or feeds")
        sub.add_argument("--config", type=Path, help="config file for settings (default: built-in defaults)")
        if name == "summarize":
            sub.add_argument("--words", type=_word_count, help="at most this many words (10 or more)")
        else:
            sub.add_argument("--json", action="store_true", help="print stable JSON")
        sub.set_defaults(command=handler)


def _word_count(text: str) -> int:
    if not text.isdigit() or int(text) < 10:
        raise argparse.ArgumentTypeError(f"--words takes a whole number of 10 or more, not {text!r}")
    return int(text)


def _settings(args: argparse.Namespace):
    from digest import config as config_module

    return config_module.load(args.config) if args.config else config_module.Config()


def _read(args: argparse.Namespace):
    from digest.sources import collect_paths
    from digest.sources.fetch import Fetcher, make_client

    settings = _settings(args).fetch
    with make_client(settings) as http:
        articles, problems = collect_paths(args.paths, Fetcher(http, settings))
    for problem in problems:
        console().print(f"problem {problem}", markup=False, soft_wrap=True)
    return articles


def _summarize(args: argparse.Namespace) -> int:
    from digest.summary import summarize

    config = _settings(args)
    sentences = summarize.summarize_articles(_read(args), config.summary, args.words)
    print(" ".join(s.text for s in sentences))
    return 0


def _dedup(args: argparse.Namespace) -> int:
    from digest.stories import dedup

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


def _story_json(story) -> dict:
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
    from digest.facts import consensus, paraphrase
    from digest.stories import dedup

    config = _settings(args)
    articles = _read(args)
    stories = dedup.group(articles, config.dedup)
    published = {a.id: a.published for a in articles}
    least = config.consensus.min_origins
    several = any(len(s.origins) >= least for s in stories)  # else no box is computed: the model need not load
    matcher = paraphrase.load(config.consensus, os.environ) if several else paraphrase.Loaded(
        None, f"none (no story has {least} sources)")
    facts = [f for s in stories for f in consensus.find_facts(s, config.consensus, published, every=True,
                                                              encoder=matcher.encoder)]
    location = {o.id: o.lead.location for s in stories for o in s.origins}
    payload = {
        "articles": len(articles),
        "origins": sum(len(s.origins) for s in stories),
        "matcher": matcher.note,
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
    print(f"statements paired by: {matcher.note}")
    if not payload["facts"]:
        print(f"no facts: {payload['articles']} articles, {payload['origins']} independent sources "
              f"(a box needs {least} sources stating the same thing)")
    for fact in payload["facts"]:
        note = f" — {fact['note']}" if fact["note"] else ""
        print(f"[{fact['status']}] {fact['text']} ({fact['count']} of {fact['total']} sources){note}")
        for value in fact["values"]:
            extra = f" ({value['note']})" if value["note"] else ""
            print(f"    {value['value']}{extra}: {', '.join(value['sources'])}")
    return 0
