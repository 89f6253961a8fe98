"""Whole runs on real sources: a feed server on 127.0.0.1, fixture folders, the SQLite store, the CLI.

Covers what the issue promises across runs: bad input never stops a run and each problem is one
line in the notes; --strict makes them fatal; a second run on unchanged sources fetches nothing
new and writes an identical digest; a failing source keeps what the store had; a past week is
rebuilt from the store; a story already sent is left out, or marked as a follow-up.
"""

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from digest.cli import main
from digest.config import FeedSource, FetchSettings, FolderSource, Sources, load
from digest.errors import StrictModeError
from digest.pipeline import run_issue
from digest.store import Store
from tests.conftest import ROOT, SEEDS
from tests.feed_server import FIXTURES, FeedServer

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)
FETCH = FetchSettings(timeout_seconds=0.5, retries=1, backoff_seconds=0.01, max_bytes=128 * 1024, teaser_words=25)
GOOD_FEEDS = ["/feeds/rss091.xml", "/feeds/rss10.rdf", "/feeds/atom.xml", "/feeds/jsonfeed.json",
              "/feeds/teaser.xml", "/feeds/active.xml"]
BAD_FEEDS = ["/feeds/malformed.xml", "/feeds/latin1-no-charset.xml", "/feeds/wrong-charset.xml",
             "/feeds/html-page.xml", "/feeds/empty.xml", "/feeds/entity-bomb.xml", "/status/404", "/status/500",
             "/slow", "/loop", "/big"]


LATE = ("/slow", "/trickle-body", "/trickle-head")  # an earlier test's slow answer may be logged after its client gave up


@pytest.fixture(scope="module")
def server():
    with FeedServer() as running:
        yield running


def config_for(tmp_path, server, feeds=(), folders=()):
    sources = Sources(folders=[FolderSource(path=path, name=path.name) for path in folders],
                      feeds=[FeedSource(url=server.url(feed)) for feed in feeds])
    return load(ROOT / "config.yaml").model_copy(update={
        "sources": sources, "fetch": FETCH, "store": tmp_path / "store.sqlite", "output": tmp_path / "out"})


def bad_folder(tmp_path):
    folder = tmp_path / "bad-folder"
    shutil.copytree(FIXTURES / "bad-folder", folder)
    (folder / "huge.md").write_text("A line of a very long book.\n" * 120_000, encoding="utf-8")
    (folder / "gone.md").symlink_to(tmp_path / "deleted.md")
    return folder


def test_every_bad_source_is_one_line_and_the_run_completes(tmp_path, server):
    folders = [FIXTURES / "folder", bad_folder(tmp_path)]
    config = config_for(tmp_path, server, GOOD_FEEDS + BAD_FEEDS, folders)
    result = run_issue(config, NOW)
    sources = {a.source for a in result.digest.articles}
    assert sources == {server.url(f) for f in GOOD_FEEDS} | {"folder", "bad-folder"} | {
        server.url(f) for f in ("/feeds/latin1-no-charset.xml", "/feeds/wrong-charset.xml")}
    notes = result.files["notes"].read_text(encoding="utf-8").splitlines()
    wheres = {p.where for p in result.digest.problems}
    for feed in BAD_FEEDS:
        assert any(w.startswith(server.url(feed)) for w in wheres), feed
    for name in ("picture.txt", "zero.md", "huge.md", "gone.md"):
        assert any(w.endswith(name) for w in wheres), name
    for problem in result.digest.problems:
        assert notes.count(f"- {problem}") == 1 and problem.hint
    html = result.email.html
    assert "document.cookie" not in html and "javascript:" not in html
    with pytest.raises(StrictModeError, match="HTTP 500"):
        run_issue(config, NOW, strict=True)


def test_second_run_fetches_nothing_new_and_writes_the_same_digest(tmp_path, server):
    config = config_for(tmp_path, server, GOOD_FEEDS, [FIXTURES / "folder"])
    first = run_issue(config, NOW)
    texts = {name: path.read_bytes() for name, path in first.files.items() if name != "eml"}
    start = len(server.log)
    second = run_issue(config, NOW)
    requests = [(path, status) for path, status, _ in server.log[start:] if path not in LATE]
    assert sorted(requests) == sorted((feed, 304) for feed in GOOD_FEEDS)  # one 304 per feed, no page
    assert {r.status for r in second.reports if r.kind == "feed"} == {"not modified (304)"}
    assert {name: path.read_bytes() for name, path in second.files.items() if name != "eml"} == texts


def test_a_failing_source_keeps_what_the_store_had(tmp_path, server):
    config = config_for(tmp_path, server, ["/feeds/atom.xml", "/feeds/rss10.rdf"])
    first = run_issue(config, NOW)
    server.broken.add("/feeds/atom.xml")
    try:
        second = run_issue(config, NOW + timedelta(hours=1))
    finally:
        server.broken.clear()
    assert {a.id for a in second.digest.articles} == {a.id for a in first.digest.articles}
    assert [p.what for p in second.digest.problems] == ["HTTP 500 (after 2 attempts)"]
    with Store(config.store) as store:
        runs = {r["location"]: r for r in store.source_runs()}
    atom = runs[server.url("/feeds/atom.xml")]
    assert (atom["status"], atom["items"], atom["stored"]) == ("failed: HTTP 500 (after 2 attempts)", 0, 1)


def test_a_past_week_is_rebuilt_from_the_store_without_fetching(tmp_path, server):
    folder = tmp_path / "dated"
    folder.mkdir()
    (folder / "old.md").write_text("---\ntitle: An older story about AI trailers\npublished: 2025-07-09\n---\n"
                                   "A studio tested AI trailers in early July, long before this week.\n", encoding="utf-8")
    config = config_for(tmp_path, server, ["/feeds/atom.xml", "/feeds/rss10.rdf"], [folder])
    this_week = run_issue(config, NOW)
    assert "An older story about AI trailers" not in {a.title for a in this_week.digest.articles}
    start = len(server.log)
    offline = config.model_copy(update={"sources": Sources()})
    rebuilt = run_issue(offline, NOW, week="2025-W29")
    assert [path for path, _, _ in server.log[start:] if path not in LATE] == []
    assert {a.id for a in rebuilt.digest.articles} == {a.id for a in this_week.digest.articles}
    assert rebuilt.folder.name == "2025-W29"
    earlier = run_issue(offline, NOW, week="2025-W28")
    assert [a.title for a in earlier.digest.articles] == ["An older story about AI trailers"]


def test_a_past_week_is_rebuilt_on_the_schedule_zones_calendar(tmp_path, server):
    """Monday 08:00 in Auckland is Sunday 20:00 UTC: W30 there, W29 on a UTC calendar."""
    folder = tmp_path / "dated"
    folder.mkdir()
    (folder / "monday.md").write_text("---\ntitle: AI trailers reach Auckland cinemas\npublished: 2025-07-20T20:00:00Z\n"
                                      "---\nA studio showed AI-generated film trailers in Auckland cinemas.\n", encoding="utf-8")
    config = config_for(tmp_path, server, folders=[folder])
    run_issue(config, NOW)
    offline = config.model_copy(update={"sources": Sources()})
    auckland = offline.model_copy(update={"schedule": offline.schedule.model_copy(update={"timezone": "Pacific/Auckland"})})
    titles = {week: [a.title for a in run_issue(auckland, NOW, week=week).digest.articles] for week in ("2025-W29", "2025-W30")}
    assert titles == {"2025-W29": [], "2025-W30": ["AI trailers reach Auckland cinemas"]}
    assert [a.title for a in run_issue(offline, NOW, week="2025-W29").digest.articles] == ["AI trailers reach Auckland cinemas"]


def test_a_story_already_sent_is_left_out_and_new_sources_make_a_follow_up(tmp_path, server):
    folder = tmp_path / "saved"
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for seed in seeds[:3]:
        shutil.copy(seed, folder / seed.name)
    config = config_for(tmp_path, server, folders=[folder])
    first = run_issue(config, NOW)
    assert len(first.digest.stories) == 1 and not first.digest.stories[0].follow_up
    later = NOW + timedelta(days=7)
    repeat = run_issue(config, later)
    assert repeat.digest.stories == ()
    assert repeat.digest.repeats and "already sent in issue 1 (2025-W29)" in repeat.digest.repeats[0]
    assert "already sent in issue 1 (2025-W29)" in repeat.files["notes"].read_text(encoding="utf-8")
    for seed in seeds[3:]:
        shutil.copy(seed, folder / seed.name)
    follow = run_issue(config, later)
    (story,) = follow.digest.stories
    assert story.follow_up == "first covered in issue 1 (2025-W29)" and len(story.origins) == 2
    assert "follow-up: first covered in issue 1 (2025-W29)" in follow.email.text.replace("\n", " ")


def write_config(tmp_path, server, feeds=()):
    path = tmp_path / "config.yaml"
    folder = FIXTURES / "folder"
    feed_lines = "".join(f"\n    - url: {server.url(f)}" for f in feeds)
    path.write_text(f"sources:\n  folders:\n    - path: {folder}\n      name: saved\n  feeds:{feed_lines or ' []'}\n"
                    "fetch:\n  timeout_seconds: 0.5\n  retries: 0\n  teaser_words: 25\n"
                    f"store: {tmp_path / 'store.sqlite'}\noutput: {tmp_path / 'out'}\n", encoding="utf-8")
    return path


def test_cli_imports_opml_lists_sources_and_strict_exits_1(tmp_path, server, capsys):
    config = write_config(tmp_path, server, ["/status/404"])
    opml = tmp_path / "feeds.opml"
    opml.write_text('<opml version="2.0"><body><outline text="Film">'
                    f'<outline text="Frame Rate" xmlUrl="{server.url("/feeds/atom.xml")}"/>'
                    f'<outline text="Pixel Post" xmlUrl="{server.url("/feeds/jsonfeed.json")}"/>'
                    '</outline></body></opml>', encoding="utf-8")
    assert main(["sources", "import", str(opml), "--config", str(config)]) == 0
    assert "Imported 2 new feeds of 2" in capsys.readouterr().out
    assert main(["sources", "list", "--config", str(config)]) == 0
    assert capsys.readouterr().out.count("never fetched") == 4
    assert main(["run", "--config", str(config), "--now", NOW.isoformat()]) == 0
    summary = capsys.readouterr().out
    assert "1 problem ·" in summary and "Feeds: 1 failed · 2 ok" in summary
    assert main(["sources", "list", "--config", str(config)]) == 0
    listing = capsys.readouterr().out
    assert "folder saved" in listing and "guessed outlet for 1, published for 2 of 5" in listing
    assert "feed   Frame Rate" in listing and "ok · 1 item this fetch · 1 stored · 0 problems" in listing
    assert "failed: HTTP 404 · 0 items this fetch" in listing
    assert main(["run", "--config", str(config), "--now", NOW.isoformat(), "--strict"]) == 1
    assert "HTTP 404" in capsys.readouterr().err
    assert main(["run", "--config", str(config), "--week", "2025-W29"]) == 0
    with pytest.raises(SystemExit) as usage:
        main(["run", "--config", str(config), "--week", "2025-30"])
    assert usage.value.code == 2 and "write it as 2025-W30" in capsys.readouterr().err
