"""The base for tables other modules keep in the store file (subscribers, deliveries, run history,
per-article work).

Each owner declares its ``SCHEMA`` (``CREATE TABLE IF NOT EXISTS``), so the store file gains its
tables the first time they are used and ``store.py`` needs no change for them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreTable:
    """A connection to the store file with the subclass's tables in place; a context manager."""

    SCHEMA = ""

    def __init__(self, path: Path | str, timeout: float = 30.0, threads: bool = False):
        """``threads``: the connection may be used from other threads (the owner serialises its use)."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # timeout: how long to wait for a busy store
        self._db = sqlite3.connect(str(path), timeout=timeout, check_same_thread=not threads)
        with self._db:
            self._db.executescript(self.SCHEMA)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()
