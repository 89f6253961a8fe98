"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, with STARTTLS (or implicit TLS) on a
throwaway self-signed certificate made with ``cryptography``, optional login, and switches for
an outage (421 to every message), refusing chosen recipients (550) or deferring them for ever
(452), and the hostile relays of issue 17: ``acceptdrop`` (keeps the message, then drops the
connection before its 250), ``slow_reply`` (keeps it, answers after that many seconds) and
``Trickle`` (a greeting one byte at a time, never finished)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day: (cert, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "digest test relay")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: keeps what it accepts, fails on demand."""

    def __init__(self, parse: bool = True):
        self.parse = parse  # False: keep raw bytes only (a faster relay for the kill trials)
        self.messages: list = []  # (envelope recipient, parsed message or None, raw bytes)
        self.attempts: list[str] = []  # every RCPT TO, accepted or not
        self.outage = False
        self.fail_next = 0  # answer 421 to this many DATA commands, then accept again
        self.refuse: set[str] = set()
        self.full: set[str] = set()  # 452 mailbox full, on every try
        self.acceptdrop = False
        self.slow_reply = 0.0
        self.on_message = None  # called with the count of messages kept so far, after each one
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts.append(address)
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        if address in self.full:
            return "452 4.2.2 mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.outage or self.fail_next:
            self.fail_next = max(0, self.fail_next - 1)
            return "421 4.3.0 service not available, try later"
        raw = envelope.original_content or envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw) if self.parse else None
        self.messages.extend((rcpt, parsed, raw) for rcpt in envelope.rcpt_tos)
        if self.on_message:
            self.on_message(len(self.messages))
        if self.acceptdrop:
            server.transport.abort()
        if self.slow_reply:
            await asyncio.sleep(self.slow_reply)
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            ok = auth_data.login == b"editor" and auth_data.password == b"s3cret"
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd then answers 535
        return AuthResult(success=False, handled=False)

    def to(self, address: str) -> list:
        return [m for rcpt, m, _ in self.messages if rcpt == address]


class MailServer:
    """aiosmtpd on 127.0.0.1: ``tls`` is "starttls" (required), "ssl" (implicit) or "none"."""

    def __init__(self, inbox: Inbox, cert: tuple[Path, Path], tls: str = "starttls", login: bool = False,
                 port: int | None = None):
        self.inbox, self.port = inbox, port or free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert)
        options = dict(auth_required=login, authenticator=inbox.authenticate if login else None,
                       auth_require_tls=True, auth_exclude_mechanism=["LOGIN"])  # PLAIN only: one try
        if tls == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif tls == "ssl":
            options.update(ssl_context=context, server_hostname="127.0.0.1")
        self.controller = Controller(inbox, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class Trickle:
    """A relay that sends its greeting one byte every ``every`` seconds and never finishes it;
    ``closed`` is set once the client hangs up."""

    def __init__(self, every: float = 0.2):
        self.every, self.closed, self.sent = every, threading.Event(), 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        try:
            while True:
                connection.sendall(b"2")
                self.sent += 1
                time.sleep(self.every)
        except OSError:
            self.closed.set()
        finally:
            connection.close()

    def __enter__(self) -> Trickle:
        return self

    def __exit__(self, *exc) -> None:
        self.listener.close()
