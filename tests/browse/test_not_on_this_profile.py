"""A kids profile that opens an adult title by URL gets the site's own page saying so, never
Django's debug page with the URL list; refused account pages say why (issue 9)."""

import pytest

from tests.factories import (
    EpisodeFactory,
    GenreFactory,
    ProfileFactory,
    SeasonFactory,
    TitleFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db

BRANDED = "This title isn't available on this profile"


@pytest.fixture
def kid():
    return signed_in(ProfileFactory(is_kids=True))


@pytest.fixture
def adult_series():
    series = TitleFactory(kind="series", maturity="16", slug="night-shift")
    episode = EpisodeFactory(season=SeasonFactory(title=series))
    return series, episode


def assert_branded(response, heading=BRANDED):
    html = response.content.decode()
    assert response.status_code == 404
    assert heading in html
    assert 'class="site-header' in html  # the site's chrome (a Kids profile has its own)
    assert 'href="/"' in html and 'href="/profiles/"' in html
    assert "URLconf" not in html and "technical_404" not in html


@pytest.mark.parametrize("debug", [True, False])
def test_adult_title_page_by_url(kid, adult_series, settings, debug):
    settings.DEBUG = debug
    assert_branded(kid.get("/title/night-shift/"))


def test_adult_player_and_episode_by_url(kid, adult_series, settings):
    settings.DEBUG = True
    series, episode = adult_series
    assert_branded(kid.get(f"/watch/title/{series.pk}/"))
    assert_branded(kid.get(f"/watch/episode/{episode.pk}/"))


def test_a_genre_with_only_adult_titles(kid, settings):
    settings.DEBUG = True
    genre = GenreFactory(name="Horror", slug="horror")
    TitleFactory(maturity="18", genres=[genre])
    assert_branded(kid.get("/genre/horror/"), "This genre isn't available on this profile")


def test_a_grown_up_profile_and_unknown_titles_are_unchanged(adult_series, settings):
    settings.DEBUG = False
    grown_up = signed_in(ProfileFactory())
    assert grown_up.get("/title/night-shift/").status_code == 200
    response = signed_in(ProfileFactory(is_kids=True)).get("/title/no-such-title/")
    assert response.status_code == 404 and BRANDED not in response.content.decode()


def test_real_404s_are_branded_in_production(settings, client):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We can't find that page" in html and 'class="site-header"' in html


def test_the_500_page_is_branded_and_needs_no_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and "STREAM" in html


def test_refused_account_pages_say_why(kid):
    response = kid.get("/account/subscription/", follow=True)
    assert response.redirect_chain[-1][0] == "/profiles/"
    assert "Ask an adult: account settings aren&#x27;t available on a kids profile." in (
        response.content.decode()
    )
