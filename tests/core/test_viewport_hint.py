"""Every page asks for the window's width (Accept-CH), so the homepage's own Critical-CH rarely
has the browser request the first homepage of a session twice."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/demo/"])
def test_the_pages_before_the_homepage_ask_for_the_viewport_width(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Accept-CH"] == "Sec-CH-Viewport-Width"
    # Only the homepage, which renders by the width, insists (Critical-CH) and varies on it.
    assert not response.has_header("Critical-CH")
    assert "Sec-CH-Viewport-Width" not in response.get("Vary", "")


@pytest.mark.django_db
def test_fragments_and_json_do_not_ask(client):
    fragment = client.get("/demo/", HTTP_HX_REQUEST="true")
    assert not fragment.has_header("Accept-CH")
    health = client.get("/healthz")
    assert health["Content-Type"].startswith("application/json")
    assert not health.has_header("Accept-CH")
