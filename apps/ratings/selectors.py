"""Reads of ratings: a profile's thumbs for a set of titles, and its "Your ratings" list."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from apps.accounts.models import Profile
from apps.catalogue.models import Title
from apps.catalogue.selectors import active_artwork_prefetch
from apps.ratings.models import Rating


def ratings_for(*, profile: Profile | None, title_ids: Iterable[int]) -> dict[int, int]:
    """title id -> the profile's rating (-1, 1, 2) for those it rated (one query, none if empty)."""
    ids = list(title_ids)
    if profile is None or not ids:
        return {}
    return dict(
        Rating.objects.filter(profile=profile, title_id__in=ids)
        .order_by()
        .values_list("title_id", "value")
    )


def with_ratings(*, profile: Profile | None, titles: Iterable[Title]) -> list[Title]:
    """The titles as a list, each with `.rating` (an int or None) for the cards (one query)."""
    titles = list(titles)
    ratings = ratings_for(profile=profile, title_ids=[t.pk for t in titles])
    for title in titles:
        title.rating = ratings.get(title.pk)
    return titles


def _visible(profile: Profile) -> QuerySet[Rating]:
    # A rating stays stored when its title is unpublished, but is only shown while visible.
    return Rating.objects.filter(
        profile=profile, title__in=Title.objects.for_profile(profile).values("pk")
    )


def rating_counts(*, profile: Profile) -> dict[int, int]:
    """value -> how many visible titles the profile rated so (one query)."""
    rows = _visible(profile).order_by().values("value").annotate(n=Count("pk"))
    return {row["value"]: row["n"] for row in rows}


def profile_ratings(*, profile: Profile, value: int | None = None) -> QuerySet[Rating]:
    """The profile's ratings, newest first, with title and artwork ready for a card.

    A page of them costs two queries: ratings joined to titles, then their active artwork.
    """
    qs = _visible(profile)
    if value is not None:
        qs = qs.filter(value=value)
    # The catalogue's rule for which artwork a profile may see, followed through the title.
    artwork = active_artwork_prefetch(profile).queryset
    return (
        qs.select_related("title")
        .prefetch_related(Prefetch("title__artwork", queryset=artwork, to_attr="active_artwork"))
        .order_by("-updated_at", "-pk")
    )


def rating_held(*, profile: Profile, title: Title) -> Rating | None:
    """The profile's rating of one title, or None (one query)."""
    return Rating.objects.filter(profile=profile, title=title).first()
