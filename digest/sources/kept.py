"""Folder articles kept between runs: a file that has not changed is not read and parsed again.

Reading a folder of 10,000 saved articles (front matter, character set, layout) costs seconds
that a weekly re-run would spend again on the same files. ``read_folder`` with a ``WorkCache``
(``digest/work.py``, kind ``article``) keeps, for each file, its Article in ``marshal``'s bytes,
the hash of it that the store keeps beside its row (``store.article_hash``: the store then keeps
it without hashing it again), and whether ``clean_article`` leaves it as it is (a re-run then
does not clean it again), and for such an article the content hashes of its relevance and dedup
work keys (``WorkCache.content_hash``, ``text_hash``: a re-run hashes no kept article again).
The store's row holds the same Article as JSON; decoding that took ~40 ms of a 1,000-article
re-run, ``marshal`` ~15 ms, and the first run writes each article twice (``marshal.dumps``:
~12 ms for 1,000).
The key is made from what shapes its Article: its path, size,
modification time, inode and inode change time (nanoseconds), those of its sidecar metadata
files, the folder it is read from, the source's name and outlet, and ``FORMAT``: ``VERSION``
(change it when parsing changes what an Article holds), the Article's fields, and the versions of
Python and ``marshal`` (whose format only the same Python is sure to read: another one's rows are
simply never looked up, and their files are read again). A changed, touched or replaced file makes a new key and
is read again, even one written with the same size and its modification time set back (its
change time moves: no program can set it) or one moved over it (another inode); so does one
whose Article would not come back the same (it is simply not kept). Files
that cannot be read are not kept either: their problem is reported every run.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Protocol

from digest.models import Article, Block


class Cache(Protocol):
    """What ``read_folder`` needs of ``digest.work.WorkCache`` (sources sit below it)."""

    def get_articles(self, kind: str, keys: Iterable[str]) -> dict[str, Article]: ...

    def put_articles(self, kind: str, articles: Mapping[str, Article]) -> None: ...


KIND = "article"
VERSION = "folder-4"  # folder-1 kept the whole Article as JSON; folder-2 no "clean" mark; folder-3 the Article in the store only
FORMAT = json.dumps([VERSION, [f.name for f in fields(Article)], marshal.version, sys.version_info[:2]])


def file_keys(files: Mapping[str, Sequence[str]], shaping: Sequence[str]) -> dict[str, str | None]:
    """Each file's key (its sidecars' stats in it), or None when it cannot be stat'ed (the reader then reports why)."""
    head = json.dumps([FORMAT, *shaping])  # JSON: no raw NUL, so the NUL-joined stats after it cannot run into it
    return {path: _key(head, path, sidecars) for path, sidecars in files.items()}


def _key(head: str, path: str, sidecars: Sequence[str]) -> str | None:
    try:
        stats = [f"{p}\0{s.st_size}\0{s.st_mtime_ns}\0{s.st_ino}\0{s.st_ctime_ns}" for p in (path, *sidecars)
                 for s in [os.stat(p)]]  # a path holds no NUL
    except OSError:
        return None
    return hashlib.sha256("\0".join([head, *stats]).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def plain(article: Article) -> bool:
    """Whether the article comes back the same from the cache (``marshal``, which keeps no
    subclass) and the store (JSON): every field of the type loading makes (checked field by
    field, not by a round trip: 10,000 articles, 0.35 s of CPU less)."""
    texts = (article.id, article.location, article.title, article.outlet, article.source, *article.dropped,
             *article.inferred)
    plain = all(type(v) is str for v in texts) and all(v is None or type(v) is str for v in (article.url, article.author))
    plain = plain and type(article.dropped) is tuple and type(article.inferred) is tuple and type(article.pinned) is bool
    plain = plain and (article.published is None or type(article.published) is datetime)
    plain = plain and type(article.blocks) is tuple and all(
        type(b) is Block and type(b.kind) is str and type(b.text) is str for b in article.blocks)
    return plain
