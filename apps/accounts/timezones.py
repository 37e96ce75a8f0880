"""The time zone a viewer's dates and times are shown in, decided in one place.

An account always has a zone (the model's default is Europe/Paris and `account_time_zone_set`
refuses unknown names), so the fallback only covers a visitor without an account and a stored
name the zone database no longer knows. It is `settings.TIME_ZONE` (UTC): the zone the server
stores timestamps in, and what browse, ratings and the account page already used; guessing a
country for someone who told us nothing would be wrong more often than right.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def viewer_zone(user) -> ZoneInfo:
    """The viewer's zone, or `settings.TIME_ZONE` when there is none or it is not a real zone."""
    return ZoneInfo(viewer_zone_name(user))


def viewer_zone_name(user) -> str:
    """The IANA name of `viewer_zone(user)` (for pages and records that store the name)."""
    name = getattr(user, "time_zone", "") or ""
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return settings.TIME_ZONE
    return name
