"""A title page's "More like this" (QA16: a "Because you watched X" row's "See all" opened X's
page, where the row's titles could not be found again).

For a profile with a "Because you watched X" row, X's section starts with that row's titles:
the profile's own candidates that X explains, in their rank order (QA19: the model's
neighbours of X alone held 0 to 7 of a row's 20), then the model's other neighbours of X.
The row's "See all" asks for all of them (`SEE_ALL`), a plain visit for the first
`MORE_LIKE_THIS`."""

from apps.browse.selectors.cards import grid_cards
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Title
from apps.ratings.selectors import ratings_for
from apps.recommendations.similar import similar_titles

MORE_LIKE_THIS = 12
SEE_ALL = 48  # a row shows 20 of the titles X explains; its "See all" shows them all


def more_like_this(*, profile, title: Title, limit: int = MORE_LIKE_THIS, first=()) -> list[Title]:
    """Up to `limit` titles like `title` as cards, best first: `first` (the profile's own
    titles that `title` explains, as `personalize_title` reads them), then the model's
    neighbours of `title`; only titles the profile may see, none it marked "Not for me"
    (four queries: its thumbs, the titles and their artwork, My list; none when there is
    nothing to show)."""
    ids = list(dict.fromkeys([*first, *similar_titles(title.pk)]))
    ids = [t for t in ids if t != title.pk]
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
