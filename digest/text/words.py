"""Words shared by every stage: English stop words and two stemmers (pure).

- ``STOP_WORDS``: sumy's English list, read from sumy's data file without importing sumy's
  modules (``sumy.utils`` imports requests; its stemmer imports NLTK: seconds at startup).
- ``stem``: sumy's Snowball stemmer (NLTK's), made on first use and cached: summaries and
  salience compare sentences by these stems, exactly as sumy's summarizers do.
- ``light_stem``: an inflection-only stem for matching phrases (themes, relevance), where
  Snowball's "organization" -> "organ" would join words an editor keeps apart.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources


def sumy_stop_words(language: str) -> frozenset[str]:
    """What ``sumy.utils.get_stop_words(language)`` returns, read from the same file."""
    data = resources.files("sumy").joinpath(f"data/stopwords/{language}.txt").read_text(encoding="utf-8")
    return frozenset(w.rstrip() for w in data.splitlines() if w)


STOP_WORDS = sumy_stop_words("english")


@cache
def _stemmer():
    from sumy.nlp.stemmers import Stemmer  # imports NLTK: only when the first word is stemmed

    return Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """sumy's Snowball stemmer, cached: sumy stems every word of every sentence again."""
    return _stemmer()(word.lower())


@cache
def light_stem(word: str) -> str:
    """An inflection-only stem: "unions" -> "union"; "age", "aged", "aging" -> "ag"."""
    word = word.lower().replace("’", "'")
    for suffix in ("'s", "'"):
        word = word.removesuffix(suffix)
    if len(word) <= 2:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 2 else word
