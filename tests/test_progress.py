"""Long work shows its progress: one log line per stage off a terminal, and --timings as JSON."""

from __future__ import annotations

import json

from digest.progress import Progress
from tests.conftest import ROOT, SEEDS
from tests.test_cli import digest

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
