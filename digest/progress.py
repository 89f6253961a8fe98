"""Long work shows its progress: one record per pipeline stage, shown as it happens.

A run passes through stages (collect, relevance, dedup, themes, consensus, render, write). Each
``Progress.stage(name, total)`` records a ``StageTiming``: items, wall and CPU seconds (CPU of
this process plus its finished worker processes) and the process's peak resident memory when the
stage ended. How it is shown depends on where the run goes:

- on a terminal, a rich progress bar per stage (items done of total, elapsed time) that moves as
  the stage's work is done: a stage splits its items into ``Stage.parts`` (about ``PARTS`` pieces,
  only on a live display: off it one piece costs nothing) and ticks after each;
- otherwise (cron, logs, tests), one log line per stage when it ends: name, count, seconds.

``timings()`` gives the records to ``digest run --timings FILE`` and ``benchmarks/run.py``.
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)

Tick = Callable[[int], None]
T = TypeVar("T")
PARTS = 20  # pieces of a stage's items on a live display: the bar moves every ~5 %


@dataclass(frozen=True, slots=True)
class StageTiming:
    name: str
    items: int
    wall: float  # seconds
    cpu: float  # seconds, this process and its finished children
    peak_mb: float  # the process's peak resident memory so far, MB

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Stage:
    tick: Tick
    items: int
    live: bool = False  # shown as a bar, so worth ticking

    def parts(self, items: Sequence[T], smallest: int = 1) -> list[Sequence[T]]:
        """``items`` in one piece, or on a live display in up to ``PARTS`` even pieces of at least
        ``smallest`` (e.g. what keeps a process pool worth starting), to tick after each."""
        count = min(PARTS, len(items) // max(smallest, 1)) if self.live else 1
        if count <= 1:
            return [items]
        size = -(-len(items) // count)
        return [items[start : start + size] for start in range(0, len(items), size)]


def stage(progress: Progress | None, name: str, total: int) -> AbstractContextManager[Stage]:
    """``progress.stage(name, total)``, or without a Progress a stage that records and shows nothing."""
    return progress.stage(name, total) if progress else nullcontext(Stage(lambda n=1: None, total))


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> float:
    """Peak resident memory of this process (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Progress:
    """Records stages; shows a bar per stage when ``live`` (default: stderr is a terminal)."""

    def __init__(self, live: bool | None = None):
        self.live = sys.stderr.isatty() if live is None else live
        self._timings: list[StageTiming] = []

    def timings(self) -> list[StageTiming]:
        return list(self._timings)

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Stage]:
        """Time one stage of ``total`` items; the caller may ``tick(n)`` as items finish, or set
        ``items`` when the count is known only at the end (collect)."""
        started, cpu = time.perf_counter(), _cpu()
        with self._display(name, total) as tick:
            current = Stage(tick, total, self.live)
            yield current
        total = current.items
        timing = StageTiming(name, total, time.perf_counter() - started, _cpu() - cpu, peak_mb())
        self._timings.append(timing)
        logger.info("%s: %d items in %.2f s (CPU %.2f s, peak %.0f MB)", name, total, timing.wall, timing.cpu,
                    timing.peak_mb)

    @contextmanager
    def _display(self, name: str, total: int) -> Iterator[Tick]:
        if not self.live:
            yield lambda n=1: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Bar(*columns, console=Console(stderr=True), transient=False) as bar:  # stdout keeps the summary
            task = bar.add_task(name, total=max(total, 1))
            yield lambda n=1: bar.advance(task, n)
            bar.update(task, completed=max(total, 1))



def timed(progress: Progress | None, name: str, total: int, work: Callable[[], object]):
    """``work()`` recorded as one stage of ``total`` items (nothing recorded without a Progress)."""
    with stage(progress, name, total):
        return work()
