"""A connection to the SMTP relay that always uses TLS and sorts failures into two kinds.

- TLS: ``starttls`` upgrades a plain connection (port 587) and refuses to go on when the
  server does not offer STARTTLS; ``ssl`` speaks TLS from the first byte (port 465). Never
  plain text (EMAIL.md M10, Gmail's rule for all senders). Certificates are verified against
  the system store, plus ``smtp.ca_file`` for a relay with its own certificate.
- Credentials come from the environment variables ``smtp.username_env`` / ``password_env``
  name; with no username set, no AUTH is tried (a local relay that trusts this host).
- ``TemporaryFailure``: worth retrying (4xx replies, dropped or refused connections, timeouts
  before the message itself was sent). ``PermanentFailure``: this recipient will not take the
  message (5xx): retrying cannot help. ``UnknownOutcome``: the message was sent but no reply came
  (timeout or disconnect after DATA): it may have arrived, so it must not be retried blindly.
- ``smtp.timeout`` is a deadline for a whole conversation (connect, greeting, TLS, login,
  envelope, message, reply), not per read: a relay that trickles bytes cannot hold a send.
  Anything about the setup itself (bad credentials, no STARTTLS) is an ``SmtpSetupError``: stop.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from email import policy
from email.message import EmailMessage

from digest.config import SmtpSettings
from digest.errors import DigestError


class SmtpSetupError(DigestError):
    """The relay cannot be used as configured: sending stops."""


class TemporaryFailure(Exception):
    """The message was not taken this time; the same message may be retried. ``relay``: the relay
    itself is unavailable (no connection, 421), not just this recipient (e.g. 452 mailbox full)."""

    def __init__(self, text: str, relay: bool = False):
        super().__init__(text)
        self.relay = relay


class PermanentFailure(Exception):
    """The server refused this recipient or message for good."""


class UnknownOutcome(Exception):
    """The message itself went to the relay but no reply came back (timeout, disconnect): the relay
    may have taken it. Sending it again could deliver it twice."""


class _Watchdog:
    """The whole-conversation deadline: when it passes, the connection's socket is shut down, which
    ends any read or write in progress (a per-read timeout never fires on a relay that trickles)."""

    def __init__(self, seconds: float, target: Callable[[], socket.socket | None]):
        self.seconds, self.target, self.fired = seconds, target, False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        sock = self.target()
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, under any TLS layer
            except OSError:
                pass


class Mailer:
    """Sends messages over one connection, reconnecting after a failure."""

    def __init__(self, settings: SmtpSettings, environ: Mapping[str, str]):
        self.settings = settings
        self.username = environ.get(settings.username_env, "")
        self.password = environ.get(settings.password_env, "")
        if self.username and not self.password:
            raise SmtpSetupError(f"{settings.username_env} is set but {settings.password_env} is empty "
                                 "(set both, or neither for a relay without login)")
        self._smtp: smtplib.SMTP | None = None
        self._connecting: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, message: EmailMessage, sender: str, recipient: str,
             on_data: Callable[[], None] = lambda: None) -> None:
        """Hand one message to the relay within ``smtp.timeout`` seconds for the whole conversation
        (connecting included). ``on_data`` runs once the relay is ready for the message itself.
        Raises TemporaryFailure, PermanentFailure, UnknownOutcome or SmtpSetupError."""
        watchdog, sent = _Watchdog(self.settings.timeout, self._socket), [False]
        try:
            with watchdog:
                self._converse(message, sender, recipient, on_data, sent)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as error:
            self.close()
            raise SmtpSetupError(f"{self._where()}: {_text(error)}") from None
        except smtplib.SMTPResponseException as error:  # greeting, EHLO, STARTTLS: about every message
            self.close()
            if 400 <= error.smtp_code < 500:
                raise TemporaryFailure(f"{self._where()}: {_text(error)}", relay=True) from None
            raise SmtpSetupError(f"{self._where()} refuses to send for us: {_text(error)}") from None
        except (smtplib.SMTPException, OSError, ValueError) as error:  # dropped, refused, timed out, TLS failed
            self.close()
            what = (f"no complete reply within the {self.settings.timeout:g} s deadline (smtp.timeout)"
                    if watchdog.fired else _text(error))
            if sent[0]:
                raise UnknownOutcome(f"{self._where()}: {what} after the message was sent") from None
            raise TemporaryFailure(f"{self._where()}: {what}", relay=True) from None
        except BaseException:
            self.close()
            raise

    def _converse(self, message: EmailMessage, sender: str, recipient: str, on_data: Callable[[], None],
                  sent: list[bool]) -> None:
        smtp = self._smtp or self._connect()
        code, reply = smtp.mail(sender)
        if code != 250:
            self._reset()
            if 400 <= code < 500:
                raise TemporaryFailure(f"{self._where()}: {code} {_text(reply)}", relay=True)
            raise SmtpSetupError(f"{self._where()} refuses our sender address: {code} {_text(reply)}")
        for command, expected in (lambda: smtp.rcpt(recipient), (250, 251)), (lambda: smtp.docmd("data"), (354,)):
            code, reply = command()
            if code not in expected:
                self._reset()
                raise _by_code(code, reply)
        on_data()
        sent[0] = True
        payload = re.sub(rb"(?m)^\.", b"..", message.as_bytes(policy=policy.SMTP))  # RFC 5321 4.5.2
        smtp.send(payload + (b"" if payload.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            self._reset()
            raise _by_code(code, reply)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with _Watchdog(self.settings.timeout, lambda: smtp.sock):
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError, ValueError):
                    smtp.close()

    def _socket(self) -> socket.socket | None:
        smtp = self._smtp or self._connecting
        return smtp.sock if smtp is not None else None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        if s.security == "ssl":
            smtp = self._connecting = smtplib.SMTP_SSL(timeout=s.timeout, context=context)
            smtp._host = s.host  # what the constructor would set: TLS checks the certificate against it
            smtp.connect(s.host, s.port)
        else:
            smtp = self._connecting = smtplib.SMTP(timeout=s.timeout)
            smtp._host = s.host  # (connecting apart from the constructor lets the deadline reach the greeting)
            smtp.connect(s.host, s.port)
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                smtp.close()
                raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS (set smtp.security: ssl "
                                                    "if it speaks TLS from the start); not sending in plain text")
            smtp.starttls(context=context)
        smtp.ehlo()
        if self.username:
            smtp.login(self.username, self.password)
        self._smtp, self._connecting = smtp, None
        return smtp

    def _reset(self) -> None:
        """After a refusal the session goes on (RSET); after a dropped one it is closed."""
        try:
            if self._smtp is not None and self._smtp.rset()[0] != 250:
                self.close()
        except (smtplib.SMTPException, OSError):
            self.close()

    def _where(self) -> str:
        return f"SMTP {self.settings.host}:{self.settings.port}"


def _by_code(code: int, reply) -> Exception:
    text = f"{code} {_text(reply)}"
    return TemporaryFailure(text, relay=code == 421) if 400 <= code < 500 else PermanentFailure(text)


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, smtplib.SMTPResponseException):
        return f"{value.smtp_code} {_text(value.smtp_error)}"
    return str(value)
