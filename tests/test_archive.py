"""The web archive, idempotent runs and ``digest status``, through the CLI in this process."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest

from digest.store import Store
from tests.conftest import SEEDS
from tests.test_cli import command

WEEKS = {"2025-W29": "2025-07-20T08:00:00+00:00", "2025-W30": "2025-07-21T08:00:00+00:00"}
ARCHIVE_URL = "https://news.example.com/archive"


def _config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nstore: digest.sqlite\n{extra}", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two weekly issues built by `digest run`, which refreshes the archive each time."""
    tmp_path = tmp_path_factory.mktemp("archive")
    config = _config(tmp_path)
    for now in WEEKS.values():
        code, out, err = command(_Capture(), "run", "--config", str(config), "--now", now)
        assert code == 0, err
    return tmp_path, config


class _Capture:
    """capsys for a module fixture: main() prints to the real streams; nothing to read back here."""

    def readouterr(self):
        return "", ""


def test_the_atom_feed_parses_and_lists_every_issue(built):
    tmp_path, _ = built
    feed = feedparser.parse((tmp_path / "out" / "archive" / "feed.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and feed.feed.title == "AI in Entertainment Weekly"
    assert [e.link for e in feed.entries] == [f"{ARCHIVE_URL}/2025-W30/", f"{ARCHIVE_URL}/2025-W29/"]
    with Store(tmp_path / "digest.sqlite") as store:
        subjects = {i["week"]: i["subject"] for i in store.issues()}
    assert [e.title for e in feed.entries] == [subjects["2025-W30"], subjects["2025-W29"]]
    assert all(e.updated_parsed and e.id for e in feed.entries)


def test_the_index_links_every_issue_and_each_page_is_the_email_with_its_data_beside_it(built):
    tmp_path, _ = built
    archive = tmp_path / "out" / "archive"
    links = re.findall(r'<a href="([^"]+)"', (archive / "index.html").read_text(encoding="utf-8"))
    assert [link for link in links if link != "feed.atom"] == ["2025-W30/", "2025-W29/"]
    for week in WEEKS:
        page = (archive / week / "index.html").read_bytes()
        assert page == (tmp_path / "out" / week / "digest.html").read_bytes()
        data = json.loads((archive / week / "issue.json").read_text(encoding="utf-8"))
        assert data["week"] == week and data["number"] >= 1
        assert all(a["id"] and a["title"] for s in data["stories"] for a in s["articles"])
    html = (archive / "2025-W29" / "index.html").read_text(encoding="utf-8")
    assert f'href="{ARCHIVE_URL}/2025-W29/"' in html and f'href="{ARCHIVE_URL}/"' in html  # the email's own links
    for source in (tmp_path / "out" / "2025-W29" / "sources").glob("*.html"):
        assert (archive / "2025-W29" / "sources" / source.name).read_bytes() == source.read_bytes()


def test_digest_archive_writes_the_same_files_elsewhere(built, capsys, tmp_path):
    source, config = built
    code, out, _ = command(capsys, "archive", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 0 and "2 issues" in out
    made = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert made and all((tmp_path / "site" / p).read_bytes() == (source / "out" / "archive" / p).read_bytes()
                        for p in made)


def test_an_issue_whose_files_were_damaged_is_left_out_and_named(built, capsys, tmp_path):
    source, config = built
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("archive"))
    with Store(copy / "digest.sqlite") as store:
        store._db.execute("UPDATE issues SET folder = replace(folder, ?, ?)", (str(source), str(copy)))
        store._db.commit()
    (copy / "out" / "2025-W29" / "digest.html").write_text("half an issue", encoding="utf-8")
    code, out, _ = command(capsys, "archive", "--config", str(copy / "config.yaml"), "--out", str(tmp_path / "site"))
    assert code == 1 and "left out 2025-W29: " in out and "differs from the issue built" in out
    assert (tmp_path / "site" / "2025-W30" / "index.html").is_file() and not (tmp_path / "site" / "2025-W29").exists()


def test_the_archive_pages_follow_email_templates_overrides(tmp_path, capsys):
    """A file in email.templates overrides the default of the same name for the archive's pages too."""
    from digest.email.render import DEFAULT_TEMPLATES

    mine = tmp_path / "mine"
    mine.mkdir()
    for name in ("source.html.j2", "archive_index.html.j2"):
        default = (DEFAULT_TEMPLATES / name).read_text(encoding="utf-8")
        (mine / name).write_text(default.replace("<body>", f"<body><p>house copy of {name}</p>"), encoding="utf-8")
    config = _config(tmp_path, "email:\n  templates: mine\n")
    assert command(capsys, "run", "--config", str(config), "--now", WEEKS["2025-W29"])[0] == 0
    sources = sorted((tmp_path / "out" / "2025-W29" / "sources").glob("*.html"))
    assert sources and all("house copy of source.html.j2" in p.read_text(encoding="utf-8") for p in sources)
    index = (tmp_path / "out" / "archive" / "index.html").read_text(encoding="utf-8")
    assert "house copy of archive_index.html.j2" in index


def test_a_second_run_of_a_built_week_gives_the_same_bytes_and_keeps_the_approval(tmp_path, capsys):
    config = _config(tmp_path)
    assert command(capsys, "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    first = {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()}
    with Store(tmp_path / "digest.sqlite") as store:
        record = store.issue("2025-W29")
        store.approve("2025-W29", record["fingerprint"], datetime.now(timezone.utc))
    code, out, err = command(capsys, "run", "--config", str(config), "--now", "2025-07-20T17:30:00+00:00")
    assert code == 0 and "2025-W29 unchanged since 2025-07-20T08:00:00+00:00 (same issue, byte for byte)" in err
    second = {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()}
    assert second == first  # every file: HTML, text, .eml (Date, Message-ID, boundary), notes, JSON, archive
    with Store(tmp_path / "digest.sqlite") as store:
        assert store.approval("2025-W29")["valid"] and store.issue("2025-W29")["created"] == record["created"]

    code, out, err = command(capsys, "run", "--config", str(config), "--now", "2025-07-20T17:30:00+00:00", "--force")
    assert code == 0 and "--force: rebuilt 2025-W29 with the current clock on purpose" in err
    with Store(tmp_path / "digest.sqlite") as store:
        assert store.issue("2025-W29")["created"] == "2025-07-20T17:30:00+00:00"
    assert (tmp_path / "out" / "2025-W29" / "digest.eml").read_bytes() != first[tmp_path / "out" / "2025-W29" / "digest.eml"]


def test_status_says_what_happened_and_exits_for_monitoring(tmp_path, capsys):
    config = _config(tmp_path)
    assert command(capsys, "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    code, out, _ = command(capsys, "subscribers", "add", "a@example.com", "b@example.com", "--config", str(config))
    assert code == 0
    # Sunday 20 July: 2025-W29 is built, but its Monday 09:00 send passed long ago with two subscribers left.
    code, out, _ = command(capsys, "status", "--config", str(config), "--json", "--now", "2025-07-20T09:00:00+00:00")
    report = json.loads(out)
    assert code == 3 and report["health"] == "overdue" and "2 of 2 subscribers still wait" in report["overdue"][0]
    week = report["this_week"]
    assert week["week"] == "2025-W29" and week["built"] and week["sent"] == 0 and week["left"] == 2
    assert report["last_build"]["result"] == "ok" and report["last_build"]["counts"]["articles"] == 5
    assert report["next"]["build"].startswith("2025-07-21T07:00") and report["store_bytes"] > 0

    code, out, _ = command(capsys, "status", "--config", str(config), "--now", "2025-07-14T08:00:00+00:00")
    assert code == 0 and "HEALTHY" in out.splitlines()[0]  # Monday 08:00: the send is not due yet

    code, out, _ = command(capsys, "status", "--config", str(config), "--now", "2025-07-28T20:00:00+00:00")
    assert code == 3 and "issue 2025-W31 was not built" in out  # Monday's 07:00 build never happened

    broken = tmp_path / "broken.yaml"  # the same store; a feed file that is not there, and --strict
    broken.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\n  feeds:\n    - url: missing.xml\n"
                      "store: digest.sqlite\n", encoding="utf-8")
    code, _, err = command(capsys, "run", "--config", str(broken), "--strict", "--now", "2025-07-20T08:00:00+00:00")
    assert code == 1 and "missing.xml" in err
    code, out, _ = command(capsys, "status", "--config", str(broken), "--now", "2025-07-14T08:00:00+00:00")
    assert code == 1 and "LAST RUN FAILED" in out.splitlines()[0]
    assert re.search(r"^Last build: \w{3} \d\d \w{3} \d{4} \d\d:\d\d UTC · failed · .*missing\.xml", out, re.M), out


def test_this_week_is_the_schedule_zones_for_run_status_and_the_scheduled_send(tmp_path, capsys, caplog):
    """Monday 08:00 in Auckland is Sunday 20:00 UTC: the build, status and the send all mean the zone's
    week (2025-W30), and status prints times on that clock (JSON keeps ISO 8601)."""
    from digest.config import load
    from digest.runs.daemon import Daemon

    config = _config(tmp_path, "schedule:\n  timezone: Pacific/Auckland\n  send_policy: approve\n")
    assert command(capsys, "run", "--config", str(config), "--now", "2025-07-20T20:00:00+00:00")[0] == 0
    assert (tmp_path / "out" / "2025-W30" / "digest.html").is_file()
    code, out, _ = command(capsys, "status", "--config", str(config), "--now", "2025-07-20T21:00:00+00:00")
    assert out.startswith("digest status at Mon 21 Jul 2025 09:00 NZST: ")
    assert "This week 2025-W30: built Mon 21 Jul 2025 08:00 NZST (1 stories)" in out
    assert "Next: build Mon 28 Jul 2025 07:00 NZST · send Mon 28 Jul 2025 09:00 NZST" in out
    code, out, _ = command(capsys, "status", "--config", str(config), "--now", "2025-07-20T21:00:00+00:00", "--json")
    report = json.loads(out)
    assert report["this_week"]["built"] == "2025-07-21T08:00:00+12:00" and report["now"] == "2025-07-20T21:00:00+00:00"
    clock = lambda: datetime(2025, 7, 20, 21, 1, tzinfo=timezone.utc)  # noqa: E731
    with caplog.at_level("WARNING", logger="digest.runs.daemon"):
        assert Daemon(load(config), config, clock=clock).run_job("send", clock(), "schedule") is None
    assert "nothing sent: issue 2025-W30 is not approved" in caplog.text


def test_an_archive_template_edited_between_writes_is_read_again(tmp_path):
    """The pages' compiled templates are kept for the process (the desk builds again and again): an edit
    shows at the next write, however soon after the last one."""
    from digest.config import EmailSettings
    from digest.email.archive import write_source_pages
    from tests.conftest import make_article

    mine = tmp_path / "mine"
    mine.mkdir()
    settings, template = EmailSettings(templates=mine), mine / "source.html.j2"
    for words in ("first copy", "second copy"):
        saved = template.stat().st_mtime_ns if template.exists() else None
        template.write_text(f"<p>{words} of {{{{ article.title }}}}</p>", encoding="utf-8")
        if saved:  # two saves within the clock's tick share a modification time
            os.utime(template, ns=(saved, saved))
        [page] = write_source_pages(tmp_path / "sources", [make_article(title="Trailers")], settings)
        assert page.read_text(encoding="utf-8") == f"<p>{words} of Trailers</p>"
