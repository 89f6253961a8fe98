"""sumy's summarizers and document model, imported without NLTK and without requests.

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

The summarizers and the document model (``sumy.models.dom``) also need ``sumy.utils`` for two
small helpers (``ItemsCount``, ``cached_property``), and ``sumy.utils`` imports requests (for
sumy's ``fetch_url``) and pycountry's ``languages`` (for language names) at its top: 0.25-0.30 s
and ~40 ms of every run that summarises, for functions digest never calls. They are imported
with stand-ins too (``_later``): a module whose attributes import the real module when first
used, so ``sumy.utils.fetch_url`` and ``normalize_language`` still work, and the stand-ins leave
``sys.modules`` at once, as the stemmers' does.
"""

from __future__ import annotations

import importlib
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


class _Later(types.ModuleType):
    """A stand-in for module ``name`` whose attributes are the real module's, imported on first use;
    ``parts`` are names bound at import (``from pycountry import languages``), each a ``_Later``
    of the real module's attribute."""

    def __init__(self, name: str, parts: tuple[str, ...] = (), owner: str | None = None):
        super().__init__(name, "digest's stand-in until first used (summary/rankers.py)")
        self._owner = owner  # the module whose attribute ``name`` this is, if not a module itself
        for part in parts:
            setattr(self, part, _Later(part, owner=name))

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):  # the import system's and copy's probes, before first use
            raise AttributeError(attribute)
        real = importlib.import_module(self._owner or self.__name__)
        return getattr(getattr(real, self.__name__) if self._owner else real, attribute)


_LATER = {"requests": (), "pycountry": ("languages",)}  # what sumy.utils imports at its top, only for functions digest never calls


@contextmanager
def _later() -> Iterator[None]:
    """Imports inside see ``_LATER``'s modules (those not loaded yet) as ``_Later`` stand-ins;
    afterwards the stand-ins are out of ``sys.modules``, so a later import gets the real module."""
    stand_ins = {name: _Later(name, parts) for name, parts in _LATER.items() if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


with _without_nltk(), _later():
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

__all__ = ["EdmundsonSummarizer", "KLSummarizer", "LexRankSummarizer", "LsaSummarizer", "LuhnSummarizer",
           "ObjectDocumentModel", "Paragraph", "SumBasicSummarizer", "SumySentence", "TextRankSummarizer"]
