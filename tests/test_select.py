"""The editor's selection: the most important stories featured, facts only for them, the rest listed."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest.config import FolderSource, Sources, load
from digest.email.render import CLIP_BYTES
from digest.models import Origin, Story
from digest.pipeline import run_issue
from digest.stories.select import ranked, select
from tests.conftest import ROOT, make_article

DATA = Path(os.environ.get("DIGEST_DATA", ROOT.parent.parent / "shared" / "data"))
if not (DATA / "bbc_topics").is_dir():
    DATA = Path("/work/shared/data")
NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)


def story(name: str, origins: int, days_old: float = 1.0, follow_up: str = "") -> Story:
    published = NOW - timedelta(days=days_old)
    made = tuple(Origin(f"{name}{i}", (make_article(text=f"{name} {i} text.", location=f"{name}/{i}",
                                                     published=published),)) for i in range(origins))
    return Story(name, name, made, follow_up=follow_up)


def test_more_independent_sources_rank_first_then_follow_ups_then_the_newest():
    stories = [story("old3", 3, days_old=5), story("new2", 2, days_old=1), story("new3", 3, days_old=1),
               story("follow2", 2, days_old=4, follow_up="first covered in issue 1")]
    assert [s.id for s in ranked(stories)] == ["new3", "old3", "follow2", "new2"]


def test_featured_stories_keep_their_order_and_the_rest_are_listed_by_importance():
    stories = [story("a", 1), story("b", 4), story("c", 2), story("d", 3)]
    featured, more = select(stories, 2)
    assert [s.id for s in featured] == ["b", "d"]
    assert [s.id for s in more] == ["c", "a"]
    assert select(stories, 10) == (tuple(stories), ())


@pytest.fixture(scope="module")
def busy_week(tmp_path_factory) -> Path:
    if not (DATA / "bbc_topics").is_dir():
        pytest.skip(f"no shared data at {DATA} (set DIGEST_DATA)")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import corpus

    folder = tmp_path_factory.mktemp("busy") / "corpus"
    corpus.build(DATA, folder, 120, "on-topic", seed=5)
    return folder


def config_for(folder: Path, tmp_path: Path, **summary):
    config = load(ROOT / "config.yaml")
    settings = config.summary.model_copy(update=summary)
    sources = Sources(folders=[FolderSource(path=folder, name="busy")], feeds=[])
    return config.model_copy(update={"store": tmp_path / "s.sqlite", "output": tmp_path / "out", "summary": settings,
                                     "sources": sources})


def test_a_busy_week_features_max_stories_and_lists_the_others(busy_week, tmp_path):
    result = run_issue(config_for(busy_week, tmp_path, max_stories=4), NOW)
    digest = result.digest
    assert len(digest.stories) == 4 and len(digest.more) > 20
    featured = {o.id for s in digest.stories for o in s.origins}
    assert digest.facts and {o for f in digest.facts for o in f.origin_ids} <= featured  # facts only for these
    assert not featured & {o.id for s in digest.more for o in s.origins}
    line = f"{len(digest.more)} more stories this week"
    assert line in result.email.text and line in result.email.html
    page = (result.folder / "more.html").read_text(encoding="utf-8")
    assert page.count("<li>") == len(digest.more) and digest.more[0].title.split()[0] in page
    assert result.tally.adds_up and result.tally.listed == sum(len(s.articles) for s in digest.more)
    assert "in stories listed, not featured" in result.tally.line() and not result.tally.already_sent
    notes = (result.folder / "notes.txt").read_text(encoding="utf-8")
    assert all(f"- {s.title} (" in notes for s in digest.more)


def test_an_issue_too_big_for_gmail_features_fewer_stories_until_it_fits(busy_week, tmp_path, caplog):
    result = run_issue(config_for(busy_week, tmp_path, max_stories=20), NOW)
    assert len(result.email.html.encode("utf-8")) < CLIP_BYTES
    assert "Gmail clips" in caplog.text and "featuring 13 stories instead of 20" in caplog.text
    assert result.digest.stories and result.digest.more
