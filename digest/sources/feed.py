"""An RSS or Atom feed (URL or file) -> Articles.

feedparser's own fetching has no timeout, so bytes are fetched with the ``httpx.Client`` passed in
(its timeout, redirects and headers are the caller's) and only then parsed. A body is read up to
``MAX_BYTES``; larger bodies are refused, not truncated into broken XML. A feed that parses with
errors but still yields entries is used and the error reported; one with no entries is a Problem.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx

from digest.errors import FetchError, SourceError
from digest.models import Article, Problem, stable_id
from digest.sources import blocks
from digest.sources.html import fragment_text

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "digest/0.1 (+https://github.com/digest; weekly newsletter builder)"


def read_feed(url: str, client: httpx.Client | None, source: str = "", outlet: str = "") -> tuple[list[Article], list[Problem]]:
    """Every usable entry of one feed; what is wrong with the feed becomes Problems."""
    try:
        body = _fetch(url, client)
    except SourceError as error:
        return [], [Problem(error.where, error.what, error.hint)]
    parsed = feedparser.parse(body)
    name = outlet or parsed.feed.get("title") or (urlsplit(url).hostname or Path(url).name)
    articles, problems = [], []
    for position, entry in enumerate(parsed.entries):
        article = _article(entry, position, url, source, name)
        if article is None:
            problems.append(Problem(f"{url} item {position + 1}", "item has no text", "the feed may carry titles only"))
        else:
            articles.append(article)
    if not articles and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom elements found"
        return [], [Problem(url, f"not a readable RSS/Atom feed: {reason}", "check that the URL serves a feed")]
    if parsed.bozo:
        problems.insert(0, Problem(url, f"feed has errors, read what could be read: {parsed.bozo_exception}"))
    if not parsed.entries:
        problems.append(Problem(url, "feed has no items"))
    return articles, problems


def _fetch(url: str, client: httpx.Client | None) -> bytes:
    if "://" not in url or url.startswith("file://"):
        path = Path(url.removeprefix("file://"))
        try:
            if path.stat().st_size > MAX_BYTES:
                raise FetchError(url, f"feed file is over the {MAX_BYTES // 1024 // 1024} MB limit")
            return path.read_bytes()
        except OSError as error:
            raise SourceError(url, f"cannot read feed file: {error.strerror or error}") from None
    if client is None:
        raise FetchError(url, "no HTTP client available for a URL source")
    try:
        with client.stream("GET", url, headers={"User-Agent": USER_AGENT}) as response:
            if response.status_code >= 400:
                raise FetchError(url, f"HTTP {response.status_code}", "check the URL, or try again later")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(url, f"body is over the {MAX_BYTES // 1024 // 1024} MB limit")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise FetchError(url, "timed out", "the server did not answer in time") from None
    except httpx.TooManyRedirects:
        raise FetchError(url, "too many redirects", "the URL may redirect in a loop") from None
    except httpx.HTTPError as error:
        raise FetchError(url, f"fetch failed: {error}") from None


def _article(entry, position: int, feed_url: str, source: str, outlet: str) -> Article | None:
    content = entry.get("content")
    markup = content[0].get("value", "") if content else entry.get("summary", "")
    title = " ".join((entry.get("title") or "").split()) or None
    layout = blocks.parse(fragment_text(markup), title=title)
    if not any(b.kind in ("paragraph", "bullet") for b in layout.blocks):
        return None
    link = entry.get("link") or None
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return Article(
        id=stable_id(link or entry.get("id") or f"{feed_url}#{position}"),
        location=link or f"{feed_url}#{position + 1}",
        title=layout.title,
        outlet=outlet,
        blocks=layout.blocks,
        url=link,
        published=datetime.fromtimestamp(calendar.timegm(published), timezone.utc) if published else None,
        author=entry.get("author"),
        source=source,
        dropped=layout.dropped,
        inferred=("title",) if layout.title_inferred else (),
    )
