"""Reads of shared recommendation data."""

from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count
from django.db.models.fields.json import KT

from apps.accounts.timezones import viewer_zone
from apps.recommendations import mix
from apps.recommendations.models import GlobalList, ProfileCandidates, WeeklyMix
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_for

GLOBAL_LISTS_KEY = "rec:global-lists"
GLOBAL_LISTS_SECONDS = 10 * 60


def global_lists(keys: list[str]) -> dict[str, list]:
    """Shared lists (trending, popular, genres) through the cache: they change hourly at most,
    and every homepage reads them. Filling the cache on a miss is the only cache write here:
    it stores what was just read, never new state."""
    cached = cache.get(GLOBAL_LISTS_KEY)
    if cached is None:
        cached = {row.key: row.items for row in GlobalList.objects.all()}
        cache.set(GLOBAL_LISTS_KEY, cached, timeout=GLOBAL_LISTS_SECONDS)
    return {key: cached.get(key, []) for key in keys}


def candidates_stamp_key(profile_id: int) -> str:
    """The cache key of when the profile's candidates were last computed (unix time)."""
    return f"rec:candidates-stamp:{profile_id}"


def uses_viewing_history(profile_id: int) -> bool:
    """Whether the profile lets its viewing history explain rows ("Your data"; one query)."""
    return data_use_for(profile_id).viewing_history


def recommended_title_ids(profile_id: int, *, limit: int = 3) -> list[int]:
    """The profile's best candidates, best first (one query): its precomputed row, else the
    shared popular list (a profile the recommender has not seen yet). Messages use it."""
    items = (
        ProfileCandidates.objects.filter(profile_id=profile_id)
        .values_list("items", flat=True)
        .first()
    )
    if items:
        return [int(item[0]) for item in items[:limit]]
    return [int(pk) for pk in global_lists(["popular"])["popular"][:limit]]


TOP_WINDOW = timedelta(hours=24)


def most_played(*, at: datetime, country: str = "", limit: int = 50) -> list[int]:
    """Title ids most played in the 24 hours up to `at`, by how many profiles started them
    (a profile's replays count once), from the event log; only profiles whose account is in
    `country` when one is given. One query on the (name, time) index."""
    plays = Event.objects.filter(
        name="play_started", occurred_at__gt=at - TOP_WINDOW, occurred_at__lte=at
    ).exclude(profile=None)
    if country:
        plays = plays.filter(profile__account__country=country)
    rows = (
        plays.annotate(title_key=KT("properties__title_id"))
        .values("title_key")
        .annotate(viewers=Count("profile", distinct=True))
        .order_by("-viewers", "title_key")[:limit]
    )
    return [int(row["title_key"]) for row in rows if str(row["title_key"]).isdigit()]


# --- The weekly mix -----------------------------------------------------------------------------


def mix_stamp_key(profile_id: int) -> str:
    """The cache key of when the profile's latest weekly mix was built (part of the homepage
    key: the row changes on Monday morning, not at the next daypart)."""
    return f"rec:mix-stamp:{profile_id}"


def mix_week(profile, at: datetime) -> date:
    """The Monday (in the profile's time zone) of the week `at` falls in."""
    return mix.week_start(at.astimezone(viewer_zone(profile.account)))


def weekly_mix_current(profile, *, at: datetime) -> WeeklyMix | None:
    """This week's mix of the profile, if it was built (one query)."""
    return WeeklyMix.objects.filter(profile=profile, week_start=mix_week(profile, at)).first()


def weekly_mix_weeks(profile, *, at: datetime) -> list[date]:
    """The Mondays of the profile's mixes still viewable (this week and the four before),
    newest first (one query)."""
    this_week = mix_week(profile, at)
    oldest = this_week - timedelta(weeks=mix.WEEKS_KEPT - 1)
    return list(
        WeeklyMix.objects.filter(
            profile=profile, week_start__gte=oldest, week_start__lte=this_week
        ).values_list("week_start", flat=True)
    )


def weekly_mix_of_week(profile, *, week: date, at: datetime) -> WeeklyMix | None:
    """The profile's mix of the week starting `week`, if it is one of the viewable weeks (never
    a future one, never another profile's; one query)."""
    this_week = mix_week(profile, at)
    if not (this_week - timedelta(weeks=mix.WEEKS_KEPT - 1) <= week <= this_week):
        return None
    return WeeklyMix.objects.filter(profile=profile, week_start=week).first()
