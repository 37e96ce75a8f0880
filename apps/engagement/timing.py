"""When a message may go out (pure; no database).

- The preferred hour is the local hour a profile most often starts watching, each play weighted
  by how recent it is (a half-life of two weeks), so a new habit wins over an old one within a
  few weeks. Hours are read in the account's time zone, so a viewer who watches at 21:00 in
  Paris keeps 21:00 across a daylight-saving change.
- Quiet hours are a local interval [start, end) that may wrap midnight (22:00-08:00); a moment
  inside it is pushed to the next allowed minute, `end`, on the right local day. start == end
  means no quiet hours.
- Local times are built with zoneinfo: a wall-clock time that does not exist (the spring-forward
  gap) resolves to the same instant UTC offset before the gap gives (02:30 -> 03:30 in Paris),
  an ambiguous one (the autumn fold) to its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

HALF_LIFE_DAYS = 14.0
LEARN_WINDOW_DAYS = 56  # eight weeks of plays; older ones weigh under 1/16 anyway
DEFAULT_HOUR = 19  # a whole site with no plays at all: early evening


def preferred_hour(
    plays: Iterable[datetime],
    *,
    tz: ZoneInfo,
    now: datetime,
    half_life_days: float = HALF_LIFE_DAYS,
) -> int | None:
    """The local hour (0-23) with the most recency-weighted plays; None without plays.

    Ties go to the hour whose plays are the most recent (then the earlier hour)."""
    weights = [0.0] * 24
    newest: list[datetime | None] = [None] * 24
    for at in plays:
        if at > now:
            continue
        age_days = (now - at).total_seconds() / 86400
        hour = at.astimezone(tz).hour
        weights[hour] += 0.5 ** (age_days / half_life_days)
        if newest[hour] is None or at > newest[hour]:
            newest[hour] = at
    if not any(weights):
        return None
    best = max(
        range(24),
        key=lambda h: (round(weights[h], 9), newest[h] or datetime.min.replace(tzinfo=UTC), -h),
    )
    return best


def most_common_hour(local_hours: Iterable[int]) -> int:
    """The site's fallback: the most common local hour (DEFAULT_HOUR when there is none)."""
    counts = [0] * 24
    for hour in local_hours:
        if 0 <= hour < 24:
            counts[hour] += 1
    if not any(counts):
        return DEFAULT_HOUR
    return max(range(24), key=lambda h: (counts[h], -h))


def local_moment(day, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on local `day` (gap and fold resolved as above)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # wraps midnight


def outside_quiet_hours(at: datetime, *, tz: ZoneInfo, start: time, end: time) -> datetime:
    """`at` itself when it is allowed, else the first allowed minute after it (UTC)."""
    local = at.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    if not in_quiet_hours(wall, start, end):
        return at.astimezone(UTC)
    day = local.date()
    if start > end and wall >= start:
        day += timedelta(days=1)  # late evening: quiet ends tomorrow morning
    return local_moment(day, end, tz)


def next_preferred(now: datetime, *, hour: int, tz: ZoneInfo) -> datetime:
    """The next time the local clock shows `hour`:00, or `now` during that hour (UTC)."""
    local = now.astimezone(tz)
    if local.hour == hour:
        return now.astimezone(UTC)
    day = local.date()
    for _ in range(3):  # today, tomorrow, (a day whose `hour` fell into a DST gap) the next
        candidate = local_moment(day, time(hour), tz)
        if candidate > now:
            return candidate
        day += timedelta(days=1)
    return local_moment(day, time(hour), tz)


def send_time(
    now: datetime,
    *,
    tz: ZoneInfo,
    hour: int | None,
    quiet_start: time,
    quiet_end: time,
) -> datetime:
    """When a message decided at `now` goes out: at the profile's hour (None: right away),
    pushed out of its quiet hours."""
    at = now if hour is None else next_preferred(now, hour=hour, tz=tz)
    return outside_quiet_hours(at, tz=tz, start=quiet_start, end=quiet_end)
