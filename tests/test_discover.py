"""Discovered themes: stories no configured theme fits get a theme labelled from their key terms."""

from __future__ import annotations

import pytest

from digest.config import SummarySettings
from digest.summary.discover import discover
from digest.models import Origin, Story
from digest.text.words import STOP_WORDS
from digest.summary.summarize import eligible
from digest.summary.themes import build_sections
from digest.text.words import light_stem
from tests.conftest import make_article
from tests.test_themes import DEFAULT_THEMES

AUDIOBOOKS = [
    "Audible said on Tuesday that publishers can now turn titles into audiobooks read by synthetic voices.",
    "The audiobooks use voices licensed from professional narrators, who are paid for each title.",
    "Audible expects thousands of synthetic audiobooks in its catalogue by the end of the year.",
    "Narrators have asked Audible to label every audiobook read by a synthetic voice.",
]
AUDIOBOOKS_AGAIN = [
    "Publishers welcomed the synthetic audiobooks, which cost a fraction of a studio recording.",
    "Some narrators fear the synthetic voices will take work from them within a few years.",
    "Audible said listeners will be told when an audiobook uses a synthetic voice.",
]


def story(name: str, *articles) -> Story:
    return Story(name, name, tuple(Origin(a.id, (a,)) for a in articles))


@pytest.fixture(scope="module")
def stories(seed_articles):
    audio = make_article(location="audio.txt", title="Audible turns to synthetic narrators", text="\n".join(AUDIOBOOKS))
    again = make_article(location="audio2.txt", title="Synthetic audiobooks", text="\n".join(AUDIOBOOKS_AGAIN))
    return [story("netflix", *seed_articles), story("audible", audio), story("audible-again", again)]


def test_a_story_no_theme_fits_gets_a_theme_labelled_from_its_key_terms(stories):
    sections = build_sections(stories, DEFAULT_THEMES, SummarySettings())
    configured = [s.theme.slug for s in sections if not s.theme.slug.startswith("discovered-")]
    found = [s for s in sections if s.theme.slug.startswith("discovered-")]
    assert len(configured) == 4 and len(found) == 1  # both audiobook stories share their key terms
    section = found[0]
    assert section.theme.name in ("Audiobooks & Synthetic", "Synthetic & Audiobooks", "Audible & Synthetic",
                                  "Synthetic & Audible", "Audiobooks & Audible", "Audible & Audiobooks")
    assert set(section.story_ids) <= {"audible", "audible-again"} and section.story_ids
    texts = {s.text for s in section.sentences}
    assert texts <= set(AUDIOBOOKS + AUDIOBOOKS_AGAIN)
    assert all(reason.startswith("score") for reason in section.reasons)


def test_the_seed_story_fits_the_configured_themes(seed_articles):
    sections = build_sections([story("netflix", *seed_articles)], DEFAULT_THEMES, SummarySettings())
    assert not any(s.theme.slug.startswith("discovered-") for s in sections)


def test_discovery_can_be_switched_off(stories):
    sections = build_sections(stories, DEFAULT_THEMES, SummarySettings(discover_themes=False))
    assert not any(s.theme.slug.startswith("discovered-") for s in sections)


def test_stories_without_shared_terms_get_separate_themes():
    games = make_article(location="games.txt", text="\n".join([
        "Ubisoft showed a prototype in which game characters answer players in unscripted dialogue.",
        "The prototype characters remember earlier conversations with players across a whole game.",
        "Ubisoft said the dialogue prototype would not ship in a game before next year.",
    ]))
    audio = make_article(location="audio.txt", text="\n".join(AUDIOBOOKS))
    found = discover([story("games", games), story("audio", audio)], set(), eligible, light_stem, STOP_WORDS)
    assert len(found) == 2
    labels = [theme.name for theme, _ in found]
    assert any("Ubisoft" in label or "Prototype" in label or "Game" in label for label in labels)
    for theme, candidates in found:
        assert candidates and all(terms and set(terms) <= set(theme.phrases) for terms in candidates.values())


def test_theme_and_story_limits_hold(stories):
    capped = build_sections(stories, DEFAULT_THEMES, SummarySettings(max_themes=2, max_stories_per_theme=1))
    assert [s.theme.slug for s in capped] == [t.slug for t in DEFAULT_THEMES[:2]]
    found = build_sections(stories, DEFAULT_THEMES[:1], SummarySettings(max_stories_per_theme=1))
    discovered = [s for s in found if s.theme.slug.startswith("discovered-")]
    assert discovered and all(len(s.story_ids) == 1 for s in found)


GERMAN = [
    "Der Sender sagte, dass der Vertrag für die KI-Stimmen der Sprecher bis 2027 läuft.",
    "Die Sprecher kritisieren, dass der Vertrag die Rechte an der eigenen Stimme nicht schützt.",
    "Der Verband der Sprecher fordert, dass der Sender die Stimmen nur mit Zustimmung nutzt.",
    "Nach Angaben der Gewerkschaft haben mehr als hundert Sprecher den Brief an den Sender unterschrieben.",
]


def test_a_theme_in_another_language_is_not_named_after_its_stop_words():
    from digest.text.language import stop_words

    german = make_article(location="sprecher.txt", title="Sprecher gegen KI-Stimmen", text="\n".join(GERMAN))
    found = discover([story("sprecher", german)], set(), lambda s: True, light_stem, STOP_WORDS)
    (theme, _), = found
    named = theme.name.lower().split(" & ")
    assert not set(named) & stop_words("de"), theme.name
    assert set(named) <= {"sprecher", "sender", "vertrag", "stimmen"}, theme.name


def test_a_sentence_that_cannot_stand_alone_is_no_candidate_of_a_discovered_theme():
    """Discovery reads each story's eligible sentences from its Reading (``themes.read_story``): a
    question about the same terms is no candidate, the statements are."""
    from digest.summary.themes import discovered, read_stories

    question = "Will synthetic audiobooks from Audible replace the narrators?"
    audio = make_article(location="audio.txt", title="Audible", text="\n".join([*AUDIOBOOKS, question]))
    again = make_article(location="audio2.txt", title="Audiobooks", text="\n".join(AUDIOBOOKS_AGAIN))
    found = [story("audible", audio), story("audible-again", again)]
    candidates = {m.sentence.text for _, matches in discovered(found, set(), read_stories(found, DEFAULT_THEMES))
                  for m in matches}
    assert candidates & set(AUDIOBOOKS) and question not in candidates
