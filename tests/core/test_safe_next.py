"""Every view that honours `next` goes there only when it stays on this site (issue 11: one
safe-redirect helper, https-only in production)."""

import pytest

from tests.factories import ProfileFactory, TitleFactory, signed_in

OFFSITE = [
    "https://evil.example/",
    "//evil.example/",
    "javascript:alert(1)",
    "/\\evil.example/",
]


def _ratings(client, next_url):
    title = TitleFactory()
    return client.post(f"/ratings/{title.pk}/", {"value": "like", "next": next_url}), (
        title.get_absolute_url()
    )


def _my_list(client, next_url):
    title = TitleFactory()
    return client.post(f"/my-list/{title.pk}/", {"action": "add", "next": next_url}), (
        title.get_absolute_url()
    )


def _player_settings(client, next_url):
    return client.post("/watch/preferences/", {"autoplay_next": "on", "next": next_url}), "/"


def _continue_remove(client, next_url):
    title = TitleFactory()
    return client.post(f"/watch/continue/{title.pk}/remove/", {"next": next_url}), "/"


def _onboarding_pick(client, next_url):
    profile = ProfileFactory(onboarded_at=None)
    client = signed_in(profile)
    title = TitleFactory()
    return client.post("/onboarding/pick/", {"title_id": title.pk, "next": next_url}), (
        "/onboarding/"
    )


def _profile_select(client, next_url):
    profile = ProfileFactory()
    client = signed_in(profile)
    return client.post(f"/profiles/{profile.pk}/select/", {"next": next_url}), "/"


VIEWS = [_ratings, _my_list, _player_settings, _continue_remove, _onboarding_pick, _profile_select]


@pytest.mark.django_db
@pytest.mark.parametrize("act", VIEWS, ids=lambda f: f.__name__.strip("_"))
def test_a_next_on_this_site_is_followed(viewer_client, act):
    response, _fallback = act(viewer_client, "/search/?q=tide")
    assert response.status_code == 302 and response["Location"] == "/search/?q=tide"


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFFSITE)
@pytest.mark.parametrize("act", VIEWS, ids=lambda f: f.__name__.strip("_"))
def test_an_offsite_next_is_refused(viewer_client, act, next_url):
    response, fallback = act(viewer_client, next_url)
    assert response.status_code == 302 and response["Location"] == fallback


@pytest.mark.django_db
@pytest.mark.parametrize("act", VIEWS, ids=lambda f: f.__name__.strip("_"))
def test_in_production_a_plain_http_next_is_refused(viewer_client, settings, act):
    """Behind the proxy a page may arrive as plain http; never send a viewer to http:// URLs."""
    settings.PRODUCTION = True
    response, fallback = act(viewer_client, "http://testserver/search/")
    assert response.status_code == 302 and response["Location"] == fallback


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", [*OFFSITE, "http://testserver/search/"])
def test_the_profile_picker_never_carries_an_offsite_next(settings, next_url):
    settings.PRODUCTION = True
    client = signed_in(ProfileFactory())
    page = client.get("/profiles/", {"next": next_url}).content.decode()
    assert '<input type="hidden" name="next"' not in page
    page = client.get("/profiles/", {"next": "/search/"}).content.decode()
    assert '<input type="hidden" name="next" value="/search/">' in page
