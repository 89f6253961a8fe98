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

``send_issue`` walks the subscribers through the delivery ledger (see ``digest.mail.ledger``):
each address is claimed there before its message goes out, so a second sender skips it; at most
``smtp.rate_per_minute`` messages a minute. One recipient's temporary refusal (452 mailbox full)
never stops the run: that address is tried again after everyone else, ``smtp.retries`` times
after ``retry_delay`` seconds (doubled each time), and then left for the next run. When the relay
itself is unavailable (no connection, 421) the same message is retried that way and, if it still
fails, the run stops (trying the rest now would only fail too) and the next run carries on. A
message sent without a reply is "unknown" (see the ledger) and never sent again blindly.
"""

from __future__ import annotations

import hashlib
import hmac
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
from typing import TYPE_CHECKING

from digest.mail import unsubscribe
from digest.config import EmailSettings
from digest.errors import DeliveryError
from digest.files import write_atomic
from digest.models import Email
from digest.email.render import check_size

if TYPE_CHECKING:  # a run composes the email; smtplib, ssl and the ledger load only to send it
    from digest.mail.ledger import Ledger
    from digest.mail.smtp import Mailer
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


def own_message(email: Email, settings: EmailSettings, now: datetime, address: str, url: str,
                message_id: str | None = None) -> EmailMessage:
    """The message one subscriber gets: their own unsubscribe link ``url`` in both parts and in the
    List-Unsubscribe header (``send``, ``--dry-run`` and the desk's test send all build it here)."""
    return compose(personalize(email, settings, url), settings, now, address, url, message_id)


def write_eml(message: EmailMessage, path: Path | str) -> Path:
    """Write the message as it would go on the wire (CRLF); replace the file atomically."""
    path = Path(path)
    write_atomic(path, message.as_bytes(policy=policy.SMTP))
    return path


@dataclass
class SendReport:
    issue: str
    sent: list[str] = field(default_factory=list)
    skipped: int = 0  # sent or refused in an earlier run
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (address, the server's reply)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # the relay may have taken it: (address, why)
    busy: list[str] = field(default_factory=list)  # claimed by another sender still at work
    unsubscribed: list[str] = field(default_factory=list)  # unsubscribed while this send was running
    left: list[str] = field(default_factory=list)  # not delivered yet: the next run sends them
    error: str = ""  # why the run stopped early, or the last temporary refusal


@dataclass(frozen=True)
class Sender:
    """What sending needs from the outside world: the relay, the clocks, the signing secret, and
    ``subscribed`` (asked right before each message, so an unsubscribe during a send counts)."""

    mailer: Mailer
    secret: bytes
    now: Callable[[], datetime]
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    subscribed: Callable[[str], bool] = lambda address: True
    resend_unknown: bool = False


def check_sendable(email: Email, settings: EmailSettings) -> str:
    """Refuse an issue Gmail would clip (its footer and unsubscribe link with it); the size line."""
    budget = check_size(personalize(email, settings, f"{settings.unsubscribe_url}/{'x' * 40}").html)
    if budget.level == "clip":
        raise DeliveryError(f"not sent: {budget.message}")
    return budget.message


def message_id(settings: EmailSettings, secret: bytes, issue: str, address: str) -> str:
    """The one Message-ID of this issue for this address, whoever sends it and however often."""
    mac = hmac.new(secret, f"{issue}\x1f{address.lower()}".encode("utf-8"), hashlib.sha256).hexdigest()[:24]
    return f"<{issue.lower()}.{mac}@{settings.from_address.rpartition('@')[2]}>"


def send_issue(email: Email, issue: str, recipients: Sequence[Subscriber], settings: EmailSettings,
               ledger: Ledger, sender: Sender) -> SendReport:
    """Send to every recipient no sender has seen through. A recipient's temporary refusal is
    retried after the others, ``smtp.retries`` times; a relay outage stops the run."""
    run = _Run(email, issue, settings, ledger, sender, SendReport(issue))
    deferred = run.round(recipients)
    for attempt in range(settings.smtp.retries):
        if not deferred:
            break
        sender.sleep(settings.smtp.retry_delay * 2 ** attempt)
        deferred = run.round(deferred)
    run.report.left = run.report.left or [s.address for s in deferred]
    return run.report


@dataclass
class _Run:
    email: Email
    issue: str
    settings: EmailSettings
    ledger: Ledger
    sender: Sender
    report: SendReport
    last: float | None = None

    def round(self, subscribers: Sequence[Subscriber]) -> list[Subscriber]:
        """One pass over ``subscribers``: those to try again later (none after an outage: the run stops)."""
        deferred = []
        for n, subscriber in enumerate(subscribers):
            outcome = self.deliver(subscriber)
            if outcome == "outage":
                self.report.left = [s.address for s in [*deferred, *subscribers[n:]]
                                    if _open(self.ledger, self.issue, s.address)]
                return []
            if outcome == "deferred":
                deferred.append(subscriber)
        return deferred

    def deliver(self, subscriber: Subscriber) -> str:
        """Claim, send and record one address: sent, skipped, rejected, unknown, deferred or outage."""
        from digest.mail.smtp import PermanentFailure, TemporaryFailure, UnknownOutcome

        address, sender, report = subscriber.address, self.sender, self.report
        if not sender.subscribed(address):
            report.unsubscribed.append(address)
            return "skipped"
        own_id = message_id(self.settings, sender.secret, self.issue, address)
        claim, why = self.ledger.claim(self.issue, address, own_id, sender.now(), sender.resend_unknown)
        if claim is None:
            return self._not_claimed(address, why)
        self.last = _pace(self.last, self.settings.smtp.rate_per_minute, sender)
        url = unsubscribe.link(self.settings, subscriber.key, sender.secret)
        message = own_message(self.email, self.settings, sender.now(), address, url, claim.message_id)
        try:
            _with_retries(message, self.settings, address, sender,
                          lambda: self.ledger.mark_data(self.issue, address, sender.now()))
        except PermanentFailure as error:
            return self._record(address, "rejected", str(error), report.rejected)
        except UnknownOutcome as error:
            return self._record(address, "unknown", str(error), report.unknown)
        except TemporaryFailure as error:
            self.ledger.finish(self.issue, address, "pending", sender.now(), str(error))
            report.error = str(error)
            return "outage" if error.relay else "deferred"
        self.ledger.finish(self.issue, address, "sent", sender.now())
        report.sent.append(address)
        return "sent"

    def _record(self, address: str, status: str, why: str, into: list) -> str:
        self.ledger.finish(self.issue, address, status, self.sender.now(), why)
        into.append((address, why))
        logger.warning("%s: %s (%s)", address, status, why)
        return status

    def _not_claimed(self, address: str, why: str) -> str:
        if why == "busy":
            self.report.busy.append(address)
        elif why == "unknown":
            self.report.unknown.append((address, self.ledger.get(self.issue, address).error))
        else:
            self.report.skipped += 1
        return "skipped"


def _open(ledger: Ledger, issue: str, address: str) -> bool:
    row = ledger.get(issue, address)
    return row is None or row.status in ("pending", "claimed")


def _pace(last: float | None, per_minute: int, sender: Sender) -> float:
    """Wait so messages start at least 60 / per_minute seconds apart; the new start time."""
    if last is not None:
        wait = last + 60 / per_minute - sender.monotonic()
        if wait > 0:
            sender.sleep(wait)
    return sender.monotonic()


def _with_retries(message: EmailMessage, settings: EmailSettings, address: str, sender: Sender,
                  on_data: Callable[[], None]) -> None:
    """Send, retrying while the relay itself is unavailable; a refusal of this recipient is raised."""
    from digest.mail.smtp import TemporaryFailure

    smtp = settings.smtp
    for attempt in range(smtp.retries + 1):
        try:
            return sender.mailer.send(message, settings.from_address, address, on_data)
        except TemporaryFailure as error:
            if attempt == smtp.retries or not error.relay:
                raise
            delay = smtp.retry_delay * 2 ** attempt
            logger.warning("the relay is unavailable (%s); retry %d of %d in %.0f s",
                           error, attempt + 1, smtp.retries, delay)
            sender.sleep(delay)


def dry_run(email: Email, recipients: Sequence[Subscriber], settings: EmailSettings, secret: bytes,
            now: datetime, out: Path) -> list[Path]:
    """Write each message ``send`` would send as ``DIR/NNN-address.eml``; send nothing, record nothing."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n, subscriber in enumerate(recipients, 1):
        url = unsubscribe.link(settings, subscriber.key, secret)
        message = own_message(email, settings, now, subscriber.address, url)
        name = re.sub(r"[^\w.@+-]", "_", subscriber.address)
        written.append(write_eml(message, out / f"{n:03d}-{name}.eml"))
    return written


def _phrase(text: str) -> str:
    """The List-Id description, quoted when it holds characters RFC 5322 reserves."""
    text = " ".join(text.split())
    if not _SPECIALS.intersection(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
