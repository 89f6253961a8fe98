"""A figure that changed over time: sources published later give a superseding value.

Sources that differ in one slot are a dispute, unless their publication dates put them in order:
every source of one value published before every source of the next ("60" on Friday, "67" on
Saturday). Then the line is a change ("Killed: 60 on Fri 5 Dec → 67 on Sat 6 Dec"), the latest
value last, each value with the date it was first reported. With a date missing, or sources of
two values published on overlapping days, it stays a dispute.
"""

from __future__ import annotations

from datetime import datetime

from digest.models import Fact, FactValue


def when(date: datetime) -> str:
    return f"{date:%a} {date.day} {date:%b}"


def leading(group):
    """The figure leading a group of sources agreeing on one value (a list of (source, [(Said, Figure)...]),
    the most precise figure first, as ``slots`` groups them): its first source's first figure."""
    return group[0][1][0][1]


def in_order(groups) -> list | None:
    """(first date, last date, group) per group, earliest first, if every group's sources were published
    before the next group's (on an earlier day); None if a date is missing or the days overlap."""
    spans = []
    for group in groups:
        dates = [f.published for _, items in group for _, f in items]
        if any(d is None for d in dates):
            return None
        spans.append((min(dates), max(dates), group))
    spans.sort(key=lambda span: (span[0], span[1]))
    if any(earlier[1].date() >= later[0].date() for earlier, later in zip(spans, spans[1:])):
        return None
    return spans


def change(text: str, groups, origins: tuple[str, ...], total: int) -> Fact | None:
    """The change line for ``groups`` (lists of (source, [(Said, Figure)...])), or None."""
    spans = in_order(groups)
    if spans is None:
        return None
    values = []
    for first, _, group in spans:
        lead = leading(group)
        evidence = tuple(said.evidence for _, items in group for said, _ in items)
        values.append(FactValue(lead.shown, tuple(sorted(source for source, _ in group)), evidence, when(first)))
    line = " → ".join(f"{v.value} on {v.note}" for v in values)
    return Fact("changed", f"{text}: {line}", origins, total, tuple(values),
                tuple(e for v in values for e in v.evidence))
