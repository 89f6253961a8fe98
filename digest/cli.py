"""digest's command line: assemble the command groups of ``digest.commands`` and run one.

Exit codes: 0 done; 1 the run failed (or ``--strict`` and problems were met); 2 bad usage or an
invalid config; 75 another digest process holds the run/send lock (nothing was done: try later);
``digest status`` adds 3 (a run is overdue). Only this module turns a DigestError into an exit code;
anything unexpected keeps its traceback. Nothing heavy is imported here: each command loads what it uses.

digest uses no pydantic plugin: unless ``PYDANTIC_DISABLE_PLUGINS`` is set otherwise, ``main`` sets it
to ``__all__``, so pydantic does not read every installed package's entry points for plugins when
the config's validator is built (~15-25 ms of every command that reads the config). Likewise
``OPENBLAS_NUM_THREADS`` defaults to 1: digest spreads its work over processes (``judging.workers``),
and numpy's BLAS starting a thread per core when it loads cost ~55 ms of CPU on a 2-core machine
(its idle thread spins), a tenth of a re-run's imports, for dedup's few single-precision products
(OpenBLAS splits a product's rows and columns among threads, not its sums: the benchmark's issue
of 1,000 articles came out the same, byte for byte, with one thread or two).
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import threading
from collections.abc import Sequence

from digest import logs
from digest.commands import archive, console, desk, inspect, mail, read, run, schedule, sources, status
from digest.errors import BusyError, ConfigError, DigestError, StrictModeError

GROUPS = (run, sources, read, inspect, mail, desk, schedule, status, archive)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads (see above)
    args = _parser().parse_args(argv)
    logs.setup(args.log_format, args.verbose, args.quiet)
    if args.log_format == "json":
        return _json_errors(args)
    try:
        return args.command(args)
    except ConfigError as error:
        for line in error.lines:
            console().print(f"[red]error[/red] {line}", markup=True, soft_wrap=True)
        return 2
    except StrictModeError as error:
        console().print("[red]--strict: the run met problems, nothing was written:[/red]", markup=True)
        console().print(str(error), markup=False, soft_wrap=True)
        return 1
    except BusyError as error:
        console().print(f"busy: {error}", markup=False, soft_wrap=True)
        return BusyError.exit_code
    except DigestError as error:
        console().print(f"error: {error}", markup=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        console().print("interrupted: files are written whole or not at all; run the command again to finish",
                        markup=False)
        return 130


def entry() -> None:
    """The ``digest`` script and ``python -m digest``: ``main``, then ``leave`` with its exit code."""
    leave(main())


def leave(code: int) -> None:
    """Exit with ``code``, skipping the interpreter's teardown when nothing else runs.

    Tearing down ~450 loaded modules and the run's objects cost a re-run ~0.2 s, an eighth of it,
    and does nothing for digest: every file and store connection is closed by its ``with`` block
    (files.write_atomic, Store, WorkCache, the process pools) before ``main`` returns. What an
    exit must still do is done first: the ``atexit`` handlers (logging's flush, finalizers such as
    a temporary folder's removal) and flushing stdout and stderr. With another thread alive, if
    a flush fails (a closed pipe), or under a profiler or tracer (``python -m cProfile``, a
    debugger: they write their results as the interpreter ends), the exit is Python's own."""
    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        sys.exit(code)
    atexit._run_exitfuncs()  # noqa: SLF001 (the handlers Python's own exit would run, in the same order)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def _json_errors(args: argparse.Namespace) -> int:
    """The same exit codes, each error as one JSON line (``--log-format json``)."""
    try:
        return args.command(args)
    except DigestError as error:
        code = 2 if isinstance(error, ConfigError) else BusyError.exit_code if isinstance(error, BusyError) else 1
        kind = {2: "config", BusyError.exit_code: "busy"}.get(code, "strict" if isinstance(error, StrictModeError) else "error")
        logs.say(logging.ERROR, str(error), kind=kind, exit_code=code)
        return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digest", description="Weekly email digest from feeds and saved articles.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors (for cron: no mail when all is well)")
    parser.add_argument("--log-format", choices=("text", "json"), default="text",
                        help="stderr as text, or one JSON object a line for log collectors")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
