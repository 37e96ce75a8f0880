"""Reads of the catalogue for viewers: every list is a fixed number of queries."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.catalogue.models import ArtworkVariant, Episode, Genre, Maturity, Season, Title
from apps.core import clock

SEARCH_MAX_LENGTH = 100


def active_artwork_prefetch(profile=None) -> Prefetch:
    qs = ArtworkVariant.objects.filter(is_active=True).order_by("pk")
    if profile is not None and profile.is_kids:
        qs = qs.filter(kids_suitable=True)
    return Prefetch("artwork", queryset=qs, to_attr="active_artwork")


def cards(qs: QuerySet[Title], *, profile=None, genres: bool = True) -> QuerySet[Title]:
    """Titles ready to render as cards: active artwork (and genres) in one query each."""
    if not genres:
        return qs.prefetch_related(active_artwork_prefetch(profile))
    return qs.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.order_by("name")),
        active_artwork_prefetch(profile),
    )


def title_detail(*, slug: str, profile=None) -> Title | None:
    """A title the profile may see, with genres, artwork, seasons and episodes prefetched."""
    qs = Title.objects.for_profile(profile).filter(slug=slug)
    qs = cards(qs, profile=profile).prefetch_related(released_seasons_prefetch())
    return qs.first()


def released_seasons_prefetch(at=None) -> Prefetch:
    """A title's seasons and episodes that viewers may see, in order (two queries); a season
    whose episodes are all still to come is left out with them."""
    at = at or clock.now()
    episodes = Episode.objects.released(at)
    seasons = (
        Season.objects.released(at)
        .filter(Exists(episodes.filter(season=OuterRef("pk"))))
        .order_by("number")
    )
    return Prefetch(
        "seasons",
        queryset=seasons.prefetch_related(
            Prefetch("episodes", queryset=episodes.order_by("number"))
        ),
    )


def kept_from_profile(*, profile, **lookups) -> bool:
    """Whether a profile is asking for an available title its maturity setting keeps from it
    (the page then says "not on this profile" instead of "no such title"). One query, only
    when asked."""
    allowed = getattr(profile, "allowed_maturities", None)
    if profile is None or allowed is None or len(allowed) == len(Maturity.values):
        return False
    return Title.objects.available().filter(**lookups).exists()


def genre_titles(*, genre: Genre, profile=None) -> QuerySet[Title]:
    qs = Title.objects.for_profile(profile).filter(genres=genre).order_by("-year", "name", "pk")
    return cards(qs, profile=profile)


def search_titles(*, query: str, profile=None) -> QuerySet[Title]:
    """Titles whose name, synopsis, tags or genres match every word of the query."""
    qs = Title.objects.for_profile(profile)
    for word in query.split()[:8]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(genres__name__icontains=word) | Q(tags__icontains=word)
        )
    # Name matches first, then newest.
    qs = qs.distinct().order_by("-year", "name", "pk")
    return cards(qs, profile=profile)


def genres_with_titles() -> QuerySet[Genre]:
    return Genre.objects.filter(titles__is_published=True).distinct().order_by("name")


def title_exists(title_id: int) -> bool:
    return Title.objects.filter(pk=title_id).exists()


def episodes_due_announcement(*, at) -> list[Episode]:
    """Episodes out by `at` whose release (a date on the episode or its season) has not been
    announced yet, of titles viewers can see, with season and title (one query)."""
    return list(
        Episode.objects.released(at)
        .filter(Q(available_from__isnull=False) | Q(season__available_from__isnull=False))
        .filter(released_announced_at__isnull=True, title__in=Title.objects.available(at))
        .select_related("season", "title")
        .order_by("available_from", "pk")
    )


def release_moment(episode: Episode):
    """When an episode came out: the later of its own and its season's date (None: always)."""
    dates = [d for d in (episode.available_from, episode.season.available_from) if d]
    return max(dates) if dates else None
