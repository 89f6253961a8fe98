"""Named points inside a run where the kill and lock tests stop the process (I/O, for tests only).

``DIGEST_PAUSE_AT=<name>`` in the environment makes the process that reaches ``checkpoint(name)``
say ``paused at <name>`` on stderr and wait, so a test can SIGKILL it at exactly that point (and
check the next run completes the week) or start a second process while it holds the lock. It goes
on when the file named by ``DIGEST_RESUME_FILE`` exists (or after an hour). Unset, as it always is
outside tests, a checkpoint costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ENV, RESUME_ENV = "DIGEST_PAUSE_AT", "DIGEST_RESUME_FILE"


def checkpoint(name: str) -> None:
    if os.environ.get(ENV) != name:
        return
    print(f"paused at {name}", file=sys.stderr, flush=True)
    resume = os.environ.get(RESUME_ENV)
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline and not (resume and Path(resume).exists()):
        time.sleep(0.05)
