"""Long work shows its progress: one log line per stage off a terminal, and --timings as JSON."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timezone

from digest.config import load
from digest.stories import features
from digest.pipeline import compose_issue, find_stories
from digest.progress import PARTS, Progress, Stage
from digest.sources import judging
from tests.conftest import ROOT, SEEDS
from tests.test_cli import digest
from tests.test_work import week_of

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)

STAGES = ["collect", "relevance", "dedup", "themes", "consensus", "render", "write"]


def test_a_run_off_a_terminal_logs_one_line_per_stage_and_writes_its_timings(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text().replace("path: seeds", f"path: {SEEDS}"), encoding="utf-8")
    timings = tmp_path / "timings.json"
    result = digest("run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00", "--timings", str(timings))
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if "digest.progress" in ln]
    assert [ln.split(": ")[1].split()[0] for ln in lines] == STAGES
    assert "relevance: 5 items in " in result.stderr and " s (CPU " in result.stderr
    recorded = json.loads(timings.read_text())
    assert [t["name"] for t in recorded] == STAGES and recorded[0]["items"] == 5
    assert all(t["wall"] >= 0 and t["peak_mb"] > 0 for t in recorded)


def test_a_live_display_records_the_same_stages(capsys):
    progress = Progress(live=True)
    with progress.stage("relevance", 3) as stage:
        for _ in range(3):
            stage.tick(1)
    with progress.stage("collect", 0) as stage:
        stage.items = 7
    assert [(t.name, t.items) for t in progress.timings()] == [("relevance", 3), ("collect", 7)]
    assert "relevance" in capsys.readouterr().err


class Counted(Progress):
    """A live Progress whose display counts the ticks of each stage instead of drawing a bar."""

    def __init__(self):
        super().__init__(live=True)
        self.ticks: dict[str, list[int]] = {}

    @contextmanager
    def _display(self, name, total):
        self.ticks[name] = []
        yield self.ticks[name].append


def test_parts_are_even_and_only_on_a_live_display():
    assert Stage(print, 10, live=False).parts(list(range(1000)), 10) == [list(range(1000))]
    live = Stage(print, 10, live=True)
    assert [len(p) for p in live.parts(list(range(1000)), 400)] == [500, 500]
    assert [len(p) for p in live.parts(list(range(1000)), 10)] == [50] * PARTS
    assert live.parts([1, 2], 10) == [[1, 2]]


def test_long_stages_tick_as_their_work_is_done(seed_articles, monkeypatch):
    monkeypatch.setattr(judging, "POOL_MIN", 20)  # parts of 20 articles: 5 ticks for 100
    monkeypatch.setattr(features, "POOL_MIN", 20)
    config = load(ROOT / "config.yaml")
    articles = week_of(seed_articles, 100)
    progress = Counted()
    week = find_stories(articles, config, progress=progress)
    quiet = find_stories(articles, config)
    assert week.stories == quiet.stories and week.judged == quiet.judged  # ticking changes nothing found
    assert progress.ticks["relevance"] == [20] * 5
    assert len(progress.ticks["dedup"]) == len(week.articles) // 20 and sum(progress.ticks["dedup"]) == len(week.articles)
    compose_issue(week, config, NOW, progress=progress)
    assert sum(progress.ticks["consensus"]) == min(len(week.stories), config.summary.max_stories)
