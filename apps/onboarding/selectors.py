"""Reads for onboarding: the titles a profile may pick from, best known first."""

from collections.abc import Iterable

from django.db.models import Case, IntegerField, QuerySet, Value, When

from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Genre, Title
from apps.catalogue.search import fold
from apps.catalogue.vocabulary import genre_label
from apps.recommendations.models import GlobalList

PAGE_SIZE = 30
SEARCH_MAX_LENGTH = catalogue.SEARCH_MAX_LENGTH


def popular_title_ids() -> list[int]:
    """Title ids of the "popular" global list, best first (empty until it is computed)."""
    items = GlobalList.objects.filter(key="popular").values_list("items", flat=True).first()
    return [int(i) for i in items or [] if str(i).isdigit()]


def pickable_titles(
    *, profile, query: str = "", genre: Genre | None = None, popular: list[int] | None = None
) -> QuerySet[Title]:
    """Titles the profile may pick, as cards: for a search, best match first; otherwise popular
    ones first (in list order), then newest."""
    if query:
        qs = catalogue.search_titles(query=query, profile=profile)
    else:
        qs = catalogue.cards(Title.objects.for_profile(profile), profile=profile)
    if genre is not None:
        qs = qs.filter(genres=genre)
    if query:
        return qs  # best match first (the search's own order)
    popular = popular_title_ids() if popular is None else popular
    if not popular:
        return qs.order_by("-year", "-pk")
    rank = Case(
        *(When(pk=pk, then=Value(n)) for n, pk in enumerate(popular)),
        default=Value(len(popular)),
        output_field=IntegerField(),
    )
    return qs.annotate(popularity_rank=rank).order_by("popularity_rank", "-year", "-pk")


def pick_genres(*, profile) -> list[Genre]:
    """Genres with at least one title the profile may see (the filter chips), in the
    alphabetical order of their names in the viewer's language (one query)."""
    genres = Genre.objects.filter(titles__in=Title.objects.for_profile(profile)).distinct()
    return sorted(genres, key=lambda g: fold(genre_label(g.name)))


def titles_by_id(*, profile, ids: Iterable[int]) -> dict[int, Title]:
    """The titles among `ids` the profile may see, with their artwork (two queries)."""
    ids = list(ids)
    if not ids:
        return {}
    qs = Title.objects.for_profile(profile).filter(pk__in=ids)
    qs = qs.prefetch_related(catalogue.active_artwork_prefetch(profile))
    return {title.pk: title for title in qs}
