"""Who a campaign holds back (pure): the control group, drawn per period so nobody is held
back for ever.

A profile is in the control group when a hash of the campaign's key, its salt, the period and
the profile id falls under the control share. Within a period the answer never changes (a
retried or repeated trigger run decides the same); the next period draws again, so a profile
held back now has the usual chance (the share, e.g. 1 in 10) of being held back next time,
and an always-on reminder reaches it in most periods. Periods are whole blocks of
`every_days` days counted from 1 January 1970 UTC, so they do not move when a campaign's
dates are edited. `every_days` 0 keeps one split for the whole campaign (no period in the
hash: the split campaigns had before rotation), for a one-off message.

Each send records the group it was decided in (`Send.Status.CONTROL`); the report counts those
(`conversions.py`), never this draw again, so a later period never moves a past send between
groups. A profile drawn into this period's control group that received the campaign's message
in the previous period is still not messaged, but is left out of the control group (skipped as
`messaged_last_period`, `services.plan_send`): the earlier message may still be at work, and
counted as "held back" it would blur the uplift.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def period(now: datetime, every_days: int) -> int | None:
    """The number of the period `now` falls in; None when the group does not rotate."""
    if not every_days:
        return None
    return (now - EPOCH) // timedelta(days=every_days)


def period_start(number: int, every_days: int) -> datetime:
    """When period `number` of `every_days` days begins."""
    return EPOCH + number * timedelta(days=every_days)


def held_back(*, key: str, salt: str, percent: int, profile_id: int, period: int | None) -> bool:
    """Is the profile in the control group of this period (`percent` % of profiles are)?"""
    if not percent:
        return False
    draw = f"{key}:{salt}" if period is None else f"{key}:{salt}:period-{period}"
    digest = hashlib.sha256(f"control:{draw}:{profile_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent
