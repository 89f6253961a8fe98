"""Folder articles kept between runs: a file that has not changed is not read and parsed again.

Reading a folder of 10,000 saved articles (front matter, character set, layout) costs seconds
that a weekly re-run would spend again on the same files. ``read_folder`` with a ``WorkCache``
(``digest/work.py``, kind ``article``) keeps, for each file, only the article's id and the hash of
it that the store keeps beside its row (``store.article_hash``), and whether ``clean_article`` leaves it as
it is (a re-run then does not clean it again), and for such an article the content hashes of its
relevance and dedup work keys (``WorkCache.content_hash``, ``text_hash``: a re-run hashes no kept
article again): the store holds every article in full,
so the Article is loaded from there, and one whose row is missing or holds another hash (a run
killed before the store kept it, a row edited by hand, two files with one URL) is read again.
Each article is serialised once per run, not twice (10,000 articles: see README "Performance").
The key is made from what shapes its Article: its path, size,
modification time, inode and inode change time (nanoseconds), those of its sidecar metadata
files, the folder it is read from, the source's name and outlet, and ``VERSION`` (change it when
parsing changes what an Article holds). A changed, touched or replaced file makes a new key and
is read again, even one written with the same size and its modification time set back (its
change time moves: no program can set it) or one moved over it (another inode); so does one
whose Article would not survive the trip through the store's JSON unchanged (it is simply not kept). Files
that cannot be read are not kept either: their problem is reported every run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from digest.models import Article, Block


class Cache(Protocol):
    """What ``read_folder`` needs of ``digest.work.WorkCache`` (sources sit below it)."""

    def get_articles(self, kind: str, keys: Iterable[str]) -> dict[str, Article]: ...

    def put_articles(self, kind: str, articles: Mapping[str, Article]) -> None: ...


KIND = "article"
VERSION = "folder-3"  # folder-1 kept the whole Article in the cache; folder-2 no "clean" mark (digest/work.py)


def file_key(path: Path, sidecars: Sequence[Path], shaping: Sequence[str]) -> str | None:
    """The file's key, or None when it cannot be stat'ed (the reader then reports why)."""
    try:
        stats = [(str(p), s.st_size, s.st_mtime_ns, s.st_ino, s.st_ctime_ns) for p in (path, *sidecars)
                 for s in [os.stat(p)]]
    except OSError:
        return None
    return hashlib.sha256(json.dumps([VERSION, stats, *shaping]).encode()).hexdigest()[:32]


def plain(article: Article) -> bool:
    """Whether the article comes back the same from JSON: every field of the type loading makes
    (checked field by field, not by a round trip: 10,000 articles, 0.35 s of CPU less)."""
    texts = (article.id, article.location, article.title, article.outlet, article.source, *article.dropped,
             *article.inferred)
    plain = all(isinstance(v, str) for v in texts) and all(v is None or isinstance(v, str)
                                                            for v in (article.url, article.author))
    plain = plain and type(article.dropped) is tuple and type(article.inferred) is tuple and type(article.pinned) is bool
    plain = plain and (article.published is None or type(article.published) is datetime)
    plain = plain and type(article.blocks) is tuple and all(
        type(b) is Block and isinstance(b.kind, str) and isinstance(b.text, str) for b in article.blocks)
    return plain
