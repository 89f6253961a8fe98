"""The desk's state in process (real builds, watchfiles and relay; no browser): live reload follows
config.yaml, and the test send is the copy ``send`` makes for the editor."""

from __future__ import annotations

import shutil
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone

import anyio

from mailserver import Inbox, MailServer, make_certificate
from tests.conftest import SEEDS

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)
ARTICLE = """Spotify tests AI playlists for music fans

Spotify said its generative AI playlist tool reached 10 million music listeners in July, the streaming company said.
"""


def _until(done, poke, seconds: float = 90.0) -> bool:
    """Poke (write a file) until ``done()``; watchfiles may start a moment after the task does."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if done():
            return True
        poke()
        time.sleep(0.5)
    return done()


def _settled(desk) -> int:
    """The desk's build count once no build has run for a second (queued changes done)."""
    seen = None
    while seen != (desk.version, desk.building) or desk.building:
        seen = (desk.version, desk.building)
        time.sleep(1.0)
    return desk.version


@contextmanager
def _watched_desk(tmp_path):
    """A desk on a copy of the seeds (config.yaml in ``tmp_path``), built once, its watcher running."""
    from digest.desk.state import Desk
    from digest.desk.watch import watch

    shutil.copytree(SEEDS, tmp_path / "seeds")
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  folders:\n    - path: seeds\n", encoding="utf-8")
    desk = Desk(config, now=NOW)
    desk.build()
    stop = threading.Event()

    async def watching() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(watch, desk)
            await anyio.to_thread.run_sync(stop.wait)
            group.cancel_scope.cancel()

    thread = threading.Thread(target=anyio.run, args=(watching,), daemon=True)
    thread.start()
    try:
        yield desk, config
    finally:
        stop.set()
        thread.join(30)


def test_a_folder_added_to_the_config_while_the_desk_runs_is_watched(tmp_path):
    with _watched_desk(tmp_path) as (desk, config):
        assert desk.result is not None and desk.error is None
        read = desk.result.articles_read
        (tmp_path / "more").mkdir()  # a new, empty source folder, then named in config.yaml
        added, before = "sources:\n  folders:\n    - path: seeds\n    - path: more\n", desk.version
        assert _until(lambda: any(f.path.name == "more" for f in desk.config.sources.folders),
                      lambda: desk.version == before and not desk.building and config.write_text(added, encoding="utf-8"))
        settled = _settled(desk)
        assert desk.result.articles_read == read  # the new folder is empty so far
        article = tmp_path / "more" / "spotify.txt"
        assert _until(lambda: not desk.building and desk.result.articles_read == read + 1,
                      lambda: desk.version == settled and article.write_text(ARTICLE, encoding="utf-8")), \
            "a file in the folder named after the desk started was not built"


def test_the_desks_own_correction_is_built_once_and_an_outside_edit_is_built(tmp_path):
    """The desk writes the corrections file and builds; the watcher then sees that write and must not
    build the same issue again, while an edit of the file from outside is built."""
    from digest.desk.watch import DEBOUNCE_MS

    with _watched_desk(tmp_path) as (desk, _):
        article, first = tmp_path / "seeds" / "spotify.txt", desk.version
        assert _until(lambda: desk.version > first,  # the watcher is running
                      lambda: desk.version == first and article.write_text(ARTICLE, encoding="utf-8"))
        settled = _settled(desk)
        desk.correct(lambda c: c.model_copy(update={"subject": "The desk's own subject"}))
        time.sleep(3 * DEBOUNCE_MS / 1000 + 2)  # the watcher has seen the write by now
        assert _settled(desk) == settled + 1, "the desk's own correction was built twice"
        corrections = desk.config.corrections
        outside = corrections.read_text(encoding="utf-8").replace("The desk's own subject", "An outside subject")
        assert _until(lambda: desk.result.digest.subject == "An outside subject",
                      lambda: not desk.building and corrections.read_text(encoding="utf-8") != outside
                      and corrections.write_text(outside, encoding="utf-8"))


def test_a_test_send_to_a_subscribing_editor_carries_their_own_unsubscribe_link(tmp_path, monkeypatch):
    """As `send` makes it: the editor's own signed link in both parts and in List-Unsubscribe."""
    from digest.desk.state import Desk
    from digest.mail import unsubscribe
    from digest.mail.subscribers import SubscriberBook

    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", "a-long-enough-secret-for-tests")
    cert, inbox = make_certificate(tmp_path), Inbox()
    with MailServer(inbox, cert) as relay:
        config = tmp_path / "config.yaml"
        config.write_text(f"sources:\n  folders:\n    - path: {SEEDS}\nemail:\n  editor_address: ed@example.org\n"
                          f"  smtp:\n    host: 127.0.0.1\n    port: {relay.port}\n    ca_file: {cert[0]}\n"
                          "    retry_delay: 0\n", encoding="utf-8")
        desk = Desk(config, now=NOW)
        desk.build()
        assert "the general unsubscribe link: ed@example.org is not a subscriber" in desk.test_send()
        with SubscriberBook(desk.config.store) as book:
            editor = book.add("ed@example.org", NOW)
        assert desk.test_send().endswith("(with its own unsubscribe link)")
    settings = desk.config.email
    own = unsubscribe.link(settings, editor.key, b"a-long-enough-secret-for-tests")
    general, personal = (m for _, m, _ in inbox.messages)
    assert general["List-Unsubscribe"] == f"<{settings.unsubscribe_url}>"
    assert personal["List-Unsubscribe"] == f"<{own}>"
    html, text = (personal.get_body((kind,)).get_content() for kind in ("html", "plain"))
    assert f'href="{own}"' in html and own in text and f'href="{settings.unsubscribe_url}"' not in html
    assert html.replace(own, settings.unsubscribe_url) == general.get_body(("html",)).get_content()
