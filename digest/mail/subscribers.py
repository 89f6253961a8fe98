"""Who gets the issue: validated addresses in the store, from the CLI or a CSV/YAML list.

An unsubscribe is never deleted, only marked: the row is what keeps the address from being
mailed again when an old list is imported once more (``add`` refuses it too). Each subscriber
has a random ``key`` that unsubscribe links carry instead of the address (RFC 8058 §3.1 wants
no address in the URI; ``digest.unsubscribe`` signs the key).

Address rules (RFC 5321/5322 dot-atom, without what subscribers never type): one ``@``; a local
part of 1-64 characters from ``A-Z a-z 0-9 !#$%&'*+/=?^_`{|}~-`` and dots, not leading,
trailing or doubled; a domain of at least two labels of letters, digits and hyphens (an
internationalised one is converted to punycode, as Gmail asks), a TLD that is not all digits,
253 characters at most. The domain is lower-cased; the local part keeps its case, but two
addresses differing only in case are one subscriber.
"""

from __future__ import annotations

import csv
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from digest.errors import DigestError
from digest.models import Problem
from digest.tables import StoreTable

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    address TEXT NOT NULL,
    address_key TEXT NOT NULL UNIQUE,   -- lower-cased address: one subscriber per mailbox
    key TEXT NOT NULL UNIQUE,           -- random, carried by unsubscribe links instead of the address
    status TEXT NOT NULL CHECK (status IN ('active', 'unsubscribed')),
    source TEXT NOT NULL,
    added TEXT NOT NULL,
    changed TEXT NOT NULL
);
"""


class SubscriberError(DigestError):
    """An address cannot be added: invalid, or it unsubscribed."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    address: str
    key: str
    status: str
    source: str
    added: str
    changed: str


def validate_address(text: str) -> str:
    """The address in its stored form; ValueError saying what is wrong with it."""
    address = text.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("needs one @ between a name and a domain")
    if len(local) > 64 or not _LOCAL.match(local):
        raise ValueError(f"{local!r} is not a valid name before the @ (letters, digits, . _ + - and no spaces)")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{domain!r} is not a valid domain") from None
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise ValueError(f"{domain!r} is not a valid domain (e.g. example.com)")
    return f"{local}@{domain}"


def read_list(path: Path) -> tuple[list[str], list[Problem]]:
    """Addresses from a CSV (an ``email`` column, or the first column) or a YAML list of
    addresses or of mappings with ``email``; invalid lines become problems naming their line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SubscriberError(f"{path}: cannot read the subscriber list: {error.strerror or error}") from None
    rows = _yaml_rows(path, text) if path.suffix.lower() in (".yaml", ".yml") else _csv_rows(text)
    addresses, problems = [], []
    for where, raw in rows:
        try:
            addresses.append(validate_address(raw))
        except ValueError as error:
            problems.append(Problem(f"{path}:{where}", f"{raw!r} skipped: {error}"))
    return addresses, problems


def _csv_rows(text: str) -> list[tuple[int, str]]:
    rows = [(n, row) for n, row in enumerate(csv.reader(text.splitlines()), 1) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0][1]]
    column = next((header.index(name) for name in ("email", "address", "e-mail") if name in header), None)
    body = rows[1:] if column is not None else rows
    return [(n, row[column or 0]) for n, row in body if len(row) > (column or 0)]


def _yaml_rows(path: Path, text: str) -> list[tuple[int, str]]:
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as error:
        raise SubscriberError(f"{path}: not valid YAML: {getattr(error, 'problem', error)}") from None
    items = data.get("subscribers", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SubscriberError(f"{path}: expected a list of addresses (or of mappings with 'email')")
    return [(f"item {n}", str(item.get("email", "") if isinstance(item, dict) else item)) for n, item in enumerate(items, 1)]


class SubscriberBook(StoreTable):
    """The subscribers table of the store file; use as a context manager."""

    SCHEMA = _SCHEMA

    def add(self, address: str, now: datetime, source: str = "cli") -> Subscriber:
        """Add an active subscriber (a no-op for one already active); refuse one who unsubscribed."""
        try:
            address = validate_address(address)
        except ValueError as error:
            raise SubscriberError(f"{address!r} is not an email address: {error}") from None
        found = self.get(address)
        if found and found.status == "unsubscribed":
            raise SubscriberError(f"{address} unsubscribed on {found.changed[:10]} and is never mailed again "
                                  "(only they can subscribe again)")
        if found is None:
            stamp = now.isoformat()
            with self._db:
                self._db.execute("INSERT INTO subscribers VALUES (?,?,?,?,?,?,?)",
                                 (address, address.lower(), secrets.token_urlsafe(12), "active", source, stamp, stamp))
        return self.get(address)

    def merge(self, addresses: Iterable[str], now: datetime, source: str) -> tuple[int, list[str]]:
        """Import a list: (how many were new, the addresses skipped because they unsubscribed)."""
        new, skipped = 0, []
        for address in addresses:
            known = self.get(address)
            if known and known.status == "unsubscribed":
                skipped.append(address)
            elif known is None:
                self.add(address, now, source)
                new += 1
        return new, skipped

    def unsubscribe(self, address_or_key: str, now: datetime, by_key: bool = False) -> Subscriber | None:
        """Mark unsubscribed (idempotent: a second call changes nothing); None when unknown."""
        found = self.by_key(address_or_key) if by_key else self.get(address_or_key)
        if found and found.status != "unsubscribed":
            with self._db:
                self._db.execute("UPDATE subscribers SET status='unsubscribed', changed=? WHERE key=?",
                                 (now.isoformat(), found.key))
            found = self.by_key(found.key)
        return found

    def get(self, address: str) -> Subscriber | None:
        return self._one("address_key = ?", address.strip().lower())

    def by_key(self, key: str) -> Subscriber | None:
        return self._one("key = ?", key)

    def list(self, status: str | None = None) -> list[Subscriber]:
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = self._db.execute(f"SELECT address, key, status, source, added, changed FROM subscribers {where} "
                                "ORDER BY address_key", args)
        return [Subscriber(*row) for row in rows]

    def _one(self, where: str, value: str) -> Subscriber | None:
        row = self._db.execute(f"SELECT address, key, status, source, added, changed FROM subscribers WHERE {where}",
                               (value,)).fetchone()
        return Subscriber(*row) if row else None
