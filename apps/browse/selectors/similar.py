"""A title page's "More like this" (QA16: a "Because you watched X" row's "See all" opened X's
page, where the row's titles could not be found again)."""

from apps.browse.selectors.cards import grid_cards
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Title
from apps.ratings.selectors import ratings_for
from apps.recommendations.similar import similar_titles

MORE_LIKE_THIS = 12


def more_like_this(*, profile, title: Title, limit: int = MORE_LIKE_THIS) -> list[Title]:
    """Up to `limit` titles like `title` as cards, best first: only titles the profile may
    see, none it marked "Not for me" (four queries: its thumbs, the titles and their artwork,
    My list; none when the model knows no neighbours)."""
    ids = similar_titles(title.pk)
    if not ids:
        return []
    rated = ratings_for(profile=profile, title_ids=ids) if profile is not None else {}
    wanted = [t for t in ids if (rated.get(t) or 0) >= 0]
    shown = catalogue.cards(
        Title.objects.for_profile(profile).filter(pk__in=wanted), profile=profile, genres=False
    )
    by_id = {t.pk: t for t in shown}
    ordered = [by_id[t] for t in wanted if t in by_id][:limit]
    for card in ordered:
        card.rating = rated.get(card.pk)
    return grid_cards(profile=profile, titles=ordered)
