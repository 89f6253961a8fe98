"""The mailing commands as an editor runs them: build, add subscribers, dry-run, send, re-send,
unsubscribe through the endpoint, with a real relay (aiosmtpd, STARTTLS) and a real store."""

from __future__ import annotations

import re
import select
from datetime import datetime, timezone
import subprocess
import sys

import httpx
import pytest

import email_checks as checks
from digest.mail import unsubscribe
from digest.config import load
from digest.mail.subscribers import SubscriberBook
from mailserver import Inbox, MailServer, make_certificate
from tests.conftest import ROOT, SEEDS
from tests.test_cli import command

SECRET = "a-long-enough-secret-for-tests"
NOW_APPROVED = datetime(2025, 7, 20, 9, tzinfo=timezone.utc)


@pytest.fixture
def project(tmp_path):
    cert = make_certificate(tmp_path)
    (tmp_path / "list.csv").write_text("email\nbea@example.org\ncy@example.org\nnot an address\n", encoding="utf-8")
    inbox = Inbox()
    with MailServer(inbox, cert) as server:
        config = tmp_path / "config.yaml"
        config.write_text(
            f"sources:\n  folders:\n    - path: {SEEDS}\nemail:\n  subscribers: list.csv\n  smtp:\n"
            f"    host: 127.0.0.1\n    port: {server.port}\n    ca_file: {cert[0]}\n    retry_delay: 0\n"
            "    rate_per_minute: 6000\n", encoding="utf-8")
        yield config, inbox


def test_build_then_send_to_each_subscriber_once(project, capsys, monkeypatch, tmp_path):
    config, inbox = project
    c = ("--config", str(config))
    assert command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    code, out, _ = command(capsys, "subscribers", "add", *c, "ada@example.org", "ada@@example.org")
    assert code == 1 and "subscribed ada@example.org" in out and "not added: 'ada@@example.org'" in out
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "DIGEST_UNSUBSCRIBE_SECRET" in err and inbox.messages == []
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    code, out, _ = command(capsys, "send", *c, "--dry-run", "--out", str(tmp_path / "outbox"))
    assert code == 0 and "Dry run: wrote 3 messages" in out and inbox.messages == []
    assert "list.csv:4: 'not an address' skipped" in out and "Issue 2025-W29: the HTML is " in out
    assert all(checks.check_message(p.read_bytes()) == [] for p in (tmp_path / "outbox").iterdir())
    code, out, _ = command(capsys, "send", *c)
    assert code == 0 and "Sent 3 · already done 0 · refused 0 · unknown 0 · left 0" in out
    code, out, _ = command(capsys, "send", *c, "--issue", "2025-W29")
    assert code == 0 and "Sent 0 · already done 3" in out
    assert sorted(r for r, _, _ in inbox.messages) == ["ada@example.org", "bea@example.org", "cy@example.org"]
    preview = (config.parent / "out" / "2025-W29" / "digest.html").read_text(encoding="utf-8")
    sent = inbox.to("ada@example.org")[0].get_body(("html",)).get_content().replace("\r\n", "\n").rstrip("\n")
    link = re.search(r"<(https://[^>]+)>", inbox.to("ada@example.org")[0]["List-Unsubscribe"])[1]
    assert sent.replace(link, "https://news.example.com/unsubscribe") == preview  # T5


def test_send_reports_what_is_wrong(project, capsys, monkeypatch):
    config, _ = project
    c = ("--config", str(config))
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "no issue was built in" in err and "build it with `digest run`" in err
    command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")
    code, _, err = command(capsys, "send", *c, "--issue", "2019-W01")
    assert code == 1 and "issue 2019-W01 was not built" in err and "(built: 2025-W29)" in err
    code, _, err = command(capsys, "send", *c, "--to", "nobody@example.org")
    assert code == 1 and "nobody@example.org is not an active subscriber" in err
    assert command(capsys, "send", *c, "--out", "x")[2].startswith("error: --out DIR goes with --dry-run")
    code, out, _ = command(capsys, "subscribers", "remove", *c, "bea@example.org")
    assert code == 0 and out == "unsubscribed bea@example.org\n"
    code, out, _ = command(capsys, "subscribers", "list", *c, "--all")
    assert "bea@example.org\tunsubscribed" in out and out.endswith("2 subscribers\n")


def test_serve_unsubscribe_command(project, capsys, monkeypatch):
    config, _ = project
    assert command(capsys, "subscribers", "add", "--config", str(config), "ada@example.org")[0] == 0
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    settings = load(config)
    with SubscriberBook(settings.store) as book:
        token = unsubscribe.sign(book.get("ada@example.org").key, SECRET.encode(), unsubscribe.list_id(settings.email))
    server = subprocess.Popen([sys.executable, "-m", "digest", "serve-unsubscribe", "--config", str(config),
                               "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([server.stdout], [], [], 20)
        assert ready, "serve-unsubscribe printed nothing within 20 s"
        line = server.stdout.readline()
        assert line.startswith("Unsubscribe endpoint on http://127.0.0.1:")  # loopback by default
        reply = httpx.post(f"{line.split()[3]}/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}, timeout=10)
        assert reply.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    code, out, _ = command(capsys, "subscribers", "list", "--config", str(config))
    assert code == 0 and out == "0 active subscribers\n"


def test_an_issue_with_no_stories_is_never_sent(project, capsys, monkeypatch):
    config, inbox = project
    c = ("--config", str(config))
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    assert command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    assert command(capsys, "run", *c, "--now", "2025-07-27T08:00:00+00:00")[0] == 0  # nothing new: 0 stories
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "issue 2025-W30 has no stories: nothing to send" in err
    assert inbox.messages == [] and inbox.attempts == []


def test_send_refuses_issue_files_that_are_not_the_ones_run_wrote(project, capsys, monkeypatch):
    config, inbox = project
    c = ("--config", str(config))
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    assert command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    text = config.parent / "out" / "2025-W29" / "digest.txt"
    text.write_text(text.read_text(encoding="utf-8")[:500], encoding="utf-8")  # torn, as by a crash or a full disk
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "digest.txt differs from the issue built on" in err and inbox.messages == []
    assert "digest run --week 2025-W29" in err
    assert command(capsys, "run", *c, "--week", "2025-W29")[0] == 0  # the rebuild mends it
    code, out, _ = command(capsys, "send", *c)
    assert code == 0 and "Sent 2 · " in out and len(inbox.messages) == 2


def test_the_subject_sent_is_the_one_built_and_checked(project, capsys, monkeypatch):
    """The subject comes from the store's record, inside the fingerprint: a hand-edited digest.eml changes
    nothing, and a record whose subject is not the one built is refused."""
    import sqlite3

    config, inbox = project
    c = ("--config", str(config))
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    assert command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    eml = config.parent / "out" / "2025-W29" / "digest.eml"
    eml.write_bytes(re.sub(rb"^Subject: .*$", b"Subject: edited by hand", eml.read_bytes(), count=1, flags=re.M))
    with sqlite3.connect(config.parent / "digest.sqlite") as db:
        built = db.execute("SELECT subject FROM issues WHERE week = '2025-W29'").fetchone()[0]
        db.execute("UPDATE issues SET subject = 'Another subject' WHERE week = '2025-W29'")
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "its subject differs from the issue built on" in err and inbox.messages == []
    with sqlite3.connect(config.parent / "digest.sqlite") as db:
        db.execute("UPDATE issues SET subject = ? WHERE week = '2025-W29'", (built,))
    assert command(capsys, "send", *c)[0] == 0
    assert {str(m["Subject"]) for _, m, _ in inbox.messages} == {built} and len(inbox.messages) == 2


def _built_under_approve_policy(project, capsys, monkeypatch) -> tuple:
    config, inbox = project
    config.write_text(config.read_text(encoding="utf-8") + "schedule:\n  send_policy: approve\n", encoding="utf-8")
    c = ("--config", str(config))
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    assert command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    return config, inbox, c


def test_under_the_approve_policy_only_an_approved_unchanged_issue_is_sent(project, capsys, monkeypatch):
    from digest.store import Store

    config, inbox, c = _built_under_approve_policy(project, capsys, monkeypatch)
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "issue 2025-W29 is not approved" in err and inbox.messages == []
    store = config.parent / "digest.sqlite"
    with Store(store) as db:
        db.approve("2025-W29", "not the issue's fingerprint", NOW_APPROVED, "ed")
    code, _, err = command(capsys, "send", *c)
    assert code == 1 and "changed after it was approved" in err and inbox.messages == []
    with Store(store) as db:
        db.approve("2025-W29", db.issue("2025-W29")["fingerprint"], NOW_APPROVED, "ed")
    code, out, _ = command(capsys, "send", *c)
    assert code == 0 and "Sent 2 · " in out and len(inbox.messages) == 2



def test_subscribers_add_and_remove_refuse_a_store_from_a_newer_digest(project, capsys):  # issue 17 case 7
    import sqlite3

    config, _ = project
    c = ("--config", str(config))
    assert command(capsys, "subscribers", "add", *c, "ada@example.org")[0] == 0
    store = load(config).store
    db = sqlite3.connect(store)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = store.read_bytes()
    for action in (("add", "bea@example.org"), ("remove", "ada@example.org"), ("list",)):
        code, _, err = command(capsys, "subscribers", action[0], *c, *action[1:])
        assert code != 0 and "written by a newer digest (schema 99" in err, (action, err)
    assert store.read_bytes() == before


def test_send_json_lists_addresses_by_outcome(project, capsys, monkeypatch):
    import json

    config, inbox = project
    c = ("--config", str(config))
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", SECRET)
    assert command(capsys, "run", *c, "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    inbox.full.add("cy@example.org")
    code, out, err = command(capsys, "send", *c, "--json")
    report = json.loads(out)
    assert code == 1 and report["sent"] == ["bea@example.org"] and report["left"] == ["cy@example.org"]
    assert report["exit_code"] == 1 and "452" in report["error"] and "recipients" in err


def test_a_dry_run_says_whether_the_issue_may_be_sent(project, capsys, monkeypatch):
    from digest.store import Store

    config, inbox, c = _built_under_approve_policy(project, capsys, monkeypatch)
    code, out, _ = command(capsys, "send", *c, "--dry-run")
    assert code == 0 and "Approval: NOT acceptable for sending: issue 2025-W29 is not approved" in out
    with Store(config.parent / "digest.sqlite") as db:
        db.approve("2025-W29", db.issue("2025-W29")["fingerprint"], NOW_APPROVED, "ed")
    code, out, _ = command(capsys, "send", *c, "--dry-run")
    assert code == 0 and "Approval: acceptable for sending: approved on 2025-07-20T09:00:00+00:00 by ed" in out
    assert inbox.messages == []
