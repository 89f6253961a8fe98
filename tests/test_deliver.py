"""Messages and sending: MIME structure and headers (EMAIL.md M1-M8, U1-U3, U7, T5), and the
delivery ledger against a real aiosmtpd relay with STARTTLS: an outage mid-send, a crash, a
refusal, then re-runs that reach every address exactly once."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import quote

import pytest

import email_checks as checks
from digest.mail import unsubscribe
from digest.config import SmtpSettings
from digest.mail.deliver import Sender, check_sendable, compose, dry_run, personalize, send_issue, write_eml
from digest.errors import DeliveryError
from digest.mail.ledger import Ledger
from digest.mail.smtp import Mailer
from digest.mail.subscribers import SubscriberBook
from issues import NOW, SETTINGS
from mailserver import Inbox, MailServer

SECRET = b"0123456789abcdef-test-secret"
ADDRESSES = [f"reader{n}@example.org" for n in range(5)]


@pytest.fixture
def book(tmp_path):
    with SubscriberBook(tmp_path / "store.sqlite") as book:
        for address in ADDRESSES:
            book.add(address, NOW)
        yield book


class Clock:
    """The run's clocks: sleeping moves time on instead of waiting."""

    def __init__(self):
        self.elapsed, self.sleeps = 0.0, []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.elapsed += seconds

    def monotonic(self) -> float:
        return self.elapsed

    def now(self):
        return NOW + timedelta(seconds=self.elapsed)


def send(email, book, store, server, cert, clock=None, resend_unknown=False, **smtp):
    settings = SETTINGS.model_copy(update={"smtp": SmtpSettings(
        host="127.0.0.1", port=server.port, ca_file=cert[0], timeout=5, **{"retry_delay": 0, **smtp})})
    clock = clock or Clock()
    with Mailer(settings.smtp, {}) as mailer, Ledger(store) as ledger:
        sender = Sender(mailer, SECRET, clock.now, clock.sleep, clock.monotonic, resend_unknown=resend_unknown)
        return send_issue(email, "2025-W30", book.list("active"), settings, ledger, sender)


def test_message_passes_mime_and_unsubscribe_checks(email, tmp_path):  # M1-M8, U1, U2, U7
    message = compose(email, SETTINGS, NOW, recipient="reader@example.org")
    assert checks.check_message(message.as_bytes()) == []
    assert message["To"] == "reader@example.org" and message["List-Id"] == "AI in Entertainment Weekly <list.news.example.com>"
    raw = write_eml(message, tmp_path / "issue.eml").read_bytes()
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert checks.check_message(raw) == [] and raw == message.as_bytes()
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == email.text
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n").rstrip("\n") == email.html
    ids = {compose(email, SETTINGS, NOW)["Message-ID"] for _ in range(20)}
    assert len(ids) == 20 and all(i.endswith("@news.example.com>") for i in ids)
    international = compose(email, SETTINGS.model_copy(update={"from_name": "Überblick Wöchentlich"}), NOW).as_bytes()
    assert checks.check_message(international) == [] and b"=?utf-8?" in international
    with pytest.raises(ValueError, match="timezone"):
        compose(email, SETTINGS, NOW.replace(tzinfo=None))


def test_each_recipient_gets_an_opaque_signed_link_and_the_preview_otherwise(email):  # U3, U6, T5
    address = "Reader.One+news@example.org"
    url = unsubscribe.link(SETTINGS, "k3yOfTheReader", SECRET)
    mine = personalize(email, SETTINGS, url)
    message = compose(mine, SETTINGS, NOW, address, url)
    assert message["List-Unsubscribe"] == f"<{url}>" and checks.check_message(message.as_bytes()) == []
    assert address.lower() not in url.lower() and quote(address).lower() not in url.lower()
    assert unsubscribe.verify(url.rsplit("/", 1)[1], SECRET, unsubscribe.list_id(SETTINGS)) == "k3yOfTheReader"
    assert f'href="{url}"' in mine.html and f"Unsubscribe: {url}\n" in mine.text
    assert mine.html.replace(url, SETTINGS.unsubscribe_url) == email.html  # T5: preview equals send
    assert mine.text.replace(url, SETTINGS.unsubscribe_url) == email.text
    with pytest.raises(DeliveryError, match="HTML part has no link to https://news.example.com/unsubscribe"):
        personalize(replace(email, html=email.html.replace('href="https://news.example.com/unsubscribe"', "")),
                    SETTINGS, url)


def test_an_issue_gmail_would_clip_is_not_sent(email):  # S1
    assert check_sendable(email, SETTINGS).startswith("the HTML is ")
    padded = replace(email, html=email.html.replace("</body>", "<p>" + "x" * 110_000 + "</p></body>"))
    with pytest.raises(DeliveryError, match=r"not sent: the HTML is [\d,]+ bytes.*cut at least"):
        check_sendable(padded, SETTINGS)


def test_outage_mid_send_then_reruns_deliver_everyone_exactly_once(email, book, cert, tmp_path):
    inbox, store = Inbox(), tmp_path / "store.sqlite"
    with MailServer(inbox, cert) as server:
        original = inbox.handle_DATA

        async def two_then_outage(*args):
            inbox.outage = len(inbox.messages) >= 2
            return await original(*args)

        inbox.handle_DATA = two_then_outage
        first = send(email, book, store, server, cert, retries=2)
        assert (len(first.sent), first.left, "421" in first.error) == (2, ADDRESSES[2:], True)
        port = server.port
    second = send(email, book, store, server, cert)  # the relay is gone altogether: nothing changes
    assert (second.sent, second.skipped, second.left) == ([], 2, ADDRESSES[2:])
    inbox.handle_DATA = original
    inbox.outage = False
    with MailServer(inbox, cert, port=port) as server:
        third = send(email, book, store, server, cert)
        fourth = send(email, book, store, server, cert)
    assert (third.sent, third.skipped, third.left) == (ADDRESSES[2:], 2, [])
    assert (fourth.sent, fourth.skipped) == ([], 5)
    assert sorted(rcpt for rcpt, _, _ in inbox.messages) == ADDRESSES  # each exactly once
    for rcpt, message, raw in inbox.messages:
        assert checks.check_message(raw) == [] and message["To"] == rcpt
        token = re.search(r"/unsubscribe/([^>]+)>", message["List-Unsubscribe"])[1]
        assert unsubscribe.verify(token, SECRET, unsubscribe.list_id(SETTINGS)) == book.get(rcpt).key
    with Ledger(store) as ledger:
        assert ledger.counts("2025-W30") == {"sent": 5}
        # reader2 was tried in each run; the runs that met the outage stopped before reader3 and reader4
        assert [r.attempts for r in ledger.rows("2025-W30")] == [1, 1, 3, 1, 1]


def dead_claim(store, address: str, status: str) -> None:
    """What a sender killed mid-conversation leaves behind: its claim, under a process that is gone."""
    with Ledger(store) as ledger:
        ledger.claim("2025-W30", address, "<crashed.1@news.example.com>", NOW)
        ledger._db.execute("UPDATE deliveries SET owner = ?, status = ? WHERE address = ?",
                           (f"{socket.gethostname()}:{2 ** 22 + 17}:dead", status, address))
        ledger._db.commit()


def test_a_dead_senders_claim_is_taken_over_with_the_same_message_id(email, book, cert, tmp_path):
    store = tmp_path / "store.sqlite"
    dead_claim(store, ADDRESSES[0], "claimed")  # killed before the message left: safe to send
    inbox = Inbox()
    with MailServer(inbox, cert) as server:
        report = send(email, book, store, server, cert)
    assert report.sent == ADDRESSES and inbox.to(ADDRESSES[0])[0]["Message-ID"] == "<crashed.1@news.example.com>"


def test_a_dead_senders_message_in_flight_is_unknown_and_resent_only_on_request(email, book, cert, tmp_path):
    store = tmp_path / "store.sqlite"
    dead_claim(store, ADDRESSES[0], "data")  # killed while the relay had the message: it may have arrived
    inbox = Inbox()
    with MailServer(inbox, cert) as server:
        first = send(email, book, store, server, cert)
        again = send(email, book, store, server, cert)
        assert inbox.to(ADDRESSES[0]) == [] and first.sent == ADDRESSES[1:] and again.sent == []
        assert [a for a, _ in first.unknown] == [a for a, _ in again.unknown] == [ADDRESSES[0]]
        resent = send(email, book, store, server, cert, resend_unknown=True)
    assert resent.sent == [ADDRESSES[0]] and inbox.to(ADDRESSES[0])[0]["Message-ID"] == "<crashed.1@news.example.com>"
    with Ledger(store) as ledger:
        assert ledger.counts("2025-W30") == {"sent": 5}


def test_a_live_senders_claim_is_left_alone(email, book, cert, tmp_path):
    store = tmp_path / "store.sqlite"
    inbox = Inbox()
    with Ledger(store) as other, MailServer(inbox, cert) as server:
        other.claim("2025-W30", ADDRESSES[2], "<other@news.example.com>", NOW)  # a sender at work (this process)
        report = send(email, book, store, server, cert)
    assert report.busy == [ADDRESSES[2]] and ADDRESSES[2] not in inbox.attempts and len(report.sent) == 4
    with MailServer(inbox, cert) as server:  # that sender has stopped and released its claim
        later = send(email, book, store, server, cert)
    assert later.sent == [ADDRESSES[2]] and inbox.attempts.count(ADDRESSES[2]) == 1


def test_refused_addresses_are_recorded_and_not_retried(email, book, cert, tmp_path):
    inbox, store = Inbox(), tmp_path / "store.sqlite"
    inbox.refuse.add(ADDRESSES[1])
    with MailServer(inbox, cert) as server:
        first = send(email, book, store, server, cert)
        second = send(email, book, store, server, cert)
    assert first.rejected == [(ADDRESSES[1], "550 5.1.1 no such mailbox")] and len(first.sent) == 4
    assert second.skipped == 5 and inbox.attempts.count(ADDRESSES[1]) == 1


def test_rate_limit_and_retry_backoff(email, book, cert, tmp_path):
    inbox, clock = Inbox(), Clock()
    inbox.fail_next = 2
    with MailServer(inbox, cert) as server:
        report = send(email, book, tmp_path / "store.sqlite", server, cert, clock, rate_per_minute=30,
                      retries=3, retry_delay=5)
    assert len(report.sent) == 5 and len(inbox.messages) == 5
    # two retries (5 s, then doubled) for the first message; the next starts at once (15 s have
    # passed), the three after it 60/30 = 2 s apart
    assert clock.sleeps == [5, 10, 2, 2, 2]


def test_unsubscribed_addresses_are_never_mailed(email, book, cert, tmp_path):
    book.unsubscribe(ADDRESSES[3], NOW)
    assert book.merge(ADDRESSES, NOW, "list.csv") == (0, [ADDRESSES[3]])  # an old list does not bring it back
    inbox = Inbox()
    with MailServer(inbox, cert) as server:
        send(email, book, tmp_path / "store.sqlite", server, cert)
    assert ADDRESSES[3] not in inbox.attempts and len(inbox.messages) == 4


def test_dry_run_writes_each_message_and_sends_nothing(email, book, tmp_path):
    written = dry_run(email, book.list("active"), SETTINGS, SECRET, NOW, tmp_path / "outbox")
    assert [p.name for p in written] == [f"{n:03d}-{a}.eml" for n, a in enumerate(ADDRESSES, 1)]
    for path, address in zip(written, ADDRESSES):
        raw = path.read_bytes()
        assert checks.check_message(raw) == [] and BytesParser(policy=policy.default).parsebytes(raw)["To"] == address
    with Ledger(tmp_path / "store.sqlite") as ledger:
        assert ledger.counts("2025-W30") == {}


def test_a_ledger_from_before_claims_is_migrated_with_its_rows(tmp_path):
    import sqlite3

    store = tmp_path / "store.sqlite"
    db = sqlite3.connect(store)
    db.executescript("""CREATE TABLE deliveries (issue TEXT NOT NULL, address TEXT NOT NULL, status TEXT NOT NULL
        CHECK (status IN ('sending', 'sent', 'pending', 'rejected')), message_id TEXT NOT NULL, attempts INTEGER NOT
        NULL, error TEXT NOT NULL DEFAULT '', updated TEXT NOT NULL, PRIMARY KEY (issue, address));
        INSERT INTO deliveries VALUES ('2025-W30', 'a@example.org', 'sent', '<a@x>', 1, '', 'then'),
                                      ('2025-W30', 'b@example.org', 'sending', '<b@x>', 2, '', 'then');""")
    db.close()
    with Ledger(store) as ledger:
        assert [(r.address, r.status, r.message_id, r.attempts) for r in ledger.rows("2025-W30")] == [
            ("a@example.org", "sent", "<a@x>", 1), ("b@example.org", "unknown", "<b@x>", 2)]
    with Ledger(store) as ledger:  # once only
        assert ledger.counts("2025-W30") == {"sent": 1, "unknown": 1}
