"""Reads for sending: when profiles watch (the timing learner's input). Not `selectors.py`:
that module holds the authoring side's reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache

from apps.engagement import timing
from apps.tracking.models import Event

SITE_HOUR_SAMPLE = 5000  # the newest plays are plenty to find the site's busiest hour
SITE_HOUR_CACHE = "engagement:site-hour"


def play_times(*, profile_id: int, now: datetime) -> list[datetime]:
    """When the profile started watching in the learner's window (newest first)."""
    since = now - timedelta(days=timing.LEARN_WINDOW_DAYS)
    return list(
        Event.objects.filter(
            profile_id=profile_id, name="play_started", occurred_at__gt=since, occurred_at__lte=now
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:2000]
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ValueError, ZoneInfoNotFoundError):
        return ZoneInfo(settings.TIME_ZONE)


def site_hour(*, now: datetime) -> int:
    """The local hour most plays start at across the site (cached for an hour)."""
    cached = cache.get(SITE_HOUR_CACHE)
    if cached is not None:
        return int(cached)
    since = now - timedelta(days=28)
    rows = (
        Event.objects.filter(name="play_started", occurred_at__gt=since, occurred_at__lte=now)
        .exclude(profile=None)
        .order_by("-occurred_at")
        .values_list("occurred_at", "profile__account__time_zone")[:SITE_HOUR_SAMPLE]
    )
    zones: dict[str, ZoneInfo] = {}
    hours = [at.astimezone(zones.setdefault(tz, _zone(tz))).hour for at, tz in rows]
    hour = timing.most_common_hour(hours)
    cache.set(SITE_HOUR_CACHE, hour, timeout=3600)
    return hour
