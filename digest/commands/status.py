"""``digest status [--json]``: last build and send, this week's issue, next scheduled times, store size.

Exit codes for monitoring: 0 healthy; 1 the last build or send failed; 3 a run is overdue (see
``digest.runs.health``); 2 an invalid config, as for every command.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone

from digest.commands import config_option, moment


def add_commands(commands) -> None:
    status = commands.add_parser("status", help="did this week's issue go out? (exit 0 healthy, 1 failed, 3 overdue)")
    config_option(status)
    status.add_argument("--json", action="store_true", help="print it as JSON")
    status.add_argument("--now", type=moment, help=argparse.SUPPRESS)  # the clock, for tests
    status.set_defaults(command=_status)


def _status(args: argparse.Namespace) -> int:
    from digest import config as config_module
    from digest.runs.health import status

    config = config_module.load(args.config)
    report = status(config, args.now or datetime.now(timezone.utc))
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    elif not args.quiet or report["exit_code"]:
        print("\n".join(_lines(report, config.schedule.timezone)))
    return report["exit_code"]


def _lines(report: dict, zone: str) -> list[str]:
    """The report for a person: times on the schedule's clock (``--json`` keeps ISO 8601)."""
    week, at = report["this_week"], lambda text: _at(text, zone)
    lines = [f"digest status at {at(report['now'])}: {report['health'].upper()}"]
    lines += [f"  overdue: {item}" for item in report["overdue"]]
    for kind in ("build", "send"):
        lines.append(f"Last {kind}: {_run(report[f'last_{kind}'], zone)}")
    built = f"built {at(week['built'])} ({week['stories']} stories)" if week["built"] else "not built"
    approval = week["approval"]
    approved = f"approved {at(approval['approved'])}" if week["approved"] else \
        ("approval void (changed since)" if approval else "not approved")
    lines.append(f"This week {week['week']}: {built} · {approved} (send_policy {report['send_policy']}) · "
                 f"sent to {week['sent']} of {week['subscribers']} subscribers · {week['left']} left"
                 + (f" · {week['unknown']} unknown outcome" if week["unknown"] else "")
                 + (f" · {week['rejected']} refused" if week["rejected"] else ""))
    lines.append("Next: " + " · ".join(f"{job} {at(when) if when else 'never'}" for job, when in report["next"].items()))
    holder = report["lock"]
    if holder:
        lines.append(f"Running now: digest {holder.get('what')} (pid {holder.get('pid')}, since {at(holder.get('since'))})")
    lines.append(f"Store: {report['store']} · {report['store_bytes'] / 1024 / 1024:.1f} MB")
    return lines


def _at(text: str | None, zone: str) -> str:
    """An ISO 8601 time as people read it, on the schedule's clock: "Mon 21 Jul 2025 07:00 BST"."""
    from digest.weeks import local

    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return text or "?"
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return local(moment, zone).strftime("%a %d %b %Y %H:%M %Z")


def _run(run: dict | None, zone: str) -> str:
    if not run:
        return "never"
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(run["counts"].items()))
    parts = [_at(run["started"], zone), run["result"], run["week"], counts,
             f"{run['problems']} problems" if run["problems"] else "", run["message"]]
    return " · ".join(p for p in parts if p)
