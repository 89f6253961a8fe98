"""Sources (I/O at the edge): configured feeds, folders and paths in, Articles out.

``gather`` reads every configured source: ``feed`` (RSS/Atom/JSON Feed, fetched by ``fetch``),
``folder`` (saved .txt/.md/.html/.eml files), ``pages`` (the linked page of a teaser item,
extracted by ``html``), ``opml`` (a feed reader's subscriptions); ``guard`` keeps every fetch to
public addresses (but the configured source's own host) and within its deadline; ``own`` keeps
digest's own output folder and store out of folder sources. ``relevance`` then scores each
Article against the topic (pure; its term matching is ``phrases``), so only AI-in-entertainment
articles go on down the pipeline.

A source that fails becomes a Problem and the others are still read: one bad feed never stops
the run. Feeds are fetched ``concurrency`` at a time (6, so no host sees more than a handful of
requests at once; ``benchmarks/collect_fifty.py``: 50 feeds of 20 items plus 200 teaser pages, each
answer delayed 50 ms, took 10.4 s on the shared 2-core machine, and 3.8 s on the unchanged second
run); results keep config order, so runs repeat.
Paths given on the command line (``--source``) may be folders, single files or feeds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from digest.config import FeedSource, Sources
from digest.errors import SourceError
from digest.models import Article, Problem, SourceReport
from digest.sources import kept
from digest.sources.folder import read_file, read_folder

if TYPE_CHECKING:  # feeds bring httpx and feedparser: loaded only when a feed is read
    from digest.sources.fetch import Fetcher
    from digest.sources.pages import PageReader

__all__ = ["collect_paths", "gather", "gather_paths", "is_feed", "read_feed", "read_file", "read_folder"]

_FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed", ".json"}


def gather(sources: Sources, fetcher: Fetcher | None, pages: PageReader | None = None,
           concurrency: int = 6, teaser_words: int = 150, own: Sequence[tuple[str, Path]] = (),
           cache: kept.Cache | None = None) -> list[SourceReport]:
    """One report per configured folder and feed, folders first, each group in config order;
    ``own`` and ``cache`` go to ``read_folder``."""
    reports = [folder_report(f.path, f.name or f.path.name, f.outlet, f.recursive, own, cache) for f in sources.folders]
    jobs = [lambda f=f: _read_feed(f.url, fetcher, f.name or f.url, f.outlet, pages, teaser_words)
            for f in sources.feeds]
    return reports + _run_all(jobs, concurrency)


def gather_paths(paths: Sequence[str], fetcher: Fetcher | None, pages: PageReader | None = None,
                 concurrency: int = 6, teaser_words: int = 150, own: Sequence[tuple[str, Path]] = (),
                 cache: kept.Cache | None = None) -> list[SourceReport]:
    """One report per ad-hoc source: folders, article files, feed files or feed URLs."""
    jobs: list[Callable[[], SourceReport]] = []
    for item in paths:
        path = Path(item)
        if is_feed(item):
            jobs.append(lambda item=item: _read_feed(item, fetcher, item, "", pages, teaser_words))
        elif path.is_dir():
            jobs.append(lambda path=path: folder_report(path, path.name, own=own, cache=cache))
        elif path.is_file():
            jobs.append(lambda path=path: _file_report(path))
        else:
            problem = Problem(item, "no such file or folder", "check the path")
            jobs.append(lambda item=item, problem=problem: SourceReport(item, "file", item, (), (problem,), "failed"))
    return _run_all(jobs, concurrency)


def is_feed(item: str) -> bool:
    """Whether an ad-hoc source (``--source``) is read as a feed: a URL or a feed file."""
    return "://" in item or Path(item).suffix.lower() in _FEED_SUFFIXES


def _read_feed(*args) -> SourceReport:
    from digest.sources.feed import read_feed

    return read_feed(*args)


def __getattr__(name: str):
    """``read_feed`` is imported on first use: a run with folders only never loads a feed parser."""
    if name == "read_feed":
        from digest.sources.feed import read_feed

        return read_feed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def collect_paths(paths: list[str], fetcher: Fetcher | None) -> tuple[list[Article], list[Problem]]:
    """Ad-hoc sources' articles and problems (the inspection commands read these)."""
    return flatten(gather_paths(paths, fetcher))


def flatten(reports: Sequence[SourceReport]) -> tuple[list[Article], list[Problem]]:
    """All articles (the same article read twice is kept once) and all problems, in report order."""
    seen: dict[str, Article] = {}
    for article in (a for r in reports for a in r.articles):
        seen.setdefault(article.id, article)
    return list(seen.values()), [p for r in reports for p in r.problems]


def feeds_with(sources: Sources, imported: Sequence[tuple[str, str]]) -> Sources:
    """The configured sources plus feeds imported from OPML (a configured URL wins)."""
    known = {f.url for f in sources.feeds}
    extra = [FeedSource(url=url, name=name) for url, name in imported if url not in known]
    return sources.model_copy(update={"feeds": [*sources.feeds, *extra]})


def folder_report(root: Path, name: str, outlet: str = "", recursive: bool = True,
                  own: Sequence[tuple[str, Path]] = (), cache: kept.Cache | None = None) -> SourceReport:
    articles, problems = read_folder(root, source=name, outlet=outlet, recursive=recursive, own=own, cache=cache)
    status = "ok" if articles or not problems else "failed: no readable article"
    return SourceReport(name, "folder", str(root), tuple(articles), tuple(problems), status, _guesses(articles))


def _file_report(path: Path) -> SourceReport:
    try:
        article = read_file(path, root=path.parent, source=path.parent.name)
    except SourceError as error:
        return SourceReport(str(path), "file", str(path), (), (Problem(error.where, error.what, error.hint),),
                            f"failed: {error.what}")
    return SourceReport(str(path), "file", str(path), (article,), (), "ok", _guesses([article]))


def _guesses(articles: Sequence[Article]) -> str:
    """"title guessed for 1, outlet for 5 of 5": the inference an editor may want to fix."""
    counts = Counter(field for a in articles for field in a.inferred)
    parts = [f"{field} for {counts[field]}" for field in ("title", "outlet", "published") if counts[field]]
    return f"guessed {', '.join(parts)} of {len(articles)}" if parts else ""


def _run_all(jobs: Sequence[Callable[[], SourceReport]], concurrency: int) -> list[SourceReport]:
    if len(jobs) <= 1 or concurrency <= 1:
        return [job() for job in jobs]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch") as pool:
        return list(pool.map(lambda job: job(), jobs))
