"""Shared factories (factory_boy). Catalogue factories build published titles by default."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import Profile, User
from apps.catalogue.models import ArtworkVariant, Episode, Genre, Season, Title
from apps.core import clock
from apps.recommendations import mix
from apps.recommendations.models import ProfileCandidates, WeeklyMix
from apps.recommendations.selectors import mix_week
from apps.tracking.services import EventData, track_many


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"viewer{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    account = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Viewer {n}")
    onboarded_at = factory.LazyFunction(timezone.now)


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Title
        skip_postgeneration_save = True

    kind = Title.Kind.FILM
    name = factory.Sequence(lambda n: f"Title {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    year = 2020
    maturity = "13"
    synopsis = "A story."
    runtime_minutes = 100
    is_published = True

    @factory.post_generation
    def genres(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.genres.set(extracted)


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Season

    title = factory.SubFactory(TitleFactory, kind=Title.Kind.SERIES)
    number = factory.Sequence(lambda n: n + 1)


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    season = factory.SubFactory(SeasonFactory)
    title = factory.LazyAttribute(lambda o: o.season.title)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Episode {n}")
    runtime_minutes = 45


class ArtworkVariantFactory(factory.django.DjangoModelFactory):
    """A variant with a fake renditions map (no file work); tests of the pipeline make real ones."""

    class Meta:
        model = ArtworkVariant

    title = factory.SubFactory(TitleFactory)
    tone = ArtworkVariant.Tone.DARK
    focus = ArtworkVariant.Focus.CHARACTER
    genre = factory.SubFactory(GenreFactory)
    original = "artwork/originals/placeholder.png"
    renditions = factory.LazyAttribute(
        lambda o: {
            size: {
                "webp": f"artwork/x/{size}.webp",
                "jpeg": f"artwork/x/{size}.jpg",
                "width": w,
                "height": h,
            }
            for size, (w, h) in {
                "card": (300, 450),
                "hero": (1280, 720),
                "thumb": (120, 180),
            }.items()
        }
    )


# --- A small world of genre-consistent viewers, for recommendation and homepage tests ---


def genre_catalogue(n_per_genre=30, genres=("Horror", "Comedy", "Drama", "Sci-Fi")):
    out = {}
    for g in genres:
        genre = Genre.objects.create(name=g, slug=g.lower().replace(" ", "-"))
        titles = Title.objects.bulk_create(
            Title(
                name=f"{g} {i}",
                slug=f"{genre.slug}-{i}",
                year=2000 + i % 26,
                runtime_minutes=95,
                is_published=True,
                maturity="16" if g == "Horror" else "13",
            )
            for i in range(n_per_genre)
        )
        Title.genres.through.objects.bulk_create(
            Title.genres.through(title_id=t.pk, genre_id=genre.pk) for t in titles
        )
        out[g] = titles
    return out


def genre_history(catalogue, viewers_per_genre=25):
    """Each synthetic viewer watches titles of one genre, in a genre-consistent order."""
    start = timezone.now() - timedelta(days=60)
    events = []
    for titles in catalogue.values():
        for v in range(viewers_per_genre):
            profile = ProfileFactory()
            for step in range(8):
                title = titles[(v + step * 3) % len(titles)]
                events.append(
                    EventData(
                        name="play_completed",
                        profile_id=profile.pk,
                        occurred_at=start + timedelta(hours=v * 10 + step),
                        properties={"title_id": title.pk},
                    )
                )
    track_many(events)


def watch(
    profile,
    titles,
    *,
    name="play_completed",
    start=None,
    days_ago=2,
    every=timedelta(hours=1),
    progress=None,
    **properties,
):
    """The profile's `name` event (a finished play by default) for each title in order, one
    `every` apart from `start` (default: `days_ago` days ago); `progress` (seconds) reports a
    play that long watched to its end, and `properties` join each event's title id."""
    if start is None:
        start = timezone.now() - timedelta(days=days_ago)
    if progress is not None:
        properties = {"position_seconds": progress, "duration_seconds": progress, **properties}
    track_many(
        EventData(
            name=name,
            profile_id=profile.pk,
            occurred_at=start + every * i,
            properties={"title_id": t.pk, **properties},
        )
        for i, t in enumerate(titles)
    )


def weekly_mix_for(
    profile,
    titles=(),
    *,
    week=None,
    items=None,
    reason=mix.Reason.GENRE,
    created_at=None,
    top_genres=(),
    candidates=None,
):
    """The profile's weekly mix, frozen with the titles in their order (each picked for
    `reason`), for `week` (default: the Monday of the demo clock's week in the profile's zone);
    `items` instead copies another mix's items as they are. `candidates` (a dict of
    ProfileCandidates fields, e.g. `{"disliked": [id], "finished": [id]}`) also writes the
    profile's candidates, whose lists say what left the mix since it was built."""
    now = clock.now()
    if items is None:
        items = [mix.Pick(t.pk, reason).as_json() for t in titles]
    row = WeeklyMix.objects.create(
        profile=profile,
        week_start=week if week is not None else mix_week(profile, now),
        created_at=created_at if created_at is not None else now,
        items=items,
        top_genres=list(top_genres),
    )
    if candidates is not None:
        ProfileCandidates.objects.create(
            profile=profile,
            computed_at=now,
            source=ProfileCandidates.Source.PERSONAL,
            **candidates,
        )
    return row


def signed_in(profile, client=None, **headers):
    """A test client signed in as the profile's account with that profile chosen (a new
    client unless one is given); `client.profile` is the profile."""
    from django.test import Client

    client = client if client is not None else Client(**headers)
    client.force_login(profile.account)
    session = client.session
    session["profile_id"] = profile.pk
    session.save()
    client.profile = profile
    return client
