"""The poster segment ("Posters are chosen for a fan of X" on "Your data") follows the same
time-aware taste as "Your genres" (qa12 finding 2b: after ten days of only thrillers and thirty
comedies rated "Not for me", "Your genres" said Thriller 100 %, the posters "a fan of Comedy")."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.artwork import services
from apps.recommendations.services import candidates_refresh
from tests.factories import genre_catalogue, signed_in, watch

pytestmark = pytest.mark.django_db


def _a_comedy_fan_who_moved_on_to_thrillers(profile):
    catalogue = genre_catalogue(n_per_genre=30, genres=("Comedy", "Thriller"))
    now = timezone.now()
    comedies, thrillers = catalogue["Comedy"][:20], catalogue["Thriller"][:10]
    # Six weeks ago: twenty comedies started, finished and liked.
    start = now - timedelta(days=45)
    watch(profile, comedies, name="play_started", start=start)
    watch(profile, comedies, start=start + timedelta(minutes=30))
    watch(profile, comedies, name="rating", start=start + timedelta(minutes=40), value=1)
    # The last ten days: ten thrillers finished and liked, eight comedies rated "Not for me".
    start = now - timedelta(days=10)
    watch(profile, thrillers, start=start)
    watch(profile, thrillers, name="rating", start=start + timedelta(minutes=40), value=1)
    watch(
        profile, catalogue["Comedy"][20:28], name="rating", start=now - timedelta(days=1), value=-1
    )


def _your_data(client) -> tuple[str, str]:
    html = client.get("/account/data/").content.decode()
    first = re.search(r"<li>([^<:]+): \d+% of your taste</li>", html).group(1)
    segment = re.search(r"Posters are chosen for a fan of ([^<.]+)\.", html).group(1)
    return first, segment


def test_the_poster_segment_follows_the_taste_that_moved_on(client, profile):
    _a_comedy_fan_who_moved_on_to_thrillers(profile)
    candidates_refresh(profile=profile)
    services.tastes_refresh_recent(since=timezone.now() - timedelta(days=60))
    first, segment = _your_data(signed_in(profile, client))
    assert first == "Thriller"
    assert segment == "Thriller"


def test_a_steady_taste_keeps_its_segment(client, profile):
    catalogue = genre_catalogue(n_per_genre=20, genres=("Comedy", "Thriller"))
    now = timezone.now()
    watch(profile, catalogue["Comedy"][:10], start=now - timedelta(days=90))
    watch(profile, catalogue["Comedy"][10:14], start=now - timedelta(days=5))
    watch(profile, catalogue["Thriller"][:2], name="play_started", start=now - timedelta(days=1))
    candidates_refresh(profile=profile)
    services.profile_taste_refresh(profile_id=profile.pk)
    assert _your_data(signed_in(profile, client)) == ("Comedy", "Comedy")


def test_without_a_poster_taste_of_their_own_a_fan_is_told_posters_follow_their_genre(
    client, profile
):
    # qa14: "Posters are chosen for a fan of Thriller." sat above "No poster taste yet: every
    # title shows the poster most people take." while the policy picks what Thriller fans take.
    _a_comedy_fan_who_moved_on_to_thrillers(profile)
    candidates_refresh(profile=profile)
    services.tastes_refresh_recent(since=timezone.now() - timedelta(days=60))
    html = signed_in(profile, client).get("/account/data/").content.decode()
    assert "the poster most people take" not in html
    assert "each title shows the poster fans of Thriller take most." in html
