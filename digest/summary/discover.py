"""Themes for material that fits no configured theme, labelled from its key terms.

    discover(stories, matches) = unthemed stories -> key terms -> groups -> one theme per group

- **Unthemed**: a story is unthemed when fewer than ``UNTHEMED_SHARE`` = 20% of the eligible
  sentences of its lead articles matched a configured theme. The seed story (five articles on
  Netflix and GenAI) has 63% of them matched (67 of 107) and stays in the configured themes;
  a story about audiobooks or a game studio that names no configured phrase has 0%.
- **Key terms**: the content words of a story's eligible sentences (not English stop words, nor
  stop words of the story's own language, ``digest.text.language``) ranked by tf-idf, tf over
  the story and idf over all stories of the issue (a word every story uses, like "AI", says
  nothing about this one), only words of ``MIN_TERM_LETTERS`` = 3 letters or more, at most
  ``TERMS`` = 5. Words are compared by their inflection-only stem; the label shows each term as
  the sources most often spell it ("Audible", "narrators").
- **Groups**: an unthemed story joins an earlier group when they share at least
  ``SHARED_TERMS`` = 2 key terms (one shared word, such as a company's name, is not yet a topic).
- **Label**: the group's two best terms, capitalised: "Audiobooks & Narrators". Sentences of the group's stories that
  matched no theme become the theme's candidates, scored by how many key terms they contain,
  so a summary quotes the sentences that say what the group is about.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from digest.models import Article, Sentence, Story, Theme
from digest.text import language
from digest.text.sentences import article_sentences, words

UNTHEMED_SHARE = 0.2
MIN_TERM_LETTERS = 3
TERMS = 5
SHARED_TERMS = 2
LABEL_TERMS = 2
LANGUAGE_SENTENCES = 30  # a story's language is guessed from its first sentences


def discover(
    stories: Sequence[Story],
    matched: set[str],  # texts of sentences already in a configured theme
    eligible: Callable[[Sentence], bool],
    stem: Callable[[str], str],
    stop_words: frozenset[str],
    prepared: Sequence[tuple[Sequence[Sentence], Sequence[Sequence[str]]]] | None = None,
) -> list[tuple[Theme, dict[Sentence, tuple[str, ...]]]]:
    """New themes for the unthemed stories, each with its candidates and the key terms in each.
    ``prepared``: for each story, its eligible sentences and their terms (``prepare``), when they
    are known already (``themes.Reading`` keeps them per story)."""
    if prepared is None:
        prepared = [prepare(story, eligible, stem, stop_words) for story in stories]
    sentences = {s.id: list(p[0]) for s, p in zip(stories, prepared)}
    found = {s.id: p[1] for s, p in zip(stories, prepared)}
    unthemed = [s for s in stories if sentences[s.id] and _share(sentences[s.id], matched) < UNTHEMED_SHARE]
    if not unthemed:
        return []
    idf = _idf([found[s.id] for s in stories])
    groups: list[tuple[list[str], list[Story]]] = []
    for story in unthemed:
        terms = _key_terms(found[story.id], idf)
        group = next((g for g in groups if len(set(g[0]) & set(terms)) >= SHARED_TERMS), None)
        if group:
            group[1].append(story)
        elif terms:
            groups.append((terms, [story]))
    return [_theme(terms, members, sentences, matched, stem) for terms, members in groups]


def _theme(terms, members, sentences, matched, stem) -> tuple[Theme, dict[Sentence, tuple[str, ...]]]:
    pool = [s for story in members for s in sentences[story.id] if s.text not in matched]
    stemmed = [[(w, stem(w)) for w in words(s.text)] for s in pool]  # once: spellings and candidates read them
    spelled = _spellings(terms, stemmed)
    label = " & ".join(spelled[t][0].upper() + spelled[t][1:] for t in terms[:LABEL_TERMS])
    slug = "discovered-" + "-".join(spelled[t].lower() for t in terms[:LABEL_TERMS])
    description = "Found in this issue's sources: no configured theme matched them."
    theme = Theme(slug, label, description, tuple(spelled[t] for t in terms))
    found = {}
    for sentence, pairs in zip(pool, stemmed):
        stems = {t for _, t in pairs}
        found[sentence] = tuple(spelled[t] for t in terms if t in stems)
    return theme, {s: found_terms for s, found_terms in found.items() if found_terms}


def _share(sentences: Sequence[Sentence], matched: set[str]) -> float:
    return sum(1 for s in sentences if s.text in matched) / len(sentences)


def prepare(story: Story, eligible: Callable[[Sentence], bool], stem: Callable[[str], str],
            stop_words: frozenset[str]) -> tuple[list[Sentence], list[list[str]]]:
    """A story's eligible lead sentences and their terms (``story_terms``)."""
    sentences = [x for a in _leads(story) for x in article_sentences(a) if eligible(x)]
    return sentences, story_terms(sentences, stem, stop_words)


def story_terms(sentences: Sequence[Sentence], stem: Callable[[str], str], stop_words: frozenset[str]) -> list[list[str]]:
    """The terms of each of a story's (eligible) sentences: its content words of three letters or
    more, stemmed, without the stop words of English and of the story's own language."""
    stops = _stop_words(sentences, stop_words)
    return [_terms(x, stem, stops) for x in sentences]


def _terms(sentence: Sentence, stem: Callable[[str], str], stop_words: frozenset[str]) -> list[str]:
    return [stem(w) for w in words(sentence.text) if w.lower() not in stop_words and _long_enough(w)]


def _long_enough(word: str) -> bool:
    """At least ``MIN_TERM_LETTERS`` letters (most words are all letters: no count needed)."""
    if len(word) < MIN_TERM_LETTERS:
        return False
    return word.isalpha() or sum(c.isalpha() for c in word) >= MIN_TERM_LETTERS


def _stop_words(sentences: Sequence[Sentence], english: frozenset[str]) -> frozenset[str]:
    """English stop words, plus those of the story's own language ("Leasing & Der" never again)."""
    code = language.guess(" ".join(s.text for s in sentences[:LANGUAGE_SENTENCES]))
    return english | language.stop_words(code) if code and code != "en" else english


def _idf(per_story: list[Sequence[Sequence[str]]]) -> dict[str, float]:
    """Each term's idf over the stories (``per_story``: each story's sentences' terms)."""
    seen = Counter(t for sentences in per_story for t in {t for terms in sentences for t in terms})
    return {t: math.log((1 + len(per_story)) / (1 + n)) + 1 for t, n in seen.items()}


def _key_terms(sentences: Sequence[Sequence[str]], idf) -> list[str]:
    counts = Counter(t for terms in sentences for t in terms)
    ranked = sorted(counts, key=lambda t: (-counts[t] * idf[t], t))
    return ranked[:TERMS]


def _spellings(terms: Sequence[str], stemmed: Sequence[Sequence[tuple[str, str]]]) -> dict[str, str]:
    """Each term's most frequent written form in the pool (``stemmed``: each sentence's words and
    their stems; ties: capitalised first, then alphabetical; the term itself when it is not
    written there), from one pass over the pool."""
    wanted = set(terms)
    forms: dict[str, Counter[str]] = {t: Counter() for t in terms}
    for pairs in stemmed:
        for w, term in pairs:
            if term in wanted:
                forms[term][w] += 1
    return {t: min(f, key=lambda w: (-f[w], not w[0].isupper(), w)) if (f := forms[t]) else t for t in terms}


def _leads(story: Story) -> list[Article]:
    return [origin.lead for origin in story.origins]
