"""Issue 13: a signed-in profile that refused personalization gets the non-personal homepage
(popular rows, no "because you watched") and the artwork's non-personal policy, within the
homepage's query budget; giving consent back restores its own homepage."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.artwork import bandit
from apps.artwork import services as artwork_services
from apps.browse.page_cache import bump_list_version
from apps.recommendations.services import recommender_train
from apps.tracking.consent import COOKIE, cookie_value
from tests.artwork.conftest import homepage_world
from tests.factories import genre_catalogue, genre_history, watch

pytestmark = pytest.mark.django_db


def refuse(client):
    client.cookies[COOKIE] = cookie_value(personalization=False, marketing=False)


def test_refusing_personalization_gives_the_non_personal_homepage_and_back(viewer_client):
    world = genre_catalogue()
    genre_history(world)
    watch(viewer_client.profile, world["Horror"][:4])
    recommender_train()
    personal = viewer_client.get("/").content.decode()
    assert "Because you watched Horror" in personal

    refuse(viewer_client)
    html = viewer_client.get("/").content.decode()
    assert "Because you watched" not in html
    # It says why, and where to change it; not "no history yet" to a viewer with one.
    assert "Personalization is off in your privacy choices" in html
    assert "You have no history yet" not in html

    viewer_client.cookies[COOKIE] = cookie_value(personalization=True, marketing=False)
    assert "Because you watched Horror" in viewer_client.get("/").content.decode()


def test_the_non_personal_homepage_keeps_the_query_budget(viewer_client):
    """Guards against computing popularity candidates per request: they are shared and
    cached, so a fresh render costs no more than the personal homepage's budget."""
    world = genre_catalogue()
    genre_history(world)
    watch(viewer_client.profile, world["Drama"][:5])
    recommender_train()
    refuse(viewer_client)
    viewer_client.get("/")  # warm: device recorded, popular candidates computed
    bump_list_version(viewer_client.profile.pk)
    with CaptureQueriesContext(connection) as fresh:
        assert viewer_client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert viewer_client.get("/").status_code == 200
    assert len(fresh.captured_queries) <= 8
    assert len(cached.captured_queries) == 0


def test_the_artwork_uses_the_non_personal_policy_without_consent(viewer_client, monkeypatch):
    homepage_world()
    tastes = []
    real_choose = bandit.choose

    def spy(**kwargs):
        tastes.append(kwargs["taste"])
        return real_choose(**kwargs)

    monkeypatch.setattr(bandit, "choose", spy)
    monkeypatch.setattr(
        artwork_services.selectors,
        "taste",
        lambda profile_id, cached=None: bandit.Taste(segment=1, expected={"tone:dark": 3.0}),
    )
    refuse(viewer_client)
    assert viewer_client.get("/").status_code == 200
    assert tastes and all(t.is_new for t in tastes)

    tastes.clear()
    viewer_client.cookies[COOKIE] = cookie_value(personalization=True, marketing=False)
    assert viewer_client.get("/").status_code == 200
    assert tastes and not any(t.is_new for t in tastes)


def test_without_personalization_no_seen_cards_are_reported(viewer_client):
    """seen.js reports the posters a viewer saw (the artwork's impressions, which feed the
    profile's taste): a profile that refused personalization does not load it."""
    world = genre_catalogue()
    genre_history(world)
    assert "js/seen.js" in viewer_client.get("/").content.decode()
    refuse(viewer_client)
    assert "js/seen.js" not in viewer_client.get("/").content.decode()


def test_a_seen_report_from_a_profile_without_personalization_is_not_kept(client, settings):
    """Even a report sent by hand: the server drops it (204, nothing logged)."""
    from apps.artwork.models import Impression
    from tests.artwork.test_seen import logged, report, seen_marks
    from tests.factories import ProfileFactory, signed_in

    settings.DEMO_MODE = True
    homepage_world(n_per_genre=30)
    signed_in(ProfileFactory(), client)
    marks = seen_marks(client.get("/").content.decode())
    view, titles = marks[0][0], [t for v, t in marks[:4] if v == marks[0][0]]
    refuse(client)
    assert report(client, view, titles).status_code == 204
    assert logged() == [] and not Impression.objects.exists()
    client.cookies[COOKIE] = cookie_value(personalization=True, marketing=False)
    assert report(client, view, titles).status_code == 204
    assert logged()
