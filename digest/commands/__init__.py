"""The CLI's command groups, one module each: ``run``, ``sources``, ``inspect`` (summarize, dedup,
facts) and ``mail`` (send, subscribers, serve-unsubscribe).

Each module has ``add_commands(subparsers)`` and thin handlers: parse, call the library, print.
Handlers import the library where they use it, so ``digest --help`` and every usage error answer
without loading NLTK, SciPy, trafilatura or the pipeline. ``digest.cli`` assembles the groups and
turns DigestErrors into exit codes.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from digest.weeks import week_window


@cache
def console():
    """The shared stderr console (rich), made on first use."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def stderr_is_terminal() -> bool:
    """``console().is_terminal``, without loading rich (~20 ms) when stderr is plainly no terminal:
    not a tty, and none of the variables rich reads to force it (TTY_COMPATIBLE, FORCE_COLOR)."""
    if "TTY_COMPATIBLE" not in os.environ and "FORCE_COLOR" not in os.environ:
        try:
            if not sys.stderr.isatty():
                return False
        except (AttributeError, ValueError):  # no stream, or a closed one: rich says no terminal too
            return False
    return console().is_terminal


def config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: ./config.yaml)")


def moment(text: str) -> datetime:
    """An ISO 8601 date-time option; a naive one is UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r} (e.g. 2025-07-20T08:00:00+00:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def week(text: str) -> str:
    """An ISO week option such as 2025-W30."""
    try:
        week_window(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def log_args(args: argparse.Namespace) -> tuple[str, ...]:
    """The CLI-level logging options of this command, to hand to a child ``digest`` process."""
    return (*(("--log-format", "json") if getattr(args, "log_format", "text") == "json" else ()),
            *(("--quiet",) if getattr(args, "quiet", False) else ()))


def progress(args: argparse.Namespace, message: str):
    """A spinner on stderr while a step runs, only when stderr is a terminal and not --quiet or json."""
    from contextlib import nullcontext

    err = console()
    if getattr(args, "quiet", False) or getattr(args, "log_format", "text") == "json" or not err.is_terminal:
        return nullcontext()
    return err.status(message)
