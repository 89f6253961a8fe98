"""SQLite state: every article seen, and every issue produced with the articles it featured.

One file, standard library only. Writes happen in one transaction per run, so an interrupted run
leaves the store as it was. The schema carries its version in ``PRAGMA user_version`` so a later
release can migrate it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import datetime
from pathlib import Path

from digest.models import Article, Digest

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    location TEXT NOT NULL,
    url TEXT,
    outlet TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    content_sha256 TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issues (
    week TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    folder TEXT NOT NULL,
    html_sha256 TEXT NOT NULL,
    stories INTEGER NOT NULL,
    facts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS issue_articles (
    week TEXT NOT NULL REFERENCES issues(week) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id),
    story_id TEXT NOT NULL,
    PRIMARY KEY (week, article_id)
);
"""


class Store:
    """A connection to the store file; use as a context manager."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA foreign_keys = ON")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def record_articles(self, articles: Iterable[Article], now: datetime) -> int:
        """Remember articles; returns how many were new to the store."""
        seen = now.isoformat()
        new = 0
        with self._db:
            for a in articles:
                cursor = self._db.execute(
                    "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                    "location=excluded.location, url=excluded.url, outlet=excluded.outlet, title=excluded.title, "
                    "published=excluded.published, content_sha256=excluded.content_sha256, last_seen=excluded.last_seen "
                    "RETURNING first_seen",
                    (a.id, a.location, a.url, a.outlet, a.title, a.published.isoformat() if a.published else None,
                     _sha(a.text), seen, seen),
                )
                new += cursor.fetchone()[0] == seen
        return new

    def record_issue(self, digest: Digest, folder: Path, html: str) -> None:
        """Remember an issue and what it featured (a rebuilt week replaces its old record)."""
        with self._db:
            self._db.execute("DELETE FROM issues WHERE week = ?", (digest.week,))
            self._db.execute("INSERT INTO issues VALUES (?,?,?,?,?,?)",
                             (digest.week, digest.created.isoformat(), str(folder), _sha(html),
                              len(digest.stories), len(digest.facts)))
            self._db.executemany("INSERT INTO issue_articles VALUES (?,?,?)",
                                 [(digest.week, a.id, s.id) for s in digest.stories for a in s.articles])

    def issues(self) -> list[dict]:
        with closing(self._db.execute("SELECT * FROM issues ORDER BY week")) as cursor:
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor]

    def featured(self, week: str) -> list[str]:
        rows = self._db.execute("SELECT article_id FROM issue_articles WHERE week = ? ORDER BY article_id", (week,))
        return [r[0] for r in rows]

    def article_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
