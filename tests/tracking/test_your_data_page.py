"""Issue 13, the "Your data" page: what the site knows about the account and its profile, in
plain language, why each homepage row is there, and its switches, for the viewer only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.recommendations.services import recommender_train
from apps.tracking.models import DataUse, Event
from tests.factories import ProfileFactory, genre_catalogue, genre_history, signed_in, watch

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def test_the_page_says_what_the_site_knows_and_why(viewer_client):
    world = genre_catalogue()
    genre_history(world)
    watch(viewer_client.profile, world["Horror"][:4], days_ago=1, every=MINUTE)
    recommender_train()
    response = viewer_client.get("/account/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert viewer_client.profile.account.email in html
    assert viewer_client.profile.name in html
    assert "You finished Horror 3." in html  # recent events in plain language
    assert "title id:" not in html  # the sentence names the title (QA6)
    assert "Horror: 100% of your taste" in html  # derived genre affinity
    assert "Why your homepage has these rows" in html
    assert "Because you watched Horror" in html  # the rows' reasons, as the homepage words them
    assert "Forget this title" in html


def test_the_page_is_linked_from_the_account_and_privacy_pages(viewer_client):
    assert 'href="/account/data/"' in viewer_client.get("/account/").content.decode()
    assert 'href="/account/data/"' in viewer_client.get("/privacy/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/account/data/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_accounts_events_never_show(viewer_client):
    world = genre_catalogue(n_per_genre=6)
    stranger = ProfileFactory(name="Stranger")
    watch(stranger, world["Comedy"][:1], days_ago=1, every=MINUTE)
    html = viewer_client.get("/account/data/").content.decode()
    assert "Comedy 0" not in html
    assert stranger.account.email not in html


def test_a_switch_posted_from_the_page_is_saved_and_recorded(viewer_client):
    response = viewer_client.post(
        "/account/data/switch/", {"signal": "ratings", "use": "off"}, follow=True
    )
    assert "Use my ratings again" in response.content.decode()
    assert DataUse.objects.get(profile=viewer_client.profile).use_ratings is False
    assert Event.objects.filter(profile=viewer_client.profile, name="data_use_changed").exists()


def test_an_unknown_switch_changes_nothing(viewer_client):
    viewer_client.post("/account/data/switch/", {"signal": "everything", "use": "off"})
    assert not DataUse.objects.exists()


def test_forget_and_clear_buttons_act_on_the_current_profile_only(viewer_client):
    world = genre_catalogue(n_per_genre=6)
    title = world["Drama"][0]
    other = ProfileFactory(account=viewer_client.profile.account, name="Other")
    watch(viewer_client.profile, [title], days_ago=1, every=MINUTE)
    watch(other, [title], days_ago=1, every=MINUTE)
    viewer_client.post(f"/account/data/forget/{title.pk}/")
    assert not Event.objects.filter(profile=viewer_client.profile, name="play_completed").exists()
    assert Event.objects.filter(profile=other, name="play_completed").exists()


def test_a_kids_profile_cannot_open_the_page(client):
    kid = ProfileFactory(is_kids=True)
    signed_in(kid, client)
    assert client.get("/account/data/").status_code != 200


def test_the_page_costs_the_same_queries_however_long_the_history(viewer_client):
    """Guards against a title read per event line (the N+1 of naming each event's title):
    titles are read once for the whole list; and the taste traits read the plays and their
    titles' genres once each (issue 15: two queries, hence 14 rather than 12)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.recommendations.services.candidates import global_lists_refresh

    world = genre_catalogue(n_per_genre=40)
    watch(viewer_client.profile, world["Drama"][:3], days_ago=1, every=MINUTE)
    # The shared lists as the hourly job leaves them: without them the rows' genre names take
    # one more query (apps/browse/selectors/home.py `_name_new_genres`).
    global_lists_refresh()
    viewer_client.get("/account/data/")  # candidates computed once
    with CaptureQueriesContext(connection) as short:
        assert viewer_client.get("/account/data/").status_code == 200
    watch(viewer_client.profile, world["Comedy"][:40], days_ago=1, every=MINUTE)
    with CaptureQueriesContext(connection) as long:
        assert viewer_client.get("/account/data/").status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries)
    # 12 before issue 15; the page now shows the taste traits (two reads) and the homepage rows
    # it explains include the weekly mix and "Welcome back" (one read and two).
    # One more since QA15 M6: "What we hold" counts every category in one query.
    assert len(long.captured_queries) <= 18


@pytest.mark.parametrize("url", ["/account/data/", "/account/delete/"])
def test_the_pages_have_no_inline_script_handler_or_style(viewer_client, url):
    """The strict CSP would silently break them (tests/core/test_security.py's rule)."""
    from tests.core.test_security import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE

    html = viewer_client.get(url).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)
    assert not INLINE_STYLE.search(html)


def test_a_profile_in_the_homepage_holdout_is_told_about_the_rows_it_gets(viewer_client):
    """The page explains the homepage the profile is actually served, without logging an
    exposure (it shows no variant)."""
    from datetime import timedelta as days

    from apps.browse.page_cache import HOLDOUT_EXPERIMENT
    from apps.experiments.models import Exposure
    from apps.experiments.services import experiment_define

    world = genre_catalogue()
    genre_history(world)
    watch(viewer_client.profile, world["Horror"][:4], days_ago=1, every=MINUTE)
    recommender_train()
    experiment_define(
        key=HOLDOUT_EXPERIMENT,
        name="holdout",
        variants=(("holdout", 1),),
        traffic_percent=100,
        metric_event="play_started",
        metric_window_days=7,
        starts_at=timezone.now() - days(days=1),
    )
    html = viewer_client.get("/account/data/").content.decode()
    assert "This page is the same for everyone" in html
    assert "Because you watched" not in html
    assert not Exposure.objects.exists()


def test_a_genre_that_rounds_to_nothing_is_not_listed_as_0_percent(viewer_client, monkeypatch):
    # qa12: after a taste moved on, "Your genres" listed "Sports: 0% of your taste".
    from apps.catalogue.models import Genre
    from apps.yourdata import selectors

    world = genre_catalogue()
    genre_history(world)
    watch(viewer_client.profile, world["Horror"][:4], days_ago=1, every=MINUTE)
    recommender_train()
    comedy = Genre.objects.get(name="Comedy").pk
    real = selectors.recommendations.candidates_for

    def with_a_trace_of_comedy(profile):
        cands = real(profile)
        cands.affinity = {**(cands.affinity or {}), str(comedy): 0.004}
        return cands

    monkeypatch.setattr(selectors.recommendations, "candidates_for", with_a_trace_of_comedy)
    html = viewer_client.get("/account/data/").content.decode()
    assert "Horror: 100% of your taste" in html
    assert "Comedy: 0% of your taste" not in html
