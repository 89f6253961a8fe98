"""The weekly schedule on a controlled clock: local fire times across DST, catch-up once, coalescing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from digest.config import load
from digest.errors import ConfigError
from digest.runs.runlog import RunLog
from digest.runs.schedule import CronError, catch_up, fires_between, latest_fire, next_fire, repeated, trigger

UTC = timezone.utc


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


# Mondays 07:00 local on each side of each change (2025): London BST starts 30 March, ends 26 October;
# New York EDT starts 9 March, ends 2 November. The UTC instant moves by an hour; the local time never.
DST_CASES = [
    ("Europe/London", "2025-03-27T12:00", "2025-03-31T06:00"),  # first Monday on summer time: 07:00 BST
    ("Europe/London", "2025-03-20T12:00", "2025-03-24T07:00"),  # the Monday before: 07:00 GMT
    ("Europe/London", "2025-10-23T12:00", "2025-10-27T07:00"),  # first Monday back on GMT
    ("Europe/London", "2025-10-16T12:00", "2025-10-20T06:00"),  # the Monday before: 07:00 BST
    ("America/New_York", "2025-03-05T12:00", "2025-03-10T11:00"),  # first Monday on EDT (UTC-4)
    ("America/New_York", "2025-02-26T12:00", "2025-03-03T12:00"),  # the Monday before: EST (UTC-5)
    ("America/New_York", "2025-10-30T12:00", "2025-11-03T12:00"),  # first Monday back on EST
    ("America/New_York", "2025-10-23T12:00", "2025-10-27T11:00"),  # the Monday before: EDT
]


@pytest.mark.parametrize("zone, after_utc, expected_utc", DST_CASES)
def test_the_weekly_build_fires_at_seven_local_on_both_sides_of_each_dst_change(zone, after_utc, expected_utc):
    fire = next_fire("0 7 * * mon", zone, at(after_utc))
    assert fire.astimezone(UTC) == at(expected_utc)
    local = fire.astimezone(ZoneInfo(zone))
    assert (local.weekday(), local.hour, local.minute) == (0, 7, 0)


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York"])
def test_a_year_of_weekly_fires_is_52_mondays_at_seven_local(zone):
    fires = fires_between(trigger("0 7 * * mon", zone), at("2025-01-01T00:00"), at("2025-12-31T23:59"))
    local = [f.astimezone(ZoneInfo(zone)) for f in fires]
    assert len(fires) == 52 and len(set(fires)) == 52
    assert {(f.weekday(), f.hour, f.minute) for f in local} == {(0, 7, 0)}
    offsets = {f.utcoffset() for f in local}
    assert len(offsets) == 2  # both winter and summer time were crossed


def test_a_job_at_a_time_that_happens_twice_fires_once_and_one_that_does_not_exist_still_fires():
    """01:30 on the autumn Sunday happens twice in London; on the spring Sunday it never happens."""
    cron = trigger("30 1 * * sun", "Europe/London")
    first = cron.get_next_fire_time(None, at("2025-10-25T12:00"))
    second = cron.get_next_fire_time(first, first)  # APScheduler itself fires at both 01:30s ...
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1) and repeated(second)
    autumn = fires_between(cron, at("2025-10-25T12:00"), at("2025-10-26T12:00"))
    assert autumn == [first] and not repeated(first)  # ... the schedule counts one
    spring = fires_between(trigger("30 1 * * sun", "Europe/London"), at("2025-03-29T12:00"), at("2025-03-30T12:00"))
    assert len(spring) == 1 and spring[0].astimezone(UTC).date().isoformat() == "2025-03-30"


def test_a_run_missed_while_down_runs_once_at_start_and_never_twice(tmp_path):
    cron = trigger("0 7 * * mon", "Europe/London")
    grace = timedelta(hours=6)
    with RunLog(tmp_path / "s.sqlite") as log:
        log.fired("build", at("2025-03-24T07:00"), at("2025-03-24T07:05"))  # last week's ran
        start = at("2025-03-31T09:00", "Europe/London")  # up again two hours after this week's fire
        owed = catch_up("build", cron, log.last_fire("build"), start, grace)
        assert owed.run == at("2025-03-31T07:00", "Europe/London") and not owed.coalesced and not owed.too_late
        assert "running it once now" in owed.describe()
        log.fired("build", owed.run, start)
        again = catch_up("build", cron, log.last_fire("build"), start + timedelta(minutes=5), grace)
        assert again.run is None and again.describe() == "build: nothing missed"


def test_several_missed_runs_coalesce_into_one():
    daily = trigger("0 7 * * *", "America/New_York")
    now = at("2025-03-10T08:00", "America/New_York")
    owed = catch_up("build", daily, at("2025-03-06T07:00", "America/New_York"), now, timedelta(days=7))
    assert owed.run == at("2025-03-10T07:00", "America/New_York")
    assert [f.day for f in owed.coalesced] == [7, 8, 9] and not owed.too_late
    assert "3 earlier missed fires coalesced" in owed.describe()


def test_a_run_missed_by_more_than_the_grace_is_named_not_run():
    cron = trigger("0 7 * * mon", "UTC")
    owed = catch_up("build", cron, at("2025-03-17T07:00"), at("2025-03-31T20:00"), timedelta(hours=6))
    assert owed.run is None and owed.too_late == (at("2025-03-24T07:00"), at("2025-03-31T07:00"))
    assert "more than the misfire grace" in owed.describe()


def test_a_first_start_catches_up_only_within_the_grace():
    cron = trigger("0 7 * * mon", "UTC")
    assert catch_up("build", cron, None, at("2025-03-31T08:00"), timedelta(hours=6)).run == at("2025-03-31T07:00")
    assert catch_up("build", cron, None, at("2025-04-01T08:00"), timedelta(hours=6)).run is None


def test_the_recorded_fire_never_moves_back(tmp_path):
    with RunLog(tmp_path / "s.sqlite") as log:
        log.fired("send", at("2025-03-31T09:00", "Europe/London"), at("2025-03-31T09:00"))
        log.fired("send", at("2025-03-24T09:00"), at("2025-03-31T09:10"))
        assert log.last_fire("send") == at("2025-03-31T08:00")
        assert latest_fire(trigger("0 9 * * mon", "Europe/London"), at("2025-04-02T00:00")) == log.last_fire("send")


@pytest.mark.parametrize("cron, why", [("0 7 * mon", "has 4 fields"), ("0 25 * * mon", "not a cron expression"),
                                       ("0 7 * * funday", "not a cron expression")])
def test_a_bad_cron_string_is_one_clear_config_line(tmp_path, cron, why):
    config = tmp_path / "config.yaml"
    config.write_text(f'schedule:\n  build: "{cron}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert len(caught.value.lines) == 1
    line = caught.value.lines[0]
    assert line.startswith(f"{config}: schedule.build: ") and why in line and "\n" not in line
    with pytest.raises(CronError):
        trigger(cron, "UTC")


def test_every_expression_checked_without_apscheduler_is_one_it_accepts():
    """config.yaml's plain cron strings are accepted without loading APScheduler: whatever
    ``plainly_valid`` accepts, ``trigger`` must accept too (every mix of plain and tricky fields)."""
    from itertools import product

    from digest.runs.schedule import plainly_valid

    minutes, hours, days, months = ["0", "59", "60", "*", "0,30", "5-10", "*/15", "-1", "٣"], ["7", "23", "24", "*", "7,19"], \
        ["1", "31", "0", "32", "*", "1,15"], ["1", "12", "13", "0", "*", "jan"]
    weekdays = ["mon", "sun", "*", "mon-fri", "sat,sun", "mon-fri,sun", "fri-mon", "sun-sat", "mon-mon", "funday", "0", "7", "Mon", "mon-", "-mon", "mon-tue-wed", ""]
    accepted = 0
    for fields in product(minutes, hours, days, months, weekdays):
        expression = " ".join(fields)
        if plainly_valid(expression):
            accepted += 1
            trigger(expression, "UTC")  # raises CronError if the shortcut let a bad one through
    assert accepted > 100 and plainly_valid("0 7 * * mon") and plainly_valid("30 9 1,15 * mon-fri")
    assert not plainly_valid("0 7 * mon") and not plainly_valid("0 7 * * funday")
