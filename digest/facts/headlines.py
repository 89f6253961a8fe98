"""Headlines written in Title Case ("4 ISIS Terrorists Caught at Southern Border") read as sentences.

Emergent's records are headlines only, and 43 % of them (1,120 of 2,595) capitalise every word: the
count patterns (``digest.facts.quantities``) take a capitalised word after a number for a name, not
the noun counted, so "Ten ISIS Fighters Have Been Apprehended" held no figure while "at least ten
ISIS fighters have been caught" did. A headline-cased sentence (at least 70 % of its words of four
letters or more capitalised, and at least three such words) is read with its capitalised words in
lower case (acronyms such as "ISIS" kept); the figure keeps the sentence and the text as written.
"""

from __future__ import annotations

import re
from dataclasses import replace

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_TITLE = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Za-z]+)*\b")  # "Fighters", "Year-Old"; not "ISIS", "iPhone"


def is_headline(sentence: str) -> bool:
    """Is the sentence in Title Case: at least three words of four letters or more capitalised, and 70 % of them?"""
    long = [w for w in _WORD.findall(sentence) if len(w) >= 4]
    capital = sum(w[0].isupper() for w in long)
    return capital >= 3 and capital >= 0.7 * len(long)


def plain(sentence: str) -> str:
    """The sentence as prose would write it: Title-case words in lower case; the sentence itself if it is prose."""
    return _TITLE.sub(lambda m: m[0].lower(), sentence) if is_headline(sentence) else sentence


def restored(figure, original: str, subjects: frozenset[str]):
    """A figure read from ``plain(original)`` with the sentence, its text and its subjects as written."""
    text = original[figure.start:figure.start + len(figure.text)]
    return replace(figure, sentence=original, text=text if text.lower() == figure.text.lower() else figure.text,
                   subjects=subjects if figure.subjects else figure.subjects)
