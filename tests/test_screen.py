"""The relevance screen (digest/sources/screen.py): an article some concept group is missing from
gets exactly the full scorer's score and reason, and only the paragraphs whose sentence cuts decide
that reason are split into sentences."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from digest.config import load
from digest.sources import relevance, screen
from tests.conftest import ROOT, make_article

TOPIC = relevance.compile_topic(load(ROOT / "config.yaml").topic)


@pytest.fixture
def splits(monkeypatch) -> list[str]:
    """The texts the screen splits into sentences."""
    seen: list[str] = []
    real = screen.split
    monkeypatch.setattr(screen, "split", lambda text: seen.append(text) or real(text))
    return seen


def test_only_a_paragraph_naming_a_term_in_two_sentences_is_split(splits):
    one = "The film opened on Monday, and the film sold out by noon."
    two = "The film was long. Critics said the film was good."
    article = make_article(title="Weather this week", text=f"Rain fell. Wind blew.\nIt rained.\n{one}\n{two}")
    found = relevance.assess(article, TOPIC)
    assert splits == [two]  # the lead holds no term, the one-sentence paragraph is one unit
    assert found == relevance.full(article, TOPIC) == (0.0, "no AI concept; entertainment: 3 body ('film' ×4)")


def test_the_lead_is_split_when_it_names_a_term_or_an_exclusion(splits):
    article = make_article(title="Weather", text="The film was long. It rained.\nThe film was shown.\nMore rain.")
    found = relevance.assess(article, TOPIC)
    assert splits == ["The film was long. It rained."]
    assert found == relevance.full(article, TOPIC) == (0.0, "no AI concept; entertainment: lead, body ('film' ×2)")
    splits.clear()
    alone = make_article(title="Weather", text="The film was long. It rained.\nMore rain.\nThe film was shown.")
    found = relevance.assess(alone, TOPIC)
    assert splits == []  # the lead's terms sit before its second possible end: one lead unit
    assert found == relevance.full(alone, TOPIC) == (0.0, "no AI concept; entertainment: lead, body ('film' ×2)")
    excluded = make_article(title="Stars", text="Rain fell.\nYour horoscope for the film week. It rained.\nFilm.")
    assert relevance.assess(excluded, TOPIC) == relevance.full(excluded, TOPIC) == (0.0, "excluded: 'horoscope' in lead")


def test_a_term_that_may_sit_in_a_run_in_label_is_split(splits):
    """The splitter cuts "Film & Music:" off the sentence: those terms are in no unit."""
    article = make_article(title="Weather", text="Rain.\nIt rained.\nFilm & Music: The rain went on and on all day.")
    found = relevance.assess(article, TOPIC)
    assert splits == ["Film & Music: The rain went on and on all day."]
    assert found == relevance.full(article, TOPIC) == (0.0, "no AI concept; no entertainment concept")
    splits.clear()
    said = make_article(title="Weather", text="Rain.\nIt rained.\nThe mayor, who was at the film, said: Rain.")
    found = relevance.assess(said, TOPIC)
    assert splits == []  # a colon after more than five words starts no label: one unit
    assert found == relevance.full(said, TOPIC)


def test_every_labelled_article_gets_the_full_scorers_score_and_reason():
    spec = importlib.util.spec_from_file_location("relevance_eval", ROOT / "benchmarks" / "relevance_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    articles = [item.article for item in module.load_items()]
    screened = [a for a in articles if screen.quiet(a, screen.Text(a), TOPIC) is not None]
    assert len(screened) >= 150
    assert [relevance.assess(a, TOPIC) for a in screened] == [relevance.full(a, TOPIC) for a in screened]
