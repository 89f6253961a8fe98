"""digest's command line: assemble the command groups of ``digest.commands`` and run one.

Exit codes: 0 done; 1 the run failed (or ``--strict`` and problems were met); 2 bad usage or an
invalid config; 75 another digest process holds the run/send lock (nothing was done: try later). Only this module turns a DigestError into an exit code; anything unexpected keeps
its traceback. Nothing heavy is imported here: each command loads what it uses.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from digest.commands import console, desk, inspect, mail, read, run, sources
from digest.errors import BusyError, ConfigError, DigestError, StrictModeError

GROUPS = (run, sources, read, inspect, mail, desk)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    err = console()
    try:
        return args.command(args)
    except ConfigError as error:
        for line in error.lines:
            err.print(f"[red]error[/red] {line}", markup=True, soft_wrap=True)
        return 2
    except StrictModeError as error:
        err.print("[red]--strict: the run met problems, nothing was written:[/red]", markup=True)
        err.print(str(error), markup=False, soft_wrap=True)
        return 1
    except BusyError as error:
        err.print(f"busy: {error}", markup=False, soft_wrap=True)
        return BusyError.exit_code
    except DigestError as error:
        err.print(f"error: {error}", markup=False, soft_wrap=True)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digest", description="Weekly email digest from feeds and saved articles.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
