"""Words shared by every stage: English stop words and two stemmers (pure).

- ``STOP_WORDS``: sumy's English list, read from sumy's data file without importing sumy's
  modules (``sumy.utils`` imports requests; its stemmer imports NLTK: seconds at startup).
- ``stem``: the English Snowball (Porter2) stemmer, cached: summaries and salience compare
  sentences by these stems, and sumy's summarizers are handed it. It is the Snowball project's
  compiled C (PyStemmer), not sumy's ``Stemmer``, which is NLTK's: importing NLTK loads its whole
  package and scipy.stats and scikit-learn with it (2.3-4 s of every run that summarises). The
  pure-Python ``snowballstemmer``, which digest used before, gives the same stems on all 53,925
  words of /work/shared/data at ~97 µs a word against C's ~1.2 µs (the ~2,300 words a re-run first
  meets in its summaries: 0.22 s); it uses PyStemmer itself when that is installed. Words are
  prepared as NLTK's ``EnglishStemmer.stem`` prepares them (lower case, two letters or fewer
  kept, curly apostrophes made straight), and the stems are NLTK's on all but 6 of the 77,124
  words of /work/shared/data, where NLTK's code departs from the algorithm: "realization" NLTK
  "realize", Snowball "realiz" (as "realize"); "x-rated" NLTK "x-rat", Snowball "x-rate" (as
  "rated"). Snowball 3 (PyStemmer and snowballstemmer 3.x) implements the revised English
  algorithm (77 of those words differ: "added" -> "add"), hence the pins below 3.
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


_APOSTROPHES = str.maketrans("\u2019\u2018\u201b", "'''")  # the ones NLTK makes "'"


@cache
def _stemmer():
    import Stemmer  # PyStemmer, only when the first word is stemmed

    return Stemmer.Stemmer("english", 0).stemWord  # no cache of its own: ``stem`` has one


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The English Snowball stem of ``word`` as NLTK's ``EnglishStemmer`` gives it (see above);
    cached: sumy stems every word of every sentence again."""
    word = word.lower()
    return word if len(word) <= 2 else _stemmer()(word.translate(_APOSTROPHES))


@lru_cache(maxsize=65536)
def light_stem(word: str) -> str:
    """An inflection-only stem: "unions" -> "union"; "age", "aged", "aging" -> "ag". Cached like
    ``stem``, and bounded like it: a long-lived process (the desk, the scheduler) meets new words
    every week."""
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
