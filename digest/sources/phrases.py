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
Token = tuple[str, str]  # (stem, word as written)
Index = dict[str, list[int]]  # stem -> positions: a phrase is looked for only where its first stem is


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    tokens: tuple[Token, ...]
    stems: frozenset[str] = frozenset()


def phrase(text: str) -> Phrase:
    found = tokens(text)
    return Phrase(text, found, frozenset(stem for stem, _ in found))


def phrases(texts: Iterable[str]) -> tuple[Phrase, ...]:
    return tuple(p for p in map(phrase, texts) if p.tokens)


def key(term: Phrase) -> str:
    return " ".join(stem for stem, _ in term.tokens)


def tokens(text: str) -> tuple[Token, ...]:
    """Words split at hyphens, with their stems; ``PART`` finds the same parts in one pass when
    there is no CJK character to split further."""
    parts = (PART.findall(text) if not has_cjk(text)
             else [part for word in words(text) for part in word.split("-") if part])
    return tuple(zip(map(light_stem, parts), parts))


def find(tokens: Sequence[Token], phrase: Sequence[Token], index: Index | None = None) -> list[int]:
    """Start positions of ``phrase`` in ``tokens``: stems equal, capitals as written. With the
    tokens' ``index`` only the places of the phrase's first stem are tried."""
    size, end = len(phrase), len(tokens) - len(phrase)
    starts = range(end + 1) if index is None else index.get(phrase[0][0], ())
    return [i for i in starts if i <= end and all(same(tokens[i + k], phrase[k]) for k in range(size))]


def same(token: Token, wanted: Token) -> bool:
    stem, written = token
    if stem != wanted[0]:
        return False
    spelled = wanted[1]
    return spelled.islower() or written.startswith(spelled) or (written.isupper() and len(written) > 1)


def seek(tokens: Sequence[Token], stems: list[str], phrase: Sequence[Token]) -> bool:
    """Whether ``phrase`` is in ``tokens`` (``stems``: theirs), as ``find`` finds it."""
    at, size = -1, len(phrase)
    while True:
        try:
            at = stems.index(phrase[0][0], at + 1)
        except ValueError:
            return False
        if at + size <= len(tokens) and all(same(tokens[at + k], phrase[k]) for k in range(size)):
            return True


def index(tokens: Sequence[Token]) -> Index:
    positions: dict[str, list[int]] = {}
    for i, (stem, _) in enumerate(tokens):
        positions.setdefault(stem, []).append(i)
    return positions
