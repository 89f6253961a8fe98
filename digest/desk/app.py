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

    routes = [
        Route("/", _home), Route("/version", _version),
        Route("/issue/{week}/email.html", _email_html), Route("/issue/{week}/email.txt", _email_text),
        Route("/past/{week}", _past), Route("/do/{action}", _post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Mount("/out", StaticFiles(directory=desk.config.output, check_dir=False, follow_symlink=False), name="out"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)), Middleware(_Headers)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={DigestError: _digest_error, 404: _not_found})
    app.state.desk, app.state.token = desk, token
    return app


async def _home(request: Request) -> Response:
    return HTMLResponse(page.desk_page(request.app.state.desk, request.app.state.token))


async def _version(request: Request) -> Response:
    desk = request.app.state.desk
    return JSONResponse({"version": desk.version, "week": desk.week, "building": desk.building})


async def _email_html(request: Request) -> Response:
    """The issue as send sends it; ``?to=ADDRESS`` as that subscriber gets it; ``?scheme=dark``."""
    desk, week, to = request.app.state.desk, _week(request), request.query_params.get("to")
    email = await anyio.to_thread.run_sync(desk.email_for, week, to) if to else \
        await anyio.to_thread.run_sync(desk.stored_email, week)
    html = email.html
    if request.query_params.get("scheme") == "dark":  # show the dark-mode rules whatever the OS says
        html = re.sub(r"\(prefers-color-scheme:\s*dark\)", "all", html)
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_CSP})


async def _email_text(request: Request) -> Response:
    email = await anyio.to_thread.run_sync(request.app.state.desk.stored_email, _week(request))
    return PlainTextResponse(email.text)


async def _past(request: Request) -> Response:
    return HTMLResponse(page.past_page(request.app.state.desk, _week(request)))


def _correct(desk: Desk, form: dict[str, str]) -> str:
    change, said = actions.change(form)
    desk.correct(change)
    return f"Correction saved: {said}"


def _approve(desk: Desk, form: dict[str, str]) -> str:
    desk.approve(form.get("fingerprint", ""), desk.config.email.editor_address or "editor")
    return desk.notice


def _withdraw(desk: Desk, form: dict[str, str]) -> str:
    desk.withdraw()
    return desk.notice


def _rebuild(desk: Desk, form: dict[str, str]) -> str:
    desk.build()
    return "Rebuilt"


ACTIONS = {"correct": _correct, "approve": _approve, "withdraw": _withdraw, "rebuild": _rebuild,
           "test-send": lambda desk, form: desk.test_send()}


async def _post(request: Request) -> Response:
    """A state change from the desk's own page (checked first); the answer sends the browser back."""
    desk = request.app.state.desk
    form = await _checked_form(request, request.app.state.token)
    act = ACTIONS.get(request.path_params["action"])
    if act is None:
        return PlainTextResponse("no such action", status_code=404)
    try:
        desk.notice = await anyio.to_thread.run_sync(act, desk, form)
    except DigestError as error:
        desk.notice = f"Not done: {error}"
    desk.version += 1  # the page shows the notice and the new state
    return RedirectResponse("/", status_code=303)


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
