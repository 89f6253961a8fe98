"""The delivery ledger: one row per (issue, address), so a re-run sends each address once.

Every step commits before the next one starts:

    (no row) --begin--> sending --SMTP accepted--> sent
                           |----temporary failure--> pending   (retried by the next run)
                           '----permanent refusal--> rejected  (never retried; reported)

A run skips ``sent`` and ``rejected``. A row left at ``sending`` means the process died while
talking to the server: the server may or may not have taken the message, and nothing here can
know. The next run sends it again with the **same Message-ID** (stored at ``begin``), so in the
rare case both copies arrive, mail systems that de-duplicate by Message-ID (Gmail does) show one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from digest.mail.tables import StoreTable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    issue TEXT NOT NULL,
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'pending', 'rejected')),
    message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    PRIMARY KEY (issue, address)
);
"""
DONE = ("sent", "rejected")


@dataclass(frozen=True, slots=True)
class Delivery:
    issue: str
    address: str
    status: str
    message_id: str
    attempts: int
    error: str
    updated: str


class Ledger(StoreTable):
    """The deliveries table of the store file; use as a context manager."""

    SCHEMA = _SCHEMA

    def get(self, issue: str, address: str) -> Delivery | None:
        row = self._db.execute("SELECT * FROM deliveries WHERE issue = ? AND address = ?",
                               (issue, address.lower())).fetchone()
        return Delivery(*row) if row else None

    def begin(self, issue: str, address: str, message_id: str, now: datetime) -> Delivery:
        """Record an attempt before it is made; keeps the Message-ID of an earlier attempt."""
        with self._db:
            self._db.execute(
                "INSERT INTO deliveries VALUES (?,?,'sending',?,1,'',?) ON CONFLICT(issue, address) DO UPDATE SET "
                "status='sending', attempts=attempts+1, updated=excluded.updated",
                (issue, address.lower(), message_id, now.isoformat()))
        return self.get(issue, address)

    def finish(self, issue: str, address: str, status: str, now: datetime, error: str = "") -> None:
        with self._db:
            self._db.execute("UPDATE deliveries SET status=?, error=?, updated=? WHERE issue=? AND address=?",
                             (status, error, now.isoformat(), issue, address.lower()))

    def counts(self, issue: str) -> dict[str, int]:
        rows = self._db.execute("SELECT status, COUNT(*) FROM deliveries WHERE issue = ? GROUP BY status", (issue,))
        return dict(rows.fetchall())

    def rows(self, issue: str) -> list[Delivery]:
        return [Delivery(*row) for row in self._db.execute(
            "SELECT * FROM deliveries WHERE issue = ? ORDER BY address", (issue,))]
