"""``digest read PATH_OR_URL... [--json]``: what digest makes of each file, page or feed item.

For every article: title, outlet, date, author, language, text direction, the character set the
bytes were read in, which metadata was guessed, each text block with its kind (heading,
paragraph, bullet, table row) and word and sentence counts, and every line left out with why.
An editor sees why an article reads as it does; ``--json`` is stable (keys and order fixed) for
scripts, like ``dedup --json`` and ``facts --json``.

A URL is read as an article page when it serves HTML and as a feed otherwise; a path may be a
folder, a saved article (.txt, .md, .html, .eml) or a feed file. Nothing is stored.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

from digest.commands import console


def add_commands(commands) -> None:
    read = commands.add_parser("read", help="show what digest reads in files, pages or feeds")
    read.add_argument("paths", nargs="+", metavar="PATH_OR_URL", help="article files, folders, feeds or page URLs")
    read.add_argument("--config", type=Path, help="config file for fetch settings (default: built-in defaults)")
    read.add_argument("--json", action="store_true", help="print stable JSON")
    read.set_defaults(command=_read)


def _read(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.sources.fetch import Fetcher, make_client

    settings = (config_module.load(args.config) if args.config else config_module.Config()).fetch
    items, problems = [], []
    with make_client(settings) as http:
        fetcher = Fetcher(http, settings)
        for target in args.paths:
            found, trouble = _target(target, fetcher)
            items += found
            problems += trouble
    if args.json:
        print(json.dumps({"articles": items, "problems": [_problem(p) for p in problems]}, indent=2,
                         ensure_ascii=False))
    else:
        for item in items:
            _print(item)
        for problem in problems:
            console().print(f"problem {problem}", markup=False, soft_wrap=True)
    return 1 if problems and not items else 0


def _target(target: str, fetcher) -> tuple[list[dict], list]:
    """(described articles, problems) of one command-line argument."""
    from digest.errors import SourceError
    from digest.models import Problem
    from digest.sources import flatten, gather_paths
    from digest.sources.pages import PageReader

    pages = PageReader(fetcher, None, lambda: datetime.now(timezone.utc))
    if "://" in target and not target.startswith("file://"):
        try:
            return [_page(target, pages.read(target))], []
        except SourceError as error:
            if "not HTML" not in error.what:
                return [], [Problem(error.where, error.what, error.hint)]
    articles, problems = flatten(gather_paths([target], fetcher, pages=pages, concurrency=1))
    return [describe(a, _encoding(a.location)) for a in articles], problems


def _page(url: str, data: dict) -> dict:
    from digest.models import Article, stable_id
    from digest.sources import blocks
    from digest.sources.pages import page_blocks

    meta = data["meta"]
    layout = blocks.arrange(page_blocks(data) or blocks.classify_lines(data["text"]), title=meta.get("title"))
    article = Article(id=stable_id(meta.get("url") or url), location=url, title=layout.title,
                      outlet=meta.get("outlet") or "", blocks=layout.blocks, url=meta.get("url") or url,
                      published=_moment(meta.get("published")), author=meta.get("author"), source=url,
                      dropped=layout.dropped, inferred=("title",) if layout.title_inferred else ())
    return describe(article, data.get("encoding", ""))


def describe(article, encoding: str = "") -> dict:
    """One article as ``digest read`` shows it (the JSON object; the text view prints the same)."""
    from digest.sources.blocks import why_dropped
    from digest.text import language
    from digest.text.scripts import count_words, direction
    from digest.text.sentences import split

    text = article.text
    return {
        "location": article.location,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "language": language.guess(f"{article.title}\n{text}") or None,
        "direction": direction(text),
        "encoding": encoding or None,
        "guessed": list(article.inferred),
        "words": count_words(text),
        "blocks": [{"kind": b.kind, "text": b.text, "words": count_words(b.text),
                    "sentences": len(split(b.text)) if b.kind in ("paragraph", "bullet") else 0}
                   for b in article.blocks],
        "dropped": [{"line": line, "why": why_dropped(line)} for line in article.dropped],
    }


def _encoding(location: str) -> str:
    """How a saved file's bytes were decoded (files only; a feed item has its feed's)."""
    from digest.sources import charset

    path = Path(location)
    if path.suffix.lower() not in {".html", ".htm", ".txt", ".md", ".markdown"} or not path.is_file():
        return ""
    decoded = charset.decode(path.read_bytes(), markup=path.suffix.lower() in {".html", ".htm"})
    return f"{decoded.encoding} ({decoded.by})"


def _moment(value: str | None):
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _problem(problem) -> dict:
    return {"where": problem.where, "what": problem.what, "hint": problem.hint}


def _print(item: dict) -> None:
    guessed = set(item["guessed"])

    def mark(field: str) -> str:
        return " (guessed)" if field in guessed else ""
    print(f"== {item['location']}")
    print(f"title: {item['title']}{mark('title')}")
    print(f"outlet: {item['outlet'] or '-'}{mark('outlet')} · published: {item['published'] or 'unknown'}"
          f"{mark('published')} · author: {item['author'] or '-'}")
    print(f"language: {item['language'] or 'unknown'} · direction: {item['direction']} · "
          f"encoding: {item['encoding'] or '-'} · {item['words']} words in {len(item['blocks'])} blocks")
    for block in item["blocks"]:
        print(f"  {block['kind']:<9} {block['text']}")
    for dropped in item["dropped"]:
        print(f"  dropped   {dropped['line']!r}: {dropped['why']}")
    print()
