"""digest's own files are never sources: the output folder and the store, wherever they are.

An output folder inside a source folder would make each run read the last issue, its notes and
source pages as articles (and the consensus box cite "Editor notes"); a store inside one, its
SQLite files. ``leave_out`` takes every article and problem under those paths out of the folder
reports and says so once per source, as a note the editor sees in notes.txt and on stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from digest.models import Problem, SourceReport


def leave_out(reports: Sequence[SourceReport], output: Sequence[Path], store: Path) -> list[SourceReport]:
    """The reports without anything read from ``output`` folders or the ``store`` file (and its
    -journal, -wal, .lock companions)."""
    folders = [p.resolve() for p in output]
    store = store.resolve()

    def own(where: str) -> tuple[str, Path] | None:
        path = Path(where).resolve()
        if path.parent == store.parent and path.name.startswith(store.name):
            return "store", store
        folder = next((f for f in folders if f == path or f in path.parents), None)
        return ("output folder", folder) if folder else None

    return [_without(r, own) if r.kind in ("folder", "file") else r for r in reports]


def _without(report: SourceReport, own) -> SourceReport:
    found = {own(a.location) for a in report.articles} | {own(p.where) for p in report.problems}
    found.discard(None)
    if not found:
        return report
    notes = tuple(note(kind, path) for kind, path in sorted(found))
    articles = tuple(a for a in report.articles if own(a.location) is None)
    problems = tuple(p for p in report.problems if own(p.where) is None) + notes
    return replace(report, articles=articles, problems=problems)


def note(kind: str, path: Path) -> Problem:
    """The note that one of digest's own files or folders was left out (here, or by the folder walk)."""
    return Problem(str(path), f"skipped: digest's own {kind}, never read as a source",
                   "move it out of the source folder to silence this note")
