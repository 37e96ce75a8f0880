"""The anonymous visitor id: a first-party HttpOnly cookie, set once, tying sign-up to it.

Issue 13 makes the id depend on personalization consent, so these visitors have consented
(the consent cookie); tests/tracking/test_consent.py covers the visitors who have not."""

import uuid

import pytest

from apps.tracking.consent import COOKIE as CONSENT_COOKIE
from apps.tracking.consent import cookie_value
from apps.tracking.middleware import COOKIE
from apps.tracking.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
    return client


def test_a_first_visit_gets_a_first_party_httponly_visitor_cookie_kept_afterwards(client):
    first = client.get("/accounts/login/")
    cookie = first.cookies[COOKIE]
    assert uuid.UUID(cookie.value)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] >= 60 * 60 * 24 * 365
    again = client.get("/accounts/login/")
    assert COOKIE not in again.cookies  # the browser already holds it: not reissued
    assert client.cookies[COOKIE].value == cookie.value


def test_a_forged_visitor_cookie_is_replaced(client):
    client.cookies[COOKIE] = "<script>"
    response = client.get("/accounts/login/")
    assert uuid.UUID(response.cookies[COOKIE].value)


def test_health_checks_get_no_visitor_cookie(client):
    assert COOKIE not in client.get("/healthz").cookies


def test_signing_up_ties_the_visitor_to_the_new_profile(client):
    visitor = client.get("/accounts/signup/").cookies[COOKIE].value
    client.post(
        "/accounts/signup/",
        {"email": "fresh@example.com", "password": "velvet-orbit-7391", "profile_name": "Robin"},
    )
    event = Event.objects.get(name="account_created")
    assert event.profile.name == "Robin" and event.visitor_id == visitor
