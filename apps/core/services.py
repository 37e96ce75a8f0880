"""Writes for the demo clock. Only demo mode may move time."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import clock
from apps.core.models import ClockSetting

MAX_JUMP = timedelta(days=3 * 366)


def _require_demo() -> None:
    if not settings.DEMO_MODE:
        raise PermissionDenied(_("The demo clock only exists in demo mode."))


@transaction.atomic
def clock_set(*, at: datetime) -> datetime:
    """Set demo time to `at` (aware); it keeps ticking from there."""
    _require_demo()
    if timezone.is_naive(at):
        raise ValidationError(_("Give the time with a time zone, for example 2026-12-24T20:00Z."))
    if abs(at - clock.real_now()) > MAX_JUMP:
        raise ValidationError(_("The demo clock stays within three years of real time."))
    real = clock.real_now()
    ClockSetting.objects.all().delete()
    ClockSetting.objects.create(demo_anchor=at, real_anchor=real)
    transaction.on_commit(lambda: cache.delete(clock.CACHE_KEY))
    cache.delete(clock.CACHE_KEY)
    return at


def clock_advance_target(*, by: timedelta) -> datetime:
    """Where advancing by `by` would land; ValidationError if the clock may not go there."""
    _require_demo()
    if by <= timedelta(0):
        raise ValidationError(_("The clock only moves forward; use reset to return to real time."))
    at = clock.now() + by
    if abs(at - clock.real_now()) > MAX_JUMP:
        raise ValidationError(_("The demo clock stays within three years of real time."))
    return at


def clock_advance(*, by: timedelta) -> datetime:
    """Move demo time forward by `by` (positive)."""
    return clock_set(at=clock_advance_target(by=by))


@transaction.atomic
def clock_reset() -> datetime:
    _require_demo()
    ClockSetting.objects.all().delete()
    transaction.on_commit(lambda: cache.delete(clock.CACHE_KEY))
    cache.delete(clock.CACHE_KEY)
    return clock.real_now()


def parse_duration(text: str) -> timedelta:
    """Parse '3d', '12h', '90m', '1d12h' or '2w' into a timedelta; raise ValidationError."""
    import re

    text = (text or "").strip().lower()
    parts = re.findall(r"(\d+)\s*([wdhm])", text)
    if not parts or re.sub(r"(\d+)\s*([wdhm])", "", text).strip():
        raise ValidationError(_("Durations look like 3d, 12h, 90m, 1d6h or 2w."))
    unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
    total = timedelta(0)
    for amount, u in parts:
        total += timedelta(**{unit[u]: int(amount)})
    if total > MAX_JUMP:
        raise ValidationError(_("The demo clock stays within three years of real time."))
    return total
