"""Sources: where articles come from (I/O). ``collect`` reads every configured source.

A source that fails becomes a Problem and the others are still read: one bad feed never stops
the run. Paths given on the command line (``--source``) may be folders, single files or feeds.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from digest.config import Sources
from digest.errors import SourceError
from digest.models import Article, Problem
from digest.sources.feed import read_feed
from digest.sources.folder import read_file, read_folder

__all__ = ["collect", "collect_paths", "read_feed", "read_file", "read_folder"]

_FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed"}


def collect(sources: Sources, client: httpx.Client | None) -> tuple[list[Article], list[Problem]]:
    """Read every configured folder and feed, in config order."""
    articles: list[Article] = []
    problems: list[Problem] = []
    for folder in sources.folders:
        found, trouble = read_folder(folder.path, source=folder.name or folder.path.name,
                                     outlet=folder.outlet, recursive=folder.recursive)
        articles += found
        problems += trouble
    for feed in sources.feeds:
        found, trouble = read_feed(feed.url, client, source=feed.name or feed.url, outlet=feed.outlet)
        articles += found
        problems += trouble
    return _unique(articles), problems


def collect_paths(paths: list[str], client: httpx.Client | None) -> tuple[list[Article], list[Problem]]:
    """Read ad-hoc sources: folders, article files, feed files or feed URLs."""
    articles: list[Article] = []
    problems: list[Problem] = []
    for item in paths:
        path = Path(item)
        if "://" in item or path.suffix.lower() in _FEED_SUFFIXES:
            found, trouble = read_feed(item, client, source=item)
        elif path.is_dir():
            found, trouble = read_folder(path, source=path.name)
        elif path.is_file():
            found, trouble = _one_file(path)
        else:
            found, trouble = [], [Problem(item, "no such file or folder", "check the path")]
        articles += found
        problems += trouble
    return _unique(articles), problems


def _one_file(path: Path) -> tuple[list[Article], list[Problem]]:
    try:
        return [read_file(path, root=path.parent, source=path.parent.name)], []
    except SourceError as error:
        return [], [Problem(error.where, error.what, error.hint)]


def _unique(articles: list[Article]) -> list[Article]:
    """The same article read twice (one file listed twice, one URL in two feeds) is kept once."""
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.id, article)
    return list(seen.values())
