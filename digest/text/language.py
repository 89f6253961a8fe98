"""Which language a text is in, and that language's stop words, offline (pure).

The guess counts, for each language sumy ships a stop-word list for (18, from Arabic to
Ukrainian), how many of the text's words are on that list: stop words are a text's most frequent
words, so the list with the most hits is its language (Grefenstette 1995's "short words" method).
Scripts decide first where they can: kana means Japanese, other Han characters Chinese, Hangul
Korean, Hebrew letters Hebrew, Arabic letters Arabic, Greek letters Greek, Thai letters Thai.
A text with fewer than ``MIN_HITS`` stop words is not guessed (""), rather than guessed wrong.
"""

from __future__ import annotations

import re
from functools import cache

from digest.text.words import sumy_stop_words

LANGUAGES = {"arabic": "ar", "chinese": "zh", "czech": "cs", "english": "en", "french": "fr", "german": "de",
             "greek": "el", "hebrew": "he", "italian": "it", "japanese": "ja", "korean": "ko", "polish": "pl",
             "portuguese": "pt", "slovak": "sk", "spanish": "es", "swedish": "sv", "thai": "th", "ukrainian": "uk"}
_SCRIPTS = (("ja", re.compile("[\u3040-\u30ff]")), ("zh", re.compile("[\u4e00-\u9fff]")),
            ("ko", re.compile("[\uac00-\ud7af]")), ("he", re.compile("[\u0590-\u05ff]")),
            ("ar", re.compile("[\u0600-\u06ff]")), ("el", re.compile("[\u0370-\u03ff]")),
            ("th", re.compile("[\u0e00-\u0e7f]")))
_SPACED = {"en", "fr", "de", "es", "it", "pt", "cs", "sk", "pl", "sv", "uk"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_HITS = 3
_SAMPLE = 4000  # characters: enough words for a clear count, fast on long pages


def guess(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language, or "" when it cannot be told."""
    sample = text[:_SAMPLE]
    letters = sum(c.isalpha() for c in sample) or 1
    for code, script in _SCRIPTS:
        if len(script.findall(sample)) * 5 >= letters:  # a fifth of the letters in that script
            return code
    words = [w.lower() for w in _WORD.findall(sample)]
    hits = {code: sum(1 for w in words if w in stop_words(code)) for code in sorted(_SPACED)}
    best = max(sorted(hits), key=lambda code: hits[code])
    return best if hits[best] >= MIN_HITS else ""


@cache
def stop_words(code: str) -> frozenset[str]:
    """sumy's stop words for the language ``code`` (empty for a language it has none for)."""
    name = next((n for n, c in LANGUAGES.items() if c == code), None)
    return sumy_stop_words(name) if name else frozenset()
