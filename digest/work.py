"""Work kept between runs, so a re-run redoes only what is new or changed.

Everything lives in the store file's own table, ``article_work``, one row per value, keyed by a
hash of what shapes it (the input's content and the settings, sometimes the code), with a
``kind`` saying whose it is:

- ``article``: a folder file parsed into an Article (``sources/kept.py``: path, size, mtime_ns,
  sidecars, folder settings): the Article itself in ``marshal``'s bytes (its JSON from the store's
  row took twice as long to decode: 1,000 articles, ~40 -> ~15 ms), its store hash, and a mark
  that ``clean_article`` leaves it as it is (a re-run of 1,000 articles looked for
  characters to clean in every one again: ~45 ms; the mark holds a hash of the cleaning rules),
  and then the hashes of its content that relevance's and dedup's work keys hold (a re-run of
  10,000 articles hashed every one again: ~0.35 s of CPU);
- ``relevance``: the topic score (splitting every sentence and matching every term:
  ``sources/relevance.py``; key: title, location, blocks, ``include`` flag, topic settings);
- ``dedup``: dedup's shingles, MinHash signature and word counts (``stories/features.py``);
- ``dedup-week``: one value per dedup settings, the last run's copy verdicts and the week's idf,
  vectors, links and groups (``stories/again.py``: a re-run works only what is new; bytes, ~18 MB
  at 10,000);
- ``facts`` and ``sections``: a featured story's consensus facts and a selection's themes and
  lead (``digest/issue_work.py``; keys hold the stories' content, the settings and the code);
- ``bundle``: the relevance values a run read or put, kept together in one row as well
  (``BUNDLED``), so a re-run reads one row for its week's kept assessments instead of a look-up
  each (10,100: ~105 -> ~25 ms of CPU); written again when a tenth of the values used are not
  in it (a new week), not for a re-run's 1 % of new ones, which are looked up alone.

A changed input or changed settings make a new key, and the old row is simply never read again.
The table is created with ``CREATE TABLE IF NOT EXISTS`` beside the store's own (no schema
version of its own: dropping it loses nothing but time). Values are JSON, or bytes stored as a
BLOB (dedup's packed arrays, folder articles in ``marshal``'s bytes). Reading does not write: the rows read are marked as used, and rows
not read for ``KEEP_DAYS`` deleted, once per context, when it is left without an error. A row's
mark is moved only when it is over ``MARK_DAYS`` old (so a row may go after 45 days unread, not
60): moving it rewrites the whole row, value included, and a weekly run of 10,000 articles
rewrote ~50 MB of rows each time (0.8 s of CPU, 2.4 s wall, measured); ``used`` is indexed, so
finding the rows to forget reads no values.

A cache row is written only after the work it stands for is done: ``put`` holds the values (a
``get`` sees them) and ``flush`` writes all of them in one transaction, which the pipeline does
once its per-article stages are done, and leaving the context does for what is left (each put
was a transaction of its own: a re-run of 1,000 articles wrote four, each four syncs to disk,
~50 ms of its wall on the shared machine). A killed run leaves either the rows or nothing, and
the next run redoes what is missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from digest.errors import DigestError
from digest.models import Article, content_hash
from digest.store import article_hash, article_of_record, article_record
from digest.tables import CHUNK, StoreTable, select_in
from digest.text import hygiene
from digest.text.hygiene import clean_article

logger = logging.getLogger(__name__)

BUNDLED = frozenset({"relevance"})  # kinds whose values a run used are also kept in one row, for the next run
BUNDLE = "bundle"  # the kind of those rows, one per bundled kind (key "bundle:<kind>")
MMAP_BYTES = 256 * 1024 * 1024  # SQLite maps at most this much of the store file (the rest is read as usual)
KEEP_DAYS = 60
MARK_DAYS = KEEP_DAYS // 4  # a row read is marked as used now only when its mark is older than this
_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_work (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    used TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_work_used ON article_work (used);
"""


class WorkCache(StoreTable):
    """``article_work`` in the store file (its own connection); use as a context manager.

    A value is JSON, or bytes kept as they are (a BLOB: dedup's packed arrays). Reading marks the
    rows as used in memory; leaving the context writes the marks and forgets rows unused for
    ``KEEP_DAYS``, once per run, in one transaction. It may be shared between threads
    (``sources.gather_paths`` reads folders ``concurrency`` at a time): one call at a time."""

    SCHEMA = _SCHEMA

    def __init__(self, path: Path | str, now: datetime):
        self.now = now
        self.hits: Counter[str] = Counter()  # kept values read, by kind
        # id(Article) -> (Article, its store hash) for the articles loaded or kept by kind "article":
        # the store then keeps them without hashing them again (Store.keep_articles)
        self.hashed: dict[int, tuple[Article, str]] = {}
        # id(Article) -> (Article, its ``content_hash`` of title and blocks, its ``text_hash``), for those
        # loaded or kept by kind "article" that ``clean_article`` leaves as they are (under the same hygiene
        # rules): not searched for characters to clean again, nor hashed again for relevance's and dedup's
        # work keys (the hashes None for a value kept without them, by an older digest)
        self.clean: dict[int, tuple[Article, str | None, str | None]] = {}
        self._used: set[str] = set()
        self._pending: dict[str, tuple[str, object]] = {}  # key -> (kind, value) put and not yet written
        self._bundles: dict[str, dict[str, object]] = {}  # kind -> the values the last run used (its bundle)
        self._working: dict[str, dict[str, object]] = {}  # kind -> the values this run read or put (the next bundle)
        self._lock = threading.Lock()
        try:
            super().__init__(path, threads=True)
            # pages read through a memory map, not a read() each: a re-run reads ~42 MB of kept folder
            # articles (10,000), 97-138 -> 69-91 ms of CPU (min of 5, three alternated sittings)
            self._db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        except sqlite3.Error as error:
            raise DigestError(f"{path}: cannot open the work cache: {error} (check store: in config.yaml)") from None

    def get(self, kind: str, keys: Iterable[str]) -> dict[str, object]:
        """The kept values of ``keys`` (those there are); they count as used now."""
        with self._lock:
            return self._get(kind, sorted(set(keys)))

    def _get(self, kind: str, keys: list[str]) -> dict[str, object]:
        pending = {key: put[1] for key in keys if (put := self._pending.get(key)) and put[0] == kind}
        keys = [key for key in keys if key not in pending] if pending else keys
        bundled = self._bundled(kind, keys) if kind in BUNDLED and keys else None
        keys = [key for key in keys if key not in bundled] if bundled else keys
        rows = select_in(self._db, "SELECT key, value, used FROM article_work WHERE kind = ? AND key IN ({})", keys, kind)
        found = {key: value if isinstance(value, bytes) else json.loads(value) for key, value, _ in rows}
        found.update(pending)
        if bundled:
            found.update(bundled)
        if kind in BUNDLED:
            self._working.setdefault(kind, {}).update(found)
        self.hits[kind] += len(found)
        stale = (self.now - timedelta(days=MARK_DAYS)).isoformat()
        self._used.update(key for key, _, used in rows if used < stale)
        logger.debug("work cache: %s: %d of %d kept", kind, len(found), len(keys))
        return found

    def _bundled(self, kind: str, keys: list[str]) -> dict[str, object]:
        """The values of ``keys`` in the bundle of ``kind`` (read once per context): a re-run finds
        the 10,100 kept assessments of a week in one row (~1 MB of JSON) instead of a look-up
        each (60-100 ms)."""
        if kind not in self._bundles:
            bundle = self._get(BUNDLE, [f"{BUNDLE}:{kind}"]).get(f"{BUNDLE}:{kind}")
            self._bundles[kind] = bundle if isinstance(bundle, dict) else {}
        bundle = self._bundles[kind]
        return {key: bundle[key] for key in keys if key in bundle} if bundle else {}

    def get_articles(self, kind: str, keys: Iterable[str]) -> dict[str, Article]:
        """The Articles of ``keys`` kept by ``put_articles``; a value that is not one (another
        Python's ``marshal``, a damaged row) is left out, as if absent, and not counted as a hit."""
        with self._lock:
            values = self._get(kind, sorted(set(keys)))
            loaded: dict[str, Article] = {}
            rules = hygiene_print()
            for key, value in values.items():
                found = _article_kept(value)
                if found:
                    article, hashed, clean = found
                    loaded[key] = article
                    self.hashed[id(article)] = (article, hashed)
                    if rules and clean and clean[0] == rules:
                        self.clean[id(article)] = (article, clean[1], clean[2])
            self.hits[kind] -= len(values) - len(loaded)
            return loaded

    def put_articles(self, kind: str, articles: Mapping[str, Article]) -> None:
        """Keep, for each key, its Article (``store.article_record``, with ``marshal``), its store
        hash (``store.article_hash``: the store then keeps it without hashing it again), and when
        ``clean_article`` leaves it as it is, ``hygiene_print()`` with its ``content_hash`` and
        ``text_hash`` (the work keys' hashes: 10,000 kept articles, ~0.35 s a re-run)."""
        from digest.stories.features import text_hash  # dedup's, with numpy: loaded when a run reads files

        hashes = {key: article_hash(article) for key, article in articles.items()}
        rules = hygiene_print()
        clean = {key: (article, content_hash(article.title, article.blocks), text_hash(article.title, article.text))
                 for key, article in articles.items() if rules and clean_article(article) is article}
        with self._lock:
            self.hashed.update((id(article), (article, hashes[key])) for key, article in articles.items())
            self.clean.update((id(found[0]), found) for found in clean.values())  # not cleaned or hashed again this run
        self.put(kind, {key: marshal.dumps((hashes[key], (rules, *clean[key][1:]) if key in clean else None,
                                            article_record(article)))
                        for key, article in articles.items()})

    def is_clean(self, article: Article) -> bool:
        """Whether ``article`` was loaded by ``get_articles`` or kept by ``put_articles`` as one
        ``clean_article`` leaves as it is."""
        return self._clean(article) is not None

    def content_hash(self, article: Article) -> str | None:
        """``models.content_hash(article.title, article.blocks)`` for a clean article loaded or kept here, else None."""
        found = self._clean(article)
        return found[1] if found else None

    def text_hash(self, article: Article) -> str | None:
        """``stories.features.text_hash(article.title, article.text)`` for a clean article loaded or kept here, else None."""
        found = self._clean(article)
        return found[2] if found else None

    def _clean(self, article: Article) -> tuple[Article, str | None, str | None] | None:
        found = self.clean.get(id(article))
        return found if found and found[0] is article else None

    def put(self, kind: str, values: Mapping[str, object]) -> None:
        """Keep new values: written by the next ``flush`` (or when the context is left), at once
        when ``CHUNK`` or more wait (a first run's thousands of values are not held in memory)."""
        with self._lock:
            self._pending.update((key, (kind, value)) for key, value in values.items())
            if kind in BUNDLED:
                self._working.setdefault(kind, {}).update(values)
            if len(self._pending) >= CHUNK:
                self._flush()

    def flush(self) -> None:
        """Write the values put since the last flush, in one transaction, a chunk of rows at a time."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        stamp = self.now.isoformat()
        items, self._pending = list(self._pending.items()), {}
        if items:
            with self._db:
                for start in range(0, len(items), CHUNK):
                    self._db.executemany(
                        "INSERT OR REPLACE INTO article_work (key, kind, value, used) VALUES (?, ?, ?, ?)",
                        [(k, kind, v if isinstance(v, bytes) else json.dumps(v), stamp)
                         for k, (kind, v) in items[start : start + CHUNK]])

    def prune(self) -> None:
        """Mark the rows read (those marked over ``MARK_DAYS`` ago) as used now and forget rows
        unused for ``KEEP_DAYS``, in one transaction."""
        stamp, used = self.now.isoformat(), sorted(self._used)
        with self._db:
            self._db.executemany("UPDATE article_work SET used = ? WHERE key = ? AND used < ?",
                                 [(stamp, key, stamp) for key in used])
            self._db.execute("DELETE FROM article_work WHERE used < ?", ((self.now - timedelta(days=KEEP_DAYS)).isoformat(),))
        self._used.clear()

    def __exit__(self, *exc) -> None:
        try:
            self._keep(failed=exc[0] is not None)
        finally:
            super().__exit__(*exc)

    def _keep(self, failed: bool) -> None:
        """Write what was put (work done is kept, even when a later step failed) and, after a run
        that did not fail, prune. After a failure, one of the writing is logged, not raised: the
        run's own error is the one to see."""
        try:
            self.flush()
            if not failed:
                self._bundle()
                self.prune()
        except Exception as error:  # whatever it is, the run's error goes on; without one, it is raised
            if not failed:
                raise
            logger.warning("work cache: the work put was not kept (%s: %s); the next run does it again",
                           type(error).__name__, error)

    def _bundle(self) -> None:
        """Keep, for each bundled kind, the values this run read or put in one row, when its bundle
        lacks over a tenth of them or holds over twice as many: a re-run's 1 % of new articles is
        looked up alone for a few weeks of re-runs (writing the bundle again, 1.5 MB of JSON at
        10,100 articles, cost ~40 ms), and a new week's makes a new bundle. A value is its key's
        for good (the key is a hash of what shapes it), so the bundle gives what the rows give,
        as JSON gives it back."""
        with self._lock:
            for kind, values in self._working.items():
                bundle = self._bundles.get(kind, {})
                lacking = sum(1 for key in values if key not in bundle)
                if lacking * 10 > len(values) or len(bundle) > 2 * len(values):
                    self._pending[f"{BUNDLE}:{kind}"] = (BUNDLE, values)
            self._flush()

    def count(self, kind: str) -> int:
        """How many values of ``kind`` are kept (those put and not yet written are written first)."""
        self.flush()
        return self._db.execute("SELECT COUNT(*) FROM article_work WHERE kind = ?", (kind,)).fetchone()[0]


def _article_kept(value: object) -> tuple[Article, str, tuple | None] | None:
    """(Article, store hash, clean mark) of a value ``put_articles`` kept, or None when it is not
    one. ``marshal`` reads what this Python's ``marshal`` wrote (the keys hold its version,
    ``sources/kept.py``), and the store is a local file only digest writes: anything else it
    refuses with one of these errors, and the file is read again."""
    try:
        hashed, clean, record = marshal.loads(value)
        return article_of_record(record), hashed, clean
    except (ValueError, EOFError, TypeError):
        return None


@cache
def hygiene_print() -> str | None:
    """A hash of ``text/hygiene.py``'s source: a folder article's "clean" mark holds it, so a change
    of the cleaning rules cleans every article again (None, and no mark, when the source cannot be read)."""
    try:
        return hashlib.sha256(Path(hygiene.__file__).read_bytes()).hexdigest()[:16]
    except (OSError, TypeError):
        return None
