"""Article pages for teaser-only feed items: fetched once, main text extracted, kept in the store.

Many feeds carry a sentence or two per item and a link. An item with fewer than
``teaser_words`` (150) words of text and a link is a teaser. 150 is a choice, not yet measured on
real feeds (none can be fetched here): the teasers in the fixtures run 3-12 words, the shortest
BBC article in shared/data is far longer, and a short full item that is wrongly taken for a teaser
costs one page fetch, once, and keeps its feed text when the page has less.
Its page is fetched (same Fetcher: timeout, retries, size cap) and read exactly as a saved page
is (``html.read_page``: charset from the HTTP header or the page, one trafilatura pass with
comments out and tables in; main text, title, date, site name, canonical URL). What was extracted is kept in the store under the
item's link, so the page is never fetched again, on this run or any later one. A page that cannot
be fetched or read is a Problem and the item keeps its teaser text: nothing is lost. A 4xx
answer (the page is gone) is remembered too, so it is not asked for again every week; a 5xx or a
timeout is not, and is tried again on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from digest.errors import FetchError, SourceError
from digest.sources.fetch import Fetcher
from digest.models import Block
from digest.sources.html import read_page

logger = logging.getLogger(__name__)


class PageCache(Protocol):
    def page(self, url: str) -> dict | None: ...

    def remember_page(self, url: str, data: dict, now: datetime) -> None: ...


class PageReader:
    """Main text and metadata of article pages, from the cache or fetched once."""

    def __init__(self, fetcher: Fetcher, cache: PageCache | None, now: Callable[[], datetime]):
        self.fetcher, self.cache, self.now = fetcher, cache, now

    def read(self, url: str) -> dict:
        """``{"text": ..., "blocks": [[kind, text], ...], "meta": {...}}`` for the page at ``url``
        (pages kept by an older digest have no "blocks": their text is laid out again); raises SourceError."""
        known = self.cache.page(url) if self.cache else None
        if known is not None and "error" in known:
            raise SourceError(url, known["error"], "the feed's teaser is used instead")
        if known is not None:
            return known
        try:
            response = self.fetcher.get(url, conditional=False)
        except FetchError as error:
            if error.what.startswith("HTTP 4") and self.cache:  # gone for good: do not ask every week
                self.cache.remember_page(url, {"error": error.what}, self.now())
            raise
        kind = response.content_type.split(";")[0].strip().lower()
        if kind and "html" not in kind:
            raise SourceError(url, f"article page is {kind}, not HTML", "the feed's teaser is used instead")
        page = read_page(response.body, url=response.url, content_type=response.content_type)
        if not page.text.strip():
            raise SourceError(url, "no article text found on the page", "the feed's teaser is used instead")
        data = {"text": page.text, "blocks": [[b.kind, b.text] for b in page.blocks],
                "meta": {k: str(v) for k, v in page.meta.items()}, "final_url": response.url,
                "encoding": page.encoding}
        if self.cache:
            self.cache.remember_page(url, data, self.now())
        return data


def page_blocks(data: dict) -> tuple[Block, ...] | None:
    """The blocks a page was read into, or None for a page kept before blocks were stored."""
    kept = data.get("blocks")
    return tuple(Block(kind, text) for kind, text in kept) if kept else None
