"""``digest archive``: write the web archive (issue pages, their JSON, an index, an Atom feed)."""

from __future__ import annotations

import argparse
from pathlib import Path

from digest.commands import config_option


def add_commands(commands) -> None:
    archive = commands.add_parser("archive", help="write every issue's web page, an index and an Atom feed")
    config_option(archive)
    archive.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: archive: in config.yaml)")
    archive.set_defaults(command=_archive)


def _archive(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.lock import RunLock
    from digest.email.publish import publish
    from digest.store import Store

    config = config_module.load(args.config)
    with RunLock(config.store, "archive", wait=60):  # never beside a run that is rewriting an issue
        with Store(config.store) as store:
            issues = store.issues()
        published = publish(issues, args.out or config.archive_folder, config.email)
    for line in published.skipped:
        print(f"left out {line}")
    if not args.quiet:
        print(f"Archive {published.folder}: {len(published.entries)} issues · index.html · feed.atom "
              f"(publish it at {config.email.archive_url}/)")
    return 1 if published.skipped else 0
