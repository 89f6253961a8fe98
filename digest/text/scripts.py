"""Writing systems other than the Latin one: where sentences end and how many words a text has.

Chinese and Japanese are written without spaces and end sentences with full-width marks
(``。！？`` and the half-width ``!?`` in running CJK text). ``split_at_marks`` cuts the spans of
the sentence splitter after each such mark (and the closing quotes or brackets that follow it:
``他说：“好。”然后……`` ends after ``”``), so a Chinese paragraph is many sentences, not one.
``count_words`` counts each Han character, kana and hangul syllable as a word, as word
processors do for CJK text, and splits the rest at spaces as before, so the
"short line" rules (headings, titles, teasers) measure Chinese and English alike.

Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko) are detected by ``direction``: a text
whose strongly directional letters (Unicode bidi classes R/AL against L) are mostly right-to-left
is "rtl", and the email sets ``dir="rtl"`` on what is written that way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u3005\u3006"
_FROM_CJK = re.compile("[^\x00-\u3004]")  # a character at or past U+3005, the first of ``_CJK``
_MARKS = "。！？"
_CLOSERS = "”’」』）)】〕》\"'"


@cache
def _pattern(name: str) -> re.Pattern:
    """The patterns only CJK text needs, compiled on first use (each of these character classes
    takes 4-30 ms to compile, at every start of every run that never meets a CJK text)."""
    if name == "char":
        return re.compile(f"[{_CJK}]")
    if name == "split":
        return re.compile(f"[{_CJK}]|[^{_CJK}]+")
    return re.compile(f"[{_MARKS}]+[{re.escape(_CLOSERS)}]*|(?<=[{_CJK}])[!?]+[{re.escape(_CLOSERS)}]*")


def count_words(text: str) -> int:
    """Words of ``text``: each CJK character one, the rest split at spaces (``len(text.split())``)."""
    if not has_cjk(text):
        return len(text.split())
    rest = _pattern("char").sub(" ", text).split()
    return len(_pattern("char").findall(text)) + sum(1 for token in rest if any(c.isalnum() for c in token))


def cjk_words(tokens: list[str]) -> list[str]:
    """Word tokens with each CJK character a word of its own ("人工智能" -> 人 工 智 能), as
    ``count_words`` counts them, so summaries and themes weigh Chinese sentences by their words."""
    if not any(has_cjk(token) for token in tokens):
        return tokens
    return [piece for token in tokens for piece in (_pattern("split").findall(token) if has_cjk(token) else [token])]


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character. Only a text with a character at or past U+3005
    is searched for one (``_FROM_CJK``, one range, compiles in ~1.5 ms; the CJK class takes ~4 ms,
    at the start of every run that reads non-ASCII text, though a week of Latin-script news has none)."""
    return not text.isascii() and _FROM_CJK.search(text) is not None and _pattern("char").search(text) is not None


def split_at_marks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` (start, end) of ``text`` cut after every CJK sentence mark, stripped of spaces."""
    if not any(mark in text for mark in _MARKS) and not has_cjk(text):
        return spans
    cut: list[tuple[int, int]] = []
    for start, end in spans:
        for match in _pattern("cut").finditer(text, start, end):
            cut.append((start, match.end()))
            start = match.end()
        cut.append((start, end))
    return [_strip(text, s, e) for s, e in cut if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def direction(text: str) -> str:
    """"rtl" when most strongly directional letters of ``text`` are right-to-left, else "ltr"."""
    rtl = ltr = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return "rtl" if rtl > ltr else "ltr"
