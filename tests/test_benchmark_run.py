"""benchmarks/run.py on 200 articles: the report has the shape the README's table is made from.

No timing is asserted (speed goals live in benchmarks/, measured on a quiet machine)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_select import DATA

STAGES = ["collect", "relevance", "dedup", "themes", "consensus", "render", "write"]


def test_the_benchmark_reports_every_stage_the_floor_and_a_fitting_issue(tmp_path):
    if not (DATA / "bbc_topics").is_dir():
        pytest.skip(f"no shared data at {DATA} (set DIGEST_DATA)")
    out = tmp_path / "report.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--articles", "200", "--data", str(DATA),
               "--json", str(out), "--rerun", "0.01", "--keep", str(tmp_path / "work")]
    shell = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp_path / "work" / "pycache")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=shell)  # the child drops both
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    report = json.loads(out.read_text())
    assert report["articles"] == 200 and report["mix"] == "on-topic" and report["stories"] > 30
    assert report["floor"]["articles"] == 200 and report["floor"]["sentences"] > 200 * 15
    first, rerun = report["runs"]
    assert first["issue"] and first["exit"] == 0 and 1 < first["html_kb"] < 102
    assert [s["name"] for s in first["stages"]] == STAGES
    assert all(s["wall"] >= 0 and s["cpu"] >= 0 and s["peak_mb"] > 10 for s in first["stages"])
    assert first["stages"][0]["items"] == 200 and first["ratio_to_floor"] > 0 and first["articles_per_s"] > 0
    assert 0 < rerun["outside_stages"]["cpu"] < rerun["cpu"] and "outside" in done.stdout
    assert rerun["articles"] == 202 and rerun["issue"] and 0 < rerun["share_of_first"] and 0 < rerun["cpu_share_of_first"]
    assert report["bytecode"] and list((ROOT / "digest" / "__pycache__").glob("pipeline.*.pyc"))
    assert not (tmp_path / "work" / "pycache").exists()  # no prefix: the libraries' own bytecode is used
    assert "200 articles" in done.stdout and "relevance" in done.stdout
    assert first["summary"][0].startswith("Read 200 articles · ") and " listed) · " in first["summary"][0]
