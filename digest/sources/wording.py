"""An article's wording for ``relevance``: its title and blocks as words and stems, made once, and
each block's context and units (``Unit``) with the weight of their place (``TITLE``, ``LEAD``, ``BODY``)."""

from __future__ import annotations

from collections.abc import Sequence

from digest.models import Article
from digest.sources import phrases
from digest.sources.terms import Match, Unit
from digest.text.scripts import has_cjk

TITLE, LEAD, BODY = 3.0, 2.0, 1.0
Stemmed = tuple[Sequence[str], Sequence[str]]  # words as written and their stems


class Text:
    """An article's title and blocks as words and stems, each paragraph's context made when first needed."""

    def __init__(self, article: Article):
        self.raw = [b.text for b in article.blocks]
        self.title_raw = article.title
        self.paragraphs = [i for i, b in enumerate(article.blocks) if b.kind != "heading"]
        self.first = self.paragraphs[0] if self.paragraphs else -1
        self.title, self.title_stems = phrases.stemmed(article.title)
        self.cjk = [not raw.isascii() and has_cjk(raw) for raw in self.raw]
        self.words, self.stems = map(list, zip(*map(phrases.stemmed, self.raw, self.cjk))) if self.raw else ([], [])
        self._contexts: dict[int, Stemmed] = {}
        self._starts: dict[int, list[int]] = {}
        self.beside: dict = {}  # not_with words found, per paragraph and term (``terms.hits``)
        self.found: dict[int, list[Match]] = {}  # the terms of a paragraph ``_whole`` could not take whole

    def context(self, block: int) -> Stemmed:
        """Block ``block``'s words and the title's (-1: the title and the first paragraph), and their
        stems, which are the block's own stems too (they come first)."""
        if block not in self._contexts:
            first = self.first if self.first >= 0 else None
            self._contexts[block] = (
                (self.title + self.words[first], self.title_stems + self.stems[first]) if block < 0 and first is not None
                else (self.title, self.title_stems) if block < 0
                else (self.words[block] + self.title, self.stems[block] + self.title_stems))
        return self._contexts[block]

    def starts(self, block: int) -> list[int]:
        """Where each of block ``block``'s words (``phrases.PART``, not CJK) starts in its text."""
        if block not in self._starts:
            raw = self.raw[block]
            self._starts[block] = [m.start() for m in phrases.part_pattern(raw).finditer(raw)]
        return self._starts[block]

    def unit(self, where: str, weight: float, block: int, own: Stemmed | None = None) -> Unit:
        """A unit of paragraph or heading ``block``: all of it, or its ``own`` words and stems."""
        written, stems = own or (self.words[block], self.stems[block])
        return Unit(where, weight, written, self.context(block)[0], block, stems, self.context(block)[1])

    def title_unit(self) -> Unit:
        written, stems = self.context(-1)
        return Unit("title", TITLE, self.title, written, self.first, stems, stems)
