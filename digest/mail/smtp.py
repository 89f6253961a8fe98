"""A connection to the SMTP relay that always uses TLS and sorts failures into two kinds.

- TLS: ``starttls`` upgrades a plain connection (port 587) and refuses to go on when the
  server does not offer STARTTLS; ``ssl`` speaks TLS from the first byte (port 465). Never
  plain text (EMAIL.md M10, Gmail's rule for all senders). Certificates are verified against
  the system store, plus ``smtp.ca_file`` for a relay with its own certificate.
- Credentials come from the environment variables ``smtp.username_env`` / ``password_env``
  name; with no username set, no AUTH is tried (a local relay that trusts this host).
- ``TemporaryFailure``: worth retrying (4xx replies, dropped or refused connections, timeouts).
  ``PermanentFailure``: this recipient will not take the message (5xx): retrying cannot help.
  Anything about the setup itself (bad credentials, no STARTTLS) is an ``SmtpSetupError``: stop.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage

from digest.config import SmtpSettings
from digest.errors import DigestError


class SmtpSetupError(DigestError):
    """The relay cannot be used as configured: sending stops."""


class TemporaryFailure(Exception):
    """The message was not taken this time; the same message may be retried."""


class PermanentFailure(Exception):
    """The server refused this recipient or message for good."""


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

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Hand one message to the relay; raise TemporaryFailure or PermanentFailure."""
        try:
            smtp = self._smtp or self._connect()
            refused = smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            self._drop_if_broken()
            code, reply = next(iter(error.recipients.values()))
            raise _by_code(code, reply) from None
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as error:
            self.close()
            raise SmtpSetupError(f"{self._where()}: {_text(error)}") from None
        except smtplib.SMTPDataError as error:  # this message to this recipient
            self._drop_if_broken()
            raise _by_code(error.smtp_code, error.smtp_error) from None
        except smtplib.SMTPResponseException as error:  # greeting, HELO, sender: about every message
            self.close()
            if 400 <= error.smtp_code < 500:
                raise TemporaryFailure(f"{self._where()}: {_text(error)}") from None
            raise SmtpSetupError(f"{self._where()} refuses to send for us: {_text(error)}") from None
        except (smtplib.SMTPException, OSError) as error:  # disconnected, refused, timed out, TLS failed
            self.close()
            raise TemporaryFailure(f"{self._where()}: {_text(error)}") from None
        if refused:
            code, reply = next(iter(refused.values()))
            raise _by_code(code, reply)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                smtp.close()
                raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS (set smtp.security: ssl "
                                                    "if it speaks TLS from the start); not sending in plain text")
            smtp.starttls(context=context)
            smtp.ehlo()
        if self.username:
            smtp.login(self.username, self.password)
        self._smtp = smtp
        return smtp

    def _drop_if_broken(self) -> None:
        """After a refusal the session is still usable; after a dropped one it is not."""
        try:
            if self._smtp is not None and self._smtp.noop()[0] != 250:
                self.close()
        except (smtplib.SMTPException, OSError):
            self.close()

    def _where(self) -> str:
        return f"SMTP {self.settings.host}:{self.settings.port}"


def _by_code(code: int, reply) -> Exception:
    text = f"{code} {_text(reply)}"
    return TemporaryFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, smtplib.SMTPResponseException):
        return f"{value.smtp_code} {_text(value.smtp_error)}"
    return str(value)
