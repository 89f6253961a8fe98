"""``digest sources import|list``: the feeds and folders read, and how their last fetch went."""

from __future__ import annotations

import argparse
from pathlib import Path

from digest.commands import config_option


def add_commands(commands) -> None:
    sources = commands.add_parser("sources", help="the feeds and folders read, and how their last fetch went")
    actions = sources.add_subparsers(required=True, metavar="ACTION")
    imports = actions.add_parser("import", help="add the feeds of an OPML file (a feed reader's export)")
    imports.add_argument("opml", type=Path, metavar="FILE.opml")
    listing = actions.add_parser("list", help="each source: last fetch, status, item counts, guessed metadata")
    for sub, handler in ((imports, _sources_import), (listing, _sources_list)):
        config_option(sub)
        sub.set_defaults(command=handler)


def _sources_import(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.sources.opml import read_opml
    from digest.store import Store

    config = config_module.load(args.config)
    feeds = read_opml(args.opml)
    with Store(config.store) as store:
        added = store.import_feeds(feeds, origin=f"opml:{args.opml.name}")
    print(f"Imported {added} new feeds of {len(feeds)} in {args.opml} (kept in {config.store}; read on every run)")
    return 0


def _sources_list(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.email.view import plural
    from digest.sources import feeds_with
    from digest.store import Store

    config = config_module.load(args.config)
    with Store(config.store) as store:
        runs = {r["name"]: r for r in store.source_runs()}
        configured = feeds_with(config.sources, store.imported_feeds())
    names = [(f.name or f.path.name, "folder", str(f.path)) for f in configured.folders]
    names += [(f.name or f.url, "feed", f.url) for f in configured.feeds]
    for name, kind, location in names:
        run = runs.get(name)
        print(f"{kind:6} {name}" + (f"  <{location}>" if location != name else ""))
        if run is None:
            print("       never fetched")
            continue
        print(f"       last fetch {run['last_fetch']} · {run['status']} · {plural(run['items'], 'item')} this fetch · "
              f"{run['stored']} stored · {plural(run['problems'], 'problem')}"
              + (f" · {run['inferred']}" if run["inferred"] else ""))
    return 0
