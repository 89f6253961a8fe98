"""``digest schedule`` (the weekly daemon) and ``digest status`` (did this week's issue go out?)."""

from __future__ import annotations

import argparse
import logging

from digest.commands import config_option, log_args


def add_commands(commands) -> None:
    schedule = commands.add_parser("schedule", help="build and send every week (a foreground daemon; see schedule: "
                                   "in config.yaml)")
    config_option(schedule)
    schedule.set_defaults(command=_schedule)


def _schedule(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.runs.daemon import Daemon

    config = config_module.load(args.config)
    logger = logging.getLogger("digest.runs.daemon")
    if not args.quiet:
        logger.setLevel(logging.INFO)
    if args.log_format == "text":  # a daemon's lines need their time (JSON lines carry it already)
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return Daemon(config, args.config.resolve(), log_args(args)).serve()
