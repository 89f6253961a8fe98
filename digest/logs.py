"""How digest logs (I/O setup): readable lines for people, or one JSON object a line for machines.

``--log-format json`` makes every line digest writes to stderr a JSON object with ``time`` (UTC,
ISO 8601), ``level``, ``logger`` and ``message`` (plus ``exit_code`` on the final error line), so
journald, Loki or a cron wrapper can parse it. ``--quiet`` keeps only errors. Standard library only.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
NOTES = "digest.notes"  # what commands tell their user on stderr


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup(log_format: str, verbose: bool, quiet: bool) -> None:
    """Configure the root logger once for this process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, handlers=[handler])  # a no-op where a host (pytest) set logging up
    logging.getLogger(NOTES).setLevel(logging.ERROR if quiet else logging.INFO)


def say(level: int, message: str, **fields) -> None:
    """A message for the person or machine reading stderr (through logging, so --log-format applies;
    notes at INFO show unless --quiet)."""
    logging.getLogger(NOTES).log(level, message, extra={"fields": fields})
