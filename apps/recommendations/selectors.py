"""Reads of shared recommendation data."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count
from django.db.models.fields.json import KT

from apps.recommendations.models import GlobalList, ProfileCandidates
from apps.tracking import traits
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_for, traits_in_use

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


def taste_traits(profile_id: int) -> list:
    """The profile's taste traits the site may act on (tracking.traits; empty when switched
    off), for browse's row order and the weekly mix, which do not read tracking directly."""
    return traits_in_use(profile_id)


def binge_first(profile_id: int):
    """The profile's binge trait when it puts Continue watching first (a binger whose traits
    are in use), else None: what browse's row order asks."""
    found = traits.by_key(taste_traits(profile_id)).get(traits.BINGE)
    return found if found is not None and traits.continue_first([found]) else None


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
