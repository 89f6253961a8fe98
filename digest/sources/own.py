"""digest's own files are never sources: the output folder and the store, wherever they are.

An output folder inside a source folder would make each run read the last issue, its notes and
source pages as articles (and the consensus box cite "Editor notes"); a store inside one, its
SQLite files. ``leave_out`` takes every article and problem under those paths out of the folder
reports and says so once per source, as a note the editor sees in notes.txt and on stderr.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from digest.models import Problem, SourceReport


def leave_out(reports: Sequence[SourceReport], output: Sequence[Path], store: Path) -> list[SourceReport]:
    """The reports without anything read from ``output`` folders or the ``store`` file (and its
    -journal, -wal, .lock companions). Each article's path is resolved as ``Path.resolve`` would
    (links followed), its folder once for all the files in it (10,000 files: 0.1 s instead of 1.3 s;
    1,000 files in one folder, listed once instead of asking each whether it is a link: 10-16 -> 6 ms of CPU)."""
    folders = [(p, str(p)) for p in (p.resolve() for p in output)]
    store = store.resolve()
    real = _Resolver()

    def own(where: str) -> tuple[str, Path] | None:
        parent, name = os.path.split(real(where))
        if is_store(parent, name, store):
            return "store", store
        path = os.path.join(parent, name)
        return next((("output folder", f) for f, text in folders
                     if path == text or path.startswith(text.rstrip(os.sep) + os.sep)), None)

    return [_without(r, own) if r.kind in ("folder", "file") else r for r in reports]


class _Resolver:
    """``os.path.realpath`` of file paths, each folder's resolved and listed once: a path whose
    last part is not a link (the listing tells, with no look-up per file) resolves to its
    resolved folder joined with that part."""

    def __init__(self):
        self._folders: dict[str, tuple[str, frozenset[str] | None]] = {}

    def __call__(self, where: str) -> str:
        folder, name = os.path.split(where)
        if name in ("", ".", ".."):
            return os.path.realpath(where)
        known = self._folders.get(folder)
        if known is None:
            known = self._folders[folder] = (os.path.realpath(folder or os.curdir), _links(folder or os.curdir))
        resolved, links = known
        if links is None or name in links:  # a link, or a folder that cannot be listed: each path on its own
            return os.path.realpath(where)
        return os.path.join(resolved, name)


def _links(folder: str) -> frozenset[str] | None:
    """The names of the links in ``folder`` (one listing), or None when it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            return frozenset(entry.name for entry in listing if entry.is_symlink())
    except OSError:
        return None


def _without(report: SourceReport, own) -> SourceReport:
    found = {own(a.location) for a in report.articles} | {own(p.where) for p in report.problems}
    found.discard(None)
    if not found:
        return report
    notes = tuple(note(kind, path) for kind, path in sorted(found))
    articles = tuple(a for a in report.articles if own(a.location) is None)
    problems = tuple(p for p in report.problems if own(p.where) is None) + notes
    return replace(report, articles=articles, problems=problems)


def is_store(folder: str, name: str, store: Path) -> bool:
    """Whether file ``name`` in ``folder`` (resolved) is the ``store`` (resolved) or one of its
    -journal, -wal, .lock companions (here, and in the folder walk)."""
    return name.startswith(store.name) and folder == str(store.parent)


def note(kind: str, path: Path) -> Problem:
    """The note that one of digest's own files or folders was left out (here, or by the folder walk)."""
    return Problem(str(path), f"skipped: digest's own {kind}, never read as a source",
                   "move it out of the source folder to silence this note")
