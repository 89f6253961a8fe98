"""The topic's terms found in one unit of an article (``relevance``): which count, and which are
another sense of the word ("game" beside "league", "series" in "Series A").

A unit is the title, a heading or a sentence, or a whole paragraph the screen proved holds its
terms in one sentence (``screen``); terms are matched as ``phrases`` match them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from digest.config import TopicSettings
from digest.sources import phrases
from digest.sources.phrases import Phrase

Match = tuple[str, Phrase, int]  # (group, term, first token)


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of an article that is scored on its own: the title, a heading or a sentence."""

    where: str  # title, heading, lead or body
    weight: float
    words: Sequence[str]  # as written, split at hyphens
    context: Sequence[str]  # the paragraph it sits in (for the title, the title), as written
    block: int  # -1 for the title
    stems: Sequence[str]  # the words' stems (may go on past them: a paragraph's title)
    context_stems: Sequence[str]  # the context's (one object shared by the paragraph's units)
    found: Hits | None = field(default=None, compare=False)  # its hits, when already known


@dataclass(frozen=True, slots=True)
class Topic:
    """``TopicSettings`` with every phrase tokenized once."""

    groups: tuple[tuple[str, tuple[Phrase, ...]], ...]
    not_in: dict[str, tuple[Phrase, ...]]  # keyed by the term's stems, joined
    not_with: dict[str, tuple[Phrase, ...]]
    exclusions: tuple[Phrase, ...]
    threshold: float
    include: frozenset[str]
    by_first: dict[str, tuple[tuple[int, int, str, Phrase], ...]]  # first stem -> (group no., term no., group, term)
    stems: tuple[frozenset[str], ...]  # per group, every stem of its terms
    firsts: frozenset[str]  # the first stem of every term and exclusion
    first_stems: frozenset[str]  # the first stem of every term (``by_first``'s keys, as a set)


Hits = tuple[dict[str, list[Match]], dict[str, int]]  # per group the terms that count; the senses not counted


def compile_topic(settings: TopicSettings) -> Topic:
    """Tokenize every phrase once. Senses of terms with one stem ("game", "gaming") are merged."""
    not_in: dict[str, tuple[Phrase, ...]] = {}
    not_with: dict[str, tuple[Phrase, ...]] = {}
    for sense in settings.senses:
        key = phrases.phrase(sense.term).key
        not_in[key] = not_in.get(key, ()) + phrases.phrases(sense.not_in)
        not_with[key] = not_with.get(key, ()) + phrases.phrases(sense.not_with)
    groups = tuple((g.name, phrases.phrases(g.terms)) for g in settings.groups)
    exclusions = phrases.phrases(settings.exclusions)
    by_first: dict[str, tuple[tuple[int, int, str, Phrase], ...]] = {}
    for g, (name, terms) in enumerate(groups):
        for t, term in enumerate(terms):
            by_first[term.tokens[0][0]] = by_first.get(term.tokens[0][0], ()) + ((g, t, name, term),)
    return Topic(
        groups=groups,
        not_in=not_in,
        not_with=not_with,
        exclusions=exclusions,
        threshold=settings.threshold,
        include=frozenset(settings.include),
        by_first=by_first,
        stems=tuple(frozenset(stem for term in terms for stem, _ in term.tokens) for _, terms in groups),
        firsts=frozenset(by_first) | {p.tokens[0][0] for p in exclusions},
        first_stems=frozenset(by_first),
    )


def hits(unit: Unit, topic: Topic, found: list[Match] | None = None, beside: dict | None = None,
         present: set[str] | None = None) -> Hits:
    """The terms of each group that count in ``unit`` (of ``found``, its ``matches``), and the
    senses that were not counted (a dict, not a Counter: most units have none, and making a
    Counter was 2 % of relevance). ``beside`` keeps the ``not_with`` words found per paragraph
    and term between calls for the units of one article; ``present`` is ``unit.stems`` as a set,
    when the caller has it."""
    if unit.found is not None:
        return unit.found
    per_group: dict[str, list[Match]] = {name: [] for name, _ in topic.groups}
    covered: set[int] = set()
    traps: dict[str, int] = {}
    beside = {} if beside is None else beside
    present = set(unit.stems) if present is None else present
    for name, term, start in matches(unit, topic, present) if found is None else found:
        span = set(range(start, start + len(term.tokens)))
        if span & covered:
            continue  # "video game" already counted; "game" inside it is not a second term
        covered |= span
        trap = _trap(unit, term, start, topic, beside, present)
        if trap:
            trapped = f"'{term.text}' {trap}"
            traps[trapped] = traps.get(trapped, 0) + 1
        else:
            per_group[name].append((name, term, start))
    return per_group, traps


def matches(unit: Unit, topic: Topic, present: set[str] | None = None) -> list[Match]:
    """Every (group, term, start) in the unit (``present``: its stems), longest terms first so
    they win overlaps."""
    present = set(unit.stems) if present is None else present
    found = [(len(term.tokens), start, g, t, name, term) for stem in present & topic.first_stems
             for g, t, name, term in topic.by_first[stem] if term.stems <= present
             for start in phrases.find(unit.words, unit.stems, term.tokens)]
    return [(name, term, start) for _, start, _, _, name, term in sorted(found, key=lambda m: (-m[0], *m[1:4]))]


def around(unit: Unit, term: Phrase, start: int, topic: Topic, present: set[str]) -> list[tuple[int, int]]:
    """The ``not_in`` phrases of ``term`` that hold this occurrence of it, as word ranges."""
    return [(at, at + len(phrase.tokens)) for phrase, at in _held(unit, term, start, topic, present)]


def _held(unit: Unit, term: Phrase, start: int, topic: Topic, present: set[str]) -> list[tuple[Phrase, int]]:
    end = start + len(term.tokens)
    return [(phrase, at) for phrase in topic.not_in.get(term.key, ()) if phrase.stems <= present
            for at in phrases.find(unit.words, unit.stems, phrase.tokens)
            if at <= start and end <= at + len(phrase.tokens)]


def _trap(unit: Unit, term: Phrase, start: int, topic: Topic, beside: dict, present: set[str]) -> str:
    """Why this occurrence of ``term`` is another sense of the word, or "" if it counts."""
    key = term.key
    held = _held(unit, term, start, topic, present) if key in topic.not_in else ()
    if held:
        return f"in '{held[0][0].text}'"
    place = (id(unit.context_stems), key)  # the paragraph's units share their context
    if place not in beside:
        near = context_stems(unit, beside)  # a phrase with a stem not there is not there
        beside[place] = next((f"beside '{phrase.text}'" for phrase in topic.not_with.get(key, ())
                              if phrase.stems <= near and phrases.seek(unit.context, unit.context_stems, phrase.tokens)),
                             "")
    return beside[place]


def context_stems(unit: Unit, beside: dict) -> set[str]:
    """The stems of ``unit``'s paragraph as a set, made once per paragraph (kept in ``beside``)."""
    place = id(unit.context_stems)
    if place not in beside:
        beside[place] = set(unit.context_stems)
    return beside[place]
