"""One-click unsubscribe (RFC 8058): signed per-recipient links and the endpoint they reach.

A link is ``<email.unsubscribe_url>/<token>``; the token is ``<key>.<signature>``: the
subscriber's random key (never the address, RFC 8058 §3.1) and the first 16 bytes of
HMAC-SHA256 over the list id and the key, keyed with the secret named by
``email.unsubscribe.secret_env``, both base64url. 128 bits of signature make forgery hopeless;
a token for another list, or with one character changed, fails. The secret must be at least
``MIN_SECRET`` = 16 characters.

``digest serve-unsubscribe`` answers those links (loopback by default; put it behind the HTTPS
URL): see ``digest.mail.endpoint``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

from digest.config import EmailSettings
from digest.errors import DigestError

MIN_SECRET = 16


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
