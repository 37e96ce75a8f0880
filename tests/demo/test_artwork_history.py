"""The demo's artwork history: the policy it leaves behind shows horror fans dark posters and
comedy fans light ones."""

from collections import Counter
from datetime import timedelta

import pytest

from apps.artwork import services
from apps.artwork.models import Impression, PolicySnapshot, ProfileTaste
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Genre, Title
from apps.core import clock
from apps.demo.world.artwork_history import artwork_seed_history
from apps.tracking.services import EventData, track_many
from tests.artwork.conftest import with_variants
from tests.factories import ProfileFactory
from tests.factories import genre_catalogue as _catalogue

pytestmark = pytest.mark.django_db


def fans(titles, n, *, plays=8):
    """Profiles that watched `plays` titles of one list (their favourite genre)."""
    start = clock.now() - timedelta(days=40)
    profiles = ProfileFactory.create_batch(n)
    track_many(
        EventData(
            name="play_completed",
            profile_id=p.pk,
            occurred_at=start + timedelta(hours=i),
            properties={"title_id": titles[(k + i * 3) % len(titles)].pk},
        )
        for k, p in enumerate(profiles)
        for i in range(plays)
    )
    return profiles


@pytest.fixture
def seeded():
    world = _catalogue(n_per_genre=20, genres=("Horror", "Comedy", "Drama"))
    for name, titles in world.items():
        with_variants(titles, Genre.objects.get(name=name))
    horror = fans(world["Horror"], 25)
    comedy = fans(world["Comedy"], 25)
    fans(world["Drama"], 10)
    result = artwork_seed_history(seed=3, days=14, per_day=6)
    return world, horror, comedy, result


def tones_seen(profile, titles) -> Counter:
    cards = list(
        catalogue.cards(
            Title.objects.filter(pk__in=[t.pk for t in titles]), profile=profile, genres=False
        )
    )
    shown = services.page_artwork_choose(
        profile=profile, day=clock.now().date(), placed=[("r", i, c) for i, c in enumerate(cards)]
    )
    assert len(shown) == len(cards)
    return Counter(card.chosen_artwork.tone for card in cards)


def test_horror_fans_end_up_seeing_dark_posters_and_comedy_fans_light_ones(seeded):
    world, horror, comedy, result = seeded
    assert result.impressions == 60 * 14 * 6 and 0 < result.takes < result.impressions
    assert PolicySnapshot.objects.count() == 1
    every_title = [t for titles in world.values() for t in titles]
    # New personas of each taste, with no artwork history of their own: the segment decides.
    morgan, sam = fans(world["Horror"], 1)[0], fans(world["Comedy"], 1)[0]
    for profile in (morgan, sam):
        services.profile_taste_refresh(profile_id=profile.pk)
    dark = tones_seen(morgan, every_title)
    light = tones_seen(sam, every_title)
    assert dark["dark"] / len(every_title) > 0.6, dark
    assert light["light"] / len(every_title) > 0.6, light
    # And the seeded fans themselves, whose own responses are in their tastes too.
    seen = sum((tones_seen(p, every_title) for p in horror[:5]), Counter())
    assert seen["dark"] > 2 * seen["light"]
    seen = sum((tones_seen(p, every_title) for p in comedy[:5]), Counter())
    assert seen["light"] > 2 * seen["dark"]


def test_the_seeded_history_looks_like_real_traffic_and_is_not_written_twice(seeded):
    world, horror, _, result = seeded
    hows = Counter(Impression.objects.values_list("how", flat=True))
    assert 0.03 < hows["random"] / sum(hows.values()) < 0.07
    assert (
        ProfileTaste.objects.get(profile=horror[0]).segment == Genre.objects.get(name="Horror").pk
    )
    taken = Impression.objects.filter(taken_at__isnull=False).first()
    assert timedelta(0) < taken.taken_at - taken.shown_at < timedelta(minutes=30)
    again = artwork_seed_history(seed=3, days=14, per_day=6)
    assert again.skipped and Impression.objects.count() == result.impressions
