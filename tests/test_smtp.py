"""The SMTP connection against a real aiosmtpd relay on 127.0.0.1: TLS always, login from the
environment, and failures sorted into temporary, permanent and setup errors."""

from __future__ import annotations

import pytest

from digest.config import SmtpSettings
from digest.mail.deliver import compose
from digest.mail.smtp import Mailer, PermanentFailure, SmtpSetupError, TemporaryFailure
from issues import NOW, SETTINGS, typical_digest
from digest.email.render import render
from mailserver import Inbox, MailServer, free_port, make_certificate

ENV = {"DIGEST_SMTP_USERNAME": "editor", "DIGEST_SMTP_PASSWORD": "s3cret"}


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("cert"))


@pytest.fixture(scope="module")
def message():
    return compose(render(typical_digest(), SETTINGS), SETTINGS, NOW, "reader@example.org")


def smtp(server: MailServer, cert, **changes) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, ca_file=cert[0], timeout=5, **changes)


def test_starttls_then_login_then_send(cert, message):  # M10
    inbox = Inbox()
    with MailServer(inbox, cert, "starttls", login=True) as server, Mailer(smtp(server, cert), ENV) as mailer:
        mailer.send(message, SETTINGS.from_address, "reader@example.org")
        mailer.send(message, SETTINGS.from_address, "other@example.org")  # same connection
    assert [rcpt for rcpt, _, _ in inbox.messages] == ["reader@example.org", "other@example.org"]
    assert inbox.logins == [(b"editor", b"s3cret")]


def test_implicit_tls(cert, message):
    inbox = Inbox()
    with MailServer(inbox, cert, "ssl") as server, Mailer(smtp(server, cert, security="ssl"), {}) as mailer:
        mailer.send(message, SETTINGS.from_address, "reader@example.org")
    assert len(inbox.to("reader@example.org")) == 1


def test_never_falls_back_to_plain_text(cert, message):
    inbox = Inbox()
    with MailServer(inbox, cert, "none") as server, Mailer(smtp(server, cert), {}) as mailer:
        with pytest.raises(SmtpSetupError, match="does not offer STARTTLS"):
            mailer.send(message, SETTINGS.from_address, "reader@example.org")
    assert inbox.messages == [] and inbox.attempts == []


def test_untrusted_certificate_is_not_accepted(cert, message, tmp_path):
    other = make_certificate(tmp_path)  # the client trusts a different certificate
    with MailServer(Inbox(), cert, "starttls") as server, Mailer(smtp(server, other), {}) as mailer:
        with pytest.raises(TemporaryFailure, match="CERTIFICATE_VERIFY_FAILED"):
            mailer.send(message, SETTINGS.from_address, "reader@example.org")


def test_wrong_password_stops_sending(cert, message):
    env = {**ENV, "DIGEST_SMTP_PASSWORD": "wrong"}
    with MailServer(Inbox(), cert, "starttls", login=True) as server, Mailer(smtp(server, cert), env) as mailer:
        with pytest.raises(SmtpSetupError, match="535"):
            mailer.send(message, SETTINGS.from_address, "reader@example.org")
    with pytest.raises(SmtpSetupError, match="DIGEST_SMTP_PASSWORD is empty"):
        Mailer(SmtpSettings(), {"DIGEST_SMTP_USERNAME": "editor"})


def test_failures_are_sorted(cert, message):
    inbox = Inbox()
    inbox.refuse.add("gone@example.org")
    with MailServer(inbox, cert) as server, Mailer(smtp(server, cert), {}) as mailer:
        with pytest.raises(PermanentFailure, match="550"):
            mailer.send(message, SETTINGS.from_address, "gone@example.org")
        inbox.fail_next = 1
        with pytest.raises(TemporaryFailure, match="421"):
            mailer.send(message, SETTINGS.from_address, "reader@example.org")
        mailer.send(message, SETTINGS.from_address, "reader@example.org")  # the session goes on
    assert len(inbox.to("reader@example.org")) == 1
    with Mailer(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=5), {}) as mailer:
        with pytest.raises(TemporaryFailure, match="SMTP 127.0.0.1"):  # nobody listening: an outage
            mailer.send(message, SETTINGS.from_address, "reader@example.org")
