"""Topic phrases matched in article text (``relevance``): words split at hyphens, lightly stemmed.

A phrase matches a run of tokens whose stems are equal; a phrase word written with a capital
("AI", "Universal") matches only that spelling or shouting capitals, a lowercase one any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digest.text.sentences import words
from digest.text.scripts import has_cjk
from digest.text.words import light_stem

PART = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")  # ``sentences.words`` split at hyphens
ASCII_PART = re.compile(r"[A-Za-z0-9]+(?:['.][A-Za-z0-9]+)*")  # ``PART`` on ASCII text: ``[^\W_]`` holds no other ASCII character
Token = tuple[str, str]  # (stem, word as written)


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    tokens: tuple[Token, ...]
    stems: frozenset[str] = frozenset()
    key: str = ""  # its stems, joined: what senses are keyed by


def phrase(text: str) -> Phrase:
    """``text``'s words split at hyphens, with their stems."""
    written, stems = stemmed(text)
    return Phrase(text, tuple(zip(stems, written)), frozenset(stems), " ".join(stems))


def phrases(texts: Iterable[str]) -> tuple[Phrase, ...]:
    return tuple(p for p in map(phrase, texts) if p.tokens)


class _Stems(dict):
    """``light_stem`` of each word, made once per process: ``map`` over a dict's ``__getitem__``
    passes the word as is, where a ``functools.cache`` wrapper is handed a new argument tuple
    per word (stemming a 10,000-article week looks up 6.5 million words: 35,000 distinct).
    Emptied when it reaches ``limit`` words, so a long-lived process (the scheduler's daemon,
    the editor's desk) that scores week after week in its own process keeps at most ~13 MB of stems:
    it stems with ``light_stem`` unwrapped, so its words do not also fill that function's own cache."""

    limit = 100_000

    def __missing__(self, word: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        stem = self[word] = _light_stem(word)
        return stem


_light_stem = light_stem.__wrapped__  # the function under its ``lru_cache``
_stem = _Stems().__getitem__


def stemmed(text: str, cjk: bool | None = None) -> tuple[list[str], tuple[str, ...]]:
    """Words split at hyphens and their stems; ``PART`` finds the same parts in one pass when
    there is no CJK character to split further (``cjk``: whether there is, if known), and
    ``ASCII_PART`` finds them faster in ASCII text, which has none (``part_pattern``)."""
    if text.isascii():
        parts = ASCII_PART.findall(text)
    elif not (has_cjk(text) if cjk is None else cjk):
        parts = PART.findall(text)
    else:
        parts = [part for word in words(text) for part in word.split("-") if part]
    return parts, tuple(map(_stem, parts))


def part_pattern(text: str) -> re.Pattern:
    """``PART``, or for ASCII text (nine blocks in ten of a newsroom's week) ``ASCII_PART``, which
    finds the same words ~30 % faster: a class of ASCII ranges, not a Unicode category per character."""
    return ASCII_PART if text.isascii() else PART


def find(written: Sequence[str], stems: Sequence[str], phrase: Sequence[Token]) -> list[int]:
    """Start positions of ``phrase`` in the words ``written``: stems equal, capitals as written.
    ``stems`` are the words' stems (they may go on past them: a paragraph's title after it), so
    the phrase is tried only where its first stem is."""
    return _places(written, stems, phrase, len(written))


def seek(written: Sequence[str], stems: Sequence[str], phrase: Sequence[Token]) -> bool:
    """Whether ``phrase`` is in ``written`` (``stems``: theirs), as ``find`` finds it."""
    return bool(_places(written, stems, phrase, 1))


def _places(written: Sequence[str], stems: Sequence[str], phrase: Sequence[Token], most: int) -> list[int]:
    """The first ``most`` places where the first stem is (its stem needs no second look), its
    spelling and the other words fit; most terms are one word, tried without a look at the others.
    A loop, not a generator: ``find`` and ``seek`` run ~250,000 times on 10,000 articles."""
    found: list[int] = []
    at, first, size = -1, phrase[0][0], len(phrase)
    spelled = phrase[0][1]
    anyhow = spelled.islower()
    end = len(written) - size
    while len(found) < most:
        try:
            at = stems.index(first, at + 1)
        except ValueError:
            break
        if at > end:
            break
        if ((anyhow or _spelled(written[at], spelled))
                and (size == 1 or all(same(stems[at + k], written[at + k], phrase[k]) for k in range(1, size)))):
            found.append(at)
    return found


def same(stem: str, written: str, wanted: Token) -> bool:
    if stem != wanted[0]:
        return False
    spelled = wanted[1]
    return spelled.islower() or _spelled(written, spelled)


def _spelled(written: str, spelled: str) -> bool:
    """A capitalised phrase word ("AI", "Universal") matches that spelling or shouting capitals."""
    return written.startswith(spelled) or (written.isupper() and len(written) > 1)
