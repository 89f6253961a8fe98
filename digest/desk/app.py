"""The desk's web app: Starlette routes over a ``Desk`` (served by uvicorn, see ``commands/desk.py``).

Safety (the desk runs in the editor's browser, next to every other page open there):
- Hosts: only the loopback names (and ``--host`` when given) are answered (TrustedHostMiddleware),
  so a DNS-rebinding page cannot reach the desk under its own name.
- State-changing requests are POSTs that carry the session's token (made at start, only in the
  desk's own pages) and an Origin equal to the desk's own; anything else gets 403, changes nothing.
- Files: only the output folder is served (Starlette's StaticFiles refuses paths that leave it,
  percent-encoded or not, and symlinks out of it); the issue preview is read through the store.
- Content: the desk has a Content-Security-Policy (scripts only from /static, no inline script);
  the email and source pages are served with ``sandbox`` and no script at all, inside a sandboxed
  iframe, so feed text cannot run script in the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
from pathlib import Path
from urllib.parse import parse_qsl

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from digest.desk import actions, page
from digest.desk.state import Desk
from digest.desk.watch import watch
from digest.errors import DigestError
from digest.weeks import week_window

logger = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
MAX_FORM = 64 * 1024
DESK_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
CONTENT_CSP = ("sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; "
               "img-src https: data:; font-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
STATIC = Path(__file__).resolve().parent / "static"


def create_app(desk: Desk, token: str, hosts: tuple[str, ...] = LOOPBACK, live: bool = True) -> Starlette:
    """The desk for ``desk``; ``live`` watches templates, config, corrections and sources."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await anyio.to_thread.run_sync(desk.build)
        watcher = asyncio.create_task(watch(desk)) if live else None
        yield
        if watcher:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def home(request: Request) -> Response:
        return HTMLResponse(page.desk_page(desk, token))

    async def version(request: Request) -> Response:
        return JSONResponse({"version": desk.version, "week": desk.week, "building": desk.building})

    async def email_html(request: Request) -> Response:
        week, to = _week(request), request.query_params.get("to")
        email = await anyio.to_thread.run_sync(desk.email_for, week, to) if to else \
            await anyio.to_thread.run_sync(desk.stored_email, week)
        html = email.html
        if request.query_params.get("scheme") == "dark":  # show the dark-mode rules whatever the OS says
            html = re.sub(r"\(prefers-color-scheme:\s*dark\)", "all", html)
        return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_CSP})

    async def email_text(request: Request) -> Response:
        email = await anyio.to_thread.run_sync(desk.stored_email, _week(request))
        return PlainTextResponse(email.text)

    async def past(request: Request) -> Response:
        return HTMLResponse(page.past_page(desk, _week(request)))

    async def post(request: Request) -> Response:
        form = await _checked_form(request, token)
        what = request.path_params["action"]
        try:
            if what == "correct":
                change, said = actions.change(form)
                await anyio.to_thread.run_sync(desk.correct, change)
                desk.notice = f"Correction saved: {said}"
            elif what == "approve":
                await anyio.to_thread.run_sync(desk.approve, form.get("fingerprint", ""),
                                               desk.config.email.editor_address or "editor")
            elif what == "withdraw":
                await anyio.to_thread.run_sync(desk.withdraw)
            elif what == "test-send":
                desk.notice = await anyio.to_thread.run_sync(desk.test_send)
            elif what == "rebuild":
                await anyio.to_thread.run_sync(desk.build)
            else:
                return PlainTextResponse("no such action", status_code=404)
        except DigestError as error:
            desk.notice = f"Not done: {error}"
        desk.version += 1  # the page shows the notice and the new state
        return RedirectResponse("/", status_code=303)

    routes = [
        Route("/", home), Route("/version", version),
        Route("/issue/{week}/email.html", email_html), Route("/issue/{week}/email.txt", email_text),
        Route("/past/{week}", past), Route("/do/{action}", post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Mount("/out", StaticFiles(directory=desk.config.output, check_dir=False, follow_symlink=False), name="out"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)), Middleware(_Headers)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={DigestError: _digest_error, 404: _not_found})
    return app


async def _checked_form(request: Request, token: str) -> dict[str, str]:
    """The POSTed form, if it comes from the desk's own page (same Origin, the session token)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin", "")
    if origin != f"{request.url.scheme}://{host}" or request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        raise _Refused(f"refused: a request from {origin or 'a page without an Origin'} cannot change the desk")
    body = await request.body()
    if len(body) > MAX_FORM:
        raise _Refused("refused: the form is too large")
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not hmac.compare_digest(form.get("token", ""), token):
        raise _Refused("refused: the desk's session token is missing or wrong (reload the desk page)")
    return form


class _Refused(DigestError):
    pass


async def _digest_error(request: Request, error: DigestError) -> Response:
    status = 403 if isinstance(error, _Refused) else 404
    return PlainTextResponse(str(error), status_code=status)


async def _not_found(request: Request, error) -> Response:
    return PlainTextResponse("not found", status_code=404)


def _week(request: Request) -> str:
    week = request.path_params["week"]
    try:
        week_window(week)
    except ValueError:
        raise DigestError(f"not an ISO week: {week!r}") from None
    return week


class _Headers:
    """Security headers on every answer: the desk's CSP, or ``sandbox`` for anything the output holds."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        content = scope["path"].startswith("/out/")

        async def headed(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"
                           or not content]
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", (CONTENT_CSP if content else DESK_CSP).encode()))
                referrer = b"no-referrer" if content else b"same-origin"  # no-referrer would make Origin "null"
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", referrer),
                            (b"cache-control", b"no-store")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, headed)
