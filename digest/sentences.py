"""Sentence and word splitting that works offline.

sumy's own ``Tokenizer("english")`` needs NLTK's ``punkt_tab`` data, which cannot be downloaded
here, so digest gives sumy this tokenizer instead. Sentences come from pysbd (rule-based, no data
files), which in our trials split abbreviations ("Mr.", "U.S."), decimals ("3.5") and quotes most
accurately of the offline splitters; it costs ~20 ms per 400 words, fine for a weekly run.

Every sentence returned is a verbatim substring of the text it came from: summaries quote their
sources, so nothing here may rewrite a character.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

from digest.models import Article, Sentence

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split(text: str) -> list[str]:
    """The sentences of ``text``, stripped, each a verbatim substring of ``text``."""
    sentences = []
    for piece in _segmenter().segment(text):
        piece = piece.strip()
        if piece and piece in text:
            sentences.append(piece)
    return sentences


def words(text: str) -> list[str]:
    """Word tokens: letters and digits, keeping inner apostrophes, dots and hyphens."""
    return _WORD.findall(text)


def article_sentences(article: Article) -> tuple[Sentence, ...]:
    """Every sentence of an article's prose blocks (paragraphs and bullets), in order."""
    found = []
    for block_index, block in enumerate(article.blocks):
        if block.kind not in ("paragraph", "bullet"):
            continue
        for text in split(block.text):
            found.append(Sentence(text, article.id, block_index, len(found)))
    return tuple(found)


class SumyTokenizer:
    """The tokenizer interface sumy expects (``to_sentences``, ``to_words``), offline."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
