"""The delivery ledger: one row per (issue, address), so each address gets the issue once.

An address is **claimed** in its own committed transaction before anything goes to the relay,
so a second sender (another process, another machine sharing the store, a sender the run lock
did not stop) sees the claim and skips the address. Every step commits before the next starts:

    (no row) --claim--> claimed --relay said 354 to DATA--> data --relay said 250--> sent
       ^                   |                                  |----4xx/5xx reply--> pending / rejected
       |                   |--refusal before DATA--> pending (retried) / rejected (never retried)
       '---- next run -----'                                  '----no reply (timeout, disconnect)--> unknown

- ``claimed``: nothing of the message has left yet. A sender that stops (on an error too)
  releases its claims when its ledger closes; a claim whose sender died (its process is gone, or
  the claim is older than ``stale_after`` seconds) is taken over and sent.
- ``data``: the message was on its way when the sender stopped hearing from the relay, or died:
  the relay may have taken it. Such a row (of a dead sender) becomes ``unknown``, never retried
  blindly: ``digest send --resend-unknown`` sends it again.
- Every message for an (issue, address) carries the same Message-ID, given at the first claim,
  so a copy the relay may have taken twice is one message to mail systems that de-duplicate.

The store may be busy (the unsubscribe endpoint writes to it): each write waits and retries for up
to ``write_patience`` seconds rather than failing between the relay's reply and our record.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest.errors import DeliveryError
from digest.tables import StoreTable

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    issue TEXT NOT NULL,
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'data', 'sent', 'pending', 'rejected', 'unknown')),
    message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',      -- host:pid:token of the sender holding a claim
    claimed REAL NOT NULL DEFAULT 0,     -- when it was claimed (Unix time)
    PRIMARY KEY (issue, address)
);
"""
_OLD_STATUS = "'sending'"  # schema before claims: a 'sending' row is an unknown outcome
DONE = ("sent", "rejected")
_STOPPED = "the sender stopped while the relay may have taken it"
HELD = ("claimed", "data")


@dataclass(frozen=True, slots=True)
class Delivery:
    issue: str
    address: str
    status: str
    message_id: str
    attempts: int
    error: str
    updated: str
    owner: str = ""
    claimed: float = 0.0


def me() -> str:
    """A sender's name in claims: host, process id and a token of its own (two senders may share a process)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _alive(owner: str, claimed: float, stale_after: float) -> bool:
    """Whether the sender holding a claim may still be at work."""
    host, pid = (owner.split(":") + ["", ""])[:2]
    if time.time() - claimed > stale_after:
        return False
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: only age tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Ledger(StoreTable):
    """The deliveries table of the store file; use as a context manager."""

    SCHEMA = _SCHEMA

    def __init__(self, path: Path | str, busy_timeout: float = 5.0, write_patience: float = 300.0,
                 stale_after: float = 3600.0):
        super().__init__(path, timeout=busy_timeout)
        self.write_patience, self.stale_after, self.owner = write_patience, stale_after, me()
        self._migrate()

    def __exit__(self, *exc) -> None:
        try:
            self.release()
        except (DeliveryError, sqlite3.Error) as error:  # a later sender recovers them once they are stale
            logger.warning("could not release this sender's claims: %s", error)
        super().__exit__(*exc)

    def release(self) -> None:
        """End this sender's claims (it stops, on an error too): a message that never left is
        pending again; one that may have reached the relay is unknown."""
        def attempt() -> None:
            with self._db:
                self._db.execute(
                    "UPDATE deliveries SET status = CASE status WHEN 'data' THEN 'unknown' ELSE 'pending' END, "
                    "error = CASE status WHEN 'data' THEN ? ELSE error END WHERE owner = ? AND status IN "
                    "('claimed', 'data')", (_STOPPED, self.owner))
        self._patiently(attempt, "releasing this sender's claims")

    def get(self, issue: str, address: str) -> Delivery | None:
        row = self._db.execute("SELECT * FROM deliveries WHERE issue = ? AND address = ?",
                               (issue, address.lower())).fetchone()
        return Delivery(*row) if row else None

    def claim(self, issue: str, address: str, message_id: str, now: datetime,
              resend_unknown: bool = False) -> tuple[Delivery | None, str]:
        """Claim the address for this sender (committed before returning): (the claim, "") or
        (None, why not: "done", "busy" (another live sender holds it) or "unknown")."""
        def attempt() -> tuple[Delivery | None, str]:
            with self._immediate():  # read and write in one transaction: no other sender in between
                row = self.get(issue, address)
                why = self._why_not(row, resend_unknown) if row else ""
                if why == "unknown" and row.status == "data":  # its sender died mid-DATA
                    self._set(issue, address, "unknown", now, _STOPPED)
                if not why:
                    self._db.execute(
                        "INSERT INTO deliveries VALUES (?,?,'claimed',?,1,'',?,?,?) ON CONFLICT(issue, address) DO "
                        "UPDATE SET status='claimed', attempts=attempts+1, updated=excluded.updated, "
                        "owner=excluded.owner, claimed=excluded.claimed",
                        (issue, address.lower(), message_id, now.isoformat(), self.owner, time.time()))
            return (None, why) if why else (self.get(issue, address), "")
        return self._patiently(attempt, f"claiming {address}")

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """A write transaction taken at once (BEGIN IMMEDIATE), committed at the end."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # the body failed, or COMMIT found the store busy
                self._db.execute("ROLLBACK")
            raise

    def _why_not(self, row: Delivery, resend_unknown: bool) -> str:
        if row.status in DONE:
            return "done"
        if row.status in HELD and _alive(row.owner, row.claimed, self.stale_after):
            return "busy"
        if row.status == "data" or (row.status == "unknown" and not resend_unknown):
            return "unknown"
        return ""

    def mark_data(self, issue: str, address: str, now: datetime) -> None:
        """The relay is about to get the message itself: from here its outcome may be unknown."""
        self.finish(issue, address, "data", now)

    def finish(self, issue: str, address: str, status: str, now: datetime, error: str = "") -> None:
        def attempt() -> None:
            with self._db:
                self._set(issue, address, status, now, error)
        self._patiently(attempt, f"recording {address} as {status}")

    def _set(self, issue: str, address: str, status: str, now: datetime, error: str) -> None:
        """One row's new status, inside the caller's transaction."""
        self._db.execute("UPDATE deliveries SET status=?, error=?, updated=? WHERE issue=? AND address=?",
                         (status, error, now.isoformat(), issue, address.lower()))

    def _patiently(self, attempt, what: str):
        """Run a write, retrying while another connection holds the store, up to write_patience."""
        give_up = time.monotonic() + self.write_patience
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() >= give_up:
                    raise DeliveryError(f"the store stayed locked for {self.write_patience:.0f} s while {what}; "
                                        "the address is left as possibly sent and reported as unknown by the "
                                        "next `digest send`") from None
                time.sleep(0.05)

    def counts(self, issue: str) -> dict[str, int]:
        rows = self._db.execute("SELECT status, COUNT(*) FROM deliveries WHERE issue = ? GROUP BY status", (issue,))
        return dict(rows.fetchall())

    def rows(self, issue: str) -> list[Delivery]:
        return [Delivery(*row) for row in self._db.execute(
            "SELECT * FROM deliveries WHERE issue = ? ORDER BY address", (issue,))]

    def _migrate(self) -> None:
        """A deliveries table from before claims: rebuilt with its rows ('sending' -> unknown)."""
        sql = self._db.execute("SELECT sql FROM sqlite_master WHERE name = 'deliveries'").fetchone()[0]
        if _OLD_STATUS not in sql:
            return
        self._db.executescript("BEGIN IMMEDIATE; ALTER TABLE deliveries RENAME TO deliveries_old;" + _SCHEMA +
                               "INSERT INTO deliveries SELECT issue, address, CASE status WHEN 'sending' THEN 'unknown' "
                               "ELSE status END, message_id, attempts, error, updated, '', 0 FROM deliveries_old; "
                               "DROP TABLE deliveries_old; COMMIT;")
