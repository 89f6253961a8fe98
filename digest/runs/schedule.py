"""When the weekly jobs fire, and what a scheduler that was down owes on start (pure, but for RunLog).

Two jobs, ``build`` and ``send``, each a five-field cron expression in the configured time zone
(``schedule:`` in config.yaml). APScheduler 3's ``CronTrigger`` computes fire times, so a job set
for "Mondays 07:00 Europe/London" fires at 07:00 local time on both sides of a daylight-saving
change. Everything here takes the clock as an argument (``now``), so tests drive it without sleeping.

Missed runs: the daemon records the fire time of every job it ran (``RunLog.fired``). On start,
``catch_up`` looks at the fire times since the last recorded one: the latest, if it is no older
than the misfire grace, runs once (several missed fires coalesce into that one run); older ones
are skipped and named. Recording the fire after the job finished makes it "never twice" across
restarts, while a job killed mid-run is owed again (both jobs are safe to repeat: a rebuild of a
built week gives the same issue, a send never mails an address twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

JOBS = ("build", "send")
_SEARCH = timedelta(days=400)  # how far back a recorded fire is looked for (a yearly cron still works)
_MAX_FIRES = 10_000  # a per-minute cron over a long outage: enough to find the latest, bounded


class CronError(ValueError):
    """A cron expression APScheduler cannot read; the message says why."""


_PLAIN_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12))  # minute, hour, day of month, month
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def plainly_valid(expression: str) -> bool:
    """True for what config.yaml usually holds, which APScheduler always accepts: five fields of
    ``*`` or comma lists of numbers in range (minute, hour, day, month), and ``*`` or comma lists
    of weekday names or name ranges (``mon``, ``mon-fri``). Checking the config then loads no
    APScheduler (~15-30 ms a run, measured); anything else is left to ``trigger`` and its messages."""
    fields = expression.split()
    if len(fields) != 5:
        return False
    numbers = all(part == "*" or all(n.isdigit() and n.isascii() and low <= int(n) <= high for n in part.split(","))
                  for part, (low, high) in zip(fields, _PLAIN_RANGES))
    days = fields[4] == "*" or all(_weekdays(piece) for piece in fields[4].split(","))
    return numbers and days


def _weekdays(piece: str) -> bool:
    """``mon`` or an ascending range such as ``mon-fri`` (APScheduler refuses ``fri-mon``)."""
    names = piece.split("-", 1)
    return all(name in _WEEKDAYS for name in names) and _WEEKDAYS.index(names[0]) <= _WEEKDAYS.index(names[-1])


def check(expression: str) -> None:
    """CronError (saying why) if APScheduler would refuse ``expression``; a plain one
    (``plainly_valid``) is passed without loading APScheduler."""
    if not plainly_valid(expression):
        trigger(expression, "UTC")


def trigger(expression: str, zone: str):
    """The APScheduler CronTrigger of a five-field cron expression in the IANA time zone ``zone``."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise CronError(f"{expression!r} has {len(fields)} fields; cron needs 5: minute hour day month weekday "
                        "(e.g. \"0 7 * * mon\")")
    try:
        return CronTrigger.from_crontab(expression, timezone=ZoneInfo(zone))
    except (ValueError, KeyError) as error:
        raise CronError(f"{expression!r} is not a cron expression: {error}") from None


def next_fire(expression: str, zone: str, after: datetime) -> datetime | None:
    """The first fire time of cron ``expression`` strictly after ``after`` (aware), in ``zone``."""
    return trigger(expression, zone).get_next_fire_time(None, after + timedelta(microseconds=1))


def repeated(fire: datetime) -> bool:
    """True for the second occurrence of a local time that happens twice (the hour the clocks go back):
    APScheduler 3 fires a cron job at both, a job runs once (at the first)."""
    return fire.fold == 1 and fire.replace(fold=0).utcoffset() != fire.utcoffset()


def fires_between(cron, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time in (start, end], oldest first (at most _MAX_FIRES, the latest kept); a local
    time that happens twice counts once."""
    found: list[datetime] = []
    moment = cron.get_next_fire_time(None, start + timedelta(microseconds=1))
    while moment is not None and moment <= end:
        if not repeated(moment):
            found.append(moment)
        if len(found) > _MAX_FIRES:
            del found[0]
        moment = cron.get_next_fire_time(moment, moment)
    return found


def latest_fire(cron, now: datetime, within: timedelta = _SEARCH) -> datetime | None:
    """The most recent fire time at or before ``now`` (looking back ``within``), or None."""
    fires = fires_between(cron, now - within, now)
    return fires[-1] if fires else None


@dataclass(frozen=True)
class CatchUp:
    """What a job owes at start: ``run`` (the one fire to run now, or None) and ``skipped`` fires."""

    job: str
    run: datetime | None
    coalesced: tuple[datetime, ...] = ()  # older missed fires folded into ``run``
    too_late: tuple[datetime, ...] = ()  # missed by more than the grace: not run

    def describe(self) -> str:
        when = lambda moments: ", ".join(m.isoformat(timespec="minutes") for m in moments)  # noqa: E731
        if self.run is None and not self.too_late:
            return f"{self.job}: nothing missed"
        parts = []
        if self.run is not None:
            extra = f" ({len(self.coalesced)} earlier missed fires coalesced into it: {when(self.coalesced)})" \
                if self.coalesced else ""
            parts.append(f"{self.job}: missed the run of {self.run.isoformat(timespec='minutes')}; running it once now{extra}")
        if self.too_late:
            parts.append(f"{self.job}: missed by more than the misfire grace, not run: {when(self.too_late)} "
                         f"(run `digest {'run' if self.job == 'build' else 'send'}` by hand if still wanted)")
        return "; ".join(parts)


def catch_up(job: str, cron, last: datetime | None, now: datetime, grace: timedelta) -> CatchUp:
    """The fires of ``cron`` missed since ``last`` (the last fire this job ran; None: never ran, then
    only fires within the grace count): the latest within ``grace`` of ``now`` runs once, the others
    are coalesced into it or, if older than the grace, reported as too late."""
    since = last if last is not None else now - grace
    missed = fires_between(cron, since, now)
    fresh = [m for m in missed if now - m <= grace]
    stale = tuple(m for m in missed if now - m > grace)
    if not fresh:
        return CatchUp(job, None, (), stale)
    return CatchUp(job, fresh[-1], tuple(fresh[:-1]), stale)


def next_times(settings, now: datetime) -> dict[str, datetime | None]:
    """The next fire time of each job of a ``ScheduleSettings``, in its time zone."""
    return {job: next_fire(getattr(settings, job), settings.timezone, now) for job in JOBS}
