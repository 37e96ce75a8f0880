"""Consent: a banner until a choice is made, three equally easy choices, changeable on
/privacy/, recorded as events; GPC refuses marketing; no visitor id without personalization."""

import pytest
from django.test import Client

from apps.tracking.consent import COOKIE, consent_for, cookie_value, decide
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.models import Event

pytestmark = pytest.mark.django_db
BANNER = "data-consent-banner"


def choose(client, choice, **extra):
    return client.post("/privacy/", {"choice": choice, "next": "/accounts/login/"}, **extra)


def test_a_first_visit_shows_the_banner_and_gets_no_visitor_cookie():
    client = Client()
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert BANNER in html
    assert VISITOR_COOKIE not in response.cookies
    for label in ("Necessary only", ">Personalization<", ">Personalization and marketing<"):
        assert label in html


def test_refusing_is_as_prominent_as_accepting():
    html = Client().get("/accounts/login/").content.decode()
    buttons = [line.strip().split(">")[0] for line in html.splitlines() if 'name="choice"' in line]
    assert len(buttons) == 3
    classes = {b.split('class="')[1].split('"')[0] for b in buttons}
    assert classes == {"btn consent-banner__choice"}  # one style for all three


def test_necessary_only_sets_no_visitor_cookie_records_nothing_and_hides_the_banner():
    client = Client()
    response = choose(client, "necessary")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert VISITOR_COOKIE not in response.cookies
    assert not Event.objects.exists()
    page = client.get("/accounts/login/")
    assert BANNER not in page.content.decode() and VISITOR_COOKIE not in page.cookies
    assert 'data-consent="off"' in page.content.decode()


def test_accepting_personalization_starts_a_visitor_id_and_records_the_consent_with_version():
    client = Client()
    response = choose(client, "personalization")
    visitor = response.cookies[VISITOR_COOKIE].value
    event = Event.objects.get(name="consent_given")
    assert event.visitor_id == visitor and event.profile_id is None
    assert event.properties == {
        "version": "1",
        "personalization": True,
        "marketing": False,
        "gpc": False,
    }
    page = client.get("/accounts/login/")
    assert BANNER not in page.content.decode() and 'data-consent="on"' in page.content.decode()
    assert VISITOR_COOKIE not in page.cookies  # kept, not reissued


def test_withdrawing_personalization_later_deletes_the_visitor_cookie():
    client = Client()
    choose(client, "all")
    assert client.cookies[VISITOR_COOKIE].value
    response = client.post("/privacy/", {"choice": "custom"})  # both boxes unticked
    assert response.cookies[VISITOR_COOKIE].value == ""  # deleted
    assert client.cookies[COOKIE].value == cookie_value(personalization=False, marketing=False)


def test_the_privacy_page_shows_and_changes_a_signed_in_profiles_choice(viewer_client, profile):
    page = viewer_client.get("/privacy/").content.decode()
    assert 'id="consent-personalization" name="personalization" checked' in page
    viewer_client.post("/privacy/", {"choice": "custom", "marketing": "on"})
    event = Event.objects.get(name="consent_given")
    assert event.profile_id == profile.pk
    assert event.properties["personalization"] is False and event.properties["marketing"] is True
    page = viewer_client.get("/privacy/").content.decode()
    assert 'name="personalization" checked' not in page and 'name="marketing" checked' in page


def test_global_privacy_control_refuses_marketing_whatever_was_chosen():
    client = Client()
    choose(client, "all", HTTP_SEC_GPC="1")
    assert Event.objects.get(name="consent_given").properties["marketing"] is False
    assert client.cookies[COOKIE].value == cookie_value(personalization=True, marketing=False)
    client.cookies[COOKIE] = cookie_value(personalization=True, marketing=True)
    page = client.get("/privacy/", HTTP_SEC_GPC="1").content.decode()
    assert "Global Privacy Control" in page and 'name="marketing" disabled' in page


def test_consent_for_answers_personalization_and_marketing(rf):
    request = rf.get("/", HTTP_SEC_GPC="1")
    request.COOKIES[COOKIE] = cookie_value(personalization=True, marketing=True)
    consent = consent_for(request)
    assert consent.personalization and not consent.marketing and consent.gpc and consent.chosen


def test_a_choice_for_an_older_version_asks_again(settings):
    old = cookie_value(personalization=True, marketing=True)
    settings.CONSENT_VERSION = "2"
    consent = decide(raw_cookie=old, signed_in=False, gpc=False)
    assert not consent.chosen and not consent.personalization


def test_without_a_choice_a_signed_in_profile_keeps_personalization_but_never_marketing():
    consent = decide(raw_cookie="", signed_in=True, gpc=False)
    assert consent.personalization and not consent.marketing and not consent.chosen
    assert not decide(raw_cookie="junk", signed_in=False, gpc=False).personalization


def test_an_unknown_choice_changes_nothing():
    client = Client()
    response = client.post("/privacy/", {"choice": "everything"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies and not Event.objects.exists()


def test_next_must_stay_on_the_site():
    response = Client().post("/privacy/", {"choice": "necessary", "next": "https://evil.example/"})
    assert response["Location"] == "/privacy/"


def test_the_cached_homepage_follows_the_consent_choice(viewer_client):
    """The homepage is cached whole (browse/page_cache.py); the banner and the script's
    switch must not be served from another choice's copy."""
    from tests.factories import genre_catalogue

    genre_catalogue()
    first = viewer_client.get("/").content.decode()
    assert BANNER in first and 'data-consent="on"' in first
    viewer_client.post("/privacy/", {"choice": "necessary"})
    after = viewer_client.get("/").content.decode()
    assert BANNER not in after and 'data-consent="off"' in after
    viewer_client.post("/privacy/", {"choice": "personalization"})
    again = viewer_client.get("/").content.decode()
    assert BANNER not in again and 'data-consent="on"' in again
