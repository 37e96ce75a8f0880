"""The demo's farewell rows (issue 15): one collection per language whose title names, read in
order, form a sentence, shown on the cancel confirmation. The titles are seeded entries of
their own (their names are the message), idempotent by external id, and unpublished: they are
not films anyone can find, browse or play, and appeared without a poster in "New this week",
search and the Drama row until they were (QA, 3 Dec); the farewell row shows them all the same."""

from collections.abc import Callable

from django.db import transaction

from apps.catalogue.models import Collection, CollectionItem, Genre, Title
from apps.demo.world.titles import slugify

SENTENCES = {
    "en": (
        "Farewell, our friend",
        ["Thank You", "For All the Nights", "We Stayed Up", "Come Back Soon"],
        "Drama",
    ),
    "fr": (
        "Au revoir, l'ami",
        ["Merci", "Pour Toutes Ces Nuits", "Passées Ensemble", "Reviens Vite"],
        "Drama",
    ),
}


SYNOPSIS = {
    "en": "One part of a sentence: read it with the titles beside it.",
    "fr": "Un morceau de phrase : à lire avec les titres d’à côté.",
}


@transaction.atomic
def farewell_collections_seed(*, log: Callable[[str], None] = print) -> int:
    """Create (or keep) the farewell collection of each language; returns how many titles it
    holds in all."""
    count = 0
    for language, (name, names, genre_name) in SENTENCES.items():
        genre = Genre.objects.filter(name=genre_name).first()
        collection, _ = Collection.objects.get_or_create(
            kind=Collection.Kind.FAREWELL,
            language=language,
            is_active=True,
            defaults={"name": name},
        )
        for position, title_name in enumerate(names, start=1):
            title, created = Title.objects.get_or_create(
                external_id=f"demo:farewell:{language}:{position}",
                defaults={
                    "name": title_name,
                    "slug": slugify(f"{title_name}-{language}-farewell"),
                    "year": 2026,
                    "runtime_minutes": 94,
                    "maturity": "all",
                    "synopsis": SYNOPSIS[language],
                    "is_published": False,
                },
            )
            if created and genre is not None:
                title.genres.add(genre)
            if title.is_published:  # seeded published before: only the row shows it
                title.is_published = False
                title.save(update_fields=["is_published"])
            CollectionItem.objects.get_or_create(
                collection=collection, title=title, defaults={"position": position}
            )
            count += 1
    log(f"Farewell collections: {', '.join(SENTENCES)} ({count} titles).")
    return count
