"""The desk's live reload follows config.yaml: a source folder named after the desk started is watched
(real watchfiles, real builds; no browser)."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import datetime, timezone

import anyio

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
        time.sleep(1.0)
    return done()


def _settled(desk) -> int:
    """The desk's build count once no build has run for two seconds (queued changes done)."""
    seen = None
    while seen != (desk.version, desk.building) or desk.building:
        seen = (desk.version, desk.building)
        time.sleep(2.0)
    return desk.version


def test_a_folder_added_to_the_config_while_the_desk_runs_is_watched(tmp_path):
    from digest.desk.state import Desk
    from digest.desk.watch import watch

    shutil.copytree(SEEDS, tmp_path / "seeds")
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  folders:\n    - path: seeds\n", encoding="utf-8")
    desk = Desk(config, now=NOW)
    desk.build()
    assert desk.result is not None and desk.error is None
    read, stop = desk.result.articles_read, threading.Event()

    async def watching() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(watch, desk)
            await anyio.to_thread.run_sync(stop.wait)
            group.cancel_scope.cancel()

    thread = threading.Thread(target=anyio.run, args=(watching,), daemon=True)
    thread.start()
    try:
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
    finally:
        stop.set()
        thread.join(30)
