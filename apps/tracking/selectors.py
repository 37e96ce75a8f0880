from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

from django.db.models import Count, Q

from apps.core import clock
from apps.tracking import consent as consent_rules
from apps.tracking import data_use, traits
from apps.tracking.consent import Consent
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


def _use(row: DataUse) -> data_use.Use:
    return data_use.Use(row.use_viewing_history, row.use_ratings, row.use_traits)


def data_use_of(profile_ids) -> dict[int, data_use.Use]:
    """profile id -> its "Your data" switches, for the profiles that changed any (one query)."""
    return {
        row.profile_id: _use(row)
        for row in DataUse.objects.filter(profile_id__in=list(profile_ids))
    }


def data_use_restricted() -> dict[int, data_use.Use]:
    """The switches of every profile that turned one off (the rest use everything)."""
    rows = DataUse.objects.filter(Q(use_viewing_history=False) | Q(use_ratings=False))
    return {row.profile_id: _use(row) for row in rows}


def account_consent_properties(account_id: int) -> dict | None:
    """The properties of the account's newest `consent_given` (any of its profiles), or None."""
    return (
        Event.objects.filter(name="consent_given", profile__account_id=account_id)
        .order_by("-occurred_at", "-pk")
        .values_list("properties", flat=True)
        .first()
    )


def account_consent(account_id: int) -> Consent | None:
    """The account's own privacy choice (its newest `consent_given`, current version), or None."""
    return consent_rules.from_record(account_consent_properties(account_id))


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


TRAIT_DAYS = 90  # traits read this much history: habits, not a lifetime


def traits_for(
    profile_id: int,
    *,
    at: datetime | None = None,
    zone: tzinfo | None = None,
    genre_count: int | None = None,
) -> list[traits.Trait]:
    """The profile's taste traits from its last TRAIT_DAYS of plays, in four queries whatever
    the history's length (the viewer's zone, the plays and finishes, their genres, the genre
    count; a caller that knows the zone or the genre count passes it and saves that query).
    Computed whether or not the profile lets the site use them (the taste page shows them
    either way); `traits_in_use` is what the site acts on."""
    from apps.accounts.models import Profile
    from apps.accounts.timezones import viewer_zone

    if zone is None:
        profile = Profile.objects.select_related("account").filter(pk=profile_id).first()
        if profile is None:
            return []
        zone = viewer_zone(profile.account)
    return traits_of({profile_id: zone}, at=at, genre_count=genre_count)[profile_id]


def traits_of(
    zones: Mapping[int, tzinfo], *, at: datetime | None = None, genre_count: int | None = None
) -> dict[int, list[traits.Trait]]:
    """`traits_for` of many profiles ({profile id: its viewer's zone}) in three queries (two
    with `genre_count`): what Monday's build of thousands of weekly mixes needs."""
    from apps.catalogue.models import Genre, Title

    at = at or clock.now()
    rows = list(
        Event.objects.filter(
            profile_id__in=list(zones),
            name__in=("play_started", "play_completed"),
            occurred_at__gt=at - timedelta(days=TRAIT_DAYS),
            occurred_at__lte=at,
        ).values_list(
            "profile_id", "name", "occurred_at", "properties__title_id", "properties__episode_id"
        )
    )
    title_ids = {t for _p, _n, _at, t, _e in rows if isinstance(t, int)}
    genres_of: dict[int, list[int]] = defaultdict(list)
    if title_ids:
        for title_id, genre_id in Title.genres.through.objects.filter(
            title_id__in=title_ids
        ).values_list("title_id", "genre_id"):
            genres_of[title_id].append(genre_id)
    plays: dict[int, list[traits.Play]] = {profile_id: [] for profile_id in zones}
    completed: dict[int, set] = {profile_id: set() for profile_id in zones}
    for profile_id, name, occurred_at, title_id, episode_id in rows:
        if not isinstance(title_id, int):
            continue
        episode = episode_id if isinstance(episode_id, int) else None
        if name == "play_completed":
            completed[profile_id].add((title_id, episode))
        else:
            plays[profile_id].append(
                traits.Play(
                    occurred_at.astimezone(zones[profile_id]),
                    title_id,
                    episode,
                    tuple(sorted(genres_of.get(title_id, ()))),
                )
            )
    if genre_count is None:
        genre_count = Genre.objects.count()
    return {
        profile_id: traits.compute(
            plays[profile_id],
            completed[profile_id],
            genre_count=genre_count,
        )
        for profile_id in zones
    }


def traits_in_use(profile_id: int, *, at: datetime | None = None) -> list[traits.Trait]:
    """The traits the site may act on: none when the profile switched traits (or its viewing
    history) off on "Your data"."""
    if not data_use_for(profile_id).uses_traits:
        return []
    return traits_for(profile_id, at=at)
