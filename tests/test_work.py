"""Per-article work: assessed once (in worker processes for a big week), kept, and redone only when it changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from digest.config import load
from digest.models import Block
from digest.pipeline import run_issue
from digest.sources import judging
from digest.sources.relevance import judge_all
from digest.work import WorkCache
from tests.conftest import ROOT, make_article

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)


def week_of(seed_articles, count: int):
    """``count`` different articles made of the seeds' paragraphs, on topic and off."""
    paragraphs = [b.text for a in seed_articles for b in a.blocks if b.kind == "paragraph"]
    made = []
    for n in range(count):
        chosen = [paragraphs[(n * 7 + k * 3) % len(paragraphs)] for k in range(n % 4 + 1)]
        if n % 5 == 0:
            chosen = ["The football league game ended late.", "Fans sang songs after the match."]
        made.append(make_article(text="\n".join(chosen), location=f"week/{n}.txt", title=f"Story {n}"))
    return made


def test_worker_processes_give_exactly_what_one_process_gives(seed_articles):
    articles = week_of(seed_articles, judging.POOL_MIN + 10)
    topic = load(ROOT / "config.yaml").topic
    pooled, new, keys = judging.judge_many(articles, topic, processes=2)
    assert pooled == judge_all(articles, topic)
    assert len(new) == len(set(keys.values())) and {r.featured for r in pooled.values()} == {True, False}


def test_kept_assessments_are_used_and_only_new_articles_are_assessed(seed_articles):
    articles = week_of(seed_articles, 30)
    topic = load(ROOT / "config.yaml").topic
    first, kept, keys = judging.judge_many(articles, topic, processes=1)
    changed = replace(articles[3], blocks=(*articles[3].blocks, Block("paragraph", "A new paragraph on AI dubbing.")))
    again, new, _ = judging.judge_many([*articles[:3], changed, *articles[4:]], topic, kept, processes=1)
    assert list(new) == [judging.work_key(changed, judging.fingerprint(topic))]
    assert {k: again[k] for k in first if k != changed.id} == {k: v for k, v in first.items() if k != changed.id}
    other = topic.model_copy(update={"exclusions": ["sponsored content", "dubbing"]})
    assert judging.work_key(articles[0], judging.fingerprint(other)) != keys[articles[0].id]


def test_a_second_run_reads_the_store_and_gives_the_same_issue(tmp_path):
    config = load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "s.sqlite", "output": tmp_path / "o"})
    first = run_issue(config, NOW)
    with WorkCache(config.store, NOW) as cache:
        assert cache.count("relevance") == 5
    again = run_issue(config.model_copy(update={"output": tmp_path / "o2"}), NOW)
    assert again.digest.relevance == first.digest.relevance and again.email.html == first.email.html
