from datetime import datetime

from apps.tracking.models import Event


def profile_recent_events(*, profile, limit: int = 50, names: list[str] | None = None):
    qs = Event.objects.filter(profile=profile)
    if names:
        qs = qs.filter(name__in=names)
    return qs.order_by("-occurred_at", "-pk")[:limit]


def events_named(*, name: str, start: datetime, end: datetime):
    return Event.objects.filter(name=name, occurred_at__gte=start, occurred_at__lt=end)
