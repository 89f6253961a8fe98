"""`digest run` killed at several points, and two runs at once, in real processes."""

from __future__ import annotations

import json
import marshal
import os
import signal
import sqlite3
import subprocess
import sys

import feedparser

from digest.errors import BusyError
from digest.files import sha256_file
from digest.store import Store
from tests.conftest import ROOT, SEEDS
from tests.test_cli import command, digest

NOW = "2025-07-20T08:00:00+00:00"


def _config(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nstore: digest.sqlite\n", encoding="utf-8")
    return config


def _paused_run(config, point: str, *extra: str, resume=None):
    """A `digest run` stopped at the named checkpoint (it holds the lock there)."""
    env = os.environ | {"PYTHONPATH": str(ROOT), "DIGEST_PAUSE_AT": point}
    if resume:
        env["DIGEST_RESUME_FILE"] = str(resume)
    process = subprocess.Popen([sys.executable, "-m", "digest", "run", "--config", str(config), "--now", NOW, *extra],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = process.stderr.readline()
    while " digest.progress: " in line:  # the stages done before the point, one log line each
        line = process.stderr.readline()
    assert line.strip() == f"paused at {point}", line
    return process


def _complete(tmp_path, week="2025-W29"):
    """One complete issue: its files match the store's record, the archive lists it, the store is sound."""
    with sqlite3.connect(tmp_path / "digest.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 1
    with Store(tmp_path / "digest.sqlite") as store:
        record = store.issue(week)
        assert record and record["stories"] >= 1 and store.featured(week)
    folder = tmp_path / "out" / week
    assert sha256_file(folder / "digest.html") == record["html_sha256"]
    assert sha256_file(folder / "digest.txt") == record["text_sha256"]
    assert json.loads((folder / "issue.json").read_text(encoding="utf-8"))["week"] == week
    feed = feedparser.parse((tmp_path / "out" / "archive" / "feed.atom").read_bytes())
    assert [e.link.rstrip("/").rsplit("/", 1)[1] for e in feed.entries] == [week]
    assert not list(tmp_path.rglob("*.part")), "no temporary file is left behind"
    return record


def _kill_at(config, capsys, point: str, *extra: str) -> None:
    """SIGKILL a run at ``point``; ``digest status`` then reports the build as killed (exit 1)."""
    victim = _paused_run(config, point, *extra)
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait() == -signal.SIGKILL
    code, out, _ = command(capsys, "status", "--config", str(config), "--json", "--now", "2025-07-14T08:00:00+00:00")
    assert json.loads(out)["last_build"]["result"] == "killed" and code == 1, point


def test_runs_killed_at_each_point_leave_a_consistent_store_and_the_next_run_completes_the_week(tmp_path, capsys):
    """Killed after collecting, between two issue files, after the files but before the store's record;
    then a rebuild killed between two files and one killed mid-archive (after the record)."""
    config = _config(tmp_path)
    for point in ("collected", "files", "written"):
        _kill_at(config, capsys, point)
    again = digest("run", "--config", str(config), "--now", NOW)
    assert again.returncode == 0, again.stderr
    before = _complete(tmp_path)
    assert command(capsys, "status", "--config", str(config), "--now", "2025-07-14T08:00:00+00:00")[0] == 0

    _kill_at(config, capsys, "files", "--force")  # a rebuild with a new clock: the .eml will differ
    _kill_at(config, capsys, "archive", "--force")
    again = digest("run", "--config", str(config), "--now", NOW)
    assert again.returncode == 0, again.stderr
    after = _complete(tmp_path)
    assert after["fingerprint"] == before["fingerprint"]
    assert command(capsys, "status", "--config", str(config), "--now", "2025-07-14T08:00:00+00:00")[0] == 0


def test_a_run_killed_after_the_folder_cache_kept_its_files_but_before_the_store_kept_them(tmp_path, capsys):
    """The folder cache keeps each file's Article and store hash, the store the Article too: killed at
    "written" (the cache's rows are in, the store's articles not yet), the next run takes the files
    from the cache, makes the issue an unbroken run makes, and the store keeps every one of them."""
    unbroken, killed = tmp_path / "unbroken", tmp_path / "killed"
    for folder in (unbroken, killed):
        folder.mkdir()
    assert digest("run", "--config", str(_config(unbroken)), "--now", NOW).returncode == 0
    expected = _complete(unbroken)
    config = _config(killed)
    _kill_at(config, capsys, "written")
    with sqlite3.connect(killed / "digest.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM article_work WHERE kind = 'article'").fetchone()[0] >= 5
        assert db.execute("SELECT COUNT(*) FROM article_data").fetchone()[0] == 0
    again = digest("run", "--config", str(config), "--now", NOW)
    assert again.returncode == 0, again.stderr
    record = _complete(killed)
    assert (record["fingerprint"], record["html_sha256"]) == (expected["fingerprint"], expected["html_sha256"])
    with sqlite3.connect(killed / "digest.sqlite") as db:
        kept = [marshal.loads(v) for (v,) in db.execute("SELECT value FROM article_work WHERE kind = 'article'")]
        stored = dict(db.execute("SELECT id, hash FROM article_hashes"))
    assert len(kept) >= 5 and all(stored.get(record[0]) == hashed for hashed, _, record in kept)  # each kept as cached


def test_two_runs_at_once_one_runs_the_other_exits_75_with_the_message(tmp_path):
    config = _config(tmp_path)
    resume = tmp_path / "go"
    first = _paused_run(config, "collected", resume=resume)
    try:
        second = digest("run", "--config", str(config), "--now", NOW)
        assert second.returncode == BusyError.exit_code == 75
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"busy: digest run (pid {first.pid}, since ")
        assert "this run did not start (nothing was changed)" in lines[0]
        json_run = digest("--log-format", "json", "run", "--config", str(config), "--now", NOW)
        line = json.loads(json_run.stderr)
        assert json_run.returncode == 75 and line["kind"] == "busy" and line["exit_code"] == 75
    finally:
        resume.touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert out.startswith("Read 5 articles")
    _complete(tmp_path)
    with Store(tmp_path / "digest.sqlite") as store:
        runs = store._db.execute("SELECT result FROM runs WHERE kind = 'build'").fetchall()
    assert runs == [("ok",)]  # the refused runs never started: no record, nothing changed


def test_json_logs_are_one_object_a_line_and_quiet_prints_nothing_when_all_is_well(tmp_path):
    config = _config(tmp_path)
    quiet = digest("--quiet", "run", "--config", str(config), "--now", NOW)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    again = digest("--log-format", "json", "run", "--config", str(config), "--now", NOW)
    lines = [json.loads(line) for line in again.stderr.splitlines()]
    assert again.returncode == 0 and lines and all({"time", "level", "logger", "message"} <= e.keys() for e in lines)
    assert any("unchanged since" in e["message"] and e["level"] == "info" for e in lines)
    bad = digest("--log-format", "json", "run", "--config", str(tmp_path / "nothing.yaml"))
    line = json.loads(bad.stderr)
    assert bad.returncode == 2 and line["kind"] == "config" and "file not found" in line["message"]
