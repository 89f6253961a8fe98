"""A feed (URL or file: RSS 0.9x/1.0/2.0, Atom or JSON Feed) -> one SourceReport of Articles.

Bytes come from the ``Fetcher`` (timeouts, retries, size cap, conditional GET) and only then are
parsed: feedparser's own fetching has no timeout. Before XML is parsed, a body whose DOCTYPE
declares entities is refused: expat expands internal entities, so a 1 KB "billion laughs" feed
would grow to gigabytes (six levels already give 300 000 characters), and no real feed declares
entities. A feed that parses with errors but still yields entries is used and the error reported;
one with no entries is a Problem. Items with only a teaser get their page's text (``pages``).
An item's outlet is the configured one, else the feed's title, else its article page's site name,
else the host name of its link (then listed as guessed in ``Article.inferred``).
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

from digest.errors import FetchError, SourceError
from digest.models import Article, Block, Problem, SourceReport, stable_id
from digest.sources import blocks, jsonfeed, xmlguard
from digest.sources.fetch import Fetcher, Response
from digest.sources.html import fragment_text
from digest.sources.jsonfeed import Item
from digest.sources.pages import PageReader, page_blocks
from digest.text.scripts import count_words

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024


def read_feed(url: str, fetcher: Fetcher | None, source: str = "", outlet: str = "",
              pages: PageReader | None = None, teaser_words: int = 150) -> SourceReport:
    """Every usable entry of one feed; what is wrong with the feed becomes Problems."""
    name = source or url
    try:
        response = _fetch(url, fetcher)
        title, items, warning = _parse(response, url)
        if fetcher is not None:
            fetcher.keep(url, response)
    except SourceError as error:
        return SourceReport(name, "feed", url, (), (Problem(error.where, error.what, error.hint),),
                            f"failed: {error.what}")
    articles, problems = [], []
    for position, item in enumerate(items):
        article, trouble = _entry(item, position, url, name, outlet or title, pages, teaser_words)
        problems += trouble
        if article is not None:
            articles.append(article if article.outlet else _host_outlet(article, url))
    if warning:
        problems.insert(0, Problem(url, f"feed has errors, read what could be read: {warning}", "tell the feed's owner"))
    if not items:
        problems.append(Problem(url, "feed has no items", "check the feed in a browser; it may be empty for now"))
    status = "not modified (304)" if response.status == 304 else "read with errors" if warning else "ok"
    inferred = "" if outlet else ("outlet from the feed title" if title else "outlet from the article page or host name")
    return SourceReport(name, "feed", url, tuple(articles), tuple(problems), status, inferred)


def _fetch(url: str, fetcher: Fetcher | None) -> Response:
    if "://" not in url or url.startswith("file://"):
        path = Path(url.removeprefix("file://"))
        limit = fetcher.settings.max_bytes if fetcher else MAX_BYTES  # the same cap as a fetched body
        try:
            size = path.stat().st_size
            if size > limit:
                raise FetchError(url, f"feed file is {size // 1024:,} KB, over the {limit // 1024:,} KB limit")
            return Response(url, 200, path.read_bytes())
        except OSError as error:
            raise SourceError(url, f"cannot read feed file: {error.strerror or error}", "check the path") from None
    if fetcher is None:
        raise FetchError(url, "no HTTP client available for a URL source")
    return fetcher.get(url)


def _parse(response: Response, url: str) -> tuple[str, list[Item], str]:
    """(feed title, items, what was wrong but could be read past)."""
    body = response.body
    if not body.strip():
        raise SourceError(url, "empty body, not a feed", "the server sent nothing; try again later")
    if jsonfeed.looks_like_json(body, response.content_type):
        return (*jsonfeed.parse(body, url), "")
    verdict = xmlguard.check(body)
    if not verdict.safe:
        raise SourceError(url, f"feed refused: {verdict.reason}", "tell the feed's owner; nothing of it was read")
    parsed = feedparser.parse(body, response_headers={"content-type": response.content_type or "application/xml"})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        if body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")):
            raise SourceError(url, "an HTML page, not a feed", "use the page's feed link (rel=alternate) instead")
        reason = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed elements found"
        raise SourceError(url, f"not a readable feed: {reason}", "check that the URL serves a feed")
    warning = str(parsed.get("bozo_exception") or "") if parsed.bozo else ""
    return parsed.feed.get("title") or "", [_item(entry) for entry in parsed.entries], warning


def _item(entry) -> Item:
    content = entry.get("content")
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return Item(
        title=" ".join((entry.get("title") or "").split()),
        link=entry.get("link") or None,
        markup=content[0].get("value", "") if content else entry.get("summary", ""),
        published=datetime.fromtimestamp(calendar.timegm(published), timezone.utc) if published else None,
        author=entry.get("author") or None,
        guid=entry.get("id") or None,
    )


def _entry(item: Item, position: int, feed_url: str, source: str, outlet: str, pages: PageReader | None,
           teaser_words: int) -> tuple[Article | None, list[Problem]]:
    """One item -> Article, its page's full text fetched when the feed gives only a teaser."""
    where = f"{feed_url} item {position + 1}"
    text = fragment_text(item.markup)
    if not (pages and item.link and count_words(text) < teaser_words):
        article = _article(item, text, {}, position, feed_url, source, outlet)
        return article, [] if article else [Problem(where, "item has no text", "the feed may carry titles only")]
    try:
        page = pages.read(item.link)
    except SourceError as error:
        article = _article(item, text, {}, position, feed_url, source, outlet)
        kept = "the feed's teaser is kept" if article else "the item is left out"
        return article, [Problem(where, f"article page {item.link}: {error.what}", kept)]
    if count_words(page["text"]) <= count_words(text):
        return _article(item, text, page["meta"], position, feed_url, source, outlet), []
    return _article(item, page_blocks(page) or page["text"], page["meta"], position, feed_url, source, outlet), []


def _article(item: Item, text: str | tuple[Block, ...], meta: dict, position: int, feed_url: str, source: str,
             outlet: str) -> Article | None:
    title = item.title or meta.get("title") or None
    layout = blocks.parse(text, title=title) if isinstance(text, str) else blocks.arrange(text, title=title)
    if not any(b.kind in ("paragraph", "bullet") for b in layout.blocks):
        return None
    url = meta.get("url") or item.link
    published = item.published or _page_date(meta.get("published"))
    inferred = ("title",) if layout.title_inferred else ()
    return Article(
        id=stable_id(url or item.guid or f"{feed_url}#{position}"),
        location=item.link or f"{feed_url}#{position + 1}",
        title=layout.title,
        outlet=outlet or meta.get("outlet") or "",
        blocks=layout.blocks,
        url=url,
        published=published,
        author=item.author or meta.get("author"),
        source=source,
        dropped=layout.dropped,
        inferred=inferred + (() if published else ("published",)),
    )


def _host_outlet(article: Article, feed_url: str) -> Article:
    """Neither the feed nor the page names the outlet: the host name stands in, marked as guessed."""
    host = urlsplit(article.url or feed_url).hostname or Path(feed_url).name
    return replace(article, outlet=host.removeprefix("www."), inferred=(*article.inferred, "outlet"))


def _page_date(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)
