from datetime import datetime

from apps.tracking.models import Event


def profile_recent_events(*, profile, limit: int = 50, names: list[str] | None = None):
    qs = Event.objects.filter(profile=profile)
    if names:
        qs = qs.filter(name__in=names)
    return qs.order_by("-occurred_at", "-pk")[:limit]


def events_named(*, name: str, start: datetime, end: datetime):
    return Event.objects.filter(name=name, occurred_at__gte=start, occurred_at__lt=end)


def account_play_history(*, account, since: datetime, until: datetime, limit: int):
    """(name, properties) of the account's play events in [since, until], newest first.

    Registered with apps.accounts.activity, so subscriptions can read it without importing
    tracking.
    """
    return list(
        Event.objects.filter(
            profile__account=account,
            name__in=("play_started", "play_completed"),
            occurred_at__gte=since,
            occurred_at__lte=until,
        )
        .order_by("-occurred_at", "-pk")
        .values_list("name", "properties")[:limit]
    )


def profiles_due_for_attributes(*, since: datetime) -> list[int]:
    """Profiles whose computed attributes may be stale: active since `since`, or never computed."""
    from apps.accounts.models import Profile

    active = set(
        Event.objects.filter(occurred_at__gte=since, profile__isnull=False)
        .values_list("profile_id", flat=True)
        .distinct()
        .order_by()
    )
    never = set(
        Profile.objects.filter(computed_attributes__isnull=True).values_list("pk", flat=True)
    )
    return sorted(active | never)
