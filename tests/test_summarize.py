"""Extractive summaries: filters, redundancy, budgets, order, the candidate cap, every algorithm."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.config import SummarySettings
from digest.models import Sentence
from digest.text.sentences import article_sentences, words
from digest.summary.summarize import (
    content_stems,
    dangling,
    eligible,
    near_repeat,
    reading_order,
    shortlist,
    summarize,
    summarize_articles,
    sumy_order,
)
from tests.conftest import ROOT, make_article

ALGORITHMS = get_args(SummarySettings.model_fields["algorithm"].annotation)


def sentence(text: str, article: str = "a", index: int = 0, block: int = 0) -> Sentence:
    return Sentence(text, article, block, index)


@pytest.mark.parametrize(
    "text",
    [
        "Will the soul of storytelling change now that technology does the work?",
        "“Is this it?” the director asked the crew on the set.",
        "How Netflix is Using GenAI in Other Places",
        "In Q2 2025, Netflix reported robust growth:",
        "Netflix reported growth.",  # too short to carry a statement
        "By John Smith and Jane Doe, Reuters staff writers in Los Angeles.",
        "Click here to read the full interview with the director.",
        "Netflix used AI in a series\nand finished the scene faster.",
        "Netflix’s AI Strategy Boosting Creativity Not Replacing Human Artists.",
        "As a subscriber, this huge change makes me think about the future.",
        "These images were sent straight to your screen by the studio.",
        "A scene was finished faster — and maybe even…",
        "“Happy Gilmore 2”: Leveraged AI to de-age characters in the film’s opening scene.",
        "“The Eternaut” (Argentina): Used AI-generated footage to depict a collapse.",
    ],
)
def test_ineligible_sentences(text):
    assert not eligible(sentence(text))


@pytest.mark.parametrize(
    "text",
    [
        "A scene involving a building collapse was completed using AI-based tools.",
        "By lowering the barriers to visual effects, AI opens the door to new creators.",
        "“We’re all in on AI,” Sarandos said, “but not for novelty’s sake.”",
        "Netflix plans to roll out interactive ads in the second half of 2025!",
        "Sarandos said the scene “was done ten times faster than usual.”",
        "Netflix co-CEO: Ted Sarandos said the scene was finished faster.",
    ],
)
def test_eligible_sentences(text):
    assert eligible(sentence(text))


@pytest.mark.parametrize(
    "text, leans",
    [
        ("However, the studio denied the report on Tuesday.", True),
        ("It’s a milestone for the entire industry and its artists.", True),
        ("This marks a major shift toward AI-assisted production.", True),
        ("If executed well, this could redefine how users see ads.", True),
        ("“This is real people doing real work with better tools,” he said.", True),
        ("“AI can help creators make films and series better, not just cheaper.”", True),
        ("Netflix plans to roll out interactive ads in 2025.", False),
        ("Thistle Studios opened a new animation unit in Dublin.", False),
        ("The company isn’t trying to replace actors, writers, or directors.", False),
    ],
)
def test_dangling_openers(text, leans):
    assert dangling(sentence(text)) is leans


def test_a_dangling_sentence_comes_only_after_the_one_before_it():
    lead = sentence("Netflix finished a building collapse scene ten times faster with AI.", "a", 0)
    follow = sentence("However, the Netflix AI collapse scene cost less and looked better than before.", "a", 1)
    other = sentence("Studios elsewhere are still testing new AI tools for their films.", "b", 0)
    alone = summarize([follow, other], SummarySettings(max_sentences=2))
    assert follow not in alone and other in alone
    together = summarize([lead, follow, other], SummarySettings(max_sentences=3))
    assert together.index(follow) == together.index(lead) + 1


def test_near_repeats_from_different_sources_are_not_both_taken():
    first = sentence("Netflix used generative AI to finish a building collapse scene ten times faster.", "a")
    second = sentence("Netflix used generative AI to finish the building collapse scene ten times faster.", "b")
    third = sentence("Advertisers will get interactive formats on the streaming service next year.", "c")
    summary = summarize([first, second, third], SummarySettings(max_sentences=3))
    assert len({first, second} & set(summary)) == 1
    assert third in summary


def test_near_repeat_measure():
    long = content_stems("Netflix finished the building collapse scene ten times faster than usual VFX work.")
    part = content_stems("Netflix finished the building collapse scene ten times faster.")
    unrelated = content_stems("Unions worry about jobs and consent for actors’ likenesses.")
    assert near_repeat(long, part, 0.5)  # containment: the short one restates part of the long one
    assert not near_repeat(long, unrelated, 0.5)
    varied = content_stems("Netflix finished the building collapse scene ten times cheaper.")
    assert near_repeat(long, varied, 0.5)
    assert not near_repeat(long, varied, 0.95)  # one word of eight differs: 7/8 < (1 + 0.95) / 2


def test_word_budget_and_sentence_cap_hold(seed_articles):
    for budget in (20, 45, 110, 300):
        summary = summarize_articles(seed_articles, SummarySettings(max_sentences=5), words=budget)
        assert summary
        assert sum(len(words(s.text)) for s in summary) <= budget
        assert len(summary) <= 5


def test_summary_is_verbatim_and_in_reading_order(seed_articles):
    summary = summarize_articles(seed_articles, SummarySettings(max_sentences=6, words_per_theme=300))
    by_id = {a.id: a for a in seed_articles}
    order = [a.id for a in seed_articles]
    for s in summary:
        assert s.text in by_id[s.article_id].blocks[s.block].text
    keys = [(order.index(s.article_id), s.index) for s in summary]
    assert keys == sorted(keys)


def test_seed_summary_skips_headings_questions_and_slogans(seed_articles):
    summary = summarize_articles(seed_articles, SummarySettings(max_sentences=10, words_per_theme=600))
    texts = " ".join(s.text for s in summary)
    assert len(summary) >= 5
    for banned in ("PAKISTAN ZINDABAD", "Verdict:", "Final words", "How Netflix is Using GenAI", "?"):
        assert banned not in texts


def test_salience_moves_an_on_topic_sentence_up():
    candidates = [
        sentence("Netflix finished the collapse scene with AI ten times faster than before.", "a", 0),
        sentence("Netflix says the AI collapse scene cost less than the usual VFX work.", "a", 1),
        sentence("Unions warned that performers must consent before any AI likeness is copied.", "b", 0),
        sentence("Advertisers will get interactive AI formats on Netflix next year.", "c", 0),
    ]
    order = sumy_order(candidates, "lexrank")
    first, second = candidates[order[0]], candidates[order[1]]
    assert summarize(candidates, SummarySettings(max_sentences=1)) == (first,)
    boosted = summarize(candidates, SummarySettings(max_sentences=1), {second: 3.0, first: 1.0})
    assert boosted == (second,)


def test_the_shortlist_bounds_what_sumy_sees():
    lines = (f"Netflix studio {i} finished scene {i} with new AI tools today." for i in range(300))
    article = make_article(text="\n".join(lines))
    candidates = article_sentences(article)
    assert len(shortlist(candidates, SummarySettings(max_candidates=50), {})) == 50
    assert len(shortlist(candidates, SummarySettings(algorithm="kl", max_candidates=200), {})) == 60
    assert len(shortlist(candidates[:20], SummarySettings(max_candidates=50), {})) == 20


def test_reading_order_follows_article_order_then_position():
    a1, a0, b0 = sentence("x", "a", 1), sentence("y", "a", 0), sentence("z", "b", 0)
    assert reading_order([b0, a1, a0], [b0, a0, a1]) == (b0, a0, a1)


def test_summarize_of_nothing_usable_is_empty():
    assert summarize([sentence("Is it?"), sentence("Final words")], SummarySettings()) == ()
    assert summarize([], SummarySettings()) == ()


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_summarizes_the_seeds(seed_articles, algorithm):
    summary = summarize_articles(seed_articles, SummarySettings(algorithm=algorithm))
    assert 1 <= len(summary) <= 4
    assert sum(len(words(s.text)) for s in summary) <= 110


_OFFLINE = """
import socket, sys
from pathlib import Path
import nltk
nltk.data.path[:] = []  # no NLTK data anywhere
sys.path.insert(0, sys.argv[1])
from digest.config import SummarySettings
from digest.sources import read_folder
from digest.summary.summarize import summarize_articles
class NoNetwork(socket.socket):
    def connect(self, *args):
        raise OSError("network used")
socket.socket = NoNetwork
articles, _ = read_folder(Path(sys.argv[1]) / "seeds", source="seeds")
for algorithm in sys.argv[2:]:
    assert summarize_articles(articles, SummarySettings(algorithm=algorithm)), algorithm
print("ok", len(sys.argv) - 2)
"""


def test_every_algorithm_runs_without_nltk_data_or_network():
    done = subprocess.run(
        [sys.executable, "-c", _OFFLINE, str(ROOT), *ALGORITHMS], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ok {len(ALGORITHMS)}"


_WORDS = ["netflix", "studio", "scene", "ads", "unions", "revenue", "artists", "tools", "faster", "cost",
          "viewers", "series", "effects", "growth", "jobs", "search", "film", "actors", "deal", "quarter"]


@st.composite
def candidate_lists(draw):
    found = []
    for article in range(draw(st.integers(1, 4))):
        for _ in range(draw(st.integers(0, 8))):
            body = draw(st.lists(st.sampled_from(_WORDS), min_size=3, max_size=25))
            text = "The " + " ".join(body) + draw(st.sampled_from([".", "!", "?", ""]))
            found.append(Sentence(text, f"article-{article}", len(found), len(found)))
    return found


@settings(max_examples=60, deadline=None)
@given(
    candidate_lists(),
    st.sampled_from(ALGORITHMS),
    st.integers(20, 200),
    st.integers(1, 6),
    st.floats(0.2, 0.9),
)
def test_random_summaries_are_verbatim_within_budget_and_without_repeats(
    candidates, algorithm, budget, count, redundancy
):
    settings_ = SummarySettings(algorithm=algorithm, words_per_theme=budget, max_sentences=count, redundancy=redundancy)
    summary = summarize(candidates, settings_)
    assert set(summary) <= set(candidates)
    assert len(summary) <= count
    assert sum(len(words(s.text)) for s in summary) <= budget
    assert len({s.text for s in summary}) == len(summary)
    for i, first in enumerate(summary):
        assert eligible(first)
        for second in summary[i + 1 :]:
            assert not near_repeat(content_stems(first.text), content_stems(second.text), redundancy)


def test_textranks_matrix_and_ratings_are_sumys_bit_for_bit(seed_articles):
    """summary/rankers.py computes TextRank's similarity matrix for all pairs at once: every weight
    must be the float sumy's own pair-by-pair code gives, so the summaries stay the same."""
    from digest.summary import rankers
    from digest.summary.summarize import _document, summarizer
    from digest.text.words import STOP_WORDS, stem

    sentences = list(dict.fromkeys(s for a in seed_articles for s in article_sentences(a)))
    short = [Sentence("Netflix.", "x", 0, 0), Sentence("Netflix!", "x", 1, 1), Sentence("The.", "x", 2, 2),
             Sentence("Studios.", "x", 3, 3), Sentence("AI studios.", "x", 4, 4)]  # one word, no content word
    ours = summarizer("textrank")
    theirs = rankers.SumyTextRank(stem)
    theirs.stop_words = STOP_WORDS
    assert type(ours) is rankers.TextRankSummarizer and type(theirs) is not type(ours)
    assert "_create_matrix" in vars(rankers.TextRankSummarizer)  # the fast matrix is the one used
    for pool in (sentences, sentences[:1], sentences[:60], short, short + sentences[:30]):
        document = _document(pool)
        mine, sumys = ours._create_matrix(document), theirs._create_matrix(document)
        assert mine.shape == sumys.shape == (len(pool), len(pool)) and mine.tobytes() == sumys.tobytes()
        assert ours.rate_sentences(document) == theirs.rate_sentences(document)
