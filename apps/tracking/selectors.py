from datetime import datetime

from django.db.models import Count, Q

from apps.tracking import data_use
from apps.tracking.models import DataUse, Event


def profile_recent_events(
    *, profile, limit: int = 50, names: list[str] | None = None, exclude: list[str] | None = None
):
    qs = Event.objects.filter(profile=profile)
    if names:
        qs = qs.filter(name__in=names)
    if exclude:
        qs = qs.exclude(name__in=exclude)
    return qs.order_by("-occurred_at", "-pk")[:limit]


def profile_event_counts(*, profile, names: list[str], since: datetime) -> dict[str, int]:
    """name -> how many events of that name the profile has since `since` (one query)."""
    return dict(
        Event.objects.filter(profile=profile, name__in=names, occurred_at__gte=since)
        .values("name")
        .annotate(n=Count("pk"))
        .values_list("name", "n")
        .order_by()
    )


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


def data_use_of(profile_ids) -> dict[int, data_use.Use]:
    """profile id -> its "Your data" switches, for the profiles that changed any (one query)."""
    return {
        row.profile_id: data_use.Use(row.use_viewing_history, row.use_ratings)
        for row in DataUse.objects.filter(profile_id__in=list(profile_ids))
    }


def data_use_restricted() -> dict[int, data_use.Use]:
    """The switches of every profile that turned one off (the rest use everything)."""
    rows = DataUse.objects.filter(Q(use_viewing_history=False) | Q(use_ratings=False))
    return {row.profile_id: data_use.Use(row.use_viewing_history, row.use_ratings) for row in rows}


def data_use_for(profile_id: int) -> data_use.Use:
    return data_use_of([profile_id]).get(profile_id, data_use.EVERYTHING)


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
