"""Email -> a MIME message ready for SMTP, and .eml files for the editor.

``compose`` is pure: the clock comes in as ``now``. The message follows EMAIL.md part 1 §6-7:
multipart/alternative with text/plain first and text/html last (RFC 2046: the last part is the
richest), both utf-8 and quoted-printable (MRML writes the HTML on one very long line, and
RFC 5322 caps lines at 998 octets), CRLF line ends from ``policy.SMTP``, a Message-ID on the
sending domain (``make_msgid()`` alone would use this host's name), and RFC 8058 one-click
unsubscribe headers. Sending over SMTP is not here yet.
"""

from __future__ import annotations

import os
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from digest.config import EmailSettings
from digest.models import Email

ONE_CLICK = "List-Unsubscribe=One-Click"
_SPECIALS = set('()<>@,;:\\".[]')


def compose(email: Email, settings: EmailSettings, now: datetime, recipient: str | None = None) -> EmailMessage:
    """The message for one recipient (``settings.to_address`` when none is given)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("compose() needs a timezone-aware `now` for the Date header")
    domain = settings.from_address.rpartition("@")[2]
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=settings.from_name, addr_spec=settings.from_address)
    message["To"] = recipient or settings.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=domain)
    message["List-Id"] = f"{_phrase(settings.title)} <list.{domain}>"
    message["List-Unsubscribe"] = f"<{settings.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def write_eml(message: EmailMessage, path: Path | str) -> Path:
    """Write the message as it would go on the wire (CRLF); replace the file atomically."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(message.as_bytes(policy=policy.SMTP))
    os.replace(partial, path)
    return path


def _phrase(text: str) -> str:
    """The List-Id description, quoted when it holds characters RFC 5322 reserves."""
    text = " ".join(text.split())
    if not _SPECIALS.intersection(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
