"""The featured stories' work, done once: consensus facts per story, sections and lead per selection.

``compose_issue`` may run more than once per run (``render_fitting`` features fewer stories while
the HTML would be clipped), and a re-run usually features the same stories as the run before.
``IssueWork`` computes each piece once per run and keeps it in the store's work cache
(``digest/work.py``) between runs:

- kind ``facts``: one story's consensus box (``consensus.find_facts``; it does not depend on
  which other stories are featured), keyed by the story's content, the consensus settings and the
  statement matcher (``paraphrase.identity``: word overlap, or the model's file); the model loads
  only when a box is computed;
- kind ``sections``: the theme sections and the lead of one selection of stories (themes are
  discovered and summarised across the selection, so the key is the whole selection, in order),
  keyed by the stories' content, the themes, the summary settings and the editor's moves and pin.

A story's content is every field of every member article (title, outlet, blocks, dates ...) and
the origins they are grouped in, so a changed article, a new copy or a regrouping makes a new key.
Every key also holds a hash of the source of the code that computes the value (``facts/``,
``summary/``, ``text/``, ``models.py``) and the versions of the libraries behind it, so a changed
rule or upgraded library never reads an old answer. Values are the frozen dataclasses as JSON
(pydantic's ``TypeAdapter``), rebuilt into the same dataclasses when read.

``computed`` and ``kept`` count what was computed this run and what was read from the cache;
``keep()`` writes what was computed, once the issue is composed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from functools import cache
from pathlib import Path

from digest.config import Config
from digest.models import Article, Fact, Lead, Story, ThemeSection, article_values
from digest.work import WorkCache

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
_CODE = {"facts": ("facts", "text", "models.py"), "sections": ("summary", "text", "models.py")}
_LIBRARIES = {"facts": ("nupunkt", "wordllama"), "sections": ("nupunkt", "sumy", "snowballstemmer")}  # wordllama: the paraphrase model's code

Composition = tuple[tuple[ThemeSection, ...], Lead | None]


class IssueWork:
    """Facts per story and sections per selection, each computed at most once per run (and, with
    a ``cache``, once for as long as its inputs stay the same)."""

    def __init__(self, config: Config, published: Mapping[str, datetime | None], cache: WorkCache | None = None,
                 environ: Mapping[str, str] | None = None):
        self.config, self.published, self.cache = config, published, cache
        self.environ = os.environ if environ is None else environ  # DIGEST_PARAPHRASE (``facts.paraphrase``)
        self.computed: Counter[str] = Counter()  # by kind: values computed this run
        self.kept: Counter[str] = Counter()  # by kind: values read from the cache
        self._known: dict[str, object] = {}  # key -> value, this run
        self._new: dict[str, dict[str, object]] = {}  # kind -> key -> value computed this run, for keep()

    def facts(self, stories: Sequence[Story], tick: Callable[[int], None] = lambda n=1: None) -> tuple[Fact, ...]:
        """Every story's consensus box, in story order; ``tick`` after each story (kept ones at once)."""
        from digest.facts import paraphrase

        settings = self.config.consensus
        stamp = _stamp("facts", [settings.model_dump(mode="json"), paraphrase.identity(settings, self.environ)])
        keys = {story.id: f"{stamp}:{story_print(story, self.published)}" for story in stories}
        found = self._recall("facts", keys.values(), _adapter("facts"))
        tick(sum(1 for s in stories if keys[s.id] in found))
        missing = [s for s in stories if keys[s.id] not in found]
        boxes = _boxes(missing, settings, self.published, self.environ, tick) if missing else []
        new = {keys[story.id]: box for story, box in zip(missing, boxes)}
        self._learn("facts", new, _adapter("facts"))
        found.update(new)
        return tuple(f for story in stories for f in found[keys[story.id]])

    def sections(self, stories: Sequence[Story], moves: Mapping[str, str], pinned: str | None) -> Composition:
        """The theme sections of this selection and its lead story."""
        config = self.config
        shaping = [[asdict(t) for t in config.theme_list], config.summary.model_dump(mode="json"),
                   sorted(moves.items()), pinned]
        selection = hashlib.sha256(" ".join(story_print(s, self.published) for s in stories).encode()).hexdigest()
        key = f"{_stamp('sections', shaping)}:{selection[:32]}"
        found = self._recall("sections", [key], _adapter("sections"))
        if key not in found:  # the summarisers (sumy, numpy; not NLTK: summary/rankers.py) load only now
            from digest.summary import themes
            from digest.summary.lead import lead_story

            sections = themes.build_sections(stories, config.theme_list, config.summary, moves)
            found[key] = (sections, lead_story(stories, sections, config.summary, pinned))
            self._learn("sections", {key: found[key]}, _adapter("sections"))
        return found[key]

    def _recall(self, kind: str, keys, adapter) -> dict[str, object]:
        found = {k: self._known[k] for k in keys if k in self._known}
        missing = [k for k in keys if k not in found]
        if self.cache and missing:
            for key, value in self.cache.get(kind, missing).items():
                try:
                    found[key] = self._known[key] = adapter.validate_python(value)
                except ValueError as error:  # a damaged row costs its recomputation, nothing else
                    logger.warning("work cache: %s %s unreadable, computed again: %s", kind, key, error)
                    continue
                self.kept[kind] += 1
        return found

    def _learn(self, kind: str, values: Mapping[str, object], adapter) -> None:
        if not values:
            return
        self._known.update(values)
        self.computed[kind] += len(values)
        self._new.setdefault(kind, {}).update((key, adapter.dump_python(value, mode="json"))
                                              for key, value in values.items())

    def keep(self) -> None:
        """Write what this run computed to the cache, one ``put`` per kind, once per run (not once
        per composition)."""
        if self.cache:
            for kind, values in sorted(self._new.items()):
                self.cache.put(kind, values)
        self._new.clear()


POOL_MIN = 4  # stories; fewer are computed here (each worker loads the paraphrase model, ~1 s)
_job: tuple = ()  # (stories, settings, published, environ) the facts pool's workers inherit when forked


def _boxes(stories: Sequence[Story], settings, published, environ, tick: Callable[[int], None],
           processes: int | None = None) -> list[tuple[Fact, ...]]:
    """Each story's consensus box, in order: in a pool of ``processes`` forked workers (default: one
    a core) when there are at least ``POOL_MIN`` stories and two processes (newsroom 10,000 on 2
    cores, 12 boxes: 5.0 s -> 2.9 s), else here."""
    global _job
    job = (stories, settings, published, environ)
    if processes is None:
        from digest.sources.judging import workers  # the pool size every stage's pool uses

        processes = workers()
    processes = min(len(stories), processes)
    if processes < 2 or len(stories) < POOL_MIN or (context := _fork_context()) is None:
        return _ticked((_box(index, job) for index in range(len(stories))), tick)
    from concurrent.futures import ProcessPoolExecutor

    _job = job
    try:
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            return _ticked(pool.map(_box, range(len(stories))), tick)
    finally:
        _job = ()


def _fork_context():
    from digest.sources.judging import fork_context  # multiprocessing is imported only for a pool

    return fork_context()


def _ticked(boxes: Iterable[tuple[Fact, ...]], tick: Callable[[int], None]) -> list[tuple[Fact, ...]]:
    """The boxes as they come, ``tick`` after each."""
    found = []
    for box in boxes:
        found.append(box)
        tick(1)
    return found


def _box(index: int, job: tuple | None = None) -> tuple[Fact, ...]:
    """Story ``index`` of ``job`` (in a worker: the one it was forked with); the statement matcher is
    loaded once per process (``paraphrase.load``), only when a box is computed."""
    from digest.facts import consensus, paraphrase

    stories, settings, published, environ = job or _job
    encoder = paraphrase.load(settings, environ).encoder
    return consensus.find_facts(stories[index], settings, published, encoder=encoder)


def story_print(story: Story, published: Mapping[str, datetime | None]) -> str:
    """A hash of everything about a story the featured work reads: its id, title and origins, and
    every field of their articles (with ``published`` overriding an article's own date)."""
    content = [story.id, story.title, [[o.id, [_article(a, published) for a in o.articles]] for o in story.origins]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:32]


def _article(article: Article, published: Mapping[str, datetime | None]) -> list:
    values = article_values(article)
    when = published.get(article.id, article.published)
    values["published"] = when.isoformat() if when else None
    return list(values.values())


def _stamp(kind: str, settings: object) -> str:
    return hashlib.sha256(json.dumps([code_print(kind), settings], sort_keys=True).encode()).hexdigest()[:16]


@cache
def code_print(kind: str) -> str:
    """A hash of the source of the code behind ``kind`` and the versions of its libraries."""
    from importlib import metadata

    digest = hashlib.sha256()
    for name in _CODE[kind]:
        path = PACKAGE / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for library in _LIBRARIES[kind]:
        try:
            digest.update(f"{library}=={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} missing\0".encode())
    return digest.hexdigest()[:16]


@cache
def _adapter(kind: str):
    from pydantic import TypeAdapter

    return TypeAdapter(tuple[Fact, ...] if kind == "facts" else Composition)
