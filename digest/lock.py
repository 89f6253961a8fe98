"""One digest at a time: the run/send lock (I/O).

``digest run``, ``digest send``, the scheduler's jobs and the editor's desk when it builds or sends
each hold this lock while they read and write the store and the issue's files, so two of them never
interleave (two sends at once would mail people twice). It is an advisory ``flock`` on a file beside
the store, ``<store>.lock``: the kernel releases it when its process ends, however it ends (SIGKILL,
out of memory, a reboot), so a lock left by a dead process never blocks the next run and there is
nothing to clean up. The file says who holds it (pid, what, since when) for the message a second
process prints before it exits with ``BusyError`` (exit code 75).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from digest.errors import BusyError

POLL_SECONDS = 0.2


def lock_path(store: Path | str) -> Path:
    """The lock file of a store file: ``digest.sqlite`` -> ``digest.sqlite.lock``."""
    store = Path(store)
    return store.with_name(store.name + ".lock")


class RunLock:
    """Hold the store's run/send lock for a ``with`` block; ``BusyError`` if another process has it.

    ``wait`` seconds: how long to keep trying before giving up (0: answer at once, as the commands
    do; the scheduler waits a little for a desk build to finish).
    """

    def __init__(self, store: Path | str, what: str, wait: float = 0.0):
        self.path, self.what, self.wait = lock_path(store), what, wait
        self._file = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # never truncated before we hold the lock
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(handle)
                    handle.close()
                    raise BusyError(f"{holder} holds {self.path}; this {self.what} did not start "
                                    "(nothing was changed): run it again when that one has finished") from None
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        handle.write(json.dumps({"pid": os.getpid(), "what": self.what, "since": since}) + "\n")
        handle.flush()
        self._file = handle
        return self

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def holder(store: Path | str) -> dict | None:
    """Who holds the store's lock now ({"pid", "what", "since"}), or None if nobody does."""
    path = lock_path(store)
    if not path.exists():
        return None
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _written(handle)
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def _written(handle) -> dict | None:
    """What the holder wrote ({"pid", "what", "since"}); a holder that has only just taken the lock
    may not have written yet, so an empty file is read again for up to half a second."""
    for _ in range(10):
        handle.seek(0)
        found = _parse(handle.read())
        if found:
            return found
        time.sleep(0.05)
    return None


def _holder(handle) -> str:
    found = _written(handle)
    if not found:
        return "another digest process"
    return f"digest {found.get('what', '?')} (pid {found.get('pid', '?')}, since {found.get('since', '?')})"


def _parse(text: str) -> dict | None:
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
