"""Reads of shared recommendation data."""

from django.core.cache import cache

from apps.recommendations.models import GlobalList, ProfileCandidates
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
