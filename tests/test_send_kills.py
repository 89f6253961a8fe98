"""`digest send` as cron runs it, killed and raced (issue 17 cases 1 and 3; issue 13's "kill a
send"): 50 subscribers, a real aiosmtpd relay with STARTTLS, a real store, real processes.

- SIGKILL at random points over 12 trials (each trial the re-run of the last), then a plain
  re-run: after every kill no address has two messages at the relay and the store passes
  ``PRAGMA integrity_check``; at the end every address has its one message or is reported
  "unknown" (the message was in flight when its sender died).
- Two `digest send` started at once: each address gets exactly one message; the second waits
  for nobody and says who holds the lock (exit 75) or finds everything done.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from digest.cli import main
from digest.mail.ledger import Ledger
from digest.mail.subscribers import SubscriberBook
from mailserver import Inbox, MailServer, make_certificate
from tests.conftest import ROOT, SEEDS
from issues import NOW

SECRET = "a-long-enough-secret-for-tests"
ADDRESSES = [f"reader{n:02d}@example.org" for n in range(50)]
TRIALS = 12


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store with issue 2025-W29 built from the seeds and 50 subscribers, kept pristine."""
    folder = tmp_path_factory.mktemp("built")
    (folder / "config.yaml").write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nstore: store.sqlite\n"
                                        "output: out\n", encoding="utf-8")
    assert main(["run", "--config", str(folder / "config.yaml"), "--now", "2025-07-20T08:00:00+00:00"]) == 0
    with SubscriberBook(folder / "store.sqlite") as book:
        for address in ADDRESSES:
            book.add(address, NOW)
    return folder


@pytest.fixture(scope="module")
def relay(tmp_path_factory):
    cert = make_certificate(tmp_path_factory.mktemp("cert"))
    inbox = Inbox(parse=False)
    with MailServer(inbox, cert) as server:
        yield inbox, server, cert


def project(built, relay, folder):
    """A copy of the pristine store and a config sending through the relay: the config's path."""
    _, server, cert = relay
    shutil.copy(built / "store.sqlite", folder / "store.sqlite")
    config = folder / "config.yaml"
    config.write_text(
        f"sources:\n  folders:\n    - path: {SEEDS}\nstore: {folder / 'store.sqlite'}\noutput: {built / 'out'}\n"
        f"email:\n  smtp:\n    host: 127.0.0.1\n    port: {server.port}\n    ca_file: {cert[0]}\n"
        "    retry_delay: 0\n    rate_per_minute: 100000\n    timeout: 10\n", encoding="utf-8")
    return config


def start_send(config, *extra) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_UNSUBSCRIBE_SECRET": SECRET}
    return subprocess.Popen([sys.executable, "-m", "digest", "send", "--config", str(config), *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_messages(inbox, process, count: int, limit: float = 30) -> None:
    """Until the relay has ``count`` messages (or the send ended; imports take a while on a busy machine)."""
    give_up = time.monotonic() + limit
    while len(inbox.messages) < count and process.poll() is None and time.monotonic() < give_up:
        time.sleep(0.005)


def check(inbox, store) -> dict[str, str]:
    """After a kill: nobody has two messages, the store is sound; the ledger's statuses."""
    counts = Counter(rcpt for rcpt, _, _ in inbox.messages)
    assert not counts or max(counts.values()) == 1, counts.most_common(3)
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    with Ledger(store) as ledger:
        return {row.address: row.status for row in ledger.rows("2025-W29")}


def test_send_killed_at_random_points_then_rerun_mails_everyone_exactly_once(built, relay, tmp_path):
    """Each trial starts `digest send` (the re-run of the one killed before it) and SIGKILLs it
    after a random number of messages and a random fraction of the next one; a last plain run
    finishes the issue."""
    inbox, _, _ = relay
    config, store = project(built, relay, tmp_path), tmp_path / "store.sqlite"
    inbox.messages.clear()
    rng, kills = random.Random(17), []
    for trial in range(TRIALS):
        process = start_send(config)
        wait_for_messages(inbox, process, len(inbox.messages) + rng.randint(0, 4))
        time.sleep(rng.uniform(0, 0.15))
        process.kill()
        process.wait()
        kills.append((len(inbox.messages), process.returncode))
        check(inbox, store)
    assert sum(code == -9 for _, code in kills) >= 10 and kills[-1][0] < 50, kills  # really killed mid-send
    rerun = start_send(config)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, (out, err)
    statuses, counts = check(inbox, store), Counter(rcpt for rcpt, _, _ in inbox.messages)
    assert len(statuses) == 50 and set(statuses.values()) <= {"sent", "unknown"}, statuses
    assert all(statuses[a] == "unknown" for a in ADDRESSES if counts[a] == 0)  # nobody silently left
    unknown = sum(status == "unknown" for status in statuses.values())
    delivered = sum(counts[a] for a, status in statuses.items() if status == "unknown")
    print(f"kills (messages at the relay, exit code): {kills}; unknown after the re-run: {unknown}, "
          f"{delivered} of them at the relay")  # for the report: run with -s
    assert unknown <= TRIALS and f"unknown {unknown} · left 0" in out  # at most the one in flight per kill


def test_two_sends_at_once_mail_each_address_exactly_once(built, relay, tmp_path):
    inbox, _, _ = relay
    config = project(built, relay, tmp_path)
    inbox.messages.clear()
    first, second = start_send(config), start_send(config)
    results = [p.communicate(timeout=120) + (p.returncode,) for p in (first, second)]
    assert Counter(rcpt for rcpt, _, _ in inbox.messages) == Counter(ADDRESSES)
    codes = sorted(code for _, _, code in results)
    assert codes in ([0, 0], [0, 75]), results
    if codes == [0, 75]:
        assert any("send" in err and "pid" in err for _, err, code in results if code == 75)
