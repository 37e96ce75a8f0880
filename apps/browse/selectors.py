"""The homepage's rows. For now (walking skeleton) the same for everyone: newest and by genre;
the recommendations issue replaces this with per-profile rows."""

from dataclasses import dataclass, field

from django.db.models import Count

from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Genre, Title

ROW_LENGTH = 18
GENRE_ROWS = 6


@dataclass
class Row:
    key: str
    heading: str
    titles: list[Title] = field(default_factory=list)
    why: str = ""
    link: str = ""


def home_rows(*, profile) -> tuple[Title | None, list[Row]]:
    """The hero and the rows in a fixed number of queries (titles, genres, artwork)."""
    from django.utils.translation import gettext as _

    available = Title.objects.for_profile(profile)
    genres = list(
        Genre.objects.filter(titles__in=available)
        .annotate(n=Count("titles"))
        .order_by("-n", "name")[:GENRE_ROWS]
    )
    pool = list(
        catalogue.cards(
            available.order_by("-year", "-pk")[: ROW_LENGTH * (GENRE_ROWS + 2)], profile=profile
        )
    )
    rows = [
        Row(
            "new",
            _("New releases"),
            pool[:ROW_LENGTH],
            _("The most recent titles in the catalogue."),
        )
    ]
    for genre in genres:
        in_genre = [t for t in pool if any(g.pk == genre.pk for g in t.genres.all())]
        if in_genre:
            rows.append(
                Row(
                    f"genre-{genre.slug}",
                    genre.name,
                    in_genre[:ROW_LENGTH],
                    _("Recent titles in %(genre)s.") % {"genre": genre.name},
                    genre.get_absolute_url(),
                )
            )
    hero = next((t for t in pool if t.active_artwork), None)
    return hero, rows
