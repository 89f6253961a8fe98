"""May a week's issue go out? The one answer ``digest send`` and the scheduler's send job give (reads the store).

An issue goes out when it was built, has stories and, under ``schedule.send_policy: approve``, an
editor approved it as it is now (an approval of an earlier version is void). ``never`` binds the
scheduler only: ``digest send`` run by hand still sends (``scheduled=False``).
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.store import Store

DESK = "approve it on the editor's desk (`digest preview`)"


@dataclass(frozen=True)
class SendCheck:
    """The answer for one week: its store record, and why it may not go out ("" when it may)."""

    week: str
    record: dict | None  # the issue's record (None: not built, or not looked at under ``never``)
    refusal: str = ""
    approved: str = ""  # "approved on … by …" when an approval lets it go
    failed: bool = False  # the refusal is a failure (nothing was built), not a choice

    @property
    def built(self) -> bool:
        """There is an issue with stories to send (whatever the policy says)."""
        return bool(self.record and self.record["stories"])


def send_check(store: Store, week: str | None, policy: str, scheduled: bool = True) -> SendCheck:
    """``week``'s issue (the latest when None) against ``policy``, with the reason it may not go out."""
    if policy == "never" and scheduled:
        return SendCheck(week or "", None, "schedule.send_policy is never (build only)")
    issues = store.issues() if week is None else [r for r in [store.issue(week)] if r]
    if not issues:
        built = ", ".join(r["week"] for r in store.issues()) or "none"
        named = f"issue {week} was not built" if week else "no issue was built"
        return SendCheck(week or "", None, f"{named} in {store.path} (built: {built}); build it with `digest run` "
                                           "(`digest status` says how the last build went)", failed=True)
    record = issues[-1]
    week = record["week"]
    if not record["stories"]:
        return SendCheck(week, record, f"issue {week} has no stories: nothing to send "
                                       "(its notes.txt says what was left out)")
    if policy != "approve":
        return SendCheck(week, record)
    approval = store.approval(week)
    if approval is None:
        return SendCheck(week, record, f"issue {week} is not approved and schedule.send_policy is approve: {DESK}")
    if not approval["valid"]:
        return SendCheck(week, record, f"issue {week} changed after it was approved on {approval['approved']}: "
                                       f"the approval is void; review it again and {DESK}")
    by = f" by {approval['editor']}" if approval["editor"] else ""
    return SendCheck(week, record, approved=f"approved on {approval['approved']}{by}")
