"""The summarisers' stemmer is NLTK's English Snowball without importing NLTK (text/words.py,
summary/rankers.py): the same stems, and a run that summarises loads neither NLTK nor scipy.stats."""

from __future__ import annotations

import json
import subprocess
import sys

from nltk.stem.snowball import EnglishStemmer

from digest.text.sentences import words
from digest.text.words import stem
from tests.conftest import ROOT, SEEDS

# Where NLTK's code departs from the Snowball algorithm (text/words.py): NLTK's stem, then ours.
DEPARTURES = {"realization": ("realize", "realiz"), "sensationalism": ("sensate", "sensat"),
              "X-rated": ("x-rat", "x-rate"), "Zelizer": ("zelize", "zeliz")}


def _vocabulary() -> set[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures" / "relevance").rglob("*"))
              if p.is_file()]
    found = {w for text in texts for w in words(text)}
    curly = {w.replace("'", "’") for w in found if "'" in w} | {"‘Twas", "Y’all", "’s", "a’", "Ab", "skies", "inning"}
    return found | {w.upper() for w in found} | curly


def test_stems_are_nltks_on_every_word_of_the_seeds_and_the_relevance_set():
    nltk = EnglishStemmer().stem
    vocabulary = _vocabulary()
    assert len(vocabulary) > 5000
    assert [(w, nltk(w), stem(w)) for w in sorted(vocabulary) if nltk(w) != stem(w)] == []
    assert stem("Organizations") == stem("organization") == "organ" and stem("films’") == "film"


def test_nltk_departs_from_snowball_only_where_documented():
    nltk = EnglishStemmer().stem
    assert {w: (nltk(w), stem(w)) for w in DEPARTURES} == DEPARTURES
    assert stem("realize") == stem("realization") and stem("rated") == "rate"


_SUMMARISE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from digest.config import SummarySettings
from digest.sources import read_folder
from digest.summary.summarize import summarize_articles
from digest.summary import themes
articles, _ = read_folder(Path(sys.argv[1]) / "seeds", source="seeds")
made = [len(summarize_articles(articles, SummarySettings(algorithm=a))) for a in sys.argv[2:]]
loaded = sorted(m for m in ("nltk", "scipy.stats", "sklearn", "sumy.nlp.stemmers", "requests", "pycountry")
                if m in sys.modules)
import sumy.nlp.stemmers
real = hasattr(sumy.nlp.stemmers, "Stemmer") and sumy.nlp.stemmers.Stemmer("english")("running") == "run"
import sumy.utils  # its requests and pycountry are stand-ins that import the real ones when used
later = [sumy.utils.normalize_language("de"), "pycountry" in sys.modules]
import requests
later += [sumy.utils.requests.get is requests.get, type(sys.modules["requests"]).__name__]
print(json.dumps([made, loaded, real, later]))
"""


def test_summarising_loads_neither_nltk_nor_scipy_stats_nor_requests_and_sumy_keeps_its_modules():
    algorithms = ["textrank"]  # rankers.py imports every summarizer at once
    done = subprocess.run([sys.executable, "-c", _SUMMARISE, str(ROOT), *algorithms], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made, loaded, real, later = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(made) == len(algorithms) and all(made)
    assert loaded == []  # sumy's summarizers came without sumy.nlp.stemmers (NLTK, scipy.stats, sklearn), requests, pycountry
    assert real  # imported afterwards, sumy's own module: the stand-in is gone
    assert later == ["german", True, True, "module"]  # sumy.utils' names reach the real modules, once used


def test_the_stem_caches_are_bounded():
    from digest.text.words import light_stem, stem

    for cached in (light_stem, stem):
        for number in range(cached.cache_info().maxsize + 1000):
            cached(f"word{number}s")
        assert cached.cache_info().currsize == cached.cache_info().maxsize


def test_the_compiled_stemmer_gives_the_pure_python_snowball_stems():
    """``stem`` uses PyStemmer (C, ~80x faster), which must give the pure-Python Snowball 2.2 stems
    (the algorithm the NLTK comparison above was made with): a PyStemmer 3 (revised English) would
    not, and this keeps the pin below 3 honest."""
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer as PureSnowball

    pure, compiled = PureSnowball().stemWord, Stemmer.Stemmer("english").stemWord
    vocabulary = sorted({w.lower() for w in _vocabulary()})
    assert len(vocabulary) > 3000
    assert [(w, pure(w), compiled(w)) for w in vocabulary if pure(w) != compiled(w)] == []
