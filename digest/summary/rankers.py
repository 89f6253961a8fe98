"""sumy's summarizers, imported without NLTK.

Every sumy summarizer module imports ``sumy.nlp.stemmers`` for one name, ``null_stemmer``: the
default of the ``stemmer`` argument, which digest always passes (``text.words.stem``). That
module imports ``nltk.stem.snowball`` at its top, so NLTK's whole package, and with it
scipy.stats and scikit-learn: 2.3-4 s of every run that summarises (``python -X importtime``
on the project machine), for a stemmer digest does not use.

So the summarizers are imported with a stand-in ``sumy.nlp.stemmers`` that holds only
``null_stemmer`` (sumy's own definition), and the stand-in is taken away again at once: code
that imports ``sumy.nlp.stemmers`` later gets sumy's real module (tests/test_stemming.py).
The ranking code is sumy's, unchanged. The stand-in is there only while this module runs, under
its import lock; a thread importing ``sumy.nlp.stemmers`` itself in that moment would get it
(nothing in digest does: sumy's ``Stemmer`` is only for sumy's own command line).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

_STEMMERS = "sumy.nlp.stemmers"


def null_stemmer(object) -> str:
    """sumy's ``null_stemmer``: the word in lower case."""
    from sumy._compat import to_unicode

    return to_unicode(object).lower()


@contextmanager
def _without_nltk() -> Iterator[None]:
    """Imports inside see a ``sumy.nlp.stemmers`` with only ``null_stemmer`` (when sumy's real
    one is not loaded yet); afterwards the stand-in is gone."""
    if _STEMMERS in sys.modules:
        yield
        return
    stand_in = types.ModuleType(_STEMMERS, "digest's stand-in for sumy's stemmers while its summarizers load")
    stand_in.null_stemmer = null_stemmer
    sys.modules[_STEMMERS] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(_STEMMERS) is stand_in:
            del sys.modules[_STEMMERS]
        nlp = sys.modules.get("sumy.nlp")
        if getattr(nlp, "stemmers", None) is stand_in:
            delattr(nlp, "stemmers")


with _without_nltk():
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

__all__ = ["EdmundsonSummarizer", "KLSummarizer", "LexRankSummarizer", "LsaSummarizer", "LuhnSummarizer",
           "SumBasicSummarizer", "TextRankSummarizer"]
