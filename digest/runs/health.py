"""``digest status``: did this week's issue go out, and is anything wrong? (reads the store; ``now`` passed in)

Exit codes (for monitoring): 0 healthy; 1 the last build or send failed (or was killed); 3 a run is
overdue: a scheduled build passed by more than the misfire grace with no issue for its week, or a
scheduled send did with subscribers still waiting for a built issue (under ``send_policy: approve``
that includes an issue nobody approved). A failure wins over overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from digest.config import Config
from digest.lock import holder
from digest.runs.runlog import RunLog
from digest.runs.schedule import latest_fire, next_times, trigger
from digest.weeks import week_of

HEALTHY, FAILED, OVERDUE = 0, 1, 3


def status(config: Config, now: datetime) -> dict:
    """Everything ``digest status`` shows, as plain data (``--json`` prints it as is)."""
    store = config.store
    size = sum(p.stat().st_size for p in (store, Path(f"{store}-wal")) if p.exists())
    report = {"now": now.isoformat(timespec="seconds"), "store": str(store), "store_bytes": size,
              "lock": holder(store) if store.exists() else None,
              "next": {job: t.isoformat() if t else None for job, t in next_times(config.schedule, now).items()},
              "send_policy": config.schedule.send_policy}
    week, due = week_of(now, config.schedule.timezone), _due(config, now)
    if not store.exists():
        report |= {"last_build": None, "last_send": None, "this_week": _week(None, week),
                   "overdue": [f"build of {fire.isoformat(timespec='minutes')}: nothing was ever built ({store} does "
                               "not exist)" for job, fire, _ in due if job == "build"]}
    else:
        with RunLog(store) as log:
            runs = {kind: _settled(log.last(kind), report["lock"]) for kind in ("build", "send")}
        states = week_states(config, {week, *(w for _, _, w in due)})
        report |= {"last_build": runs["build"], "last_send": runs["send"], "this_week": states[week],
                   "overdue": _overdue(due, states)}
    failed = [kind for kind in ("build", "send") if (report[f"last_{kind}"] or {}).get("result") in ("failed", "killed")]
    report["failed"] = failed
    report["exit_code"] = FAILED if failed else OVERDUE if report["overdue"] else HEALTHY
    report["health"] = {HEALTHY: "healthy", FAILED: "last run failed", OVERDUE: "overdue"}[report["exit_code"]]
    return report


def _settled(run: dict | None, lock: dict | None) -> dict | None:
    """A run left ``running`` while nobody holds the lock was killed."""
    if run and run["result"] == "running" and not lock:
        return run | {"result": "killed", "message": run["message"] or "the process ended mid-run (killed or crashed); "
                      "the next run completes the week"}
    return run


def week_states(config: Config, weeks: set[str]) -> dict[str, dict]:
    """Each week's issue: built? approved? sent to how many, how many left? (the store opened once)"""
    from digest.mail.ledger import Ledger
    from digest.mail.subscribers import SubscriberBook
    from digest.store import Store

    with Store(config.store) as store, Ledger(config.store) as ledger, SubscriberBook(config.store) as book:
        active = {s.address.lower() for s in book.list("active")}
        return {week: _state(week, store.issue(week), store.approval(week), ledger.rows(week), active)
                for week in sorted(weeks)}


def _state(week: str, issue: dict | None, approval: dict | None, rows: list, active: set[str]) -> dict:
    from digest.mail.ledger import DONE

    done = {r.address for r in rows if r.status in DONE or r.status == "unknown"}  # unknown: never re-sent blindly
    return _week(issue, week) | {
        "approved": bool(approval and approval["valid"]), "approval": approval, "subscribers": len(active),
        "sent": sum(r.status == "sent" for r in rows), "rejected": sum(r.status == "rejected" for r in rows),
        "unknown": sum(r.status in ("unknown", "data") for r in rows),
        "pending": sum(r.status == "pending" for r in rows),
        "left": len(active - done) if issue and issue["stories"] else 0}


def _week(issue: dict | None, week: str) -> dict:
    return {"week": week, "built": issue["created"] if issue else None,
            "stories": issue["stories"] if issue else 0, "subject": issue["subject"] if issue else "",
            "approved": False, "approval": None, "subscribers": 0, "sent": 0, "rejected": 0, "unknown": 0,
            "pending": 0, "left": 0}


def _due(config: Config, now: datetime) -> list[tuple[str, datetime, str]]:
    """(job, fire, week) of each job's latest scheduled fire passed by more than the grace (no send under
    ``never``): what should have happened by now."""
    s, grace = config.schedule, timedelta(minutes=config.schedule.misfire_grace_minutes)
    jobs = {"build": s.build, **({"send": s.send} if s.send_policy != "never" else {})}
    fires = {job: latest_fire(trigger(cron, s.timezone), now, timedelta(days=8)) for job, cron in jobs.items()}
    return [(job, fire, week_of(fire, s.timezone)) for job, fire in fires.items()
            if fire and now - fire > grace]


def _overdue(due: list[tuple[str, datetime, str]], states: dict[str, dict]) -> list[str]:
    """The due runs that did not happen: a build whose week has no issue, a send with subscribers waiting."""
    late = []
    for job, fire, week in due:
        state, when = states[week], fire.isoformat(timespec="minutes")
        if job == "build" and not state["built"]:
            late.append(f"build of {when}: issue {week} was not built")
        if job == "send" and state["left"]:
            late.append(f"send of {when}: {state['left']} of {state['subscribers']} subscribers still wait for "
                        f"issue {week}")
    return late
