"""One-click unsubscribe (RFC 8058): signed per-recipient links and the endpoint they reach.

A link is ``<email.unsubscribe_url>/<token>``; the token is ``<key>.<signature>``: the
subscriber's random key (never the address, RFC 8058 §3.1) and the first 16 bytes of
HMAC-SHA256 over the list id and the key, keyed with the secret named by
``email.unsubscribe.secret_env``, both base64url. 128 bits of signature make forgery hopeless;
a token for another list, or with one character changed, fails. The secret must be at least
``MIN_SECRET`` = 16 characters.

``digest serve-unsubscribe`` answers (loopback by default; put it behind the HTTPS URL):

- ``POST <path>/<token>``: unsubscribes and answers 200 with a short page, never a redirect
  (§3.1), whatever the body (mail providers send ``List-Unsubscribe=One-Click``; our own page's
  button sends the same). Repeating it changes nothing and still answers 200.
- ``GET`` / ``HEAD`` on the same URL never change anything (link scanners prefetch): they show
  a page with the button that POSTs.
- A forged, malformed or unknown token: 400 and nothing changes. Other paths: 404.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from digest.config import EmailSettings
from digest.errors import DigestError
from digest.mail.subscribers import SubscriberBook

logger = logging.getLogger(__name__)

MIN_SECRET = 16
MAX_BODY = 64 * 1024


class UnsubscribeError(DigestError):
    """Unsubscribe links cannot be made or served (usually: the secret is not set)."""


def list_id(settings: EmailSettings) -> str:
    """The List-Id identifier (RFC 2919): ``list.<sending domain>``."""
    return f"list.{settings.from_address.rpartition('@')[2]}"


def secret_from(settings: EmailSettings, environ: Mapping[str, str]) -> bytes:
    name = settings.unsubscribe.secret_env
    secret = environ.get(name, "")
    if len(secret) < MIN_SECRET:
        raise UnsubscribeError(f"environment variable {name} (email.unsubscribe.secret_env) must hold a secret of "
                               f"{MIN_SECRET} or more characters: it signs unsubscribe links (e.g. `export "
                               f"{name}=$(openssl rand -hex 32)`; keep it: changing it breaks links already sent)")
    return secret.encode("utf-8")


def sign(key: str, secret: bytes, list_name: str) -> str:
    return f"{key}.{_signature(key, secret, list_name)}"


def verify(token: str, secret: bytes, list_name: str) -> str | None:
    """The subscriber key a genuine token carries, or None."""
    key, dot, signature = token.rpartition(".")
    if not dot or not key:
        return None
    return key if hmac.compare_digest(signature, _signature(key, secret, list_name)) else None


def link(settings: EmailSettings, key: str, secret: bytes) -> str:
    return f"{settings.unsubscribe_url}/{sign(key, secret, list_id(settings))}"


def _signature(key: str, secret: bytes, list_name: str) -> str:
    mac = hmac.new(secret, f"{list_name}\x1f{key}".encode("utf-8"), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def make_server(settings: EmailSettings, store: Path, secret: bytes, host: str, port: int,
                clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> ThreadingHTTPServer:
    """The endpoint, bound but not yet serving (call ``serve_forever``)."""
    prefix = urlsplit(settings.unsubscribe_url).path.rstrip("/") + "/"
    title, name = settings.title, list_id(settings)

    class Handler(BaseHTTPRequestHandler):
        server_version = "digest-unsubscribe"
        sys_version = ""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._reply(413, "Too large", "This request is too large.")
            self.rfile.read(length)
            key = self._key()
            if key is None:
                return
            with SubscriberBook(store) as book:
                found = book.unsubscribe(key, clock(), by_key=True)
            if found is None:
                return self._reply(400, "Link not recognised", "This unsubscribe link is not ours or has expired.")
            logger.info("unsubscribed a subscriber (key %s…)", key[:4])
            self._reply(200, "Unsubscribed", f"You will not receive {title} any more.")

        def do_GET(self, body: bool = True) -> None:
            key = self._key(body)
            if key is None:
                return
            with SubscriberBook(store) as book:
                found = book.by_key(key)
            if found is None:
                return self._reply(400, "Link not recognised", "This unsubscribe link is not ours.", body)
            if found.status == "unsubscribed":
                return self._reply(200, "Unsubscribed", f"You no longer receive {title}.", body)
            form = ('<form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click" '
                    'style="font-size:16px;padding:12px 20px">Unsubscribe</button></form>')
            self._reply(200, f"Unsubscribe from {title}?", f"Stop receiving {title}?", body, form)

        def do_HEAD(self) -> None:
            self.do_GET(body=False)

        def _key(self, body: bool = True) -> str | None:
            path = urlsplit(self.path).path
            if not path.startswith(prefix) or "/" in path[len(prefix):]:
                self._reply(404, "Not found", "There is nothing here.", body)
                return None
            key = verify(path[len(prefix):], secret, name)
            if key is None:
                self._reply(400, "Link not recognised", "This unsubscribe link is not valid.", body)
            return key

        def _reply(self, status: int, heading: str, text: str, body: bool = True, extra: str = "") -> None:
            page = (f'<!doctype html><html lang="{html.escape(settings.language)}"><meta charset="utf-8">'
                    f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(heading)}'
                    f'</title><body style="font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em">'
                    f"<h1>{html.escape(heading)}</h1><p>{html.escape(text)}</p>{extra}</body></html>").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(page)

        def log_message(self, format: str, *args) -> None:  # no tokens in the logs
            logger.debug("%s %s", self.command, self.log_date_time_string())

    return ThreadingHTTPServer((host, port), Handler)
