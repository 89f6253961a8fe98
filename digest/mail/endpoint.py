"""The one-click unsubscribe endpoint (RFC 8058): a Starlette app under uvicorn.

What it answers (``digest.mail.unsubscribe`` makes and checks the tokens):

- ``POST <path>/<token>``: unsubscribes and answers 200 with a short page, never a redirect
  (§3.1), whatever the body (mail providers send ``List-Unsubscribe=One-Click``; our own page's
  button sends the same). Repeating it changes nothing and still answers 200. When the store is
  busy (a send, a run) the write waits and retries for up to ``write_patience`` seconds (the
  request waits with it; other requests are served meanwhile) and only then answers 503 with
  Retry-After, so a one-click POST is never silently dropped.
- ``GET`` / ``HEAD`` on the same URL never change anything (link scanners prefetch): they show
  a page with the button that POSTs.
- A forged, malformed or unknown token: 400 and nothing changes. Other paths: 404.
- The general link itself (``<path>`` with no token: what the archive's web page and a desk test copy
  to a non-subscriber carry, since a public page must not hold anyone's own link): a page saying to use
  the link in an issue received by email (200 for GET/HEAD, 400 for POST); nothing changes.

What it survives, as configured by ``email.unsubscribe``: a connection that has no request in
progress is closed after ``idle_seconds`` (also one that trickles its request line or headers:
uvicorn alone only times out idle keep-alive connections, after a response), at most
``max_connections`` at once (uvicorn's ``limit_concurrency``: beyond it, 503), request heads up to
``MAX_HEAD`` (h11 refuses a longer incomplete one, the app a longer complete one with 431) and
bodies up to ``MAX_BODY`` (413, whether declared or chunked); an invalid ``Content-Length`` (e.g. ``-1``) is
refused by h11 with 400 before the app sees it.
"""

from __future__ import annotations

import asyncio
import html
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from digest.config import EmailSettings
from digest.mail.subscribers import SubscriberBook
from digest.mail.unsubscribe import list_id, verify

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_HEAD = 16 * 1024


def make_app(settings: EmailSettings, store: Path, secret: bytes, clock: Callable[[], datetime] = lambda: datetime.now(
        timezone.utc), busy_timeout: float = 5.0) -> Starlette:
    """The app: ``<unsubscribe_url path>/<token>`` for GET, HEAD and POST; 404 elsewhere."""
    pages = _Pages(settings, store, secret, clock, busy_timeout)
    prefix = urlsplit(settings.unsubscribe_url).path.rstrip("/") + "/"
    methods = ["GET", "HEAD", "POST"]
    return Starlette(routes=[Route(prefix + "{token}", pages.endpoint, methods=methods),
                             *(Route(path, pages.general, methods=methods) for path in {prefix, prefix.rstrip("/") or "/"}),
                             Route("/{rest:path}", pages.elsewhere, methods=methods)])


class _Pages:
    """The endpoint's answers; the store is opened per request, in a worker thread."""

    def __init__(self, settings: EmailSettings, store: Path, secret: bytes, clock: Callable[[], datetime],
                 busy_timeout: float):
        self.settings, self.store, self.secret, self.clock = settings, store, secret, clock
        self.busy_timeout, self.name, self.title = busy_timeout, list_id(settings), settings.title

    async def endpoint(self, request: Request) -> HTMLResponse:
        if sum(len(k) + len(v) for k, v in request.scope["headers"]) > MAX_HEAD:
            return self.page(431, "Too large", "This request's headers are too large.")
        key = verify(request.path_params["token"], self.secret, self.name)
        if key is None:
            return self.page(400, "Link not recognised", "This unsubscribe link is not valid.")
        return await (self.post(request, key) if request.method == "POST" else self.show(key))

    async def general(self, request: Request) -> HTMLResponse:
        return self.page(400 if request.method == "POST" else 200, f"Unsubscribe from {self.title}",
                         f"To stop receiving {self.title}, use the unsubscribe link at the bottom of an issue you "
                         "received by email: it is yours alone. This general address, found in issues read on the "
                         "web, cannot tell who you are.")

    async def elsewhere(self, request: Request) -> HTMLResponse:
        return self.page(404, "Not found", "There is nothing here.")

    async def post(self, request: Request, key: str) -> HTMLResponse:
        if not await _body_fits(request):
            return self.page(413, "Too large", "This request is too large.")
        patience = self.settings.unsubscribe.write_patience
        found = await _patiently(lambda: run_in_threadpool(self._book, "unsubscribe", key), patience)
        if found is _BUSY:
            logger.error("the store stayed busy for %.0f s: an unsubscribe (key %s…) was not recorded; the "
                         "client was told to retry", patience, key[:4])
            return self.page(503, "Please try again", "We could not record this just now; please try again in a "
                             "minute.", headers={"Retry-After": "60"})
        if found is None:
            return self.page(400, "Link not recognised", "This unsubscribe link is not ours or has expired.")
        logger.info("unsubscribed a subscriber (key %s…)", key[:4])
        return self.page(200, "Unsubscribed", f"You will not receive {self.title} any more.")

    async def show(self, key: str) -> HTMLResponse:
        found = await run_in_threadpool(self._book, "by_key", key)
        if found is None:
            return self.page(400, "Link not recognised", "This unsubscribe link is not ours.")
        if found.status == "unsubscribed":
            return self.page(200, "Unsubscribed", f"You no longer receive {self.title}.")
        form = ('<form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click" '
                'style="font-size:16px;padding:12px 20px">Unsubscribe</button></form>')
        return self.page(200, f"Unsubscribe from {self.title}?", f"Stop receiving {self.title}?", form)

    def _book(self, action: str, key: str):
        with SubscriberBook(self.store, timeout=self.busy_timeout) as book:
            return book.unsubscribe(key, self.clock(), by_key=True) if action == "unsubscribe" else book.by_key(key)

    def page(self, status: int, heading: str, text: str, extra: str = "", headers: dict | None = None) -> HTMLResponse:
        body = (f'<!doctype html><html lang="{html.escape(self.settings.language)}"><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(heading)}'
                f'</title><body style="font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em">'
                f"<h1>{html.escape(heading)}</h1><p>{html.escape(text)}</p>{extra}</body></html>")
        return HTMLResponse(body, status, {"Cache-Control": "no-store", **(headers or {})})


async def _body_fits(request: Request) -> bool:
    """Whether the body, declared or chunked, stays within MAX_BODY (read and dropped: any body will do)."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY:
        return False
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return False
    return True


_BUSY = object()


async def _patiently(write, patience: float):
    """The write's result, retried while the store is locked, or _BUSY after ``patience`` seconds."""
    give_up = time.monotonic() + patience
    while True:
        try:
            return await write()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() >= give_up:
                return _BUSY
            await asyncio.sleep(0.2)


def _protocol(idle_seconds: float) -> type[H11Protocol]:
    class Protocol(H11Protocol):
        """uvicorn's h11 protocol, closing a connection with no request in progress every ``idle_seconds``."""

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._idle_check = self.loop.call_later(idle_seconds, self._close_if_idle)

        def _close_if_idle(self) -> None:
            if self.transport.is_closing():
                return
            if self.cycle is None or self.cycle.response_complete:
                self.transport.close()
            else:
                self._idle_check = self.loop.call_later(idle_seconds, self._close_if_idle)

        def connection_lost(self, exc) -> None:
            self._idle_check.cancel()
            super().connection_lost(exc)

    return Protocol


class Endpoint:
    """uvicorn serving the app on ``host:port`` (0: any free port; see ``address``)."""

    def __init__(self, app: Starlette, settings: EmailSettings, host: str, port: int):
        limits = settings.unsubscribe
        self.socket = socket.create_server((host, port))
        self.address = self.socket.getsockname()[:2]
        self.server = uvicorn.Server(uvicorn.Config(
            app, http=_protocol(limits.idle_seconds), lifespan="off", log_level="warning", server_header=False,
            limit_concurrency=limits.max_connections, timeout_keep_alive=max(1, int(limits.idle_seconds)),
            h11_max_incomplete_event_size=MAX_HEAD, access_log=False))
        self._thread: threading.Thread | None = None

    def serve(self) -> None:
        """Serve until interrupted (Ctrl-C, SIGTERM)."""
        self.server.run(sockets=[self.socket])

    def __enter__(self) -> Endpoint:
        self._thread = threading.Thread(target=self.serve, daemon=True)
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        if self._thread:
            self._thread.join(10)
        self.socket.close()
