"""HTTP for feeds and article pages: deadlines, retries, a size cap, conditional GET, public addresses.

Every request goes through ``Fetcher.get`` with the ``httpx.Client`` it was given (its timeout and
redirect limit come from ``make_client``). The rules, with the defaults of ``FetchSettings``:

- A 5xx answer, a timeout or a dropped connection is retried ``retries`` (2) times, waiting
  ``backoff * 2**(n-1)`` (1 s, then 2 s): a feed host that hiccups recovers within seconds, one that
  is down costs at most ~3 s more per run. A 4xx is never retried: asking again will not help.
- ``timeout_seconds`` is a deadline for a whole attempt (connect, headers, body), not per read:
  a server that trickles a byte a second is cut off when it passes (``digest.sources.guard``).
- Only public addresses are fetched, checked after DNS resolution and on every redirect, except
  the host of the source the editor configured: a feed URL may be internal, a link inside a feed
  only when it is on the feed's own host (``get(url, origin=feed_url)``; see ``guard``).
- Redirects are followed up to ``max_redirects`` (5); a loop ends there as a "too many redirects"
  problem instead of hanging the run.
- Every body is read up to ``max_bytes`` (5 MB: a feed of 100 full articles of 25 KB, the largest
  BBC article record in shared/data, is 2.5 MB) and a larger one is refused, not truncated into
  broken XML.
- With a ``cache`` (the store), the ETag and Last-Modified of each answer are kept with its body and
  sent back as If-None-Match / If-Modified-Since: an unchanged feed costs one 304 and its body
  comes from the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from digest.config import FetchSettings
from digest.errors import FetchError
from digest.models import Response
from digest.sources import guard

logger = logging.getLogger(__name__)

_RETRY_STATUS = {500, 502, 503, 504}


class HttpCache(Protocol):
    def cached(self, url: str) -> Response | None: ...

    def remember(self, url: str, response: Response) -> None: ...


def make_client(settings: FetchSettings) -> httpx.Client:
    """The client every fetch of a run shares (its pool is as large as the concurrency)."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.timeout_seconds, connect=min(10.0, settings.timeout_seconds)),
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={"User-Agent": settings.user_agent},
        limits=httpx.Limits(max_connections=settings.concurrency * 2),
    )


class Fetcher:
    """GET with retries, a size cap and (given a cache) conditional requests."""

    def __init__(self, client: httpx.Client, settings: FetchSettings | None = None,
                 cache: HttpCache | None = None, sleep: Callable[[float], None] = time.sleep):
        self.client, self.settings, self.cache, self.sleep = client, settings or FetchSettings(), cache, sleep
        guard.protect(client)  # public addresses only, and a deadline per request (see guard)

    def get(self, url: str, conditional: bool = True, origin: str | None = None) -> Response:
        """The body at ``url``; raises FetchError saying what went wrong and what to do. ``origin``:
        the configured source ``url`` was found in (its host may be internal); default ``url`` itself."""
        cached = self.cache.cached(url) if (self.cache and conditional) else None
        headers = {"User-Agent": self.settings.user_agent}
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        response = self._attempts(url, headers, urlsplit(url if origin is None else origin).hostname or "")
        if response.status == 304 and cached:
            logger.debug("%s: not modified", url)
            return Response(cached.url, 304, cached.body, cached.content_type, cached.etag, cached.last_modified)
        return response

    def keep(self, url: str, response: Response) -> None:
        """Cache a body once the caller could use it, so a broken body is never served as "unchanged"."""
        if self.cache and response.status == 200 and (response.etag or response.last_modified):
            self.cache.remember(url, response)

    def _attempts(self, url: str, headers: dict[str, str], origin_host: str) -> Response:
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                with guard.scope(origin_host, self.settings.timeout_seconds):
                    return self._once(url, headers)
            except FetchError as error:
                if not error.retry or attempt == attempts:
                    if attempt > 1:
                        raise FetchError(url, f"{error.what} (after {attempt} attempts)", error.hint) from None
                    raise
                logger.info("%s: %s, retrying", url, error.what)
                self.sleep(self.settings.backoff_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code >= 400:
                    raise FetchError(url, f"HTTP {response.status_code}", "check the URL, or try again later",
                                 retry=response.status_code in _RETRY_STATUS)
                body = b"" if response.status_code == 304 else self._body(url, response)
                return Response(str(response.url), response.status_code, body,
                                response.headers.get("content-type", ""), response.headers.get("etag", ""),
                                response.headers.get("last-modified", ""))
        except guard.Refused as error:
            raise FetchError(url, f"not fetched: {error}", "configure it as a source if it is meant to be read") from None
        except httpx.TimeoutException:
            raise FetchError(url, "timed out", f"no complete answer within the {self.settings.timeout_seconds:g} s deadline "
                             "(fetch.timeout_seconds); try again later", retry=True) from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects", "the URL may redirect in a loop; open it in a browser") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as error:
            raise FetchError(url, f"connection failed: {error}", "check the host name, or try again later",
                         retry=True) from None
        except httpx.HTTPError as error:
            raise FetchError(url, f"fetch failed: {error}", "check the URL") from None

    def _body(self, url: str, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"body is over the {_size(limit)} limit ({_size(int(declared))})", "is this a feed?")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"body is over the {_size(limit)} limit", "is this a feed?")
            chunks.append(chunk)
        return b"".join(chunks)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"
