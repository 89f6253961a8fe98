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

One method is digest's: TextRank's similarity matrix (``TextRankSummarizer._create_matrix``).
sumy rates each pair of sentences in Python (``sum(words2.count(w) for w in words1)`` and a
``numpy.isclose`` per pair: 62 % of a summary's time, ~0.3 s of a newsroom re-run's four
summaries); here the shared-word counts of all pairs are one integer matrix product, and the rest
is sumy's arithmetic on the same float64 values in the same order (each log by ``math.log`` as
sumy takes it), so every weight is bit for bit sumy's (tests/test_summarize.py compares the two).

The summarizers and the document model (``sumy.models.dom``) also need ``sumy.utils`` for two
small helpers (``ItemsCount``, ``cached_property``), and ``sumy.utils`` imports requests (for
sumy's ``fetch_url``) and pycountry's ``languages`` (for language names) at its top: 0.25-0.30 s
and ~40 ms of every run that summarises, for functions digest never calls. They are imported
with stand-ins too (``_Later``): a module whose attributes import the real module when first
used, so ``sumy.utils.fetch_url`` and ``normalize_language`` still work, and the stand-ins leave
``sys.modules`` at once, as the stemmers' does.
"""

from __future__ import annotations

import importlib
import math
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

_STEMMERS = "sumy.nlp.stemmers"


def null_stemmer(object) -> str:
    """sumy's ``null_stemmer``: the word in lower case."""
    from sumy._compat import to_unicode

    return to_unicode(object).lower()


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


def _stemmers() -> types.ModuleType:
    """A ``sumy.nlp.stemmers`` with only ``null_stemmer``."""
    stand_in = types.ModuleType(_STEMMERS, "digest's stand-in for sumy's stemmers while its summarizers load")
    stand_in.null_stemmer = null_stemmer
    return stand_in


@contextmanager
def _standing_in(stand_ins: dict[str, types.ModuleType]) -> Iterator[None]:
    """Imports inside see these stand-ins for the modules not loaded yet; afterwards they are out
    of ``sys.modules`` and of their parent package, so a later import gets the real module."""
    stand_ins = {name: module for name, module in stand_ins.items() if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if getattr(sys.modules.get(parent), child, None) is stand_in:
                delattr(sys.modules[parent], child)


# sumy.utils imports requests and pycountry's ``languages`` at its top, only for functions digest never calls
with _standing_in({_STEMMERS: _stemmers(), "requests": _Later("requests"), "pycountry": _Later("pycountry", ("languages",))}):
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer as SumyTextRank


class TextRankSummarizer(SumyTextRank):
    """sumy's TextRank, with the similarity matrix made for all pairs at once (see above)."""

    def _create_matrix(self, document):
        """sumy's matrix: ``weights[i, j]`` = the words of ``i`` counted in ``j`` (each occurrence
        in ``i`` once) over the sum of the logs of their lengths; 0 when they share none; the count
        itself when both are one word long (sumy's ``numpy.isclose(norm, 0.)``: ``|norm| <= 1e-08``).
        Then made stochastic and damped, as sumy does."""
        import numpy

        sentences_as_words = [self._to_words_set(sent) for sent in document.sentences]
        sentences_count = len(sentences_as_words)
        vocabulary: dict[str, int] = {}
        rows = [[vocabulary.setdefault(w, len(vocabulary)) for w in words] for words in sentences_as_words]
        counts = numpy.zeros((sentences_count, len(vocabulary)), dtype=numpy.int64)
        for i, row in enumerate(rows):
            numpy.add.at(counts[i], row, 1)
        shared = counts @ counts.T  # sum(words_j.count(w) for w in words_i), exact in integers
        logs = numpy.array([math.log(len(words)) if words else 0.0 for words in sentences_as_words])
        norm = logs[:, numpy.newaxis] + logs[numpy.newaxis, :]
        with numpy.errstate(divide="ignore", invalid="ignore"):
            weights = numpy.where(numpy.abs(norm) <= 1e-08, shared.astype(numpy.float64), shared / norm)

        weights /= (weights.sum(axis=1)[:, numpy.newaxis] + self._ZERO_DIVISION_PREVENTION)
        return numpy.full((sentences_count, sentences_count), (1.-self.damping) / sentences_count) \
            + self.damping * weights

__all__ = ["EdmundsonSummarizer", "KLSummarizer", "LexRankSummarizer", "LsaSummarizer", "LuhnSummarizer",
           "ObjectDocumentModel", "Paragraph", "SumBasicSummarizer", "SumySentence", "TextRankSummarizer"]
