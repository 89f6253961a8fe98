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
from typing import NamedTuple

from digest.models import Problem, SourceReport


def leave_out(reports: Sequence[SourceReport], output: Sequence[Path], store: Path) -> list[SourceReport]:
    """The reports without anything read from ``output`` folders or the ``store`` file (and its
    -journal, -wal, .lock companions). Each article's path is resolved as ``Path.resolve`` would
    (links followed), its folder once for all the files in it (10,000 files: 0.1 s instead of 1.3 s;
    1,000 files in one folder, listed once instead of asking each whether it is a link: 10-16 -> 6 ms of CPU),
    and what a file that is no link is told once per folder too (``_Own``)."""
    own = _Own([(p, str(p)) for p in (p.resolve() for p in output)], store.resolve())
    return [_without(r, own) if r.kind in ("folder", "file") else r for r in reports]


class _Own:
    """("store" | "output folder", which) when a path is one of digest's own, else None.

    A file that is no link lies where its folder resolves to (``os.path.realpath``): whether it
    is the store or in an output folder then depends on that folder and its name only, so the
    folder is resolved, listed and compared with the output folders and the store once (``_Folder``),
    and each of its files costs a split of its path and a look-up or two (10,100 files in one
    folder: 0.12-0.20 -> 0.02 s, measured). A link, or a path a folder cannot be listed for, is
    resolved on its own (``_slow``)."""

    def __init__(self, folders: list[tuple[Path, str]], store: Path):
        self.folders, self.store = folders, store
        self._seen: dict[str, _Folder] = {}  # by the head and separator ``rpartition`` gives

    def __call__(self, where: str) -> tuple[str, Path] | None:
        head, sep, name = where.rpartition(os.sep)
        if name in ("", ".", ".."):
            return self._slow(where)
        folder = self._seen.get(head + sep)  # "a.txt" and "/a.txt" both have the head ""
        if folder is None:
            folder = self._seen[head + sep] = self._folder(_split_head(head) if sep else "")
        if folder.links is None or name in folder.links:
            return self._slow(where)
        if is_store(folder.resolved, name, self.store):
            return "store", self.store
        return (folder.exact.get(name) if folder.exact else None) or folder.inside

    def _folder(self, folder: str) -> _Folder:
        """What is told of the files of ``folder`` (``os.path.split``'s head of their paths) that are no links."""
        resolved = os.path.realpath(folder or os.curdir)
        inside = next((i for i, (_, text) in enumerate(self.folders) if _within(resolved, text)), None)
        exact: dict[str, int] = {}  # a file whose path is an output folder's own (before the first it is inside)
        for i, (_, text) in enumerate(self.folders[:inside]):
            parent, name = os.path.split(text)
            if name and os.path.join(resolved, name) == text:
                exact.setdefault(name, i)
        found = None if inside is None else ("output folder", self.folders[inside][0])
        return _Folder(_links(folder or os.curdir), resolved,
                       {name: ("output folder", self.folders[i][0]) for name, i in exact.items()} or None, found)

    def _slow(self, where: str) -> tuple[str, Path] | None:
        parent, name = os.path.split(os.path.realpath(where))
        if is_store(parent, name, self.store):
            return "store", self.store
        path = os.path.join(parent, name)
        return next((("output folder", f) for f, text in self.folders if _within(path, text)), None)


class _Folder(NamedTuple):
    links: frozenset[str] | None  # the names of its links (None: it cannot be listed)
    resolved: str  # where it is, links followed
    exact: dict[str, tuple[str, Path]] | None  # names whose path is an output folder's own
    inside: tuple[str, Path] | None  # the output folder it lies in


def _split_head(head: str) -> str:
    """``os.path.split(path)[0]`` for a path whose ``rpartition(os.sep)`` gave ``head``."""
    kept = head + os.sep
    return kept if not kept.strip(os.sep) else head.rstrip(os.sep)


def _within(resolved: str, text: str) -> bool:
    """Whether ``resolved`` (a path, links followed) is output folder ``text`` or lies in it; for a
    folder, whether every file in it does."""
    root = text.rstrip(os.sep)
    return resolved == root or resolved.startswith(root + os.sep)


def _links(folder: str) -> frozenset[str] | None:
    """The names of the links in ``folder`` (one listing), or None when it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            return frozenset(entry.name for entry in listing if entry.is_symlink())
    except OSError:
        return None


def _without(report: SourceReport, own) -> SourceReport:
    marks = [own(a.location) for a in report.articles]  # each path told once
    problem_marks = [own(p.where) for p in report.problems]
    found = set(marks) | set(problem_marks)
    found.discard(None)
    if not found:
        return report
    notes = tuple(note(kind, path) for kind, path in sorted(found))
    articles = tuple(a for a, mark in zip(report.articles, marks) if mark is None)
    problems = tuple(p for p, mark in zip(report.problems, problem_marks) if mark is None) + notes
    return replace(report, articles=articles, problems=problems)


def is_store(folder: str, name: str, store: Path) -> bool:
    """Whether file ``name`` in ``folder`` (resolved) is the ``store`` (resolved) or one of its
    -journal, -wal, .lock companions (here, and in the folder walk)."""
    return name.startswith(store.name) and folder == str(store.parent)


def note(kind: str, path: Path) -> Problem:
    """The note that one of digest's own files or folders was left out (here, or by the folder walk)."""
    return Problem(str(path), f"skipped: digest's own {kind}, never read as a source",
                   "move it out of the source folder to silence this note")
