"""Stories -> theme sections: themes are facets, so sentences, not articles, are assigned.

    build_sections = assign each sentence to its best theme -> summarize each theme -> why it matters

- **Matching**: a theme's phrases are matched as runs of lightly stemmed words. The stemmer
  only removes inflections (plural "-s"/"-es"/"-ies", "-ing", "-ed", a final "-e", possessive
  "'s") and splits hyphens, so "de-aged", "ads", "unions", "copyrighted" match "de-aging", "ad",
  "union", "copyright". Snowball was tried first and over-reached: it stems "likeness" to
  "like", so "features like de-aging" (seed 002) went to Labor & Ethics, and "personalization"
  to "person".
- **Score**: ``DIRECT`` = 1 for each phrase found in the sentence itself, ``CONTEXT`` = 0.5 for
  each other phrase found around it: in its paragraph or bullet, in the heading it sits under,
  and for a bullet in the line that introduces the list ("He pointed to areas like:"). A
  sentence needs ``MIN_SCORE`` = 1, i.e. one phrase of its own or two around it. In seed 003
  "The acceleration of VFX workflows ..." names VFX, but its paragraph and heading speak of
  labor, unions, jobs and ethics: it goes to Labor & Ethics (2.5 against 1).
- **One theme per sentence**: the best score wins; a tie goes to the theme listed first in
  the config. A sentence text already assigned (a copy in another story) is not assigned again.
  Only each origin's lead article is read: copies would only add near-repeats.
- **Limits**: a theme summary quotes at most ``max_stories_per_theme`` stories, those with the
  highest total match score; an issue has at most ``max_themes`` sections, configured themes
  first. Stories no configured theme fits get discovered themes (``digest.discover``).
- **Per story**: a sentence's best theme depends only on its own article, so a story's
  sentences, their matches, which can stand alone and discovery's terms are one ``Reading``,
  whichever stories are featured with it; ``digest/issue_work.py`` keeps it per story, and a
  re-run that features one new story reads only that one (newsroom 10,000: the themes stage of
  such a re-run 1.4-2.3 s -> ~0.3 s with the summaries kept too).
- **Why it matters**: the theme's sentence with most significance cues (``CUES``: "means",
  "signals", "could", "marks", "shift", "implications", ...) that can stand alone (eligible, not
  dangling) and is in no summary; ties go to the better theme match, then reading order. A
  theme with no such sentence gets None: we never write one ourselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain

from digest.config import SummarySettings
from digest.models import Article, Block, Sentence, Story, Theme, ThemeSection
from digest.text.sentences import article_sentences, words
from digest.summary.discover import discover, story_terms
from digest.text.words import STOP_WORDS, light_stem
from digest.summary.summarize import dangling, eligible, summarize

logger = logging.getLogger(__name__)

DIRECT = 1.0
CONTEXT = 0.5
MIN_SCORE = 1.0
CUE_WORDS = (
    "means", "signals", "could", "marks", "shift", "implications", "impact", "transforms",
    "transformative", "reshape", "redefine", "herald", "threatens", "consequences", "significant",
    "significance", "signify", "paves", "stakes", "determine",
)


@dataclass(frozen=True, slots=True)
class Match:
    """Why a sentence went to a theme: the phrases found in it and around it, and the score."""

    sentence: Sentence
    theme: str  # slug
    score: float
    phrases: tuple[str, ...]  # found in the sentence itself
    context: tuple[str, ...] = ()  # found only in its block, heading or list introduction


@dataclass(frozen=True, slots=True)
class Reading:
    """What the themes take from one story, whichever stories are featured with it (so it can be
    kept per story between runs: ``digest/issue_work.py``): its lead articles' sentences in reading
    order, each one's best configured theme (None: no theme fits it), whether it can stand alone
    (``eligible``), and discovery's terms of each eligible one."""

    sentences: tuple[Sentence, ...]
    matches: tuple[Match | None, ...]
    eligible: tuple[bool, ...]
    terms: tuple[tuple[str, ...], ...]  # one per eligible sentence


Summarize = Callable[..., tuple[Sentence, ...]]  # ``summarize``'s signature (candidates, settings, salience)


def read_story(story: Story, themes: Sequence[Theme], phrases: _Phrases | None = None) -> Reading:
    """``story``'s Reading under ``themes`` (``phrases``: their index, when several stories are read)."""
    phrases = phrases or _Phrases(themes)
    pairs = [(s, _best(s, context, themes, phrases)) for article in _leads([story]) for s, context in _with_context(article)]
    sentences = tuple(s for s, _ in pairs)
    able = tuple(map(eligible, sentences))
    terms = story_terms([s for s, ok in zip(sentences, able) if ok], light_stem, STOP_WORDS)
    return Reading(sentences, tuple(m for _, m in pairs), able, tuple(map(tuple, terms)))


def read_stories(stories: Sequence[Story], themes: Sequence[Theme],
                 known: Mapping[str, Reading] | None = None) -> dict[str, Reading]:
    """Each story's Reading by story id: from ``known`` (kept ones), else read now."""
    known = known or {}
    phrases = _Phrases(themes)
    return {s.id: known[s.id] if s.id in known else read_story(s, themes, phrases) for s in stories}


def build_sections(
    stories: Sequence[Story], themes: Sequence[Theme], settings: SummarySettings, moves: Mapping[str, str] = {},
    known: Mapping[str, Reading] | None = None, summarize: Summarize = summarize,
) -> tuple[ThemeSection, ...]:
    """One section per theme that has a summary: configured themes in config order, then discovered
    ones, at most ``settings.max_themes``. ``moves`` (story id -> theme slug) are the editor's: every
    sentence of such a story goes to that theme. ``known`` are stories' Readings kept from a run
    before, and ``summarize`` may be one that remembers its summaries (``digest/issue_work.py``):
    both give what reading and summarising again would."""
    read = read_stories(stories, themes, known)
    matches = moved(assign(stories, themes, read), stories, moves, read)
    plans = [(theme, [m for m in matches if m.theme == theme.slug]) for theme in themes]
    if settings.discover_themes:
        plans += discovered(stories, {m.sentence.text for m in matches}, read)
    sections, used = [], set()
    for theme, mine in plans:
        if len(sections) >= settings.max_themes:
            break
        mine = best_stories(mine, stories, settings.max_stories_per_theme)
        salience = {m.sentence: m.score for m in mine}
        summary = summarize([m.sentence for m in mine], settings, salience)
        if not summary:
            continue
        used.update(summary)
        why = why_it_matters(mine, used)
        shown = summary + ((why,) if why else ())
        sections.append(ThemeSection(theme, summary, why, _story_ids(stories, shown), _reasons(summary, mine)))
    return tuple(sections)


def moved(matches: Sequence[Match], stories: Sequence[Story], moves: Mapping[str, str],
          read: Mapping[str, Reading]) -> tuple[Match, ...]:
    """The matches with each moved story's sentences (matched or not, as its Reading in ``read``
    holds them) in its editor-chosen theme."""
    if not moves:
        return tuple(matches)
    target = {a.id: moves[s.id] for s in stories if s.id in moves for a in s.articles}
    score = {m.sentence: m for m in matches}
    taken = {m.sentence.text for m in matches if m.sentence.article_id not in target}
    extra = [Match(s, target[s.article_id], score[s].score if s in score else MIN_SCORE, (), ("moved by the editor",))
             for story in stories if story.id in moves for s in read[story.id].sentences
             if s.text not in taken]
    return tuple(m for m in matches if m.sentence.article_id not in target) + tuple(extra)


def discovered(stories: Sequence[Story], matched: set[str],
               read: Mapping[str, Reading]) -> list[tuple[Theme, list[Match]]]:
    """Themes for stories no configured theme fits (see ``digest.discover``), with their matches;
    each story's eligible sentences and terms are its Reading's in ``read``."""
    prepared = [([x for x, ok in zip(r.sentences, r.eligible) if ok], r.terms) for r in (read[s.id] for s in stories)]
    found = discover(stories, matched, eligible, light_stem, STOP_WORDS, prepared)
    return [
        (theme, [Match(s, theme.slug, DIRECT * len(terms), terms) for s, terms in candidates.items()])
        for theme, candidates in found
    ]


def best_stories(matches: Sequence[Match], stories: Sequence[Story], limit: int) -> list[Match]:
    """The matches from the ``limit`` stories with the highest total score (ties: story order)."""
    owner = {a.id: story.id for story in stories for a in story.articles}
    totals: dict[str, float] = {}
    for match in matches:
        story = owner.get(match.sentence.article_id, "")
        totals[story] = totals.get(story, 0.0) + match.score
    if len(totals) <= limit:
        return list(matches)
    order = {story.id: i for i, story in enumerate(stories)}
    kept = set(sorted(totals, key=lambda s: (-totals[s], order.get(s, len(order))))[:limit])
    return [m for m in matches if owner.get(m.sentence.article_id, "") in kept]


def assign(stories: Sequence[Story], themes: Sequence[Theme],
           read: Mapping[str, Reading] | None = None) -> tuple[Match, ...]:
    """Every sentence that matches a theme, with its best theme, in reading order (``read``: the
    stories' Readings under ``themes``, when they are known already)."""
    read = read or read_stories(stories, themes)
    found, seen = [], set()
    for story in stories:
        for best in read[story.id].matches:
            if best and best.sentence.text not in seen:
                seen.add(best.sentence.text)
                found.append(best)
    return tuple(found)


def why_it_matters(matches: Sequence[Match], used: set[Sentence]) -> Sentence | None:
    """The theme's most consequential stand-alone sentence that is in no summary, or None."""
    best, best_key = None, (0, 0.0)
    for match in matches:
        sentence = match.sentence
        if sentence in used or not eligible(sentence) or dangling(sentence):
            continue
        key = (len(_cues() & set(_stems(sentence.text))), match.score)
        if key[0] and key > best_key:
            best, best_key = sentence, key
    return best


def _reasons(summary: Sequence[Sentence], matches: Sequence[Match]) -> tuple[str, ...]:
    """For each summary sentence, the phrases that sent it to this theme and its score."""
    by_sentence = {m.sentence: m for m in matches}
    reasons = []
    for sentence in summary:
        match = by_sentence[sentence]
        found = f"in it: {', '.join(match.phrases)}" if match.phrases else ""
        around = f"around it: {', '.join(match.context)}" if match.context else ""
        reasons.append(f"score {match.score:g} ({'; '.join(filter(None, (found, around)))})")
    return tuple(reasons)


def _best(sentence: Sentence, context: tuple[str, ...], themes: Sequence[Theme], phrases: _Phrases) -> Match | None:
    own = phrases.found(sentence.text)
    around = frozenset().union(*map(phrases.found, context))
    best = None
    for slot in sorted({slot for slot, _ in own | around}):  # only themes with a phrase in or around it
        theme, mine = themes[slot], phrases.patterns[slot]
        direct = tuple(p for at, p in enumerate(mine) if (slot, at) in own)
        near = tuple(p for at, p in enumerate(mine) if p not in direct and (slot, at) in around)
        score = DIRECT * len(direct) + CONTEXT * len(near)
        if score >= MIN_SCORE and (best is None or score > best.score):
            best = Match(sentence, theme.slug, score, direct, near)
    return best


class _Phrases:
    """The themes' phrases indexed by their first stem; ``found(text)`` is every phrase in ``text``
    as (theme's place, phrase's place), worked out once per text: a paragraph, a heading or a
    list's introduction is the context of each sentence under it (newsroom 10,000 re-run: 2,060
    sentences, 184,988 phrase searches, 0.6 s, before this index and memo)."""

    def __init__(self, themes: Sequence[Theme]):
        self.patterns = [t.phrases for t in themes]
        self._by_first: dict[str, list[tuple[tuple[int, int], tuple[str, ...]]]] = {}
        for slot, theme in enumerate(themes):
            for at, phrase in enumerate(theme.phrases):
                stems = _stems(phrase)
                if stems:
                    self._by_first.setdefault(stems[0], []).append(((slot, at), stems))
        self._found: dict[str, frozenset[tuple[int, int]]] = {}

    def found(self, text: str) -> frozenset[tuple[int, int]]:
        known = self._found.get(text)
        if known is None:
            tokens = _stems(text)
            known = self._found[text] = frozenset(
                place for start, token in enumerate(tokens) for place, stems in self._by_first.get(token, ())
                if tokens[start : start + len(stems)] == stems
            )
        return known


def _with_context(article: Article) -> list[tuple[Sentence, tuple[str, ...]]]:
    """Each sentence with the texts around it: its block, its heading, a list's introduction."""
    return [(s, _context(article.blocks, s.block)) for s in article_sentences(article)]


def _context(blocks: tuple[Block, ...], index: int) -> tuple[str, ...]:
    texts = [blocks[index].text]
    if blocks[index].kind == "bullet":
        intro = next((b for b in reversed(blocks[:index]) if b.kind != "bullet"), None)
        if intro and intro.text.endswith(":"):
            texts.append(intro.text)
    heading = next((b for b in reversed(blocks[:index]) if b.kind == "heading"), None)
    if heading:
        texts.append(heading.text)
    return tuple(texts)


def _leads(stories: Sequence[Story]) -> list[Article]:
    return [origin.lead for story in stories for origin in story.origins]


def _story_ids(stories: Sequence[Story], sentences: Sequence[Sentence]) -> tuple[str, ...]:
    articles = {s.article_id for s in sentences}
    return tuple(story.id for story in stories if any(a.id in articles for a in story.articles))


@lru_cache(maxsize=4096)  # a paragraph is context for each of its sentences
def _stems(text: str) -> tuple[str, ...]:
    return tuple(chain.from_iterable(map(_word_stems, words(text))))


@lru_cache(maxsize=65536)  # as light_stem's: one look-up a word instead of a split and a stem a part
def _word_stems(word: str) -> tuple[str, ...]:
    return tuple(light_stem(part) for part in word.split("-") if part)


@cache
def _cues() -> frozenset[str]:
    return frozenset(map(light_stem, CUE_WORDS))
