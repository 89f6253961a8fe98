"""Issue 17, cases 1-3 and 7, against a real aiosmtpd relay on 127.0.0.1 and a real store: two
senders on one store without the lock, a relay that keeps the message and drops the line, one that
answers after the deadline, one that trickles its greeting, a mailbox full for ever, the store
locked mid-send, and an unsubscribe during a send."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter

import pytest

from digest.config import SmtpSettings
from digest.errors import DeliveryError
from digest.mail.deliver import Sender, compose, send_issue
from digest.mail.ledger import Ledger
from digest.mail.smtp import Mailer, TemporaryFailure
from digest.mail.subscribers import SubscriberBook
from issues import NOW, SETTINGS
from mailserver import Inbox, MailServer, Trickle

SECRET = b"0123456789abcdef-test-secret"
ISSUE = "2025-W30"


def subscribe(store, count: int) -> list:
    with SubscriberBook(store) as book:
        for n in range(count):
            book.add(f"reader{n:02d}@example.org", NOW)
        return book.list("active")


def settings_for(port: int, cert, **smtp):
    return SETTINGS.model_copy(update={"smtp": SmtpSettings(
        host="127.0.0.1", port=port, ca_file=cert[0], **{"timeout": 5, "retry_delay": 0, "rate_per_minute": 100_000,
                                                          **smtp})})


def send(email, store, port, cert, resend_unknown=False, ledger_options=None, **smtp):
    settings = settings_for(port, cert, **smtp)
    with SubscriberBook(store) as book:
        recipients = book.list("active")
    with Mailer(settings.smtp, {}) as mailer, Ledger(store, **(ledger_options or {})) as ledger, \
            SubscriberBook(store) as book:
        sender = Sender(mailer, SECRET, lambda: NOW, sleep=lambda s: None, resend_unknown=resend_unknown,
                        subscribed=lambda a: book.get(a).status == "active")
        return send_issue(email, ISSUE, recipients, settings, ledger, sender)


def per_address(inbox: Inbox) -> Counter:
    return Counter(rcpt for rcpt, _, _ in inbox.messages)


def test_two_senders_on_one_store_without_the_lock_mail_each_address_once(email, cert, tmp_path):  # case 1
    store, inbox = tmp_path / "store.sqlite", Inbox()
    recipients = subscribe(store, 40)
    reports, start = [], threading.Barrier(2)
    with MailServer(inbox, cert) as server:
        def sender():
            start.wait()
            reports.append(send(email, store, server.port, cert))

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert per_address(inbox) == Counter({s.address: 1 for s in recipients})
    assert sorted(a for r in reports for a in r.sent) == sorted(s.address for s in recipients)
    assert all(r.left == [] and r.unknown == [] and r.sent for r in reports)  # both were at work


def test_a_relay_that_keeps_the_message_and_drops_the_line_mails_each_address_at_most_once(email, cert, tmp_path):
    store, inbox = tmp_path / "store.sqlite", Inbox()  # case 3: "acceptdrop"
    recipients = subscribe(store, 4)
    inbox.acceptdrop = True
    with MailServer(inbox, cert) as server:
        first = send(email, store, server.port, cert, retries=3)
        again = send(email, store, server.port, cert, retries=3)
        assert per_address(inbox) == Counter({s.address: 1 for s in recipients})
        assert [a for a, _ in first.unknown] == [a for a, _ in again.unknown] == [s.address for s in recipients]
        assert "after the message was sent" in first.unknown[0][1] and first.sent == again.sent == []
        resent = send(email, store, server.port, cert, resend_unknown=True)  # the editor asks for it
    copies = {}
    for rcpt, message, _ in inbox.messages:
        copies.setdefault(rcpt, set()).add(message["Message-ID"])
    assert len(resent.unknown) == 4 and all(len(ids) == 1 for ids in copies.values())  # a copy twice: one id


def test_a_reply_after_the_deadline_is_unknown_not_a_second_copy(email, cert, tmp_path):  # case 3: slow reply
    store, inbox = tmp_path / "store.sqlite", Inbox()
    recipients = subscribe(store, 3)
    inbox.slow_reply = 3.0
    with MailServer(inbox, cert) as server:
        first = send(email, store, server.port, cert, timeout=1, retries=3)
        inbox.slow_reply = 0
        again = send(email, store, server.port, cert, timeout=1, retries=3)
    assert per_address(inbox) == Counter({s.address: 1 for s in recipients})
    assert len(first.unknown) == 3 and "deadline" in first.unknown[0][1] and again.sent == []
    with Ledger(store) as ledger:
        assert ledger.counts(ISSUE) == {"unknown": 3}


def test_a_trickling_greeting_ends_at_the_deadline(email, cert):  # case 4 (relay)
    with Trickle(every=0.2) as relay, Mailer(settings_for(relay.port, cert, timeout=1).smtp, {}) as mailer:
        message = compose(email, SETTINGS, NOW)
        with pytest.raises(TemporaryFailure, match=r"no complete reply within the 1 s deadline"):
            mailer.send(message, SETTINGS.from_address, "reader@example.org")
        assert relay.closed.wait(5) and relay.sent < 50  # it hung up; the greeting never ended


def test_a_mailbox_full_for_ever_does_not_keep_anyone_else_waiting(email, cert, tmp_path):  # case 2
    store, inbox = tmp_path / "store.sqlite", Inbox()
    recipients = subscribe(store, 12)
    full = recipients[1].address
    inbox.full.add(full)
    with MailServer(inbox, cert) as server:
        first = send(email, store, server.port, cert, retries=2)
        second = send(email, store, server.port, cert, retries=2)
    others = {s.address for s in recipients} - {full}
    assert set(first.sent) == others and first.left == [full] and "452" in first.error
    assert second.sent == [] and second.left == [full] and second.skipped == 11
    assert per_address(inbox) == Counter({a: 1 for a in others})
    assert inbox.attempts.count(full) == 6  # tried 1 + 2 times in each run, after everyone else


def lock_after(store, message: int, seconds: float, held: threading.Event):
    """A relay hook: once it has kept ``message`` messages, another connection locks the store."""
    def hook(count: int) -> None:
        if count == message:
            def hold():
                db = sqlite3.connect(store, isolation_level=None)
                db.execute("BEGIN EXCLUSIVE")
                held.set()
                time.sleep(seconds)
                db.execute("COMMIT")
                db.close()
            threading.Thread(target=hold).start()
            held.wait(5)
    return hook


def test_the_store_locked_mid_send_waits_then_records(email, cert, tmp_path):  # case 3: store locked
    store, inbox, held = tmp_path / "store.sqlite", Inbox(), threading.Event()
    recipients = subscribe(store, 5)
    inbox.on_message = lock_after(store, 2, 1.5, held)
    with MailServer(inbox, cert) as server:
        report = send(email, store, server.port, cert, ledger_options={"busy_timeout": 0.2})
        again = send(email, store, server.port, cert)
    assert held.is_set() and len(report.sent) == 5 and again.skipped == 5
    assert per_address(inbox) == Counter({s.address: 1 for s in recipients})


def test_a_store_locked_past_patience_stops_the_send_without_a_later_duplicate(email, cert, tmp_path):
    store, inbox, held = tmp_path / "store.sqlite", Inbox(), threading.Event()
    recipients = subscribe(store, 4)
    inbox.on_message = lock_after(store, 2, 1.5, held)
    with MailServer(inbox, cert) as server:
        with pytest.raises(DeliveryError, match="store stayed locked"):  # (its claim is released once free)
            send(email, store, server.port, cert, ledger_options={"busy_timeout": 0.1, "write_patience": 1.0})
        inbox.on_message = None
        again = send(email, store, server.port, cert)
    assert again.unknown == [(recipients[1].address, "the sender stopped while the relay may have taken it")]
    assert per_address(inbox) == Counter({s.address: 1 for s in recipients})


def test_an_unsubscribe_during_a_send_is_honoured(email, cert, tmp_path):  # case 7
    store, inbox = tmp_path / "store.sqlite", Inbox()
    recipients = subscribe(store, 6)
    leaving = recipients[4].address

    def unsubscribe_midway(count: int) -> None:
        if count == 2:
            with SubscriberBook(store) as book:
                book.unsubscribe(leaving, NOW)

    inbox.on_message = unsubscribe_midway
    with MailServer(inbox, cert) as server:
        report = send(email, store, server.port, cert)
    assert report.unsubscribed == [leaving] and leaving not in inbox.attempts and len(report.sent) == 5
