"""Sentence and word splitting that works offline.

sumy's own ``Tokenizer("english")`` needs NLTK's ``punkt_tab`` data, which cannot be downloaded
here, so digest gives sumy this tokenizer instead. Sentences come from pysbd (rule-based, no data
files), which in our trials split abbreviations ("Mr.", "U.S."), decimals ("3.5") and quotes most
accurately of the offline splitters; it costs ~20 ms per 400 words, fine for a weekly run.

Two repairs on top of pysbd, each from a probe of 43 abbreviations x 3 continuations:

- pysbd ends a sentence after "approx.", "ca.", "cf.", "est.", "No.", "Vol." even before a
  lowercase word or a number ("approx. 5 million"), after a title before a name ("Pres. Biden")
  and after a state abbreviation before a comma ("Sen. Ron Wyden, D-Ore., said"). A piece is
  joined to the one before when it starts with an all-lowercase word (brand names such as
  "iPhone" do not count) or with ``,`` ``;`` ``)`` ``]``, when the one before ends with an
  abbreviation that never ends a sentence, or with a title ("Sen.", "Gov.", "Prof.") and the
  piece starts with a capital; "Warner Bros. Discovery" is joined as the one company name
  entertainment news spells that way all the time.
- A run-in label opening a block, "Speed & Efficiency: The famous scene ...", is not part of the
  sentence: at most five capitalised words (with "&", "and", "of", "to" ...) before a colon,
  followed by a capital. The sentence starts after it, and stays a verbatim substring.

Every sentence returned is a verbatim substring of the text it came from: summaries quote their
sources, so nothing here may rewrite a character.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

from digest.models import Article, Sentence
from digest.text.scripts import cjk_words, split_at_marks

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)
_NEVER_FINAL = re.compile(r"\b(?:approx|ca|cf|vs|est)\.$")
_NUMBERED = re.compile(r"\b(?:No|Nos|Vol|Fig)\.$")
_TITLE = re.compile(r"\b(?:Pres|Sen|Rep|Reps|Gov|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Cmdr|Prof|Rev|Hon|Atty|Supt)\.$")
_LOWER_START = re.compile(r"^(?:[a-z][a-z'’\-]*\b|[,;)\]])")
_LABEL = re.compile(
    r"^[A-Z][\w’'\-]*(?:\s+(?:[A-Z][\w’'\-]*|&|and|of|to|the|for|in|on|a|an|with)){0,4}:\s+(?=[A-Z“\"‘])"
)
_MIN_LABELLED_WORDS = 4  # the rest must still read as a sentence, not "Verdict: Great."


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split(text: str) -> list[str]:
    """The sentences of ``text``, stripped, each a verbatim substring of ``text``."""
    return list(_split(text))


@lru_cache(maxsize=16384)
def _split(text: str) -> tuple[str, ...]:
    """Remembered: relevance, themes, discovery, the lead and the consensus box all read the same
    blocks, and pysbd is about half of a run's time (454 splits of 110 texts on the seeds uncached)."""
    spans = split_at_marks(text, _join_abbreviations(text, _spans(text)))  # 。！？ end sentences too
    if spans:
        spans[0] = _skip_label(text, spans[0])
    return tuple(text[start:end] for start, end in spans)


def _spans(text: str) -> list[tuple[int, int]]:
    """Where pysbd's pieces sit in ``text``; a piece pysbd altered is skipped, never rewritten."""
    spans, cursor = [], 0
    for piece in _segmenter().segment(text):
        piece = piece.strip()
        start = text.find(piece, cursor) if piece else -1
        if start >= 0:
            spans.append((start, start + len(piece)))
            cursor = start + len(piece)
    return spans


def _join_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _continues(text, joined[-1], (start, end)):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _continues(text: str, before: tuple[int, int], span: tuple[int, int]) -> bool:
    """Whether pysbd cut ``text`` after an abbreviation; never across a line break."""
    previous, piece = text[before[0] : before[1]], text[span[0] : span[1]]
    if "\n" in text[before[1] : span[0]]:
        return False
    if _LOWER_START.match(piece) or _NEVER_FINAL.search(previous):
        return True
    if _NUMBERED.search(previous) and piece[:1].isdigit():
        return True
    if _TITLE.search(previous) and piece[:1].isupper():
        return True
    return previous.endswith("Bros.") and piece.startswith("Discovery")


def _skip_label(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    label = _LABEL.match(text[start:end])
    if label and len(words(text[start + label.end() : end])) >= _MIN_LABELLED_WORDS:
        return (start + label.end(), end)
    return span


def words(text: str) -> list[str]:
    """Word tokens: letters and digits, keeping inner apostrophes, dots and hyphens."""
    return cjk_words(_WORD.findall(text))  # a Chinese or Japanese character is a word


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
