"""The featured stories' work is done once: facts per story and sections per selection, within a
run (``render_fitting`` featuring fewer stories) and between runs (the store's work cache)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import replace
from datetime import datetime, timezone

import pytest


from digest.config import load
from digest.email import render
from digest.facts import consensus, paraphrase
from digest import issue_work
from digest.issue_work import IssueWork
from digest.models import Block, Origin, Story
from digest.pipeline import Week, compose_issue, published_dates, render_fitting, run_issue
from digest.summary import themes
from digest.work import WorkCache
from tests.conftest import ROOT

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)


def config_in(tmp_path, **summary):
    config = load(ROOT / "config.yaml")
    return config.model_copy(update={"store": tmp_path / "s.sqlite", "output": tmp_path / "o",
                                     "summary": config.summary.model_copy(update=summary)})


def week_of(seed_articles) -> Week:
    """Three stories told by three of the five seed outlets each (different sets, so different facts)."""
    picks = [(0, 1, 2), (1, 3, 4), (0, 2, 4)]
    stories = tuple(Story(f"story-{n}", seed_articles[chosen[0]].title,
                          tuple(Origin(f"origin-{n}-{i}", (seed_articles[i],)) for i in chosen))
                    for n, chosen in enumerate(picks))
    articles = tuple(seed_articles)
    return Week(articles, {}, stories, (), articles, stories)


def test_a_smaller_selection_reuses_every_storys_facts(seed_articles, tmp_path):
    config, week = config_in(tmp_path), week_of(seed_articles)
    work = IssueWork(config, published_dates(week))
    three = compose_issue(week, config, NOW, count=3, work=work)
    two = compose_issue(week, config, NOW, count=2, work=work)
    assert _counts(work.computed) == {"facts": 3, "sections": 2, "readings": 3} and not work.kept  # each story read once
    encoder = paraphrase.load(config.consensus, os.environ).encoder  # as IssueWork computes them
    expected = [f for s in two.stories for f in consensus.find_facts(s, config.consensus, published_dates(week), encoder=encoder)]
    assert list(two.facts) == expected and len(three.stories) == 3
    assert two.sections == themes.build_sections(two.stories, config.theme_list, config.summary)


def test_boxes_computed_by_the_worker_pool_are_the_ones_computed_here(seed_articles, tmp_path, monkeypatch):
    """Four stories or more go to forked workers: the same boxes, in story order, none computed here."""
    config = config_in(tmp_path)
    picks = [(0, 1, 2), (1, 3, 4), (0, 2, 4), (0, 3), (2, 3, 4)]
    stories = [Story(f"story-{n}", seed_articles[c[0]].title, tuple(Origin(f"o-{n}-{i}", (seed_articles[i],)) for i in c))
               for n, c in enumerate(picks)]
    published = {a.id: a.published for a in seed_articles}
    environ = {"DIGEST_PARAPHRASE": "1"}  # a box loads the matcher (``paraphrase._LOADED``) where it is computed
    ticks = []
    monkeypatch.setattr(paraphrase, "_LOADED", {})  # this process has loaded no matcher yet
    pooled = issue_work._boxes(stories, config.consensus, published, environ, ticks.append, processes=2)
    assert paraphrase._LOADED == {} and issue_work._job == ()  # the workers computed them; the pool let go of its job
    here = [issue_work._box(n, (stories, config.consensus, published, environ)) for n in range(len(stories))]
    assert paraphrase._LOADED  # computing a box here loads the matcher here: the check above can fail
    assert pooled == here and len(ticks) == len(stories) and len({len(b) for b in here}) > 1


def test_render_fitting_features_fewer_stories_without_computing_facts_again(seed_articles, tmp_path, monkeypatch):
    config, week = config_in(tmp_path, max_stories=3), week_of(seed_articles)
    small = render.render(compose_issue(week, config, NOW, count=2), config.email)
    size = len(small.html.encode())
    monkeypatch.setattr(render, "CLIP_BYTES", size + 1)  # three stories pass the clip, two fit
    monkeypatch.setattr(render, "WARN_BYTES", size)
    work = IssueWork(config, published_dates(week))
    digest, email = render_fitting(week, config, NOW, work=work)
    assert len(digest.stories) == 2 and email.html == small.html
    assert _counts(work.computed) == {"facts": 3, "sections": 2, "readings": 3}


def test_a_rerun_reads_the_featured_work_and_gives_the_same_issue(tmp_path):
    config = config_in(tmp_path)
    first = run_issue(config, NOW)
    assert _counts(first.work.computed) == {"facts": 1, "sections": 1, "readings": 1} and not first.work.kept
    second = run_issue(config, NOW, force=True)
    assert second.work.kept == {"facts": 1, "sections": 1} and not second.work.computed  # neither read nor summarised
    assert second.email.html == first.email.html and second.digest.facts == first.digest.facts
    assert second.digest.sections == first.digest.sections and second.digest.lead == first.digest.lead


def _counts(counter) -> dict[str, int]:
    """The counts but the summaries' (how many summaries a selection makes is the seeds' business)."""
    return {kind: n for kind, n in counter.items() if kind != "summaries"}


def test_a_new_selection_reads_only_its_new_story_and_summarises_only_what_changed(seed_articles, tmp_path,
                                                                                   monkeypatch):
    """A re-run whose new articles bring a story into the featured ones: the stories featured before
    are not read again (not by the themes, not by the lead), and summaries whose candidates did not
    change are not made again."""
    from digest.summary import lead as lead_module
    from digest.summary.lead import lead_story

    config, week = config_in(tmp_path), week_of(seed_articles)
    two, three, last = week.stories[:2], week.stories, week.stories[-1].id
    with WorkCache(config.store, NOW) as cache:
        work = IssueWork(config, published_dates(week), cache)
        work.sections(two, {}, None)
        work.keep()
    read, split = [], []
    real_read, real_split = themes.read_story, lead_module.article_sentences
    with monkeypatch.context() as patched:
        patched.setattr(themes, "read_story", lambda story, *rest: read.append(story.id) or real_read(story, *rest))
        patched.setattr(lead_module, "article_sentences", lambda article: split.append(article.id) or real_split(article))
        with WorkCache(config.store, NOW) as cache:
            work = IssueWork(config, published_dates(week), cache)
            sections, lead = work.sections(three, {}, None)
            work.keep()
    assert (work.kept["readings"], work.computed["readings"]) == (2, 1)
    assert read == [last] and split == []
    assert sections == themes.build_sections(three, config.theme_list, config.summary)
    assert lead == lead_story(three, sections, config.summary) and lead.story_id != last
    with WorkCache(config.store, NOW) as cache:  # the same stories, another lead: only the lead is summarised
        work = IssueWork(config, published_dates(week), cache)
        pinned = work.sections(three, {}, last)
    assert pinned[0] == sections and pinned[1] == lead_story(three, sections, config.summary, last)
    assert work.kept["readings"] == 3 and work.computed["summaries"] == 1
    assert work.kept["summaries"] == len(sections) > 1


def test_only_a_changed_story_is_computed_again(seed_articles, tmp_path):
    config, week = config_in(tmp_path), week_of(seed_articles)
    with WorkCache(config.store, NOW) as cache:
        work = IssueWork(config, published_dates(week), cache)
        before = work.facts(week.stories)
        work.keep()
    changed = replace(seed_articles[3], blocks=(*seed_articles[3].blocks, Block("paragraph", "Netflix said 40 shows use AI.")))
    stories = tuple(replace(s, origins=tuple(replace(o, articles=tuple(changed if a.id == changed.id else a
                                                                        for a in o.articles)) for o in s.origins))
                    for s in week.stories)
    with WorkCache(config.store, NOW) as cache:
        work = IssueWork(config, published_dates(week), cache)
        assert work.facts(week.stories) == before and work.computed["facts"] == 0
        work.facts(stories)
    assert work.computed["facts"] == 1 and work.kept["facts"] == 3  # story-1 holds seed 3
    stricter = config.model_copy(update={"consensus": config.consensus.model_copy(update={"max_facts": 2})})
    with WorkCache(config.store, NOW) as cache:
        work = IssueWork(stricter, published_dates(week), cache)
        assert all(len(work.facts([s])) <= 2 for s in week.stories) and work.computed["facts"] == 3


def test_boxes_paired_by_another_matcher_are_computed_again(seed_articles, tmp_path):
    """The statement matcher (``paraphrase.identity``) is part of a box's key: boxes kept with the
    model are not read by a run with it switched off, and are read again with it on."""
    config, week = config_in(tmp_path), week_of(seed_articles)
    model, words = {"DIGEST_PARAPHRASE": "1"}, {"DIGEST_PARAPHRASE": "0"}
    assert paraphrase.identity(config.consensus, model) != "words"  # the model is installed: two keys
    for environ, computed, kept in ((model, 3, 0), (words, 3, 0), (model, 0, 3)):
        with WorkCache(config.store, NOW) as cache:
            work = IssueWork(config, published_dates(week), cache, environ)
            work.facts(week.stories)
            work.keep()
        assert (work.computed["facts"], work.kept["facts"]) == (computed, kept), environ


def test_a_damaged_row_is_computed_again_with_a_warning(seed_articles, tmp_path, caplog):
    config, week = config_in(tmp_path), week_of(seed_articles)
    with WorkCache(config.store, NOW) as cache:
        work = IssueWork(config, published_dates(week), cache)
        facts = work.facts(week.stories)
        work.keep()
    with sqlite3.connect(config.store) as db:
        db.execute("UPDATE article_work SET value = '[{\"status\": 3}]' WHERE kind = 'facts'")
    with caplog.at_level(logging.WARNING), WorkCache(config.store, NOW) as cache:
        work = IssueWork(config, published_dates(week), cache)
        assert work.facts(week.stories) == facts
    assert work.computed["facts"] == 3 and "unreadable, computed again" in caplog.text


def test_a_change_to_the_code_behind_a_value_makes_a_new_key(tmp_path, monkeypatch):
    from digest import issue_work

    package = tmp_path / "digest"
    shutil.copytree(ROOT / "digest" / "facts", package / "facts")
    shutil.copytree(ROOT / "digest" / "summary", package / "summary")
    shutil.copytree(ROOT / "digest" / "text", package / "text")
    shutil.copy(ROOT / "digest" / "models.py", package / "models.py")
    monkeypatch.setattr(issue_work, "PACKAGE", package)
    issue_work.code_print.cache_clear()
    facts, sections = issue_work.code_print("facts"), issue_work.code_print("sections")
    with (package / "facts" / "consensus.py").open("a") as file:
        file.write("# a changed rule\n")
    issue_work.code_print.cache_clear()
    assert issue_work.code_print("facts") != facts and issue_work.code_print("sections") == sections
    issue_work.code_print.cache_clear()


def test_kept_values_are_rebuilt_as_the_dataclasses_they_were(seed_articles, tmp_path):
    """What ``keep`` writes (JSON) reads back as equal values of the same types, None and empty
    fields included; a value of another shape is refused, not rebuilt into something else."""
    import json

    config, week = config_in(tmp_path), week_of(seed_articles)
    work = IssueWork(config, published_dates(week))
    facts = work.facts(week.stories)
    sections, lead = work.sections(week.stories, {}, None)
    assert facts and any(f.values for f in facts) and lead is not None
    for shape, value in ((issue_work.Facts, facts), (issue_work.Composition, (sections, lead)),
                         (issue_work.Composition, (sections, None))):
        stored = json.loads(json.dumps(issue_work._plain(value)))
        assert repr(issue_work._reader(shape)(stored)) == repr(value)
    read = issue_work._reader(issue_work.Facts)
    wrong = json.loads(json.dumps(issue_work._plain(facts)))
    for damage in ({"status": "agreed"}, {"total": "3"}, {"origin_ids": "abc"}):
        with pytest.raises((KeyError, TypeError, ValueError)):
            read([{**wrong[0], **damage}])


def test_a_storys_print_is_the_same_with_or_without_the_hashes_known(seed_articles):
    from digest.store import article_hash

    story = week_of(seed_articles).stories[0]
    articles = [a for o in story.origins for a in o.articles]
    published = {a.id: a.published for a in articles}
    known = {id(a): (a, article_hash(a)) for a in articles}
    assert issue_work.story_print(story, published, known) == issue_work.story_print(story, published)
    wrong = {id(articles[0]): (articles[0], "0" * 32)}
    assert issue_work.story_print(story, published, wrong) != issue_work.story_print(story, published)
    later = {**published, articles[0].id: NOW}
    assert issue_work.story_print(story, later) != issue_work.story_print(story, published)


def test_library_versions_are_the_installed_ones():
    from importlib import metadata

    for name in (*issue_work._LIBRARIES["facts"], *issue_work._LIBRARIES["sections"], "jinja2", "charset-normalizer"):
        assert issue_work.library_version(name) == metadata.version(name)
        assert issue_work._dist_info_versions()[issue_work._normal(name)] == metadata.version(name)  # from the folder name
    assert issue_work.library_version("no-such-library-here") is None
