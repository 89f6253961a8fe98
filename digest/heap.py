"""A run's long-lived objects and CPython's garbage collector.

A run reads the week's articles once and holds them to its end: 10,000 articles are ~250,000
objects the collector tracks. Each full collection walks every tracked object, and CPython starts
one whenever the objects that survived younger collections grow by a quarter, so while a run
reads 10,000 articles the collector walked the growing pile 3 times, and later stages walk it
again when they make objects that last (the newsroom 10,000 benchmark, ``gc.callbacks``: 4 full
collections, 0.5-0.6 s of CPU in the main process, nothing collected). An article holds no
reference cycle (frozen dataclasses of strings and tuples), so none of that work frees anything.

- ``reading()``: no automatic collection while the sources are read (what a reader leaves in a
  cycle, e.g. an exception's traceback, is collected once it ends);
- ``keep()``: what exists now (modules, config, the articles read) is moved out of the
  collector's generations (``gc.freeze``), so no later collection walks it, nor does a forked
  worker (relevance, facts), which also leaves those pages shared with the parent;
  ``reading(then_keep=True)`` keeps what it made before the collector is on again: enabling it
  after ~400 modules had loaded started a young collection that walked them all (twice in
  ``digest run``, for its config and for its pipeline, ~35 ms of a re-run's CPU), and the
  articles read likewise;
- ``run()`` around the run gives it all back to the collector at the end (``gc.unfreeze``), so a
  long-lived process (the desk) frees a run's articles as before. In a
  process where something is frozen already, a run freezes and unfreezes nothing.

The collector is the process's, not a thread's: while a run reads, no thread's cycles are
collected, and what a run freezes includes other threads' objects until it ends. The desk runs
one build at a time (its build lock; the scheduler's daemon starts a ``digest run`` process);
were two runs to overlap, the first to end unfreezes everything and the other's ``keep()`` turns
into nothing (``_OURS`` is then False): its articles may be walked again, nothing stays frozen.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_OURS = {"run": False}  # whether a run() that froze nothing before it is going on


@contextmanager
def run() -> Iterator[None]:
    """A run whose ``keep()`` calls are undone when it ends (inside another run, when that one
    ends); when something is frozen already (by a caller that manages the generations itself),
    ``keep()`` does nothing."""
    if _OURS["run"] or gc.get_freeze_count():
        yield
        return
    _OURS["run"] = True
    try:
        yield
    finally:
        _OURS["run"] = False
        gc.unfreeze()


@contextmanager
def reading(then_keep: bool = False) -> Iterator[None]:
    """No automatic collection inside (an explicit ``gc.collect()`` still runs); ``then_keep``:
    what exists at its end is kept (``keep()``) before the collector is on again, whose first
    young collection would otherwise walk everything made inside at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if then_keep:
            keep()
        if enabled:
            gc.enable()


def keep() -> None:
    """Everything alive now lives for the rest of the run: no collection walks it again."""
    if _OURS["run"]:
        gc.freeze()
