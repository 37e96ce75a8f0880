"""Every flow listed on /demo/ opens for the persona it names."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from apps.demo import guide, selectors
from apps.demo.personas import ADMIN_EMAIL, PASSWORD, PERSONAS_BY_KEY

pytestmark = pytest.mark.django_db

ANY_VIEWER = "comedy"  # flows that name no persona are tried as any signed-in viewer


class _FlowLinks(HTMLParser):
    """The link in each flow's heading on /demo/ (None for a flow shown without a link)."""

    def __init__(self):
        super().__init__()
        self.links: list[str | None] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "h3" and "flow__title" in classes:
            self._in_title = True
            self.links.append(None)
        elif tag == "a" and self._in_title:
            self.links[-1] = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_title = False


def _flows() -> list[dict]:
    examples = {"title": selectors.example_title(), "genre": selectors.example_genre()}
    return guide.resolve_flows(examples=examples)


def _browser_for(flow: dict) -> tuple[Client, str | None]:
    """A client signed in as the flow's persona, and the e-mail the page must be served to."""
    browser = Client()
    if str(flow.get("url", "")).startswith("admin:"):
        assert browser.login(email=ADMIN_EMAIL, password=PASSWORD)
        return browser, ADMIN_EMAIL
    if flow["key"] == "signup":
        return browser, None
    key = flow.get("persona") or ANY_VIEWER
    signed_in = browser.post(f"/demo/login/{key}/")
    # A persona that is not seeded sends you back to the guide; the flow's page would then
    # answer 200 to an anonymous visitor and prove nothing about the persona.
    assert signed_in.status_code == 302 and signed_in["Location"] == "/", (flow["key"], key)
    return browser, PERSONAS_BY_KEY[key].email


def test_every_flow_on_the_guide_answers_200_for_its_persona(client, seeded):
    html = client.get("/demo/").content.decode()
    flows = _flows()
    assert {"outbox", "restore", "clock"} <= {f["key"] for f in flows}
    for flow in flows:
        assert flow["href"], f"{flow['key']} has no link"
        assert flow["href"].replace("&", "&amp;") in html, flow["key"]  # listed on the page
        browser, email = _browser_for(flow)
        response = browser.get(flow["href"].split("#")[0])
        assert response.status_code == 200, (flow["key"], flow["href"], response.status_code)
        user = response.wsgi_request.user
        served_to = user.email if user.is_authenticated else None
        assert served_to == email, (flow["key"], "served to", served_to, "not", email)


def test_the_guide_page_links_every_flow_of_the_guide_in_order(client, seeded):
    """What QA clicks is what the guide's data says: one linked heading per flow, same order."""
    parser = _FlowLinks()
    parser.feed(client.get("/demo/").content.decode())
    assert parser.links == [flow["href"] for flow in _flows()]
    assert all(parser.links)
