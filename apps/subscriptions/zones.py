"""Which time zone a subscription's dates are read in (no database writes).

Shared by the services and the selectors, so neither has to import the other for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.timezones import viewer_zone_name
from apps.core.dates import long_date, long_date_range
from apps.subscriptions.models import (
    Subscription,
)
from apps.subscriptions.schedule import Anchor

# --- Small helpers -------------------------------------------------------------------------------


def billing_zone(sub: Subscription) -> str:
    """The zone the billing anchor is read in: the account's zone when the plan started.

    It does not follow later changes of the account's zone, so the schedule shown and the
    renewals that run always agree and each period starts exactly where the last one ended.
    """
    name = sub.billing_time_zone
    if name:
        try:
            ZoneInfo(name)
        except (KeyError, ValueError):
            name = ""
    return name or viewer_zone_name(sub.user)


def anchor_of(sub: Subscription) -> Anchor:
    return Anchor(day=sub.anchor_date, at=sub.anchor_time, time_zone=billing_zone(sub))


def local_day(at: datetime, user) -> str:
    return long_date(at.astimezone(ZoneInfo(viewer_zone_name(user))))


def local_period(start: datetime, end: datetime, user) -> str:
    """The days from `start` to the instant `end` (which belongs to the next period) in the
    viewer's zone, as one range: "10 April – 9 May 2026"."""
    zone = ZoneInfo(viewer_zone_name(user))
    last = end - timedelta(seconds=1)
    return long_date_range(start.astimezone(zone).date(), last.astimezone(zone).date())
