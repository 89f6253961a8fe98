"""The run/send lock between real processes: one at a time, a clear message, nothing left by the dead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from digest.errors import BusyError
from digest.lock import RunLock, holder, lock_path
from tests.conftest import ROOT, SEEDS
from tests.test_cli import digest

HOLD = textwrap.dedent("""
    import sys, time
    from digest.lock import RunLock
    with RunLock(sys.argv[1], sys.argv[2]):
        print("held", flush=True)
        time.sleep(60)
""")


def _holding(store, what="run"):
    """Another process that holds the lock until it is killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(store), what], stdout=subprocess.PIPE, text=True,
                               env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert process.stdout.readline().strip() == "held"
    return process


def _config(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nstore: digest.sqlite\n", encoding="utf-8")
    return config


def test_a_second_run_exits_with_its_own_code_and_says_who_holds_the_lock(tmp_path):
    config = _config(tmp_path)
    other = _holding(tmp_path / "digest.sqlite", "send")
    try:
        result = digest("run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")
        assert result.returncode == BusyError.exit_code == 75
        assert result.stderr.startswith("busy: digest send (pid ") and "this run did not start" in result.stderr
        assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
        assert holder(tmp_path / "digest.sqlite")["pid"] == other.pid
    finally:
        other.kill()
        other.wait()


def test_a_lock_left_by_a_killed_process_is_recovered_at_once(tmp_path):
    store = tmp_path / "digest.sqlite"
    other = _holding(store)
    os.kill(other.pid, signal.SIGKILL)
    other.wait()
    assert lock_path(store).exists() and holder(store) is None
    started = time.monotonic()
    with RunLock(store, "run"):
        assert holder(store)["what"] == "run"
    assert time.monotonic() - started < 5  # not waited on: answered at once


def test_two_holders_in_one_process_exclude_each_other_and_wait_can_outlast_a_short_hold(tmp_path):
    store = tmp_path / "s.sqlite"
    with RunLock(store, "run"):
        with pytest.raises(BusyError, match=r"digest run \(pid \d+, since .*\) holds"):
            with RunLock(store, "send"):
                pass
    with RunLock(store, "send"):
        pass
    assert holder(store) is None
    other = _holding(store)
    try:
        started = time.monotonic()
        with pytest.raises(BusyError):
            with RunLock(store, "run", wait=0.5):
                pass
        assert time.monotonic() - started >= 0.45  # it kept trying for its wait before giving up
        threading.Timer(0.5, other.kill).start()  # the holder goes away while we wait
        started = time.monotonic()
        with RunLock(store, "run", wait=10):
            assert holder(store)["pid"] == os.getpid()
        assert time.monotonic() - started >= 0.4
    finally:
        other.kill()
        other.wait()
