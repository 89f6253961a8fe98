"""ISO weeks, the unit of an issue: "2025-W30" and the days it covers (pure; imports nothing from digest)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_window(week: str, zone: str = "UTC") -> tuple[datetime, datetime]:
    """[Monday 00:00, Sunday 23:59:59] of an ISO week such as "2025-W30" on ``zone``'s clocks (an
    IANA name, ``schedule.timezone``; aware datetimes); ValueError if ``week`` is not one."""
    match = _WEEK.match(week)
    if not match:
        raise ValueError(f"{week!r} is not an ISO week; write it as 2025-W30")
    monday = datetime.fromisocalendar(int(match[1]), int(match[2]), 1)
    tz = timezone.utc if zone == "UTC" else ZoneInfo(zone)
    return monday.replace(tzinfo=tz), (monday + timedelta(days=7, seconds=-1)).replace(tzinfo=tz)


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def local(moment: datetime, zone: str) -> datetime:
    """``moment`` on the clocks of ``zone`` (an IANA name, ``schedule.timezone``): a run's clock, so the
    week it builds (``iso_week`` of its date) is the week of that zone's calendar."""
    return moment.astimezone(ZoneInfo(zone))


def week_of(moment: datetime, zone: str) -> str:
    """The ISO week ``moment`` falls in on ``zone``'s calendar: the issue a build then makes, the one a
    scheduled send then sends, and "this week" in ``digest status``."""
    return iso_week(local(moment, zone))


def issue_number(week: str, first_week: str) -> int:
    """Issues are weekly: issue 1 is ``first_week``; 0 for a week before it."""
    try:
        elapsed = (week_window(week)[0] - week_window(first_week)[0]).days // 7
    except ValueError:
        return 0
    return elapsed + 1 if elapsed >= 0 else 0
