"""The base for tables other modules keep in the store file (subscribers, deliveries, run history,
per-article work).

Each owner declares its ``SCHEMA`` (``CREATE TABLE IF NOT EXISTS``), so the store file gains its
tables the first time they are used and ``store.py`` needs no change for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from digest.errors import DigestError

SCHEMA_VERSION = 3  # the store file's schema (``PRAGMA user_version``); store.py migrates older files


def refuse_newer(db: sqlite3.Connection, path: Path | str) -> int:
    """The file's schema version; a store written by a newer digest is refused before anything is written."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        db.close()
        raise DigestError(f"{path}: the store was written by a newer digest (schema {version}, this one "
                          f"knows {SCHEMA_VERSION}); upgrade digest or point store: at another file")
    return version


CHUNK = 500  # values per IN (...) list, far below SQLite's variable limit (32,766 at most)


def select_in(db: sqlite3.Connection, query: str, values: Iterable, *before: object) -> list[tuple]:
    """The rows of ``query`` (its ``IN ({})`` filled with ``values``, ``before`` its earlier
    parameters), in chunks: one statement may bind only so many values."""
    values, rows = list(values), []
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        rows += db.execute(query.format(",".join("?" * len(chunk))), (*before, *chunk)).fetchall()
    return rows


class StoreTable:
    """A connection to the store file with the subclass's tables in place; a context manager."""

    SCHEMA = ""

    def __init__(self, path: Path | str, timeout: float = 30.0, threads: bool = False):
        """``threads``: the connection may be used from other threads (the owner serialises its use)."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # timeout: how long to wait for a busy store
        self._db = sqlite3.connect(str(path), timeout=timeout, check_same_thread=not threads)
        refuse_newer(self._db, path)
        with self._db:
            self._db.executescript(self.SCHEMA)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()
