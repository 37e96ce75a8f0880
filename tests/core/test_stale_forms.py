"""Forms and buttons from a page left open (QA9): an old CSRF token after signing in again gets
the site's own page (or, for htmx, a sentence the page shows), a form posted to a page that
only opens gets the site's 405 page, and a bad rating from a form gets the site's 400 page."""

import pytest
from django.test import Client

from apps.ratings.models import Rating
from tests.factories import TitleFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked_client(profile):
    """A signed-in browser whose CSRF token is checked, holding a token from before it signed
    in again (Django rotates the token on sign-in)."""
    client = signed_in(profile, Client(enforce_csrf_checks=True))
    client.get("/my-list/")
    return client


def test_an_old_csrf_token_gets_the_sites_page(checked_client):
    title = TitleFactory()
    response = checked_client.post(
        f"/ratings/{title.pk}/",
        {"value": "like", "csrfmiddlewaretoken": "x" * 32},
        HTTP_ACCEPT="text/html",
        HTTP_REFERER=f"http://testserver{title.get_absolute_url()}",
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page was open from before you signed in again" in page
    assert "CSRF verification failed" not in page
    assert f'href="{title.get_absolute_url()}"' in page  # back to the page to reload it
    assert 'class="site-header' in page  # in the site's frame
    assert not Rating.objects.exists()


def test_an_old_csrf_token_from_htmx_gets_a_sentence_to_show(checked_client):
    title = TitleFactory()
    response = checked_client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("This page was open from before you signed in")


def test_the_csrf_page_speaks_french(checked_client):
    title = TitleFactory()
    response = checked_client.post(
        f"/ratings/{title.pk}/", {"value": "like"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 403
    assert "Rechargez" in response.content.decode()


@pytest.mark.parametrize("path", ["/search/", "/my-list/", "/new/"])
def test_a_form_posted_to_a_page_that_only_opens_gets_the_sites_405(viewer_client, path):
    response = viewer_client.post(path, {"q": "x"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    page = response.content.decode()
    assert "This page only opens" in page
    assert "nothing was changed" in page
    assert f'href="{path}"' in page


def test_a_form_posted_to_a_title_page_gets_the_sites_405(viewer_client):
    title = TitleFactory()
    response = viewer_client.post(title.get_absolute_url(), HTTP_ACCEPT="text/html")
    assert response.status_code == 405
    assert "This page only opens" in response.content.decode()


def test_htmx_posts_to_a_page_keep_the_bare_405(viewer_client):
    response = viewer_client.post("/search/", HTTP_HX_REQUEST="true")
    assert response.status_code == 405
    assert response.content == b""


def test_a_bad_rating_from_a_form_gets_the_sites_400(viewer_client):
    title = TitleFactory()
    response = viewer_client.post(
        f"/ratings/{title.pk}/", {"value": "meh"}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "That rating wasn" in page
    assert "clear the rating" in page
    assert 'class="site-header' in page
    assert not Rating.objects.exists()


def test_a_bad_rating_from_htmx_is_a_sentence(viewer_client):
    title = TitleFactory()
    response = viewer_client.post(f"/ratings/{title.pk}/", {"value": "meh"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "clear the rating" in response.content.decode()


def test_a_deleted_csrf_cookie_is_not_blamed_on_signing_in_again(profile):
    """QA17: cookies cleared (or a privacy tool) while signed in is not "you signed in again"."""
    client = signed_in(profile, Client(enforce_csrf_checks=True))
    client.get("/my-list/")
    client.cookies.pop("csrftoken", None)
    title = TitleFactory()
    response = client.post(
        f"/ratings/{title.pk}/",
        {"value": "like"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    assert response.status_code == 403
    said = response.content.decode()
    assert said == "This page is out of date, so nothing was changed. Reload it and try again."
    assert not Rating.objects.exists()
