"""The homepage's first row says what fills it: "Picked for you from your favourites" only while
the onboarding picks alone drive the candidates. A viewer with three horror picks who then liked
six comedies saw a row of mostly comedies still credited to the favourites (the source ignored
likes, since a rating was counted as part of onboarding)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import recommender_train
from apps.tracking.services import EventData, track_many
from tests.factories import genre_catalogue, genre_history

pytestmark = pytest.mark.django_db

FAVOURITES = "Picked for you from your favourites"


@pytest.fixture
def world():
    catalogue = genre_catalogue()
    genre_history(catalogue)
    return catalogue


def _track(profile, name, titles, *, hours_ago=48, **props):
    start = timezone.now() - timedelta(hours=hours_ago)
    track_many(
        EventData(
            name=name,
            profile_id=profile.pk,
            occurred_at=start + timedelta(minutes=i),
            properties={"title_id": t.pk, **props},
        )
        for i, t in enumerate(titles)
    )


def _source(profile) -> str:
    return ProfileCandidates.objects.get(profile=profile).source


def test_only_picks_keep_the_favourites_heading(world, viewer_client):
    profile = viewer_client.profile
    _track(profile, "onboarding_pick", world["Horror"][:3])
    recommender_train()
    html = viewer_client.get("/").content.decode()
    assert FAVOURITES in html
    assert _source(profile) == ProfileCandidates.Source.ONBOARDING


def test_a_thumbs_up_on_a_pick_keeps_the_favourites_heading(world, viewer_client):
    """Rating a favourite adds nothing but the favourite: the row still comes from the picks."""
    profile = viewer_client.profile
    _track(profile, "onboarding_pick", world["Horror"][:3])
    _track(profile, "rating", world["Horror"][:1], hours_ago=24, value=2)
    recommender_train()
    assert FAVOURITES in viewer_client.get("/").content.decode()


def test_liking_other_titles_ends_the_favourites_heading(world, viewer_client):
    profile = viewer_client.profile
    _track(profile, "onboarding_pick", world["Horror"][:3])
    _track(profile, "rating", world["Comedy"][:6], hours_ago=24, value=1)
    recommender_train()
    html = viewer_client.get("/").content.decode()
    assert FAVOURITES not in html
    assert _source(profile) == ProfileCandidates.Source.PERSONAL
    assert f"Top picks for {profile.name}" in html
    # Nothing was watched: the why-line names what the row is built from, not "what you watched".
    assert "the titles you picked, rated or saved to My list" in html
    assert "You often watch" not in html


def test_likes_without_picks_never_claim_favourites(world, viewer_client):
    """Only thumbs on cards, no onboarding: no favourites were ever picked."""
    profile = viewer_client.profile
    _track(profile, "rating", world["Comedy"][:4], value=1)
    recommender_train()
    html = viewer_client.get("/").content.decode()
    assert FAVOURITES not in html
    assert "You picked" not in html


def test_once_something_is_watched_the_why_line_says_so(world, viewer_client):
    profile = viewer_client.profile
    _track(profile, "onboarding_pick", world["Horror"][:3])
    _track(profile, "play_completed", world["Comedy"][:2], hours_ago=24)
    recommender_train()
    html = viewer_client.get("/").content.decode()
    assert FAVOURITES not in html
    assert "what you watched, rated and picked" in html
