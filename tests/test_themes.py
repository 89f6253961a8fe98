"""Theme sections from the seeds: sentence-level facets, verbatim, disjoint, within budget."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.config import SummarySettings
from digest.models import Block, Origin, Story, Theme
from digest.text.sentences import words
from digest.summary.summarize import content_stems, dangling, eligible, near_repeat
from digest.summary.themes import assign, build_sections, why_it_matters
from digest.text.words import light_stem
from tests.conftest import make_article

DEFAULT_THEMES = [
    Theme("production-vfx", "Production & VFX", phrases=(
        "visual effects", "VFX", "production", "scene", "footage", "de-aging", "pre-visualization", "shot",
        "filming", "animation", "special effects")),
    Theme("advertising-personalization", "Advertising & Personalization", phrases=(
        "ads", "advertising", "interactive ads", "personalization", "recommendations", "search", "targeting")),
    Theme("business", "Business", phrases=(
        "revenue", "profit", "earnings", "quarter", "growth", "investors", "subscribers", "billion", "forecast")),
    Theme("labor-ethics", "Labor & Ethics", phrases=(
        "jobs", "unions", "strike", "SAG-AFTRA", "WGA", "artists", "workers", "ethics", "copyright", "consent",
        "deepfakes", "likeness", "labor", "displacement")),
]
SETTINGS = SummarySettings()


def one_story_each(articles) -> list[Story]:
    return [Story(f"story-{a.id}", a.title, (Origin(a.id, (a,)),)) for a in articles]


@pytest.fixture(scope="module")
def stories(seed_articles):
    return one_story_each(seed_articles)


@pytest.fixture(scope="module")
def sections(stories):
    return build_sections(stories, DEFAULT_THEMES, SETTINGS)


def shown(section):
    return section.sentences + ((section.why_it_matters,) if section.why_it_matters else ())


def test_at_least_three_themes_have_a_summary(sections):
    assert len(sections) >= 3
    assert all(section.sentences for section in sections)


def test_sections_follow_config_order(sections):
    order = [t.slug for t in DEFAULT_THEMES]
    slugs = [s.theme.slug for s in sections]
    assert slugs == sorted(slugs, key=order.index)


def test_every_sentence_is_verbatim_from_an_existing_article(sections, seed_articles):
    by_id = {a.id: a for a in seed_articles}
    for section in sections:
        for sentence in shown(section):
            block = by_id[sentence.article_id].blocks[sentence.block]
            assert block.kind in ("paragraph", "bullet")
            assert sentence.text in block.text


def test_no_sentence_is_in_two_sections(sections):
    texts = [s.text for section in sections for s in shown(section)]
    assert len(texts) == len(set(texts))


def test_no_near_repeats_within_a_summary(sections):
    for section in sections:
        stems = [content_stems(s.text) for s in section.sentences]
        for i, first in enumerate(stems):
            assert not any(near_repeat(first, second, SETTINGS.redundancy) for second in stems[i + 1 :])


def test_word_budgets_and_sentence_caps_hold(sections):
    for section in sections:
        assert sum(len(words(s.text)) for s in section.sentences) <= SETTINGS.words_per_theme
        assert len(section.sentences) <= SETTINGS.max_sentences


@pytest.mark.parametrize("budget", [20, 40, 70])
def test_smaller_budgets_hold(stories, budget):
    settings = SummarySettings(words_per_theme=budget, max_sentences=2)
    sections = build_sections(stories, DEFAULT_THEMES, settings)
    assert sections
    for section in sections:
        assert sum(len(words(s.text)) for s in section.sentences) <= budget
        assert len(section.sentences) <= 2


def test_no_slogan_heading_question_or_cut_sentence(sections, seed_articles):
    headings = {b.text for a in seed_articles for b in a.blocks if b.kind == "heading"}
    assert {"Verdict:", "Final words"} <= headings
    for section in sections:
        for sentence in shown(section):
            text = sentence.text
            assert "PAKISTAN ZINDABAD" not in text
            assert text not in headings and not text.startswith(("Verdict", "Final words"))
            assert "?" not in text
            assert "How Netflix is Using GenAI in Other Places" not in text
            assert text.rstrip("”’\"')").endswith((".", "!"))


def test_summary_sentences_stand_alone(sections):
    for section in sections:
        for i, sentence in enumerate(section.sentences):
            previous = section.sentences[i - 1] if i else None
            follows = previous and previous.article_id == sentence.article_id and previous.index == sentence.index - 1
            assert eligible(sentence)
            assert follows or not dangling(sentence)


def test_why_it_matters_is_a_standalone_consequence_outside_every_summary(sections):
    summaries = {s for section in sections for s in section.sentences}
    whys = [section.why_it_matters for section in sections if section.why_it_matters]
    assert whys
    cues = {light_stem(w) for w in ("means", "signals", "could", "marks", "shift", "threatens", "redefine")}
    for why in whys:
        assert why not in summaries and not dangling(why)
        assert cues & {light_stem(w) for w in words(why.text)}


def test_story_ids_name_the_stories_quoted(sections, stories):
    owner = {a.id: story.id for story in stories for a in story.articles}
    for section in sections:
        assert section.story_ids == tuple(sorted({owner[s.article_id] for s in shown(section)},
                                                 key=[st.id for st in stories].index))


def test_one_story_of_five_origins_gives_one_story_id(seed_articles):
    story = Story("all", "Netflix and GenAI", tuple(Origin(a.id, (a,)) for a in seed_articles))
    sections = build_sections([story], DEFAULT_THEMES, SETTINGS)
    assert len(sections) >= 3
    assert all(section.story_ids == ("all",) for section in sections)


def test_sections_are_deterministic(stories, sections):
    assert build_sections(stories, DEFAULT_THEMES, SETTINGS) == sections


def test_themes_are_facets_of_one_article(seed_articles):
    article = next(a for a in seed_articles if any("SAG-AFTRA" in b.text for b in a.blocks) and
                   any("interactive ads" in b.text for b in a.blocks))
    sections = build_sections(one_story_each([article]), DEFAULT_THEMES, SETTINGS)
    assert len(sections) >= 3  # one article, several facets


def test_empty_themes_are_omitted(stories):
    themes = DEFAULT_THEMES + [Theme("physics", "Physics", phrases=("quantum chromodynamics",))]
    assert "physics" not in [s.theme.slug for s in build_sections(stories, themes, SETTINGS)]


def test_each_sentence_goes_to_its_best_theme_once(stories):
    matches = assign(stories, DEFAULT_THEMES)
    assert len({(m.sentence.article_id, m.sentence.index) for m in matches}) == len(matches)
    workflows = next(m for m in matches if m.sentence.text.startswith("The acceleration of VFX workflows"))
    assert workflows.theme == "labor-ethics"  # its paragraph and heading speak of labor, unions, jobs
    assert "labor" in workflows.context


def test_a_tie_goes_to_the_theme_listed_first():
    article = make_article(text="The studio shot the scene and cut jobs in the same week of work.")
    themes = [Theme("first", "First", phrases=("scene",)), Theme("second", "Second", phrases=("jobs",))]
    (match,) = assign(one_story_each([article]), themes)
    assert match.theme == "first" and match.phrases == ("scene",)
    (match,) = assign(one_story_each([article]), list(reversed(themes)))
    assert match.theme == "second"


def test_phrases_match_inflections_but_not_lookalikes():
    article = make_article(text=(
        "Leveraged AI tools helped de-age the actors in the opening of the film.\n"
        "The studio added features like smarter color grading for every release."
    ))
    themes = [Theme("vfx", "VFX", phrases=("de-aging",)), Theme("ethics", "Ethics", phrases=("likeness",))]
    matches = assign(one_story_each([article]), themes)
    assert [(m.theme, m.sentence.index) for m in matches] == [("vfx", 0)]


def test_a_heading_gives_context_to_the_sentences_under_it():
    article = make_article(blocks=(
        Block("heading", "Labor and the unions"),
        Block("paragraph", "Many performers signed a new contract with the studios this spring."),
    ))
    (match,) = assign(one_story_each([article]), [Theme("labor", "Labor", phrases=("labor", "unions"))])
    assert match.phrases == () and match.context == ("labor", "unions")


def test_why_it_matters_is_none_without_a_cue():
    article = make_article(text="Netflix opened a studio in Madrid for the animation team.\n"
                                "The animation team moved into the studio in May of this year.")
    matches = assign(one_story_each([article]), [Theme("anim", "Animation", phrases=("animation",))])
    assert matches and why_it_matters(matches, set()) is None


def test_a_sentence_copied_into_another_story_is_used_once():
    text = "Netflix signed a new deal with its studio partners this spring."
    labor = make_article(location="a.txt", blocks=(Block("heading", "Unions and jobs"), Block("paragraph", text)))
    ads = make_article(location="b.txt", blocks=(Block("heading", "Ads and search"), Block("paragraph", text)))
    themes = [Theme("labor", "Labor", phrases=("unions", "jobs")), Theme("ads", "Ads", phrases=("ads", "search"))]
    sections = build_sections(one_story_each([labor, ads]), themes, SETTINGS)
    assert [s.theme.slug for s in sections] == ["labor"]
    assert [s.text for s in sections[0].sentences] == [text]


def test_every_summary_sentence_says_why_it_is_in_its_theme(seed_articles):
    from digest.config import SummarySettings
    from digest.stories.dedup import group
    from digest.config import DedupSettings
    from digest.summary.themes import build_sections

    sections = build_sections(group(seed_articles, DedupSettings()), DEFAULT_THEMES, SummarySettings())
    assert sections
    for section in sections:
        assert len(section.reasons) == len(section.sentences)
        phrases = {p.lower() for p in section.theme.phrases}
        for reason in section.reasons:
            named = reason.split("(", 1)[1].rstrip(")").replace("in it: ", "").replace("around it: ", "")
            assert any(p.strip().lower() in phrases for part in named.split(";") for p in part.split(","))


_VOCABULARY = ["Netflix", "studio", "scene", "ads", "unions", "revenue", "artists", "footage", "quarter",
               "search", "jobs", "growth", "consent", "viewers", "series", "deal", "audiobooks", "narrators"]


@st.composite
def random_stories(draw):
    stories = []
    for number in range(draw(st.integers(1, 3))):
        articles = []
        for copy in range(draw(st.integers(1, 2))):
            lines = [
                "The " + " ".join(draw(st.lists(st.sampled_from(_VOCABULARY), min_size=5, max_size=18))) + "."
                for _ in range(draw(st.integers(1, 6)))
            ]
            articles.append(make_article(location=f"{number}-{copy}.txt", text="\n".join(lines)))
        stories.append(Story(f"story-{number}", "t", tuple(Origin(a.id, (a,)) for a in articles)))
    return stories


@settings(max_examples=40, deadline=None)
@given(random_stories(), st.integers(20, 120), st.integers(1, 4), st.integers(1, 5))
def test_random_sections_are_verbatim_linked_unrepeated_and_within_limits(stories, budget, count, themes):
    config = SummarySettings(words_per_theme=budget, max_sentences=count, max_themes=themes)
    sections = build_sections(stories, DEFAULT_THEMES, config)
    articles = {a.id: a for story in stories for a in story.articles}
    owner = {a.id: story.id for story in stories for a in story.articles}
    assert len(sections) <= themes
    seen = []
    for section in sections:
        assert sum(len(words(s.text)) for s in section.sentences) <= budget and len(section.sentences) <= count
        for sentence in shown(section):
            assert sentence.text in articles[sentence.article_id].blocks[sentence.block].text
            assert owner[sentence.article_id] in section.story_ids
            seen.append(sentence.text)
        stems = [content_stems(s.text) for s in section.sentences]
        for i, first in enumerate(stems):
            assert not any(near_repeat(first, second, config.redundancy) for second in stems[i + 1 :])
    assert len(seen) == len(set(seen))
