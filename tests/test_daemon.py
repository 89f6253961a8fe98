"""``digest schedule`` as systemd runs it: catch up a missed build once, log next fires, stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from digest.runs.runlog import RunLog
from digest.runs.sendable import send_check
from tests.conftest import ROOT, SEEDS


def _config(tmp_path, build: str, send_policy: str = "never"):
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nstore: digest.sqlite\nschedule:\n"
                      f"  timezone: Europe/London\n  build: \"{build}\"\n  send: \"{build}\"\n"
                      f"  send_policy: {send_policy}\n  misfire_grace_minutes: 60\n", encoding="utf-8")
    return config


def _daemon(config):
    return subprocess.Popen([sys.executable, "-m", "digest", "--log-format", "json", "schedule", "--config", str(config)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})


def _read_until(process, text: str, limit: float = 90) -> list[dict]:
    """The daemon's JSON log lines up to the first whose message contains ``text``."""
    lines, deadline = [], time.monotonic() + limit
    while time.monotonic() < deadline:
        raw = process.stderr.readline()
        assert raw, f"the daemon ended before logging {text!r}: {lines}"
        lines.append(json.loads(raw))
        if text in lines[-1]["message"]:
            return lines
    raise AssertionError(f"no {text!r} in {lines}")


def _stop(process) -> tuple[int, list[dict]]:
    process.send_signal(signal.SIGTERM)
    rest = [json.loads(line) for line in process.stderr.read().splitlines()]
    return process.wait(timeout=60), rest


def test_a_build_missed_while_down_runs_once_at_start_never_twice_and_sigterm_stops_cleanly(tmp_path):
    local = datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/London")) - timedelta(minutes=10)
    config = _config(tmp_path, f"{local.minute} {local.hour} * * *")  # daily, last fired 10 minutes ago
    first = _daemon(config)
    try:
        lines = _read_until(first, "next: build")
    finally:
        code, rest = _stop(first)
    messages = [line["message"] for line in lines + rest]
    assert any("build: missed the run of" in m and "running it once now" in m for m in messages), messages
    assert any(m.startswith("build finished: exit 0: Read 5 articles") for m in messages), messages
    assert any("send (catch-up): nothing sent: schedule.send_policy is never" in m for m in messages), messages
    assert messages[-1] == "stopped" and code == 0
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines + rest)
    with RunLog(tmp_path / "digest.sqlite") as log:
        assert log.last("build")["result"] == "ok" and log.last_fire("build") is not None
        first_fire = log.last_fire("build")

    second = _daemon(config)  # restarted: the missed fire was caught up already
    try:
        lines = _read_until(second, "next: build")
    finally:
        code, rest = _stop(second)
    messages = [line["message"] for line in lines + rest]
    assert "catch-up: build: nothing missed" in messages and not any("build finished" in m for m in messages)
    assert code == 0 and messages[-1] == "stopped"
    with RunLog(tmp_path / "digest.sqlite") as log:
        assert log.last_fire("build") == first_fire
        builds = log._db.execute("SELECT COUNT(*) FROM runs WHERE kind = 'build'").fetchone()[0]
    assert builds == 1


def _built(tmp_path, policy: str):
    """A config whose store holds the issue of 2025-W29, and a Daemon on a clock in that week."""
    from digest.cli import main
    from digest.config import load
    from digest.runs.daemon import Daemon

    tmp_path.mkdir()
    config = _config(tmp_path, "0 9 * * mon", policy)
    assert main(["--quiet", "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00"]) == 0
    clock = lambda: datetime(2025, 7, 20, 9, 0, tzinfo=timezone.utc)  # noqa: E731
    return Daemon(load(config), config, clock=clock), tmp_path / "digest.sqlite"


def test_send_policy_never_and_an_unapproved_issue_log_why_nothing_went_out(tmp_path, caplog):
    from digest.cli import main
    from digest.store import Store

    daemon, store = _built(tmp_path / "never", "never")
    assert daemon.run_job("send", daemon.clock(), "schedule") is None
    with RunLog(store) as log:
        assert log.last("send")["result"] == "skipped" and "send_policy is never" in log.last("send")["message"]
        assert log.last_fire("send") == daemon.clock()

    daemon, store = _built(tmp_path / "approve", "approve")
    with caplog.at_level("WARNING", logger="digest.runs.daemon"):
        assert daemon.run_job("send", daemon.clock(), "schedule") is None
    assert "nothing sent: issue 2025-W29 is not approved and schedule.send_policy is approve" in caplog.text
    with Store(store) as records:
        record = records.issue("2025-W29")
        records.approve("2025-W29", "an older fingerprint", daemon.clock())
        assert send_check(records, "2025-W29", "approve").refusal.startswith(
            "issue 2025-W29 changed after it was approved")
        records.approve("2025-W29", record["fingerprint"], daemon.clock())
        assert send_check(records, "2025-W29", "approve").refusal == ""  # approved as it is: the send would go ahead
        missing = send_check(records, "2025-W31", "approve")
    assert missing.failed and missing.refusal.startswith("issue 2025-W31 was not built in ")
    assert main(["--quiet", "run", "--config", str(daemon.config_path), "--now", "2025-07-28T08:00:00+00:00"]) == 0
    with Store(store) as records:
        empty = send_check(records, "2025-W31", "approve")
    assert not empty.failed and empty.refusal.startswith("issue 2025-W31 has no stories: nothing to send")


def test_send_and_the_scheduler_refuse_with_the_same_words(tmp_path, capsys):
    """`digest send` and the scheduler's send job give one answer, word for word (digest.runs.sendable)."""
    from digest.cli import main

    daemon, store = _built(tmp_path / "approve", "approve")
    assert daemon.run_job("send", daemon.clock(), "schedule") is None
    with RunLog(store) as log:
        logged = log.last("send")["message"]
    capsys.readouterr()
    assert main(["send", "--config", str(daemon.config_path), "--issue", "2025-W29"]) == 1
    assert capsys.readouterr().err.strip() == f"error: nothing was sent: {logged}"


def test_the_scheduled_send_mails_each_subscriber_once_and_status_reads_the_ledger(tmp_path, monkeypatch, capsys):
    """send_policy auto: the daemon's send job runs `digest send --issue WEEK` against a real relay."""
    from mailserver import Inbox, MailServer, make_certificate

    from digest.cli import main
    from digest.config import load
    from digest.runs.daemon import Daemon
    from tests.test_cli import command

    cert = make_certificate(tmp_path)
    (tmp_path / "list.csv").write_text("email\nbea@example.org\ncy@example.org\n", encoding="utf-8")
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", "a-long-enough-secret-for-tests")
    inbox = Inbox()
    with MailServer(inbox, cert) as server:
        config = tmp_path / "config.yaml"
        config.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nstore: digest.sqlite\nemail:\n"
                          f"  subscribers: list.csv\n  smtp:\n    host: 127.0.0.1\n    port: {server.port}\n"
                          f"    ca_file: {cert[0]}\n    retry_delay: 0\n", encoding="utf-8")
        assert main(["--quiet", "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00"]) == 0
        clock = lambda: datetime(2025, 7, 20, 9, 0, tzinfo=timezone.utc)  # noqa: E731
        daemon = Daemon(load(config), config, clock=clock)
        outcome = daemon.run_job("send", clock(), "schedule")
        assert outcome.code == 0 and outcome.summary().startswith("Issue 2025-W29"), outcome.errors
        again = daemon.run_job("send", clock(), "catch-up")  # a repeated fire mails nobody twice
        assert again.code == 0 and "Sent 0 · already done 2" in again.output
    assert sorted(r for r, _, _ in inbox.messages) == ["bea@example.org", "cy@example.org"]
    code, out, _ = command(capsys, "status", "--config", str(config), "--json", "--now", "2025-07-20T10:00:00+00:00")
    report = json.loads(out)
    assert code == 0 and report["this_week"]["sent"] == 2 and report["this_week"]["left"] == 0
    assert report["last_send"]["result"] == "ok" and report["last_send"]["trigger"] == "catch-up"
