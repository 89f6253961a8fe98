"""The lead story: the most-reported story, summarised without repeating the themes."""

from digest.config import DedupSettings, SummarySettings
from digest.summary.lead import lead_story, pick_story
from digest.models import Origin, Story, ThemeSection, Theme
from digest.summary.themes import build_sections
from digest.stories.dedup import group
from tests.conftest import make_article


def story(key: str, origins: int, copies: int = 0) -> Story:
    built = tuple(Origin(f"{key}{n}", (make_article(location=f"{key}{n}.txt"),) * (1 + (copies if n == 0 else 0)))
                  for n in range(origins))
    return Story(key, key, built)


def test_most_independent_sources_then_articles_then_first():
    assert pick_story([story("a", 2), story("b", 3), story("c", 3)]).id == "b"
    assert pick_story([story("a", 2, copies=5), story("b", 3)]).id == "b"  # copies do not outvote origins
    assert pick_story([story("a", 2), story("b", 2, copies=1)]).id == "b"
    assert pick_story([]) is None


def test_seed_lead_is_verbatim_short_and_new_to_the_reader(seed_articles):
    settings = SummarySettings()
    stories = group(seed_articles, DedupSettings())
    themes = [Theme("vfx", "VFX", phrases=("VFX", "visual effects", "scene")),
              Theme("ads", "Ads", phrases=("ads", "advertising"))]
    sections = build_sections(stories, themes, settings)
    lead = lead_story(stories, sections, settings)
    texts = {a.id: a.text for a in seed_articles}
    assert lead.story_id == stories[0].id and 1 <= len(lead.sentences) <= 3
    assert sum(len(s.text.split()) for s in lead.sentences) <= 70
    assert all(s.text in texts[s.article_id] for s in (*lead.sentences, lead.why_it_matters))
    shown = {s.text for section in sections for s in (*section.sentences, section.why_it_matters) if s}
    assert not shown & {s.text for s in (*lead.sentences, lead.why_it_matters)}
    empty = lead_story(stories, [ThemeSection(Theme("x", "X"), ())], settings)
    assert empty.sentences and lead_story([], sections, settings) is None
