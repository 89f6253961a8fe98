"""Live reload (I/O): rebuild the desk's issue when a template, config.yaml, the corrections file or a
source file changes (watchfiles: inotify, debounced), so the page, which polls ``/version``, reloads.

Only those files count: the output folder and the store change at every build and are ignored,
or each build would start the next. What is watched follows the config of the last build: a source
folder or templates folder named in config.yaml later, or one (or the corrections file) that does
not exist yet, is watched from its parent until it appears, then itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
from watchfiles import awatch

from digest.desk.state import Desk, file_sha
from digest.email.render import DEFAULT_TEMPLATES

logger = logging.getLogger(__name__)

DEBOUNCE_MS = 300


def watched(desk: Desk) -> tuple[set[Path], set[Path], set[Path]]:
    """(folders to watch, single files that count, folders whose files count)."""
    config = desk.config
    trees = {DEFAULT_TEMPLATES, *filter(None, [config.email.templates])}
    trees |= {f.path for f in config.sources.folders}
    files = {desk.config_path, config.corrections}
    files |= {Path(f.url) for f in config.sources.feeds if "://" not in f.url}
    roots = {_existing(t) for t in trees} | {_existing(f.parent) for f in files}
    return roots - {None}, files, trees


def _existing(folder: Path) -> Path | None:
    """The folder, or its parent while it does not exist (its creation is seen there); None when
    neither exists (the build reports the missing folder; watching far up the tree would cost too much)."""
    return next((f for f in (folder, folder.parent) if f.is_dir()), None)


def counts(path: str, files: set[Path], trees: set[Path]) -> bool:
    where = Path(path)
    if where.name.startswith(".") or where.name.endswith((".part", ".swp", "~")):
        return False  # temporary files (ours, editors')
    return where in files or any(where.is_relative_to(tree) for tree in trees)


async def watch(desk: Desk) -> None:
    """Rebuild on every batch of relevant changes until cancelled; watch anew when a build changes
    what is to be watched (config.yaml names other folders, or a missing one appeared)."""
    while True:
        watching = watched(desk)
        roots, files, trees = watching
        logger.info("watching %s", ", ".join(sorted(map(str, roots))))
        async for changes in awatch(*roots, watch_filter=lambda change, path: counts(path, files, trees),
                                    debounce=DEBOUNCE_MS, step=50, recursive=True):
            paths = {Path(p) for _, p in changes}
            if paths == {desk.config.corrections} and file_sha(desk.config.corrections) == desk.used:
                continue  # the desk's own correction: the last build read it already
            logger.info("changed: %s", ", ".join(sorted(map(str, paths))))
            await anyio.to_thread.run_sync(desk.build)
            if watched(desk) != watching:
                break
