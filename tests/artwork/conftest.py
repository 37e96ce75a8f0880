import pytest

from apps.catalogue.models import ArtworkVariant
from tests import factories
from tests.factories import ArtworkVariantFactory, GenreFactory, ProfileFactory, TitleFactory


def signed_in(client, profile):
    return factories.signed_in(profile, client)


@pytest.fixture
def genres(db):
    return {name: GenreFactory(name=name) for name in ("Horror", "Comedy", "Drama")}


def title_with_variants(genre, *, name=None, maturity="13", **extra):
    """A title with a dark, a light and a neutral variant (fake renditions: no files)."""
    title = TitleFactory(genres=[genre], maturity=maturity, **({"name": name} if name else {}))
    variants = [
        ArtworkVariantFactory(title=title, tone=tone, focus=focus, genre=genre, label=tone)
        for tone, focus in (
            (ArtworkVariant.Tone.DARK, ArtworkVariant.Focus.CHARACTER),
            (ArtworkVariant.Tone.LIGHT, ArtworkVariant.Focus.ENSEMBLE),
            (ArtworkVariant.Tone.NEUTRAL, ArtworkVariant.Focus.SCENE),
        )
    ]
    return title, variants


@pytest.fixture
def viewer(db):
    return ProfileFactory()


FAKE_RENDITIONS = {
    size: {
        "webp": f"artwork/x/{size}.webp",
        "jpeg": f"artwork/x/{size}.jpg",
        "width": w,
        "height": h,
    }
    for size, (w, h) in {"card": (300, 450), "hero": (1280, 720), "thumb": (120, 180)}.items()
}


def with_variants(titles, genre):
    """Three variants (dark, light, neutral) for each title, in one query."""
    rows = ArtworkVariant.objects.bulk_create(
        ArtworkVariant(
            title=t,
            tone=tone,
            focus=focus,
            genre=genre,
            label=tone,
            original="x.png",
            renditions={
                k: dict(
                    v, webp=f"artwork/{t.pk}/{tone}/{k}.webp", jpeg=f"artwork/{t.pk}/{tone}/{k}.jpg"
                )
                for k, v in FAKE_RENDITIONS.items()
            },
        )
        for t in titles
        for tone, focus in (("dark", "character"), ("light", "ensemble"), ("neutral", "scene"))
    )
    return rows


def homepage_world(n_per_genre=15):
    """Horror and comedy titles with three variants each, viewers' histories, a model."""
    from apps.catalogue.models import Genre
    from apps.recommendations.services import recommender_train
    from tests.factories import genre_catalogue, genre_history

    world = genre_catalogue(n_per_genre=n_per_genre, genres=("Horror", "Comedy"))
    genre_history(world, viewers_per_genre=6)
    for name, titles in world.items():
        with_variants(titles, Genre.objects.get(name=name))
    recommender_train()
    return world
