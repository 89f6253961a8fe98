"""The run history (I/O): every build and scheduled send, and the last fire each scheduled job ran.

Two tables in the store file, created on first use (``CREATE TABLE IF NOT EXISTS``; no schema bump):

``runs``: one row per build or send, written when it starts (``running``) and updated when it ends
(``ok`` or ``failed``, with its problems, counts and a one-line message). A row left at ``running``
by a killed process reads as ``killed`` once nobody holds the run lock (``digest status``).

``schedule_fires``: per job, the fire time the scheduler last ran (after the job finished), so a
restarted scheduler catches up a missed fire once and never twice (see ``digest.runs.schedule``).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from digest.tables import StoreTable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,             -- build | send
    started TEXT NOT NULL,
    finished TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT 'running' CHECK (result IN ('running', 'ok', 'failed', 'skipped')),
    week TEXT NOT NULL DEFAULT '',
    trigger TEXT NOT NULL DEFAULT '',  -- command | schedule | catch-up
    problems INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS schedule_fires (
    job TEXT PRIMARY KEY,
    fire TEXT NOT NULL,   -- the scheduled time the job last ran for (ISO 8601, UTC)
    ran TEXT NOT NULL     -- when that run finished
);
"""


class RunLog(StoreTable):
    """The store file's run history; a context manager. Each write is its own transaction."""

    SCHEMA = _SCHEMA

    def start(self, kind: str, now: datetime, trigger: str = "command", week: str = "") -> int:
        with self._db:
            cursor = self._db.execute("INSERT INTO runs (kind, started, trigger, week) VALUES (?,?,?,?)",
                                      (kind, now.isoformat(timespec="seconds"), trigger, week))
        return cursor.lastrowid

    def finish(self, run_id: int, result: str, now: datetime, week: str = "", problems: int = 0,
               counts: dict | None = None, message: str = "") -> None:
        with self._db:
            self._db.execute(
                "UPDATE runs SET finished=?, result=?, week=CASE WHEN ?='' THEN week ELSE ? END, problems=?, "
                "counts=?, message=? WHERE id=?",
                (now.isoformat(timespec="seconds"), result, week, week, problems,
                 json.dumps(counts or {}, sort_keys=True), message[:500], run_id))

    def last(self, kind: str) -> dict | None:
        """The latest run of ``kind`` ("build" or "send"), or None."""
        cursor = self._db.execute("SELECT * FROM runs WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,))
        names = [c[0] for c in cursor.description]
        row = cursor.fetchone()
        if row is None:
            return None
        run = dict(zip(names, row))
        return run | {"counts": json.loads(run["counts"])}

    def fired(self, job: str, fire: datetime, now: datetime) -> None:
        """Record that ``job`` ran for its scheduled time ``fire`` (never moves backwards)."""
        with self._db:
            self._db.execute("INSERT INTO schedule_fires VALUES (?,?,?) ON CONFLICT(job) DO UPDATE SET "
                             "fire=excluded.fire, ran=excluded.ran WHERE excluded.fire > schedule_fires.fire",
                             (job, fire.astimezone(timezone.utc).isoformat(), now.isoformat(timespec="seconds")))

    def last_fire(self, job: str) -> datetime | None:
        row = self._db.execute("SELECT fire FROM schedule_fires WHERE job = ?", (job,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None
