"""An account's quiet hours, for apps that may not read engagement (subscriptions' e-mails).

Engagement owns them (MessagingSettings, per profile, edited on the messaging settings page)
and registers a provider here at start-up (it may import accounts; accounts never imports it
back), the same inversion as `activity` and `entitlements`. Without a provider every account
has the defaults, 22:00-08:00.

`next_allowed` mirrors engagement's pure rule (apps/engagement/timing.py,
`outside_quiet_hours`): the quiet interval [start, end) may wrap midnight, start == end means
none, and a moment inside it moves to `end` on the right local day. Subscriptions may not import
engagement, so the rule is written twice; tests/subscriptions/test_student_quiet_hours.py keeps
the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_QUIET_HOURS = (time(22, 0), time(8, 0))

# provider(account) -> (quiet from, quiet until), local wall-clock times
QuietHours = Callable[..., tuple[time, time]]
_provider: QuietHours | None = None


def register_quiet_hours(provider: QuietHours | None) -> None:
    global _provider
    _provider = provider


def quiet_hours_for(account) -> tuple[time, time]:
    """The account's quiet hours (those of the profile its account messages go to)."""
    if _provider is None:
        return DEFAULT_QUIET_HOURS
    return _provider(account)


def next_allowed(at: datetime, *, tz: ZoneInfo, start: time, end: time) -> datetime:
    """`at` itself when it is outside the quiet hours, else the first allowed minute (UTC)."""
    local = at.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    if not _quiet(wall, start, end):
        return at.astimezone(UTC)
    day = local.date()
    if start > end and wall >= start:
        day += timedelta(days=1)  # late evening: quiet ends tomorrow morning
    return datetime.combine(day, end, tzinfo=tz).astimezone(UTC)


def _quiet(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # wraps midnight
