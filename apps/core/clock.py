"""The one place every time-based rule reads "now" from.

In demo mode the clock can be set, advanced or reset (from /demo/ or `manage.py demo_clock`);
it keeps ticking from wherever it was set. Production always returns real time.
The offset is read through the cache, so a request costs no query once the cache is warm.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

CACHE_KEY = "core:demo-clock-offset"
_NO_OFFSET = "none"


def real_now() -> datetime:
    return timezone.now()


def offset() -> timedelta:
    """How far demo time is ahead of (or behind) real time; zero when the clock is not set."""
    if not settings.DEMO_MODE:
        return timedelta(0)
    cached = cache.get(CACHE_KEY)
    if cached is None:
        from apps.core.models import ClockSetting

        row = ClockSetting.objects.order_by("pk").first()
        cached = (
            (row.demo_anchor - row.real_anchor).total_seconds() if row is not None else _NO_OFFSET
        )
        cache.set(CACHE_KEY, cached, timeout=None)
    return timedelta(0) if cached == _NO_OFFSET else timedelta(seconds=cached)


def now() -> datetime:
    return real_now() + offset()


def is_overridden() -> bool:
    return offset() != timedelta(0)


def today_in(tz) -> "datetime.date":  # noqa: F821 - string annotation for brevity
    return timezone.localtime(now(), tz).date()
