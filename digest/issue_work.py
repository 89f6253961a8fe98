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
  A selection not seen before (a re-run whose new articles bring a new story into the featured
  ones) is computed from two smaller kinds of kept work, so a story already featured costs
  nothing but its share of the summaries:
- kind ``readings``: what the themes take from one story whichever stories are featured with it
  (``themes.Reading``: its lead articles' sentences, each one's best configured theme, whether it
  stands alone, discovery's terms), keyed by the story's content and the themes;
- kind ``summaries``: one summary (``summarize.summarize``) of a theme's candidates or the lead's,
  keyed by the candidates, their salience and the summary settings, so a theme no new story
  reaches is not summarised again.

A story's content is every field of every member article (title, outlet, blocks, dates ...) and
the origins they are grouped in, so a changed article, a new copy or a regrouping makes a new key.
Every key also holds a hash of the source of the code that computes the value (``facts/``,
``summary/``, ``text/``, ``models.py``) and the versions of the libraries behind it, so a changed
rule or upgraded library never reads an old answer. Values are the frozen dataclasses as JSON,
rebuilt into the same dataclasses when read, field by field as their type hints say (``_reader``;
pydantic's ``TypeAdapter`` did the same, but building its validators cost a re-run ~18 ms, more
than reading and rebuilding every kept value).

``computed`` and ``kept`` count what was computed this run and what was read from the cache;
``keep()`` writes what was computed, once the issue is composed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from digest.config import Config, SummarySettings, as_json
from digest.models import Article, Fact, Lead, Sentence, Story, ThemeSection
from digest.store import known_hash
from digest.work import WorkCache

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
_SUMMARY_CODE = ("summary", "text", "models.py")
_CODE = {"facts": ("facts", "text", "models.py"), "sections": _SUMMARY_CODE, "readings": _SUMMARY_CODE,
         "summaries": _SUMMARY_CODE}
_SUMMARY_LIBRARIES = ("nupunkt", "sumy", "pystemmer", "numpy")  # numpy: TextRank's similarity product
_LIBRARIES = {"facts": ("nupunkt", "wordllama", "tokenizers", "safetensors", "numpy", "pystemmer"),  # the paraphrase
              # model's files ship in wordllama; tokenizers, safetensors and numpy read and run them (facts/paraphrase.py)
              "sections": _SUMMARY_LIBRARIES,
              "readings": _SUMMARY_LIBRARIES, "summaries": _SUMMARY_LIBRARIES}

Facts = tuple[Fact, ...]
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
        self._prints: dict[int, tuple[Story, str]] = {}  # id(story) -> (story, story_print), this run

    def facts(self, stories: Sequence[Story], tick: Callable[[int], None] = lambda n=1: None) -> tuple[Fact, ...]:
        """Every story's consensus box, in story order; ``tick`` after each story (kept ones at once)."""
        from digest.facts import paraphrase

        settings = self.config.consensus
        stamp = _stamp("facts", [as_json(settings), paraphrase.identity(settings, self.environ)])
        keys = {story.id: f"{stamp}:{self._print(story)}" for story in stories}
        found = self._recall("facts", keys.values(), Facts)
        tick(sum(1 for s in stories if keys[s.id] in found))
        missing = [s for s in stories if keys[s.id] not in found]
        boxes = _boxes(missing, settings, self.published, self.environ, tick) if missing else []
        new = {keys[story.id]: box for story, box in zip(missing, boxes)}
        self._learn("facts", new)
        found.update(new)
        return tuple(f for story in stories for f in found[keys[story.id]])

    def sections(self, stories: Sequence[Story], moves: Mapping[str, str], pinned: str | None) -> Composition:
        """The theme sections of this selection and its lead story."""
        config = self.config
        shaping = [[asdict(t) for t in config.theme_list], as_json(config.summary),
                   sorted(moves.items()), pinned]
        selection = hashlib.sha256(" ".join(map(self._print, stories)).encode()).hexdigest()
        key = f"{_stamp('sections', shaping)}:{selection[:32]}"
        found = self._recall("sections", [key], Composition)
        if key not in found:  # the summarisers (sumy, numpy; not NLTK: summary/rankers.py) load only to summarise
            from digest.summary import themes
            from digest.summary.lead import lead_story

            known = self._readings(stories)
            sections = themes.build_sections(stories, config.theme_list, config.summary, moves, known, self._summarize)
            found[key] = (sections, lead_story(stories, sections, config.summary, pinned, known, self._summarize))
            self._learn("sections", {key: found[key]})
        return found[key]

    def _readings(self, stories: Sequence[Story]) -> dict[str, object]:
        """Each story's ``themes.Reading`` by story id, kept ones read, the others read now."""
        from digest.summary import themes

        theme_list = self.config.theme_list
        stamp = _stamp("readings", [asdict(t) for t in theme_list])
        keys = {story.id: f"{stamp}:{self._print(story)}" for story in stories}
        found = self._recall("readings", keys.values(), themes.Reading)
        known = {story.id: found[keys[story.id]] for story in stories if keys[story.id] in found}
        new = themes.read_stories([s for s in stories if s.id not in known], theme_list)
        self._learn("readings", {keys[story_id]: reading for story_id, reading in new.items()})
        return known | new

    def _summarize(self, candidates: Sequence[Sentence], settings: SummarySettings,
                   salience: Mapping[Sentence, float] | None = None) -> tuple[Sentence, ...]:
        """``summarize.summarize``, remembered by its inputs (kind ``summaries``)."""
        salience = salience or {}
        shown = [_plain(list(candidates)), [[_plain(s), score] for s, score in salience.items()]]
        inputs = hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:32]
        key = f"{_stamp('summaries', as_json(settings))}:{inputs}"
        found = self._recall("summaries", [key], tuple[Sentence, ...])
        if key not in found:
            from digest.summary.summarize import summarize

            found[key] = summarize(candidates, settings, salience)
            self._learn("summaries", {key: found[key]})
        return found[key]

    def _print(self, story: Story) -> str:
        """``story_print`` of ``story``, made once a run (facts and sections both key by it), with
        the article hashes the work cache made when it read the articles."""
        known = self._prints.get(id(story))
        if known is None or known[0] is not story:
            hashed = self.cache.hashed if self.cache else {}
            known = self._prints[id(story)] = (story, story_print(story, self.published, hashed))
        return known[1]

    def _recall(self, kind: str, keys, shape) -> dict[str, object]:
        found = {k: self._known[k] for k in keys if k in self._known}
        missing = [k for k in keys if k not in found]
        if self.cache and missing:
            for key, value in self.cache.get(kind, missing).items():
                try:
                    found[key] = self._known[key] = _reader(shape)(value)
                except (KeyError, TypeError, ValueError) as error:  # a damaged row costs its recomputation, nothing else
                    logger.warning("work cache: %s %s unreadable, computed again: %s", kind, key, error)
                    continue
                self.kept[kind] += 1
        return found

    def _learn(self, kind: str, values: Mapping[str, object]) -> None:
        if not values:
            return
        self._known.update(values)
        self.computed[kind] += len(values)
        self._new.setdefault(kind, {}).update((key, _plain(value)) for key, value in values.items())

    def keep(self) -> None:
        """Write what this run computed to the cache, one ``put`` per kind, once per run (not once
        per composition)."""
        if self.cache:
            for kind, values in sorted(self._new.items()):
                self.cache.put(kind, values)
        self._new.clear()


POOL_MIN = 4  # stories; fewer are computed here (each worker loads the paraphrase model, ~0.3 s)
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


def story_print(story: Story, published: Mapping[str, datetime | None],
                hashed: Mapping[int, tuple[Article, str]] = {}) -> str:
    """A hash of everything about a story the featured work reads: its id, title and origins, and
    every field of their articles (``store.article_hash``, or from ``hashed``: the hashes known already, by
    ``id(article)``, as ``WorkCache.hashed`` keeps them), with ``published`` overriding an
    article's own date. Hashing each article's JSON cost a re-run ~10 ms of its 72 articles."""
    content = [story.id, story.title, [[o.id, [_article(a, published, hashed) for a in o.articles]]
                                       for o in story.origins]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:32]


def _article(article: Article, published: Mapping[str, datetime | None],
             hashed: Mapping[int, tuple[Article, str]]) -> list:
    when = published.get(article.id, article.published)
    return [known_hash(article, hashed), when.isoformat() if when else None]


def _stamp(kind: str, settings: object) -> str:
    return hashlib.sha256(json.dumps([code_print(kind), settings], sort_keys=True).encode()).hexdigest()[:16]


@cache
def code_print(kind: str) -> str:
    """A hash of the source of the code behind ``kind`` and the versions of its libraries."""
    digest = hashlib.sha256()
    for name in _CODE[kind]:
        path = PACKAGE / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for library in _LIBRARIES[kind]:
        version = library_version(library)
        digest.update(f"{library}=={version}\0".encode() if version else f"{library} missing\0".encode())
    return digest.hexdigest()[:16]


def library_version(name: str) -> str | None:
    """The installed version of distribution ``name`` (None: not installed), from the name of its
    ``name-version.dist-info`` folder (how wheels are installed, PEP 427) or else its metadata.
    ``importlib.metadata.version`` alone parses each METADATA file: the four libraries above cost
    a re-run ~10 ms; one listing of the folders on sys.path ~1 ms."""
    found = _dist_info_versions().get(_normal(name))
    if found:
        return found
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@cache
def _dist_info_versions() -> dict[str, str]:
    """Normalised distribution name -> version of every ``.dist-info`` folder on sys.path, the first
    one on the path for a name (as ``importlib.metadata`` finds it)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a path hook's name, a folder that is gone
            continue
        for name in names:
            stem = name.removesuffix(".dist-info")
            if stem != name and "-" in stem:
                project, _, version = stem.partition("-")
                found.setdefault(_normal(project), version)
    return found


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Snowball.Stemmer`` and ``snowball-stemmer`` are one)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _plain(value: object) -> object:
    """A value of the shapes ``_reader`` reads as JSON-ready lists and dicts (pydantic's dump)."""
    if type(value) in _SCALARS:
        return value
    names = _field_names(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names, once a type (``fields()`` for each value took 0.07 s of the 12
    stories' readings, newsroom 10,000), or None for any other type."""
    return tuple(field.name for field in fields(kind)) if is_dataclass(kind) else None


@cache
def _reader(shape) -> Callable[[object], object]:
    """A function from JSON (``_plain``'s lists and dicts) to ``shape``: a frozen dataclass of
    ``models``, ``tuple[X, ...]``, a tuple of fixed parts, ``X | None``, a Literal or str, int,
    float, bool. A value of another shape raises KeyError, TypeError or ValueError."""
    origin, args = typing.get_origin(shape), typing.get_args(shape)
    if is_dataclass(shape):
        hints = typing.get_type_hints(shape)  # once a process: _reader is cached
        parts = tuple((field.name, _reader(hints[field.name])) for field in fields(shape))
        return lambda value: shape(*[read(value[name]) for name, read in parts])
    if origin is tuple and args[1:] == (Ellipsis,):
        item = _reader(args[0])
        return lambda value: tuple(map(item, _items(value)))
    if origin is tuple:
        parts = tuple(map(_reader, args))
        return lambda value: tuple(read(part) for read, part in zip(parts, _items(value), strict=True))
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _reader(args[0] if args[1] is type(None) else args[1])
        return lambda value: None if value is None else inner(value)
    if origin is typing.Literal:
        return lambda value: value if value in args else _wrong(shape, value)
    if shape in (str, int, bool):
        return lambda value: value if type(value) is shape else _wrong(shape, value)
    if shape is float:
        return lambda value: float(value) if type(value) in (int, float) else _wrong(shape, value)
    raise TypeError(f"no reader for {shape!r}")


def _items(value: object) -> list | tuple:
    return value if isinstance(value, (list, tuple)) else _wrong("a list", value)


def _wrong(shape, value: object):
    raise ValueError(f"{str(value)[:40]!r} is not {shape}")
