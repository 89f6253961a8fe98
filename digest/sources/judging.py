"""Relevance for a whole week: each article assessed once, in worker processes, and kept.

``relevance.assess`` (find and stem the words, match every term, split into sentences where that
decides the score or its reason) is the costly per-article step, and
it depends only on the article's title and blocks and the topic's groups, senses and exclusions.
``judge_many`` therefore:

- keys each article by a hash of exactly that (``work_key``), so the caller can keep assessments
  between runs (``digest/work.py``) and hand back the ones it has; only the rest are assessed;
- assesses those in a process pool (forked, so workers start without importing anything and
  read the articles they inherit instead of being sent them) when
  there are at least ``POOL_MIN`` = 400 and more than one core. Measured on the 2-core project
  machine while it was shared (load 11): 1,000 benchmark articles 48.6 / 53.3 s in one process,
  38.7 / 34.6 s in two; each article costs ~5 ms of CPU, so below a few hundred the start-up and
  the shipping of articles to workers eat the gain;
- applies the threshold and the editor's includes afresh every run (cheap, and they change).

Identical articles (syndicated copies) share one key and are assessed once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from itertools import repeat

from digest.config import TopicSettings, as_json
from digest.models import Article, Relevance, content_hash
from digest.sources import relevance

POOL_MIN = 400
MAX_WORKERS = 4
_VERSION = "relevance-1 nupunkt"  # change when the scoring or splitting code changes what assess returns
_topic: relevance.Topic | None = None  # in a worker process
_articles: list[Article] = []  # what the pool's workers assess, inherited when they are forked


def fingerprint(settings: TopicSettings) -> str:
    """A hash of ``_VERSION`` and the settings that shape an assessment: the topic's groups, senses
    and exclusions, as ``model_dump(mode="json")`` gives them."""
    shaping = {name: as_json(getattr(settings, name)) for name in ("groups", "senses", "exclusions")}
    return hashlib.sha256(json.dumps([_VERSION, shaping], sort_keys=True).encode()).hexdigest()[:16]


def work_key(article: Article, settings_print: str, content: str | None = None) -> str:
    """The title's and blocks' ``content_hash`` after the settings' (``content``: that hash, if
    known: a folder article a re-run kept, ``WorkCache.content_hash``)."""
    return f"{settings_print}:{content or content_hash(article.title, article.blocks)}"


def workers() -> int:
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def judge_many(articles: Sequence[Article], settings: TopicSettings, known: Mapping[str, Sequence] = {},
               processes: int | None = None, keys: Mapping[str, str] | None = None,
               ) -> tuple[dict[str, Relevance], dict[str, tuple[float, str]], dict[str, str]]:
    """(Relevance by article id, new assessments by key, key by article id); ``known`` holds kept
    assessments (key -> (score, reason)) and ``keys`` the articles' ``work_key`` by id (computed
    here when not given)."""
    topic = relevance.compile_topic(settings)
    if keys is None:
        stamp = fingerprint(settings)
        keys = {a.id: work_key(a, stamp) for a in articles}
    todo = list({keys[a.id]: a for a in articles if keys[a.id] not in known}.items())
    new = dict(zip((k for k, _ in todo), _assess_all([a for _, a in todo], settings, topic, processes)))
    judged = {a.id: relevance.verdict(a, topic, *(new.get(keys[a.id]) or known[keys[a.id]])) for a in articles}
    return judged, new, keys


def _assess_all(articles: list[Article], settings: TopicSettings, topic: relevance.Topic,
                processes: int | None) -> list[tuple[float, str]]:
    global _articles
    processes = workers() if processes is None else processes
    if processes < 2 or len(articles) < POOL_MIN or (context := fork_context()) is None:
        return [relevance.assess(a, topic) for a in articles]
    from concurrent.futures import ProcessPoolExecutor

    size = max(16, len(articles) // (processes * 8))  # the workers inherit the loaded code and the articles
    _articles = articles
    try:
        with ProcessPoolExecutor(processes, mp_context=context, initializer=_start, initargs=(settings,)) as pool:
            parts = pool.map(_assess_part, range(0, len(articles), size), repeat(size))
            return [found for part in parts for found in part]
    finally:
        _articles = []


def fork_context():
    """multiprocessing's "fork" context, or None where there is none; imported only when a pool
    is started (multiprocessing and the process pool cost a re-run ~6 ms of start-up)."""
    import multiprocessing

    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _start(settings: TopicSettings) -> None:
    global _topic
    _topic = relevance.compile_topic(settings)


def _assess_part(start: int, size: int) -> list[tuple[float, str]]:
    """Articles ``start`` to ``start + size`` of the ones the pool was forked with (not sent to it)."""
    return [relevance.assess(article, _topic) for article in _articles[start:start + size]]
