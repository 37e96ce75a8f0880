"""An address that only takes a form's POST, opened in the browser (a bookmark, or where a
sign-in started by a signed-out click on My list sends the viewer back), says what it is for
instead of a blank page."""

import pytest

from tests.factories import TitleFactory, signed_in

pytestmark = pytest.mark.django_db


def test_a_signed_out_click_on_my_list_ends_on_a_page_that_says_what_to_do(client, profile):
    title = TitleFactory()
    url = f"/my-list/{title.pk}/"
    to_sign_in = client.post(url, {"action": "add"})
    assert to_sign_in["Location"] == f"/accounts/login/?next={url}"
    viewer = signed_in(profile, client)
    response = viewer.get(url, HTTP_ACCEPT="text/html")  # where the sign-in sends it
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "This address works from a button" in page
    assert "go back to that page and press the button again" in page
    assert 'href="/"' in page


def test_htmx_and_other_callers_keep_the_bare_405(viewer_client):
    title = TitleFactory()
    assert viewer_client.get(f"/ratings/{title.pk}/", HTTP_HX_REQUEST="true").content == b""
    assert viewer_client.get("/t/events", HTTP_ACCEPT="application/json").content == b""


def test_the_page_speaks_french(viewer_client):
    title = TitleFactory()
    response = viewer_client.get(f"/my-list/{title.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 405
    assert "Cette adresse fonctionne avec un bouton" in response.content.decode()
