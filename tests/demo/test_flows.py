"""Every flow listed on /demo/ opens for the persona it names."""

import pytest
from django.test import Client

from apps.demo import guide, selectors
from apps.demo.personas import ADMIN_EMAIL, PASSWORD

pytestmark = pytest.mark.django_db


def _browser_for(flow: dict) -> Client:
    browser = Client()
    if str(flow.get("url", "")).startswith("admin:"):
        assert browser.login(email=ADMIN_EMAIL, password=PASSWORD)
    elif flow.get("persona"):
        browser.post(f"/demo/login/{flow['persona']}/")
    elif flow["key"] != "signup":
        browser.post("/demo/login/comedy/")  # any signed-in viewer
    return browser


def test_every_flow_on_the_guide_answers_200_for_its_persona(client, seeded):
    html = client.get("/demo/").content.decode()
    examples = {"title": selectors.example_title(), "genre": selectors.example_genre()}
    flows = guide.resolve_flows(examples=examples)
    assert {"outbox", "restore", "clock"} <= {f["key"] for f in flows}
    for flow in flows:
        assert flow["href"], f"{flow['key']} has no link"
        assert flow["href"].replace("&", "&amp;") in html, flow["key"]  # listed on the page
        response = _browser_for(flow).get(flow["href"].split("#")[0])
        assert response.status_code == 200, (flow["key"], flow["href"], response.status_code)
