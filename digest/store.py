"""SQLite state: every article seen, and every issue produced with the articles it featured.

Collection keeps its memory here too: the HTTP cache (ETag, Last-Modified and the last body of
every feed, so an unchanged feed costs one 304), the main text of every article page fetched for a
teaser-only item (fetched once, ever), each source's last fetch, feeds imported from OPML, and
every article in full so a past week can be rebuilt (``digest run --week``) and a source that fails
this week still contributes what it gave before.

One file, standard library only. Each write is its own transaction (caches are kept as soon as a
fetch succeeds; an issue's record is written after its files), so an interrupted run loses at most
the step it was in. The schema carries its version in ``PRAGMA user_version``: a store written by a
newer digest is refused rather than damaged; migrations start with the first schema change.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from contextlib import closing, contextmanager, nullcontext
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from digest.errors import DigestError
from digest.models import Article, Digest, Email, block_of, content_hash
from digest.models import Response
from digest.tables import SCHEMA_VERSION, refuse_newer, select_in

_SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    week TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    folder TEXT NOT NULL,
    html_sha256 TEXT NOT NULL,
    stories INTEGER NOT NULL,
    facts INTEGER NOT NULL,
    text_sha256 TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL DEFAULT ''  -- Email.fingerprint: what an approval is of
);
CREATE TABLE IF NOT EXISTS approvals (  -- an editor's approval of one week's issue, as it then was
    week TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    approved TEXT NOT NULL,
    editor TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS issue_articles (
    week TEXT NOT NULL REFERENCES issues(week) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES article_data(id),
    story_id TEXT NOT NULL,
    PRIMARY KEY (week, article_id)
);
"""
_COLLECT_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_data (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    published TEXT,
    first_seen TEXT NOT NULL,
    data TEXT NOT NULL
);
-- stored_articles: a week's ids and sources read from this index alone (a scan of the table read every
-- article's row, and the store keeps every week's)
CREATE INDEX IF NOT EXISTS article_data_week ON article_data (published, first_seen, source, id);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    etag TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    fetched TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS source_runs (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    location TEXT NOT NULL,
    last_fetch TEXT NOT NULL,
    status TEXT NOT NULL,
    items INTEGER NOT NULL,
    inferred TEXT NOT NULL,
    problems INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS imported_feeds (
    url TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    origin TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_hashes (  -- keep_articles: a hash of the Article each row holds
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL
);
-- any other change to a row (an older digest, a hand edit) forgets its hash: the next run compares it in full.
-- Inserts too: INSERT OR REPLACE deletes the old row without firing the delete trigger
CREATE TRIGGER IF NOT EXISTS article_hash_inserted AFTER INSERT ON article_data
BEGIN DELETE FROM article_hashes WHERE id = NEW.id; END;
CREATE TRIGGER IF NOT EXISTS article_hash_updated AFTER UPDATE ON article_data
BEGIN DELETE FROM article_hashes WHERE id = OLD.id; END;
CREATE TRIGGER IF NOT EXISTS article_hash_deleted AFTER DELETE ON article_data
BEGIN DELETE FROM article_hashes WHERE id = OLD.id; END;
"""


# Schema 1 kept a second, summary table of articles beside article_data; issue_articles pointed at it.
_MIGRATE_1_TO_2 = """
ALTER TABLE issue_articles RENAME TO issue_articles_1;
CREATE TABLE issue_articles (
    week TEXT NOT NULL REFERENCES issues(week) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES article_data(id),
    story_id TEXT NOT NULL,
    PRIMARY KEY (week, article_id)
);
INSERT INTO issue_articles SELECT * FROM issue_articles_1;
DROP TABLE issue_articles_1;
DROP TABLE IF EXISTS articles;
"""

# Schema 3: an issue's record names the hash of each file and of what subscribers get; approvals.
_MIGRATE_2_TO_3 = """
ALTER TABLE issues ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE issues ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE issues ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
"""


class Store:
    """A connection to the store file; use as a context manager."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False)  # feed threads share it, under _lock
            version = refuse_newer(self._db, path)
        except (OSError, sqlite3.Error) as error:
            raise DigestError(f"{path}: cannot open the store: {error} (check store: in config.yaml)") from None
        self._lock = threading.Lock()
        self._batched = False  # inside one_transaction(): writes commit at its end
        if version == 1:  # before foreign keys are enforced: old rows may name articles kept only in schema 1
            with self._db:
                self._db.executescript(_COLLECT_SCHEMA + _MIGRATE_1_TO_2)
        if version in (1, 2):
            with self._db:
                self._db.executescript(_MIGRATE_2_TO_3)
        self._db.execute("PRAGMA foreign_keys = ON")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.executescript(_COLLECT_SCHEMA)
            if version != SCHEMA_VERSION:  # writing it again would cost a transaction's flushes each open
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> Store:
        return self

    @contextmanager
    def one_transaction(self) -> Iterator[None]:
        """What ``keep_articles``, ``record_source_run`` and ``record_issue`` write inside is one
        transaction, committed at the end, none of it kept after an error (a run's end wrote
        three, each four syncs to disk in SQLite's rollback journal)."""
        self._batched = True
        try:
            with self._db:
                yield
        finally:
            self._batched = False

    def _writing(self):
        """The transaction of one write: its own, or ``one_transaction``'s."""
        return nullcontext() if self._batched else self._db

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def keep_articles(self, articles: Iterable[Article], now: datetime,
                      hashed: Mapping[int, tuple[Article, str]] | None = None) -> int:
        """Keep every article in full (a newer copy of one replaces the old; first_seen stays);
        returns how many were new to the store. Only new and changed rows are written. Each row's
        Article hash is kept beside it (``article_hashes``, forgotten by a trigger when anything
        else changes the row): an article whose hash matches is its row, so a re-run's unchanged
        articles cost a hash each instead of their JSON and a read of their rows (10,000 articles:
        0.65-1.0 -> 0.5 s of CPU, measured); the others are compared in full. ``hashed``:
        id(Article) -> (that Article, its ``article_hash``), hashes already made (``WorkCache.hashed``)."""
        given = {a.id: a for a in articles}
        hashed = hashed or {}
        hashes = {key: known_hash(article, hashed) for key, article in given.items()}
        with self._lock, self._writing():
            kept = self._kept_hashes(hashes)
            rest = {key: (a.source, _when(a.published), _dump(a)) for key, a in given.items() if kept.get(key) != hashes[key]}
            stored = self._rows(rest)
            self._db.executemany(
                "INSERT INTO article_data VALUES (?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "source=excluded.source, published=excluded.published, data=excluded.data",
                [(key, source, published, _when(now), data) for key, (source, published, data) in rest.items()
                 if stored.get(key) != (source, published, data)])
            self._db.executemany("INSERT OR REPLACE INTO article_hashes VALUES (?,?)", [(key, hashes[key]) for key in rest])
            return sum(1 for key in rest if key not in stored)

    def _kept_hashes(self, article_ids: Mapping[str, object]) -> dict[str, str]:
        """id -> kept hash of those of ``article_ids`` that have one: the whole table read when they
        are a third of it or more (a look-up costs ~5 us an id, a row of the table read whole ~1.7:
        a re-run of 10,100 articles, 35-85 -> 13-18 ms, measured warm)."""
        if len(article_ids) * 3 < self._db.execute("SELECT COUNT(*) FROM article_hashes").fetchone()[0]:
            return dict(select_in(self._db, "SELECT id, hash FROM article_hashes WHERE id IN ({})", article_ids))
        return dict(self._db.execute("SELECT id, hash FROM article_hashes"))  # the others are never asked for

    def _rows(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str | None, str]]:
        """id -> (source, published, data) of the stored ones among ``article_ids``."""
        rows = select_in(self._db, "SELECT id, source, published, data FROM article_data WHERE id IN ({})", article_ids)
        return {key: tuple(rest) for key, *rest in rows}

    def stored_articles(self, start: datetime, end: datetime, sources: Iterable[str] | None = None,
                        undated: bool = False, known: Set[str] = frozenset()) -> list[Article]:
        """Articles published in [start, end] (and, with ``undated``, undated ones first seen then),
        optionally only from the named sources, in id order; those in ``known`` (ids the caller
        already holds) are left out without being read. Which they are is read from the index
        ``article_data_week`` (each side of the OR is a range of it): a week of 10,100 articles,
        40-42 -> 22-26 ms, and a store of many weeks reads only its week's entries."""
        rows = self._db.execute(
            "SELECT id, source FROM article_data WHERE (published BETWEEN ? AND ?) "
            "OR (? AND published IS NULL AND first_seen BETWEEN ? AND ?)",
            (_when(start), _when(end), undated, _when(start), _when(end))).fetchall()
        wanted = None if sources is None else set(sources)
        ids = [key for key, source in rows if key not in known and (wanted is None or source in wanted)]
        rows = select_in(self._db, "SELECT id, data FROM article_data WHERE id IN ({})", ids)
        return [_load(data) for _, data in sorted(rows)]

    def first_seen(self, article_ids: Iterable[str]) -> dict[str, datetime]:
        """When each of these articles was first kept, for those the store has."""
        rows = select_in(self._db, "SELECT id, first_seen FROM article_data WHERE id IN ({})", article_ids)
        return {article_id: datetime.fromisoformat(seen) for article_id, seen in rows}

    def cached(self, url: str) -> Response | None:
        """The last answer for ``url`` that had a validator (ETag or Last-Modified)."""
        with self._lock:
            row = self._db.execute("SELECT final_url, etag, last_modified, content_type, body FROM http_cache "
                                   "WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        final_url, etag, modified, content_type, body = row
        return Response(final_url, 200, bytes(body), content_type, etag, modified)

    def remember(self, url: str, response: Response) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO http_cache VALUES (?,?,?,?,?,?)",
                             (url, response.url, response.etag, response.last_modified, response.content_type,
                              response.body))

    def page(self, url: str) -> dict | None:
        """What was extracted from an article page, if it was ever fetched."""
        with self._lock:
            row = self._db.execute("SELECT data FROM pages WHERE url = ?", (url,)).fetchone()
        return json.loads(row[0]) if row else None

    def remember_page(self, url: str, data: dict, now: datetime) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO pages VALUES (?,?,?)",
                             (url, json.dumps(data, sort_keys=True), now.isoformat()))

    def page_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]

    def record_source_run(self, run: dict) -> None:
        """One source's last fetch: name, kind, location, last_fetch, status, items, inferred, problems."""
        with self._lock, self._writing():
            self._db.execute("INSERT OR REPLACE INTO source_runs VALUES (:name,:kind,:location,:last_fetch,"
                             ":status,:items,:inferred,:problems)", run)

    def source_runs(self) -> list[dict]:
        cursor = self._db.execute("SELECT * FROM source_runs ORDER BY kind, name")
        names = [c[0] for c in cursor.description]
        counts = dict(self._db.execute("SELECT source, COUNT(*) FROM article_data GROUP BY source").fetchall())
        return [{**dict(zip(names, row)), "stored": counts.get(row[0], 0)} for row in cursor.fetchall()]

    def import_feeds(self, feeds: Iterable[tuple[str, str]], origin: str) -> int:
        """Add (url, name) feeds to the sources read every run; returns how many were new."""
        with self._lock, self._db:
            before = self._db.total_changes
            self._db.executemany("INSERT OR IGNORE INTO imported_feeds VALUES (?,?,?)",
                                 [(url, name, origin) for url, name in feeds])
            return self._db.total_changes - before

    def imported_feeds(self) -> list[tuple[str, str]]:
        return self._db.execute("SELECT url, name FROM imported_feeds ORDER BY rowid").fetchall()

    def first_featured(self, article_ids: Iterable[str], before_week: str) -> dict[str, tuple[str, int]]:
        """For each article featured in an issue before ``before_week``: (week, issue number) of the first."""
        numbers = {week: n for n, (week,) in enumerate(self._db.execute("SELECT week FROM issues ORDER BY week"), 1)}
        rows = select_in(self._db, "SELECT article_id, MIN(week) FROM issue_articles WHERE week < ? AND article_id "
                         "IN ({}) GROUP BY article_id", article_ids, before_week)
        return {article_id: (week, numbers[week]) for article_id, week in rows}

    def featured_articles(self, from_week: str, before_week: str) -> list[Article]:
        """The articles featured by issues of weeks in [from_week, before_week), in id order."""
        rows = self._db.execute(
            "SELECT DISTINCT d.data FROM issue_articles i JOIN article_data d ON d.id = i.article_id "
            "WHERE i.week >= ? AND i.week < ? ORDER BY d.id", (from_week, before_week)).fetchall()
        return [_load(data) for (data,) in rows]

    def record_issue(self, digest: Digest, folder: Path, email: Email) -> None:
        """Remember an issue, the hashes of its files and what it featured (a rebuilt week replaces
        its old record; an approval stays, and holds only while the fingerprint is the same)."""
        with self._writing():
            self._db.execute("DELETE FROM issues WHERE week = ?", (digest.week,))
            self._db.execute(
                "INSERT INTO issues (week, created, folder, html_sha256, stories, facts, text_sha256, subject,"
                " fingerprint) VALUES (?,?,?,?,?,?,?,?,?)",
                (digest.week, digest.created.isoformat(), str(folder), _sha(email.html), len(digest.stories),
                 len(digest.facts), _sha(email.text), email.subject, email.fingerprint))
            self._db.executemany("INSERT INTO issue_articles VALUES (?,?,?)",
                                 [(digest.week, a.id, s.id) for s in digest.stories for a in s.articles])

    def issues(self) -> list[dict]:
        with closing(self._db.execute("SELECT * FROM issues ORDER BY week")) as cursor:
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor]

    def issue(self, week: str) -> dict | None:
        """The record of one week's issue, or None if that week was never built."""
        with closing(self._db.execute("SELECT * FROM issues WHERE week = ?", (week,))) as cursor:
            row = cursor.fetchone()
            return dict(zip([c[0] for c in cursor.description], row)) if row else None

    def approve(self, week: str, fingerprint: str, when: datetime, editor: str = "") -> None:
        """Record that the editor approved ``week``'s issue as it is now (``fingerprint``)."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO approvals VALUES (?,?,?,?)",
                             (week, fingerprint, _when(when), editor))

    def withdraw_approval(self, week: str) -> bool:
        """Forget ``week``'s approval; True if there was one."""
        with self._db:
            return self._db.execute("DELETE FROM approvals WHERE week = ?", (week,)).rowcount > 0

    def approval(self, week: str) -> dict | None:
        """``week``'s approval ({week, fingerprint, approved, editor, valid}), or None. ``valid`` is
        False once the issue changed after it was approved (its fingerprint differs): a void approval."""
        row = self._db.execute("SELECT week, fingerprint, approved, editor FROM approvals WHERE week = ?",
                               (week,)).fetchone()
        if row is None:
            return None
        record = self.issue(week)
        approval = dict(zip(("week", "fingerprint", "approved", "editor"), row))
        return approval | {"valid": bool(record) and record["fingerprint"] == approval["fingerprint"]}

    def featured(self, week: str) -> list[str]:
        rows = self._db.execute("SELECT article_id FROM issue_articles WHERE week = ? ORDER BY article_id", (week,))
        return [r[0] for r in rows]

    def article_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM article_data").fetchone()[0]


def _when(moment: datetime | None) -> str | None:
    """An ISO string in UTC, so SQLite's text comparison orders moments correctly."""
    return moment.astimezone(timezone.utc).isoformat() if moment else None


def _dump(article: Article) -> str:
    """The article as JSON, every field (what ``dataclasses.asdict`` gives, without its deep copy)."""
    data = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    data["blocks"] = [{"kind": b.kind, "text": b.text} for b in article.blocks]
    data["published"] = article.published.isoformat() if article.published else None
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_SMALL_FIELDS = tuple(name for name in _ARTICLE_FIELDS if name not in ("blocks", "published"))
_HASHED = "article-1"  # change with _dump's format, so rows are written again in the new one


def article_hash(article: Article) -> str:
    """A hash of every field of ``article``: the small ones as JSON, the blocks' kinds and texts
    each prefixed by its length (hashing the blocks' JSON would cost what ``_dump`` costs)."""
    small = [getattr(article, name) for name in _SMALL_FIELDS]
    published = article.published.isoformat() if article.published else None
    return content_hash(json.dumps([_HASHED, small, published], ensure_ascii=False), article.blocks)


def known_hash(article: Article, hashed: Mapping[int, tuple[Article, str]]) -> str:
    """``article_hash(article)``, or the hash ``hashed`` holds for this very object (by ``id``, made
    by the work cache as it read the article)."""
    known = hashed.get(id(article))
    return known[1] if known and known[0] is article else article_hash(article)


def article_record(article: Article) -> tuple:
    """The article as a tuple of plain values, every field in ``Article``'s order (blocks as
    (kind, text) pairs, ``published`` as ISO text): what ``WorkCache.put_articles`` keeps with
    ``marshal`` (its JSON, ``_dump``, is the store's row)."""
    record = [getattr(article, name) for name in _ARTICLE_FIELDS]
    record[_BLOCKS] = tuple([(b.kind, b.text) for b in article.blocks])
    record[_PUBLISHED] = article.published.isoformat() if article.published else None
    return tuple(record)


def article_of_record(record: Sequence) -> Article:
    """The Article of an ``article_record``; ValueError if it is not one (another number of fields)."""
    if len(record) != len(_SETTERS):
        raise ValueError(f"an article record of {len(record)} fields, not {len(_SETTERS)}")
    values = list(record)
    values[_BLOCKS] = tuple([block_of(kind, text) for kind, text in values[_BLOCKS]])
    values[_PUBLISHED] = datetime.fromisoformat(values[_PUBLISHED]) if values[_PUBLISHED] else None
    article = _new_article(Article)
    for (_, setter), value in zip(_SETTERS, values):
        setter(article, value)
    return article


def _load(text: str) -> Article:
    data = json.loads(text)
    data["blocks"] = tuple([block_of(b["kind"], b["text"]) for b in data["blocks"]])
    data["published"] = datetime.fromisoformat(data["published"]) if data["published"] else None
    data["dropped"], data["inferred"] = tuple(data["dropped"]), tuple(data["inferred"])
    return _article_of(data) if data.keys() == _FIELD_NAMES else Article(**data)


_new_article = object.__new__
_FIELD_NAMES = frozenset(_ARTICLE_FIELDS)
_SETTERS = tuple((name, getattr(Article, name).__set__) for name in _ARTICLE_FIELDS)  # the slots' own setters
_BLOCKS, _PUBLISHED = _ARTICLE_FIELDS.index("blocks"), _ARTICLE_FIELDS.index("published")


def _article_of(data: dict) -> Article:
    """``Article(**data)`` for a row holding every field, a fifth of the CPU: a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__`` (as ``models.block_of``; 10,100
    kept articles: 0.12 -> 0.03 s, measured)."""
    article = _new_article(Article)
    for name, setter in _SETTERS:
        setter(article, data[name])
    return article


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
