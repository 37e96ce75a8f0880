"""More like this: the titles the served model expects to follow one title in a viewing
history (its answer for a history of that title alone), the same signal the homepage's
"Because you watched X" rows are built from. Kept in the cache per model and title, so a title
page pays for the model once a day; no model yet (a fresh install) means no list.
"""

from django.core.cache import cache

from apps.recommendations.services.candidates import active_model

SIMILAR_KEPT = 40  # more than a page shows: some are filtered out per profile
SIMILAR_SECONDS = 24 * 3600


def similar_titles(title_id: int) -> list[int]:
    """Title ids most likely to follow `title_id`, best first (never `title_id` itself)."""
    meta, model = active_model()
    if model is None:
        return []
    key = f"rec:similar:{meta.pk}:{title_id}"
    found = cache.get(key)
    if found is None:
        found = [
            int(item)
            for item, _score in model.similar_items(title_id, k=SIMILAR_KEPT)
            if int(item) != title_id
        ]
        cache.set(key, found, timeout=SIMILAR_SECONDS)
    return found
