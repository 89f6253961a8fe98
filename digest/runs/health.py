"""``digest status``: did this week's issue go out, and is anything wrong? (reads the store; ``now`` passed in)

Exit codes (for monitoring): 0 healthy; 1 the last build or send failed (or was killed); 3 a run is
overdue: a scheduled build passed by more than the misfire grace with no issue for its week, or a
scheduled send did with subscribers still waiting for a built issue (under ``send_policy: approve``
that includes an issue nobody approved). A failure wins over overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from digest.config import Config
from digest.lock import holder
from digest.runs.runlog import RunLog
from digest.runs.schedule import latest_fire, next_times, trigger
from digest.weeks import iso_week

HEALTHY, FAILED, OVERDUE = 0, 1, 3


def status(config: Config, now: datetime) -> dict:
    """Everything ``digest status`` shows, as plain data (``--json`` prints it as is)."""
    store = config.store
    size = sum(p.stat().st_size for p in (store, Path(f"{store}-wal")) if p.exists())
    report = {"now": now.isoformat(timespec="seconds"), "store": str(store), "store_bytes": size,
              "lock": holder(store) if store.exists() else None,
              "next": {job: t.isoformat() if t else None for job, t in next_times(config.schedule, now).items()},
              "send_policy": config.schedule.send_policy}
    if not store.exists():
        report |= {"last_build": None, "last_send": None, "this_week": _week(None, iso_week(now.astimezone(timezone.utc)))}
    else:
        with RunLog(store) as log:
            runs = {kind: _settled(log.last(kind), report["lock"]) for kind in ("build", "send")}
        report |= {"last_build": runs["build"], "last_send": runs["send"],
                   "this_week": week_state(config, iso_week(now.astimezone(timezone.utc)))}
    report["overdue"] = overdue(config, now) if store.exists() else _overdue_without_store(config, now)
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


def week_state(config: Config, week: str) -> dict:
    """One week's issue: built? approved? sent to how many, how many left?"""
    from digest.mail.ledger import DONE, Ledger
    from digest.mail.subscribers import SubscriberBook
    from digest.store import Store

    with Store(config.store) as store:
        issue, approval = store.issue(week), store.approval(week)
    with Ledger(config.store) as ledger:
        rows = ledger.rows(week)
    with SubscriberBook(config.store) as book:
        active = {s.address.lower() for s in book.list("active")}
    done = {r.address for r in rows if r.status in DONE or r.status == "unknown"}  # unknown: never re-sent blindly
    state = _week(issue, week)
    state |= {"approved": bool(approval and approval["valid"]),
              "approval": approval, "subscribers": len(active),
              "sent": sum(r.status == "sent" for r in rows), "rejected": sum(r.status == "rejected" for r in rows),
              "unknown": sum(r.status in ("unknown", "data") for r in rows),
              "pending": sum(r.status == "pending" for r in rows),
              "left": len(active - done) if issue and issue["stories"] else 0}
    return state


def _week(issue: dict | None, week: str) -> dict:
    return {"week": week, "built": issue["created"] if issue else None,
            "stories": issue["stories"] if issue else 0, "subject": issue["subject"] if issue else "",
            "approved": False, "approval": None, "subscribers": 0, "sent": 0, "rejected": 0, "unknown": 0,
            "pending": 0, "left": 0}


def overdue(config: Config, now: datetime) -> list[str]:
    """The scheduled runs that should have happened by now (past the grace) and did not."""
    s, grace, late = config.schedule, timedelta(minutes=config.schedule.misfire_grace_minutes), []
    build = latest_fire(trigger(s.build, s.timezone), now, timedelta(days=8))
    if build and now - build > grace:
        state = week_state(config, iso_week(build.astimezone(timezone.utc)))
        if not state["built"]:
            late.append(f"build of {build.isoformat(timespec='minutes')}: issue {state['week']} was not built")
    send = latest_fire(trigger(s.send, s.timezone), now, timedelta(days=8))
    if send and now - send > grace and s.send_policy != "never":
        state = week_state(config, iso_week(send.astimezone(timezone.utc)))
        if state["left"]:
            late.append(f"send of {send.isoformat(timespec='minutes')}: {state['left']} of {state['subscribers']} "
                        f"subscribers still wait for issue {state['week']}")
    return late


def _overdue_without_store(config: Config, now: datetime) -> list[str]:
    s = config.schedule
    build = latest_fire(trigger(s.build, s.timezone), now, timedelta(days=8))
    grace = timedelta(minutes=s.misfire_grace_minutes)
    return [f"build of {build.isoformat(timespec='minutes')}: nothing was ever built ({config.store} does not exist)"] \
        if build and now - build > grace else []
