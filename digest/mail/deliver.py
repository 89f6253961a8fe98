"""Email -> one MIME message per subscriber, over SMTP, each address exactly once.

``compose`` is pure: the clock comes in as ``now``. The message follows EMAIL.md part 1 §6-7:
multipart/alternative with text/plain first and text/html last (RFC 2046: the last part is the
richest), both utf-8 and quoted-printable (MRML writes the HTML on one very long line, and
RFC 5322 caps lines at 998 octets), CRLF line ends from ``policy.SMTP``, a Message-ID on the
sending domain (``make_msgid()`` alone would use this host's name), and RFC 8058 one-click
unsubscribe headers carrying the recipient's own signed link.

``personalize`` swaps the issue's generic unsubscribe URL (what the editor previewed) for the
recipient's signed one, in both parts; an issue without that link is not sent (U6). Preview and
message differ in nothing else (T5).

``send_issue`` walks the subscribers through the delivery ledger (see ``digest.ledger``): at
most ``smtp.rate_per_minute`` messages a minute; a temporary failure is retried ``smtp.retries``
times after ``retry_delay`` seconds, doubled each time; if it still fails the run stops (the
relay is down: trying the rest now would only fail too) and the next run carries on.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from digest.mail import unsubscribe
from digest.config import EmailSettings
from digest.errors import DeliveryError
from digest.files import write_atomic
from digest.mail.ledger import DONE, Ledger
from digest.models import Email
from digest.email.render import check_size
from digest.mail.smtp import Mailer, PermanentFailure, TemporaryFailure
from digest.mail.subscribers import Subscriber

logger = logging.getLogger(__name__)

ONE_CLICK = "List-Unsubscribe=One-Click"
_SPECIALS = set('()<>@,;:\\".[]')


def compose(email: Email, settings: EmailSettings, now: datetime, recipient: str | None = None,
            unsubscribe_url: str | None = None, message_id: str | None = None) -> EmailMessage:
    """The message for one recipient (``settings.to_address`` when none is given)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("compose() needs a timezone-aware `now` for the Date header")
    domain = settings.from_address.rpartition("@")[2]
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=settings.from_name, addr_spec=settings.from_address)
    message["To"] = recipient or settings.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    message["List-Id"] = f"{_phrase(settings.title)} <{unsubscribe.list_id(settings)}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url or settings.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def personalize(email: Email, settings: EmailSettings, url: str) -> Email:
    """The issue with the recipient's own unsubscribe link in both parts."""
    base = re.escape(settings.unsubscribe_url)
    html, in_html = re.subn(f'href="{base}"', f'href="{url}"', email.html)
    text, in_text = re.subn(rf"(?<!\S){base}(?!\S)", url, email.text)
    if not (in_html and in_text):
        part = "HTML" if not in_html else "plain-text"
        raise DeliveryError(f"the {part} part has no link to {settings.unsubscribe_url}: subscribers could not "
                            "unsubscribe, so nothing is sent (check the templates in email.templates)")
    return replace(email, html=html, text=text)


def write_eml(message: EmailMessage, path: Path | str) -> Path:
    """Write the message as it would go on the wire (CRLF); replace the file atomically."""
    path = Path(path)
    write_atomic(path, message.as_bytes(policy=policy.SMTP))
    return path


@dataclass
class SendReport:
    issue: str
    sent: list[str] = field(default_factory=list)
    skipped: int = 0  # already sent or rejected by an earlier run
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (address, the server's reply)
    left: list[str] = field(default_factory=list)  # not delivered yet: the next run sends them
    error: str = ""  # why the run stopped early


@dataclass(frozen=True)
class Sender:
    """What sending needs from the outside world: the relay, the clocks and the signing secret."""

    mailer: Mailer
    secret: bytes
    now: Callable[[], datetime]
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic


def check_sendable(email: Email, settings: EmailSettings) -> str:
    """Refuse an issue Gmail would clip (its footer and unsubscribe link with it); the size line."""
    budget = check_size(personalize(email, settings, f"{settings.unsubscribe_url}/{'x' * 40}").html)
    if budget.level == "clip":
        raise DeliveryError(f"not sent: {budget.message}")
    return budget.message


def send_issue(email: Email, issue: str, recipients: Sequence[Subscriber], settings: EmailSettings,
               ledger: Ledger, sender: Sender) -> SendReport:
    """Send to every recipient the ledger has not seen through; stop at an outage."""
    report, last = SendReport(issue), None
    for n, subscriber in enumerate(recipients):
        previous = ledger.get(issue, subscriber.address)
        if previous and previous.status in DONE:
            report.skipped += 1
            continue
        last = _pace(last, settings.smtp.rate_per_minute, sender)
        message_id = previous.message_id if previous else make_msgid(domain=settings.from_address.rpartition("@")[2])
        ledger.begin(issue, subscriber.address, message_id, sender.now())
        url = unsubscribe.link(settings, subscriber.key, sender.secret)
        message = compose(personalize(email, settings, url), settings, sender.now(), subscriber.address, url, message_id)
        try:
            _with_retries(message, settings, subscriber.address, sender)
        except PermanentFailure as error:
            ledger.finish(issue, subscriber.address, "rejected", sender.now(), str(error))
            report.rejected.append((subscriber.address, str(error)))
            continue
        except TemporaryFailure as error:
            ledger.finish(issue, subscriber.address, "pending", sender.now(), str(error))
            report.error = str(error)
            report.left = [s.address for s in recipients[n:] if _open(ledger, issue, s.address)]
            return report
        ledger.finish(issue, subscriber.address, "sent", sender.now())
        report.sent.append(subscriber.address)
    return report


def _open(ledger: Ledger, issue: str, address: str) -> bool:
    row = ledger.get(issue, address)
    return row is None or row.status not in DONE


def _pace(last: float | None, per_minute: int, sender: Sender) -> float:
    """Wait so messages start at least 60 / per_minute seconds apart; the new start time."""
    if last is not None:
        wait = last + 60 / per_minute - sender.monotonic()
        if wait > 0:
            sender.sleep(wait)
    return sender.monotonic()


def _with_retries(message: EmailMessage, settings: EmailSettings, address: str, sender: Sender) -> None:
    smtp = settings.smtp
    for attempt in range(smtp.retries + 1):
        try:
            return sender.mailer.send(message, settings.from_address, address)
        except TemporaryFailure as error:
            if attempt == smtp.retries:
                raise
            delay = smtp.retry_delay * 2 ** attempt
            logger.warning("temporary failure for one message (%s); retry %d of %d in %.0f s",
                           error, attempt + 1, smtp.retries, delay)
            sender.sleep(delay)


def dry_run(email: Email, recipients: Sequence[Subscriber], settings: EmailSettings, secret: bytes,
            now: datetime, out: Path) -> list[Path]:
    """Write each message ``send`` would send as ``DIR/NNN-address.eml``; send nothing, record nothing."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n, subscriber in enumerate(recipients, 1):
        url = unsubscribe.link(settings, subscriber.key, secret)
        message = compose(personalize(email, settings, url), settings, now, subscriber.address, url)
        name = re.sub(r"[^\w.@+-]", "_", subscriber.address)
        written.append(write_eml(message, out / f"{n:03d}-{name}.eml"))
    return written


def _phrase(text: str) -> str:
    """The List-Id description, quoted when it holds characters RFC 5322 reserves."""
    text = " ".join(text.split())
    if not _SPECIALS.intersection(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
