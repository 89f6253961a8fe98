"""Named points inside a run where the kill tests stop the process (I/O, for tests only).

``DIGEST_PAUSE_AT=<name>`` in the environment makes the process that reaches ``checkpoint(name)``
say ``paused at <name>`` on stderr and sleep, so a test can SIGKILL it at exactly that point and
check the next run completes the week. Unset (always, outside tests) it costs one dict lookup.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "DIGEST_PAUSE_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(ENV) == name:
        print(f"paused at {name}", file=sys.stderr, flush=True)
        time.sleep(3600)
