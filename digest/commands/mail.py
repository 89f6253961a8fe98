"""The mailing commands: ``send``, ``subscribers add/remove/list`` and ``serve-unsubscribe``.

Thin (``digest.cli`` registers them and turns DigestErrors into exit codes): parse,
call the library, print. ``send`` sends what the editor previewed: the issue folder that
``digest run`` wrote (digest.html and digest.txt; the subject from the store's record), found and
checked through the store (``digest.email.publish.read_built``); whether it may go out is
``digest.runs.sendable``'s answer, the scheduler's too. Exit codes: 0 done; 1 not everyone could be
reached yet (re-run to continue).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from digest.commands import config_option
from digest.errors import DeliveryError


def add_commands(commands) -> None:
    """Register the mailing commands on the CLI's subparsers."""
    send = commands.add_parser("send", help="send an issue to every subscriber (each address once)")
    config_option(send)
    send.add_argument("--issue", metavar="WEEK", help="the issue's ISO week, e.g. 2025-W30 (default: the latest)")
    send.add_argument("--to", metavar="ADDRESS", help="send only to this subscriber")
    send.add_argument("--dry-run", action="store_true", help="write the messages as .eml files, send nothing")
    send.add_argument("--out", type=Path, metavar="DIR", help="where --dry-run writes (default: <issue>/outbox)")
    send.add_argument("--json", action="store_true", help="print the outcome as JSON (addresses by status)")
    send.add_argument("--resend-unknown", action="store_true",
                      help="send again to addresses whose last message may or may not have arrived (same Message-ID)")
    send.set_defaults(command=_send)

    subscribers = commands.add_parser("subscribers", help="add, remove or list subscribers")
    actions = subscribers.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add addresses (or a CSV/YAML list with --from)")
    add.add_argument("addresses", nargs="*", metavar="ADDRESS")
    add.add_argument("--from", dest="source", type=Path, metavar="FILE", help="a CSV or YAML list of addresses")
    remove = actions.add_parser("remove", help="unsubscribe addresses (they are never mailed again)")
    remove.add_argument("addresses", nargs="+", metavar="ADDRESS")
    listing = actions.add_parser("list", help="list subscribers")
    listing.add_argument("--all", action="store_true", help="include those who unsubscribed")
    for action, handler in ((add, _add), (remove, _remove), (listing, _list)):
        config_option(action)
        action.set_defaults(command=handler)

    serve = commands.add_parser("serve-unsubscribe", help="the one-click unsubscribe endpoint (RFC 8058)")
    config_option(serve)
    serve.add_argument("--host", help="address to listen on (default: email.unsubscribe.host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: email.unsubscribe.port, 8058)")
    serve.set_defaults(command=_serve)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check(config, week: str | None):
    """The issue to send and whether it may go out (``digest.runs.sendable``); DeliveryError when
    there is nothing to send."""
    from digest.runs.sendable import send_check
    from digest.store import Store

    with Store(config.store) as store:
        check = send_check(store, week, config.schedule.send_policy, scheduled=False)
    if not check.built:
        raise DeliveryError(check.refusal)
    return check


def _dry_run_verdict(config, check) -> str:
    """What a real send would say about approval, for ``--dry-run`` (which sends nothing either way)."""
    policy = config.schedule.send_policy
    if policy == "never":
        return "schedule.send_policy is never: the scheduler would not send it (`digest send` would)"
    if policy == "auto":
        return "acceptable for sending (schedule.send_policy is auto: no approval needed)"
    if check.refusal:
        return f"NOT acceptable for sending: {check.refusal} (a real send would refuse it)"
    return f"acceptable for sending: {check.approved}, unchanged since"


def _recipients(book, settings, only: str | None):
    from digest.mail.subscribers import read_list

    if settings.subscribers:
        addresses, problems = read_list(settings.subscribers)
        for problem in problems:
            print(f"problem {problem}")
        new, skipped = book.merge(addresses, _now(), source=str(settings.subscribers))
        print(f"{settings.subscribers}: {len(addresses)} addresses, {new} new, {len(skipped)} unsubscribed (skipped)")
    active = book.list("active")
    if only:
        active = [s for s in active if s.address.lower() == only.strip().lower()]
        if not active:
            raise DeliveryError(f"{only} is not an active subscriber (add it with `digest subscribers add {only}`)")
    return active


def _send(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.lock import RunLock

    if args.out and not args.dry_run:
        raise DeliveryError("--out DIR goes with --dry-run (a real send writes no files)")
    config = config_module.load(args.config)
    with RunLock(config.store, "send"):  # one send (or run) at a time: two would mail people twice
        if not args.json:
            return _send_issue(args, config)
        out = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries the JSON alone
            return _send_issue(args, config, json_out=out)


def _send_issue(args: argparse.Namespace, config, json_out=None) -> int:
    from digest.email.publish import read_built
    from digest.mail import unsubscribe
    from digest.mail.deliver import Sender, check_sendable, compose, dry_run, send_issue
    from digest.mail.ledger import Ledger
    from digest.mail.smtp import Mailer
    from digest.mail.subscribers import SubscriberBook

    settings = config.email
    check = _check(config, args.issue)
    week, folder = check.week, Path(check.record["folder"])
    email = read_built(check.record)
    if check.refusal and not args.dry_run:
        raise DeliveryError(f"nothing was sent: {check.refusal}")
    secret = unsubscribe.secret_from(settings, os.environ)
    print(f"Issue {week}: {check_sendable(email, settings)}")
    with SubscriberBook(config.store) as book:
        recipients = _recipients(book, settings, args.to)
    size = len(compose(email, settings, _now()).as_bytes())
    print(f"{len(recipients)} recipients · MIME message about {size / 1024:.1f} KB")
    if args.dry_run:
        written = dry_run(email, recipients, settings, secret, _now(), args.out or folder / "outbox")
        print(f"Dry run: wrote {len(written)} messages to {args.out or folder / 'outbox'}; nothing was sent")
        print(f"Approval: {_dry_run_verdict(config, check)}")
        return 0
    with Mailer(settings.smtp, os.environ) as mailer, Ledger(config.store) as ledger, \
            SubscriberBook(config.store) as book:
        sender = Sender(mailer, secret, _now, subscribed=lambda a: getattr(book.get(a), "status", "") == "active",
                        resend_unknown=args.resend_unknown)
        report = send_issue(email, week, recipients, settings, ledger, sender)
    return _summary(report, week, json_out)


def _summary(report, week: str, json_out=None) -> int:
    code = 1 if report.left else 0
    if json_out is not None:
        import json

        print(json.dumps({"issue": week, "sent": report.sent, "already_done": report.skipped,
                          "refused": dict(report.rejected), "unknown": dict(report.unknown), "left": report.left,
                          "unsubscribed_during_send": report.unsubscribed, "sending_elsewhere": report.busy,
                          "error": report.error, "exit_code": code}, indent=2), file=json_out)
        return code
    print(f"Sent {len(report.sent)} · already done {report.skipped} · refused {len(report.rejected)} · "
          f"unknown {len(report.unknown)} · left {len(report.left)}")
    for address, reply in report.rejected:
        print(f"  refused {address}: {reply}")
    for address, why in report.unknown:
        print(f"  unknown {address}: {why}")
    for address in report.unsubscribed:
        print(f"  not sent to {address}: unsubscribed during this send")
    for address in report.busy:
        print(f"  not sent to {address}: another sender is sending it now")
    if report.unknown:
        print(f"{len(report.unknown)} messages may or may not have arrived (the relay took them without a reply): "
              f"they are not sent again; `digest send --issue {week} --resend-unknown` sends them once more with "
              "the same Message-ID")
    if report.left:
        print(f"Not yet reached: {len(report.left)} ({report.error}). Run `digest send --issue {week}` again to "
              "reach them; nobody who got the issue is mailed again.")
        return 1
    return 0


def _known_store(path: Path) -> None:
    """Refuse a store a newer digest wrote before the endpoint starts (it opens the store only per
    request; the subscriber book and every other table refuse one themselves: tables.refuse_newer)."""
    from digest.store import Store

    with Store(path):
        pass


def _add(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.mail.subscribers import SubscriberBook, SubscriberError, read_list

    config = config_module.load(args.config)
    addresses, problems = read_list(args.source) if args.source else ([], [])
    failed = [str(p) for p in problems]
    with SubscriberBook(config.store) as book:
        for address in [*args.addresses, *addresses]:
            try:
                added = book.add(address, _now(), source=str(args.source or "cli"))
                print(f"subscribed {added.address}")
            except SubscriberError as error:
                failed.append(str(error))
    for line in failed:
        print(f"not added: {line}")
    return 1 if failed else 0


def _remove(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.mail.subscribers import SubscriberBook

    config = config_module.load(args.config)
    unknown = 0
    with SubscriberBook(config.store) as book:
        for address in args.addresses:
            found = book.unsubscribe(address, _now())
            print(f"unsubscribed {found.address}" if found else f"not a subscriber: {address}")
            unknown += found is None
    return 1 if unknown else 0


def _list(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.mail.subscribers import SubscriberBook

    config = config_module.load(args.config)
    with SubscriberBook(config.store) as book:
        rows = book.list(None if args.all else "active")
    for row in rows:
        print(f"{row.address}\t{row.status}\t{row.changed[:10]}\t{row.source}")
    print(f"{len(rows)} {'subscribers' if args.all else 'active subscribers'}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.mail import unsubscribe
    from digest.mail.endpoint import Endpoint, make_app

    config = config_module.load(args.config)
    _known_store(config.store)
    settings = config.email
    host, port = args.host or settings.unsubscribe.host, settings.unsubscribe.port if args.port is None else args.port
    app = make_app(settings, config.store, unsubscribe.secret_from(settings, os.environ))
    endpoint = Endpoint(app, settings, host, port)
    print(f"Unsubscribe endpoint on http://{host}:{endpoint.address[1]} for {settings.unsubscribe_url}/<token>",
          flush=True)
    endpoint.serve()
    return 0
