"""Cross-source evidence: support (what other articles also say) and shared bigram concepts."""

from __future__ import annotations

from digest.config import SummarySettings
from digest.models import Sentence
from digest.summary.salience import bigrams, concepts, content_stems, support
from digest.summary.summarize import summarize, sumy_order

SHARED = "Netflix used generative AI to finish a building collapse scene ten times faster."
SOLO = "Critics in Madrid praised the soundtrack of the Argentine series on Monday evening."


def sentence(text: str, article: str, index: int = 0) -> Sentence:
    return Sentence(text, article, 0, index)


def test_support_counts_other_articles_not_sentences():
    pool = [
        sentence(SHARED, "a"),
        sentence(SOLO, "a", 1),
        sentence("Netflix finished the building collapse scene with generative AI.", "b"),
        sentence("A building collapse scene was done with generative AI by Netflix.", "c"),
    ]
    scores = support(pool)
    assert scores[0] > 0.5 > scores[1]
    assert scores[1] == 0.0  # nobody else mentions Madrid, critics or the soundtrack
    copies = [sentence(SOLO, "a"), sentence(SOLO + " Really.", "a", 1)]
    assert support(copies) == [0.0, 0.0]  # one article repeating itself is one source


def test_concepts_are_bigrams_of_more_than_one_article():
    pool = [sentence(SHARED, "a"), sentence("Netflix said the building collapse took a week.", "b"),
            sentence("The building collapse was shown again.", "c")]
    weights = concepts(pool)
    assert weights[("build", "collaps")] == 2.0  # in three articles: two others back each
    assert ("generat", "ai") not in weights and ("generative", "ai") not in weights
    assert ("of", "the") not in bigrams("one of the best")
    assert content_stems("The scenes were finished") == frozenset({"scene", "finish"})


def test_a_fact_several_sources_state_beats_one_only_its_outlet_states():
    pool = [
        sentence("Critics in Madrid praised the soundtrack of the Argentine series on Monday.", "a"),
        sentence("The soundtrack of the Argentine series was praised by critics in Madrid.", "a", 1),
        sentence("Netflix finished a building collapse scene ten times faster with AI.", "b"),
        sentence("A building collapse scene was finished ten times faster by Netflix with AI.", "c"),
    ]
    assert sumy_order(pool, "textrank")[0] == 0  # TextRank alone would open with outlet a's soundtrack
    summary = summarize(pool, SummarySettings(max_sentences=1))
    assert [s.article_id for s in summary] in (["b"], ["c"])
