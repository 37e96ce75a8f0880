"""Takes: a play within 30 minutes of an impression is credited to the variant last shown."""

from datetime import timedelta

import pytest

from apps.artwork import services
from apps.artwork.models import Impression
from apps.artwork.selectors import Shown
from apps.core import clock
from apps.tracking.models import Event
from apps.tracking.services import track
from tests.artwork.conftest import title_with_variants

pytestmark = pytest.mark.django_db


def show(profile, title, variant, at, *, batch=None):
    services.impressions_log(
        profile=profile,
        page="home",
        shown=[Shown(title.pk, variant.pk, "row", 0, "chosen", 3, None, 0.1)],
        batch_id=batch,
        at=at,
    )


def play(profile, title, at, client_id=None) -> Event:
    return track(
        name="play_started",
        profile=profile,
        properties={"title_id": title.pk},
        at=at,
        client_id=client_id,
    )


@pytest.mark.parametrize(("minutes", "counts"), [(1, True), (29, True), (31, False)])
def test_a_play_counts_within_thirty_minutes_of_the_impression(genres, viewer, minutes, counts):
    title, variants = title_with_variants(genres["Horror"])
    shown_at = clock.now() - timedelta(hours=2)
    show(viewer, title, variants[0], shown_at)
    services.play_attribute(event=play(viewer, title, shown_at + timedelta(minutes=minutes)))
    taken = Impression.objects.filter(taken_at__isnull=False)
    assert taken.exists() is counts


def test_the_last_impressions_variant_wins(genres, viewer):
    title, variants = title_with_variants(genres["Horror"])
    start = clock.now() - timedelta(hours=2)
    show(viewer, title, variants[0], start)
    show(viewer, title, variants[1], start + timedelta(minutes=10))
    services.play_attribute(event=play(viewer, title, start + timedelta(minutes=20)))
    assert list(
        Impression.objects.filter(taken_at__isnull=False).values_list("variant", flat=True)
    ) == [variants[1].pk]


def test_another_title_or_another_profile_never_gets_the_credit(genres, viewer):
    from tests.factories import ProfileFactory

    title, variants = title_with_variants(genres["Horror"])
    other_title, others = title_with_variants(genres["Comedy"])
    start = clock.now() - timedelta(hours=1)
    show(viewer, other_title, others[0], start)
    show(ProfileFactory(), title, variants[0], start)
    services.play_attribute(event=play(viewer, title, start + timedelta(minutes=5)))
    assert not Impression.objects.filter(taken_at__isnull=False).exists()


def test_a_duplicated_play_beacon_counts_once(genres, viewer):
    title, variants = title_with_variants(genres["Horror"])
    start = clock.now() - timedelta(hours=1)
    show(viewer, title, variants[2], start)
    first = play(viewer, title, start + timedelta(minutes=3), client_id="ps-session-1")
    again = play(viewer, title, start + timedelta(minutes=3), client_id="ps-session-1")
    assert first.pk == again.pk
    for event in (first, again, first):
        services.play_attribute(event=event)
    # A second, genuinely new play after the same impression is not a second take.
    services.play_attribute(event=play(viewer, title, start + timedelta(minutes=9)))
    impression = Impression.objects.get()
    assert impression.taken_at == first.occurred_at and impression.play_event_id == first.pk


def test_a_duplicated_impression_beacon_counts_once(genres, viewer):
    title, variants = title_with_variants(genres["Horror"])
    at = clock.now() - timedelta(minutes=40)
    for _ in range(3):
        show(viewer, title, variants[0], at, batch="page-view-7f3a")
    assert Impression.objects.count() == 1


def test_writing_a_play_credits_the_impression_after_commit(
    genres, viewer, django_capture_on_commit_callbacks
):
    title, variants = title_with_variants(genres["Horror"])
    show(viewer, title, variants[0], clock.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        play(viewer, title, clock.now())
    assert Impression.objects.get().taken_at is not None


def test_the_sweep_credits_plays_written_in_bulk(genres, viewer):
    from apps.artwork.tasks import attribute_recent_plays
    from apps.tracking.services import EventData, track_many

    title, variants = title_with_variants(genres["Horror"])
    show(viewer, title, variants[1], clock.now() - timedelta(minutes=15))
    track_many(
        [
            EventData(
                name="play_started",
                profile_id=viewer.pk,
                occurred_at=clock.now(),
                properties={"title_id": title.pk},
            )
        ]
    )
    assert attribute_recent_plays() == 1
    assert attribute_recent_plays() == 0  # idempotent
    assert Impression.objects.get().variant_id == variants[1].pk


def test_picks_and_ratings_reach_the_taste_on_the_next_sweep(genres, viewer):
    from apps.artwork.models import ProfileTaste
    from apps.artwork.tasks import refresh_recent_tastes

    titles = [title_with_variants(genres["Comedy"])[0] for _ in range(2)]
    for title in titles:
        track(name="onboarding_pick", profile=viewer, properties={"title_id": title.pk})
    assert refresh_recent_tastes() == 1
    assert ProfileTaste.objects.get(profile=viewer).segment == genres["Comedy"].pk
    assert refresh_recent_tastes() == 0  # nothing new since
