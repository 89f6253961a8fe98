"""The editor's corrections file: read, checked with one-line errors, written atomically, and each
correction honoured by the same build (``pipeline.build_digest``) that ``digest run`` uses."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from digest import corrections
from digest.config import load as load_config
from digest.corrections import Corrections, Move, Ref, WeekCorrections
from digest.email.render import render
from digest.errors import ConfigError, DigestError
from digest.notes import editor_notes
from digest.pipeline import build_digest, find_stories
from digest.stories import again
from digest.tally import tally
from digest.work import WorkCache
from tests.conftest import ROOT, make_article

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)
SPOTIFY = make_article(location="spotify.txt", title="Spotify tests AI playlists", text=(
    "Spotify said its generative AI playlist tool reached 10 million music listeners in July.\n"
    "The streaming company will expand the AI DJ feature to 50 markets, which signals a shift in music discovery.\n"
    "Revenue from the feature grew in the quarter."))
OFF_TOPIC = make_article(location="hospital.txt", title="Hospital budgets",
                         text="The hospital board approved a new budget for radiology.\nNurses will get new schedules.")


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config.yaml")


@pytest.fixture(scope="module")
def articles(seed_articles):
    return [*seed_articles, SPOTIFY, OFF_TOPIC]


def build(articles, config, fix=None):
    return build_digest(articles, config, NOW, corrections=fix)


def test_no_corrections_is_the_machine_issue(articles, config):
    plain = build(articles, config)
    assert build(articles, config, WeekCorrections()) == plain
    assert len(plain.stories) == 2 and plain.lead.story_id == plain.stories[0].id and plain.problems == ()


def test_each_correction_changes_the_issue(articles, config):
    plain = build(articles, config)
    netflix, spotify = plain.stories
    fix = WeekCorrections(
        subject="Netflix's AI week", exclude_stories=(Ref(article=netflix.articles[1].id),),
        feature=(Ref(article=OFF_TOPIC.id),), lead=Ref(article=SPOTIFY.id),
        move=(Move(article=SPOTIFY.id, theme="Labor & Ethics"),))
    fixed = build(articles, config, fix)
    assert sorted(s.title for s in fixed.stories) == [OFF_TOPIC.title, spotify.title]
    assert fixed.lead.story_id == spotify.id and fixed.problems == ()
    labor = next(s for s in fixed.sections if s.theme.slug == "labor-ethics")
    assert labor.story_ids == (spotify.id,) and "moved by the editor" in labor.reasons[0]
    assert render(fixed, config.email).subject == "Netflix's AI week"
    assert next(r for r in fixed.relevance if r.article_id == OFF_TOPIC.id).included
    assert fixed.excluded == {a.id: f"{a.location}: in the story the editor excluded ({netflix.title})"
                              for a in netflix.articles}
    counts = tally(articles, articles, fixed)
    assert counts.excluded == len(netflix.articles) and counts.already_sent == 0 and counts.adds_up, counts


def test_excluding_an_article_and_dropping_a_fact(articles, config):
    plain = build(articles, config)
    line = plain.facts[0].text
    fixed = build(articles, config, WeekCorrections(exclude_articles=(Ref(article=SPOTIFY.id),),
                                                    drop_facts=(f"  {line.upper()} ",)))
    assert SPOTIFY.id not in {a.id for a in fixed.articles}
    assert line not in [f.text for f in fixed.facts] and len(fixed.facts) == len(plain.facts) - 1


def test_an_excluded_article_goes_with_its_syndicated_copies_and_is_accounted_for(articles, config):
    reprint = make_article(location="wire/spotify.txt", title="Spotify tests AI playlists (wire)", outlet="Wire",
                           text="\n".join(b.text for b in SPOTIFY.blocks))
    plain = build([*articles, reprint], config)
    spotify = next(s for s in plain.stories if SPOTIFY.id in {a.id for a in s.articles})
    assert reprint.id in {a.id for a in spotify.origins[0].articles}  # grouped as its copy
    fix = WeekCorrections(exclude_articles=(Ref(article=SPOTIFY.id),))
    fixed = build([*articles, reprint], config, fix)
    assert not {SPOTIFY.id, reprint.id} & {a.id for s in (*fixed.stories, *fixed.more) for a in s.articles}
    assert fixed.excluded == {SPOTIFY.id: "spotify.txt: excluded by the editor",
                              reprint.id: "wire/spotify.txt: a copy of spotify.txt, which the editor excluded"}
    counts = tally([*articles, reprint], [*articles, reprint], fixed)
    assert counts.excluded == 2 and counts.already_sent == 0 and counts.adds_up, counts
    assert "2 excluded by the editor" in counts.line()
    assert "- wire/spotify.txt: a copy of spotify.txt, which the editor excluded" in editor_notes(fixed, counts)
    both = build([*articles, reprint], config, WeekCorrections(exclude_articles=(Ref(article=reprint.id),
                                                                             Ref(article=SPOTIFY.id))))
    assert both.excluded == {SPOTIFY.id: "spotify.txt: excluded by the editor",  # each excluded one says so
                             reprint.id: "wire/spotify.txt: excluded by the editor"}


def test_excluding_one_source_of_a_story_keeps_the_others(articles, config):
    plain = build(articles, config)
    netflix = plain.stories[0]
    gone = netflix.origins[-1]
    fixed = build(articles, config, WeekCorrections(exclude_articles=(Ref(article=gone.lead.id),)))
    story = next(s for s in fixed.stories if netflix.origins[0].lead.id in {a.id for a in s.articles})
    assert story.origins == netflix.origins[:-1] and story.id != netflix.id
    assert all(gone.lead.id not in (m.left, m.right) for m in story.merges)
    assert all(gone.lead.id not in f.origin_ids and gone.id not in f.origin_ids for f in fixed.facts)
    assert tally(articles, articles, fixed).excluded == len(gone.articles)


def test_a_story_that_loses_its_lead_is_named_as_grouping_the_rest_names_it(articles, config):
    netflix = build(articles, config).stories[0]
    gone = next(o for o in netflix.origins if o.lead.title == netflix.title)
    fixed = build(articles, config, WeekCorrections(exclude_articles=(Ref(article=gone.lead.id),)))
    rest = tuple(o for o in netflix.origins if o != gone)
    story = next(s for s in fixed.stories if s.origins == rest)
    regrouped = next(s for s in build([a for a in articles if a not in gone.articles], config).stories
                     if s.origins == rest)
    assert story.title != netflix.title and (story.id, story.title) == (regrouped.id, regrouped.title)


def test_an_exclusion_leaves_the_weeks_dedup_state_as_it_was(articles, config, tmp_path):
    """Exclusions come after grouping: toggling one re-uses the week's kept state and rewrites nothing."""
    config = config.model_copy(update={"store": tmp_path / "s.sqlite"})
    key = again.state_key(config.dedup)
    with WorkCache(config.store, NOW) as cache:
        plain = find_stories(articles, config, cache=cache)
        state = cache.get(again.KIND, [key])[key]
    with WorkCache(config.store, NOW) as cache:
        fixed = find_stories(articles, config, cache=cache, fix=WeekCorrections(exclude_articles=(Ref(article=SPOTIFY.id),)))
        assert cache.get(again.KIND, [key])[key] == state and fixed.grouped == plain.grouped != fixed.stories


def test_a_correction_that_matches_nothing_is_a_problem(articles, config):
    fix = WeekCorrections(exclude_stories=(Ref(article="0000", title="Gone"),), drop_facts=("no such line",),
                          move=(Move(article=SPOTIFY.id, theme="Astrology"),))
    problems = [str(p) for p in build(articles, config, fix).problems]
    assert len(problems) == 3 and "exclude_stories: no article 0000 (Gone)" in problems[0]
    assert "no theme 'Astrology'" in problems[1] and "no consensus line 'no such line'" in problems[2]


def test_file_round_trip_is_readable_and_atomic(tmp_path):
    path = tmp_path / "corrections.yaml"
    assert corrections.load(path) == Corrections()  # no file: no corrections
    book = Corrections().with_week("2025-W29", WeekCorrections(subject="S", exclude_stories=(Ref(article="ab", title="T"),)))
    corrections.save(path, book)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Editor's corrections") and "2025-W29:\n  subject: S\n  exclude_stories:\n" in text
    assert corrections.load(path) == book and list(tmp_path.iterdir()) == [path]
    corrections.save(path, book.with_week("2025-W29", WeekCorrections()))  # undoing the last one empties the week
    assert corrections.load(path) == Corrections()


@pytest.mark.parametrize("text, message", [
    ("2025-W29:\n  exclude_story: [ab]\n", "corrections.yaml: 2025-W29.exclude_story: unknown key"),
    ("2025-W99:\n  subject: x\n", "corrections.yaml: 2025-W99: "),
    ("2025-W29:\n  subject: [a\n", "corrections.yaml:3: not valid YAML"),
    ("2025-W29:\n  lead: {title: no id}\n", "corrections.yaml: 2025-W29.lead.article: Field required"),
    ("- a list\n", "expected ISO weeks"),
])
def test_a_bad_file_gets_one_line_errors(tmp_path, text, message):
    path = tmp_path / "corrections.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        corrections.load(path)
    assert any(message in line and "\n" not in line for line in caught.value.lines), caught.value.lines


def test_each_desk_action_has_an_undo():
    from digest.desk.actions import change

    forms = [{"action": "exclude_stories", "article": "a1", "title": "T"}, {"action": "feature", "article": "a2"},
             {"action": "exclude_articles", "article": "a3"}, {"action": "lead", "article": "a4"},
             {"action": "move", "article": "a5", "theme": "Business"}, {"action": "drop_facts", "text": " a  line "},
             {"action": "subject", "text": "New subject"}]
    undos = [{"key": "exclude_stories", "article": "a1"}, {"key": "feature", "article": "a2"},
             {"key": "exclude_articles", "article": "a3"}, {"key": "lead"}, {"key": "move", "article": "a5"},
             {"key": "drop_facts", "text": "a line"}, {"key": "subject"}]
    week = WeekCorrections()
    for form in forms:
        week = change(form)[0](week)
    assert week == WeekCorrections(
        subject="New subject", exclude_articles=(Ref(article="a3"),), exclude_stories=(Ref(article="a1", title="T"),),
        feature=(Ref(article="a2"),), lead=Ref(article="a4"), move=(Move(article="a5", theme="Business"),),
        drop_facts=("a line",))
    assert change(forms[0])[0](week) == week  # the same exclusion twice is one entry
    for undo in undos:
        week = change({"action": "undo", **undo})[0](week)
    assert week.is_empty()
    with pytest.raises(DigestError, match="unknown or incomplete correction"):
        change({"action": "exclude_stories"})
