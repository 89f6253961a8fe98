"""Articles -> Relevance: is an article about the issue's topic (AI *in* entertainment), and why.

A keyword is not a topic: "AI" in a hospital story and "game" in a football report each name one
half of it. The topic (``config.topic``) is a set of concept groups that must all be present, and
the score measures how much of the article joins them:

- **Units**: the title, every heading, every prose sentence. Position weights say where the article
  puts its weight: title ``TITLE`` = 3, headings and the first ``LEAD_SENTENCES`` = 2 sentences
  ``LEAD`` = 2, the rest ``BODY`` = 1.
- **Matching**: terms match as runs of lightly stemmed words ("films", "filming" -> "film"). A
  term written with a capital ("AI", "Gemini", "Universal") matches only that spelling (or
  shouting capitals), so "Ai Weiwei" and "universal access" do not count; lowercase terms match
  any case.
- **Senses**: a term does not count inside a ``not_in`` phrase ("game changer") or in a paragraph
  (or title) that has a ``not_with`` word ("game" beside "league", "Gemini" beside "horoscope").
  What was not counted is named in the reason.
- **Exclusions**: an exclusion phrase in the title or lead makes the score 0.
- **Score** in [0, 1], the mean of two parts:
  *spread*, the geometric mean over groups of each group's weighted share of units (a passing
  "the enemy AI is dim" in a long game review is 1 unit of 30); and *together*, the square root
  of the weighted share of units naming every group, a unit whose paragraph joins the groups in
  other sentences counting ``PARAGRAPH`` = 0.5. A group with no match gives 0.
- **Threshold**: ``topic.threshold`` = 0.3. On the tuning half of the labelled set
  (``tests/fixtures/relevance/``, ``benchmarks/relevance_eval.py``) every on-topic item scored
  0.58 or more and every off-topic one 0.22 or less but one (a director's interview with a single
  joke about AI, 0.62); the long seed articles score 0.52-0.70, so the threshold sits nearer
  the off-topic side to leave room for long articles whose AI part is one section. Measured
  (precision / recall): held-out half 0.982 / 0.917 (0.949 / 0.933 when first scored, before
  two rounds of word-sense fixes), 40 items written after the settings were frozen 0.909 / 1.0.
- **Known weakness**: a short item (title and two sentences) with the other half named once in
  its lead ("Xbox revenue fell 1%" in a Microsoft AI earnings blurb) can pass: there is too
  little text for the spread to show a passing mention.

Nothing is dropped silently: every article gets a Relevance; those below the threshold are listed
in the run summary and the editor notes, and an editor can feature one with ``topic.include``
(id, path, file name or URL) or ``include: true`` in its front matter.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from digest.config import TopicSettings
from digest.models import Article, Relevance
from digest.text.sentences import split, words
from digest.text.words import light_stem

TITLE, LEAD, BODY = 3.0, 2.0, 1.0
LEAD_SENTENCES = 2
PARAGRAPH = 0.5
_ORDER = ("title", "heading", "lead", "body")

Token = tuple[str, str]  # (stem, word as written)
Index = dict[str, tuple[int, ...]]  # stem -> positions: a phrase is looked for only where its first stem is


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of an article that is scored on its own: the title, a heading or a sentence."""

    where: str  # title, heading, lead or body
    weight: float
    tokens: tuple[Token, ...]
    context: tuple[Token, ...]  # the paragraph it sits in (for the title, the title)
    block: int  # -1 for the title
    index: Index  # where each stem starts in tokens
    context_index: Index  # ...and in context (one object shared by the paragraph's units)


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    tokens: tuple[Token, ...]


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


def compile_topic(settings: TopicSettings) -> Topic:
    """Tokenize every phrase once. Senses of terms with one stem ("game", "gaming") are merged."""
    not_in: dict[str, tuple[Phrase, ...]] = {}
    not_with: dict[str, tuple[Phrase, ...]] = {}
    for sense in settings.senses:
        key = _key(_phrase(sense.term))
        not_in[key] = not_in.get(key, ()) + _phrases(sense.not_in)
        not_with[key] = not_with.get(key, ()) + _phrases(sense.not_with)
    groups = tuple((g.name, _phrases(g.terms)) for g in settings.groups)
    by_first: dict[str, tuple[tuple[int, int, str, Phrase], ...]] = {}
    for g, (name, terms) in enumerate(groups):
        for t, term in enumerate(terms):
            by_first[term.tokens[0][0]] = by_first.get(term.tokens[0][0], ()) + ((g, t, name, term),)
    return Topic(
        groups=groups,
        not_in=not_in,
        not_with=not_with,
        exclusions=_phrases(settings.exclusions),
        threshold=settings.threshold,
        include=frozenset(settings.include),
        by_first=by_first,
    )


def judge_all(articles: Iterable[Article], settings: TopicSettings) -> dict[str, Relevance]:
    """A Relevance for every article, by article id."""
    topic = compile_topic(settings)
    return {a.id: judge(a, topic) for a in articles}


def judge(article: Article, topic: Topic) -> Relevance:
    """Score one article against the topic and say why, in one line."""
    return verdict(article, topic, *assess(article, topic))


def assess(article: Article, topic: Topic) -> tuple[float, str]:
    """The score and its reason: the costly part, which depends only on the article's title and
    blocks and on the topic's groups, senses and exclusions (``judging.work_key``)."""
    return _assess(article_units(article), topic)


def verdict(article: Article, topic: Topic, score: float, reason: str) -> Relevance:
    """The threshold and the editor's includes applied to an assessment."""
    included = article.pinned or _named(article, topic.include)
    passed = score >= topic.threshold
    sign = "≥" if passed else "<"
    reason = f"{score:.2f} {sign} {topic.threshold:.2f}: {reason}"
    if included and not passed:
        reason += "; included by the editor"
    return Relevance(article.id, article.location, article.title, score, passed or included, reason, included)


def article_units(article: Article) -> list[Unit]:
    """Title, headings and sentences, each with its position weight and its paragraph.

    The title belongs to the first paragraph: together they are the standfirst, so "Lucasfilm
    de-ages Harrison Ford with machine learning" and a lead naming the actor join the groups.
    """
    first = next((i for i, b in enumerate(article.blocks) if b.kind != "heading"), -1)
    title = _tokens(article.title)
    context = title + (_tokens(article.blocks[first].text) if first >= 0 else ())
    units = [_unit("title", TITLE, title, context, _index(context), first)]
    sentences = 0
    for index, block in enumerate(article.blocks):
        context = _tokens(block.text) + title  # the title frames every paragraph: "golf" there traps "tour"
        context_index = _index(context)
        if block.kind == "heading":
            units.append(_unit("heading", LEAD, _tokens(block.text), context, context_index, index))
            continue
        for text in split(block.text):
            where, weight = ("lead", LEAD) if sentences < LEAD_SENTENCES else ("body", BODY)
            units.append(_unit(where, weight, _tokens(text), context, context_index, index))
            sentences += 1
    return units


def _unit(where: str, weight: float, tokens: tuple[Token, ...], context: tuple[Token, ...], context_index: Index,
          block: int) -> Unit:
    return Unit(where, weight, tokens, context, block, _index(tokens), context_index)


def _index(tokens: Sequence[Token]) -> Index:
    positions: dict[str, list[int]] = {}
    for i, (stem, _) in enumerate(tokens):
        positions.setdefault(stem, []).append(i)
    return {stem: tuple(found) for stem, found in positions.items()}


def _assess(units: Sequence[Unit], topic: Topic) -> tuple[float, str]:
    excluded = [(p.text, u.where) for u in units if u.where in ("title", "lead")
                for p in topic.exclusions if _find(u.tokens, p.tokens, u.index)]
    if excluded:
        return 0.0, f"excluded: '{excluded[0][0]}' in {excluded[0][1]}"
    hits, traps = _hits(units, topic)
    total = sum(u.weight for u in units)
    shares = [sum(u.weight for i, u in enumerate(units) if hits[i][name]) / total for name, _ in topic.groups]
    together = _together(units, hits, [name for name, _ in topic.groups]) / total
    spread = math.prod(shares) ** (1 / len(shares))
    score = round((spread + math.sqrt(together)) / 2, 2) if spread else 0.0
    return score, _explain(units, hits, topic, traps)


def _hits(units: Sequence[Unit], topic: Topic) -> tuple[list[dict[str, list[str]]], Counter]:
    """Per unit, the terms of each group that count there; and the senses that were not counted."""
    found, traps = [], Counter()
    for unit in units:
        per_group, covered = {name: [] for name, _ in topic.groups}, set()
        for name, term, start in _matches(unit, topic):
            span = set(range(start, start + len(term.tokens)))
            if span & covered:
                continue  # "video game" already counted; "game" inside it is not a second term
            covered |= span
            trap = _trap(unit, term, start, topic)
            if trap:
                traps[f"'{term.text}' {trap}"] += 1
            else:
                per_group[name].append(term.text)
        found.append(per_group)
    return found, traps


def _matches(unit: Unit, topic: Topic) -> list[tuple[str, Phrase, int]]:
    """Every (group, term, start) in the unit, longest terms first so they win overlaps."""
    found = [(len(term.tokens), start, g, t, name, term) for stem in unit.index for g, t, name, term in
             topic.by_first.get(stem, ()) for start in _find(unit.tokens, term.tokens, unit.index)]
    return [(name, term, start) for _, start, _, _, name, term in sorted(found, key=lambda m: (-m[0], *m[1:4]))]


def _trap(unit: Unit, term: Phrase, start: int, topic: Topic) -> str:
    """Why this occurrence of ``term`` is another sense of the word, or "" if it counts."""
    key = _key(term)
    end = start + len(term.tokens)
    for phrase in topic.not_in.get(key, ()):
        for at in _find(unit.tokens, phrase.tokens, unit.index):
            if at <= start and end <= at + len(phrase.tokens):
                return f"in '{phrase.text}'"
    for phrase in topic.not_with.get(key, ()):
        if _find(unit.context, phrase.tokens, unit.context_index):
            return f"beside '{phrase.text}'"
    return ""


def _together(units: Sequence[Unit], hits: Sequence[dict[str, list[str]]], groups: Sequence[str]) -> float:
    """Weight of units naming every group; PARAGRAPH of it when only their paragraph does."""
    named: dict[int, set[str]] = {}
    for unit, found in zip(units, hits):
        named.setdefault(unit.block, set()).update(g for g in groups if found[g])
    joined_blocks = {block for block, present in named.items() if len(present) == len(groups)}
    mass = 0.0
    for unit, found in zip(units, hits):
        if all(found[g] for g in groups):
            mass += unit.weight
        elif unit.block in joined_blocks and any(found.values()):
            mass += PARAGRAPH * unit.weight
    return mass


def _explain(units: Sequence[Unit], hits: Sequence[dict[str, list[str]]], topic: Topic, traps: Counter) -> str:
    """E.g. "AI: title, 2 lead, 3 body ('AI' ×4, 'deepfake'); entertainment: ...; both in 4 of 12 units"."""
    missing = [f"no {name} concept" for name, _ in topic.groups if not any(found[name] for found in hits)]
    parts = missing[:]
    for name, _ in topic.groups:
        places = Counter(u.where for u, found in zip(units, hits) if found[name])
        if places:
            terms = Counter(t for found in hits for t in found[name]).most_common(3)
            where = ", ".join(w if places[w] == 1 else f"{places[w]} {w}" for w in _ORDER if places[w])
            shown = ", ".join(f"'{t}'" + (f" ×{n}" if n > 1 else "") for t, n in terms)
            parts.append(f"{name}: {where} ({shown})")
    if not missing:
        both = sum(1 for found in hits if all(found[g] for g, _ in topic.groups))
        parts.append(f"both in {both} of {len(units)} units")
    if traps:
        parts.append("not counted: " + ", ".join(f"{t} ×{n}" if n > 1 else t for t, n in sorted(traps.items())))
    return "; ".join(parts)


def _named(article: Article, names: frozenset[str]) -> bool:
    if not names:
        return False
    location = PurePath(article.location)
    candidates = {article.id, article.location, location.name, article.url or ""}
    return bool(candidates & names) or any(article.location.endswith("/" + n) for n in names)


def _phrase(text: str) -> Phrase:
    return Phrase(text, _tokens(text))


def _phrases(texts: Iterable[str]) -> tuple[Phrase, ...]:
    return tuple(p for p in map(_phrase, texts) if p.tokens)


def _key(term: Phrase) -> str:
    return " ".join(stem for stem, _ in term.tokens)


def _tokens(text: str) -> tuple[Token, ...]:
    return tuple((light_stem(part), part) for word in words(text) for part in word.split("-") if part)


def _find(tokens: Sequence[Token], phrase: Sequence[Token], index: Index | None = None) -> list[int]:
    """Start positions of ``phrase`` in ``tokens``: stems equal, capitals as written. With the
    tokens' ``index`` only the places of the phrase's first stem are tried."""
    size, end = len(phrase), len(tokens) - len(phrase)
    starts = range(end + 1) if index is None else index.get(phrase[0][0], ())
    return [i for i in starts if i <= end and all(_same(tokens[i + k], phrase[k]) for k in range(size))]


def _same(token: Token, wanted: Token) -> bool:
    stem, written = token
    if stem != wanted[0]:
        return False
    spelled = wanted[1]
    return spelled.islower() or written.startswith(spelled) or (written.isupper() and len(written) > 1)
