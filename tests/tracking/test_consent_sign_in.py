"""Once signed in, a viewer has one privacy choice: the account's recorded choice wins at sign-in
and this browser's consent cookie is rewritten to it, so /privacy/, the banner, track.js and the
workers agree; an account with no choice takes the browser's (test_consent_adopt.py)."""

import json

import pytest
from django.conf import settings
from django.test import Client

from apps.engagement.channels import allowed
from apps.engagement.channels.consent import stored_consent
from apps.engagement.models import Category, Channel
from apps.tracking.consent import COOKIE, Consent, cookie_value
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.models import Event
from apps.tracking.selectors import account_consent
from apps.tracking.services.consent_choices import consent_record
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NOTIFICATIONS = "/account/notifications/"
REFUSED = cookie_value(personalization=False, marketing=False)
ALL = cookie_value(personalization=True, marketing=True)


def _consent(*, personalization: bool, marketing: bool, gpc: bool = False) -> Consent:
    return Consent(
        personalization=personalization,
        marketing=marketing and not gpc,
        chosen=True,
        version=settings.CONSENT_VERSION,
        gpc=gpc,
    )


def _browser_that_chose(choice: str, **headers) -> Client:
    client = Client(**headers)
    client.get("/accounts/login/")
    assert client.post("/privacy/", {"choice": choice}).status_code == 302
    return client


def _sign_in(client, profile):
    """Sign in with the form and pick the profile; the picker's response (where the cookie is
    rewritten)."""
    login = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert login.status_code == 302
    response = client.post(f"/profiles/{profile.pk}/select/")
    assert response.status_code == 302
    return response


def _privacy(client) -> str:
    return client.get("/privacy/").content.decode()


def _checked(html: str, name: str) -> bool:
    return f'name="{name}" checked' in html


def test_an_account_that_refused_signs_in_on_an_accepting_browser_and_sees_refused():
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=False, marketing=False), profile=profile)
    client = _browser_that_chose("all")
    assert client.cookies[VISITOR_COOKIE].value
    client.get("/accounts/login/")  # an anonymous page view under the visitor id

    response = _sign_in(client, profile)

    assert response.status_code == 302
    # The browser's cookies (rewritten at the sign-in form, see the last test).
    assert client.cookies[COOKIE].value == REFUSED
    assert client.cookies[VISITOR_COOKIE].value == ""  # no visitor id without consent
    html = _privacy(client)
    assert not _checked(html, "personalization") and not _checked(html, "marketing")
    assert "These are the choices you saved." in html
    assert "Your account keeps one set of choices." in html
    home = client.get("/account/").content.decode()
    assert 'data-consent="off"' in home and "data-consent-banner" not in home
    assert "need your permission for marketing" in client.get(NOTIFICATIONS).content.decode()
    assert allowed(profile, Channel.EMAIL, Category.OFFERS) == "no_marketing_consent"
    # The account's choice is not overwritten, and the browsing made under the browser's
    # "Accept all" does not join a profile that refused personalization.
    choices = Event.objects.filter(name="consent_given", profile__account=profile.account)
    assert [e.properties["personalization"] for e in choices] == [False]
    assert not Event.objects.filter(profile=profile, name="identity_merged").exists()


def test_an_account_that_accepted_signs_in_on_a_refusing_browser_and_sees_accepted():
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=True), profile=profile)
    client = _browser_that_chose("necessary")
    assert VISITOR_COOKIE not in client.cookies

    response = _sign_in(client, profile)

    assert response.status_code == 302
    assert client.cookies[COOKIE].value == ALL
    assert client.cookies[VISITOR_COOKIE].value  # personalization is on again
    html = _privacy(client)
    assert _checked(html, "personalization") and _checked(html, "marketing")
    assert 'data-consent="on"' in client.get("/account/").content.decode()
    notifications = client.get(NOTIFICATIONS).content.decode()
    assert "need your permission for marketing" not in notifications
    assert stored_consent(profile).marketing is True


def test_a_browser_that_never_chose_gets_the_accounts_choice_and_no_banner():
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=False), profile=profile)
    client = Client()
    assert "data-consent-banner" in client.get("/accounts/login/").content.decode()
    assert "Your account keeps one set of choices." not in _privacy(client)

    response = _sign_in(client, profile)

    assert response.cookies[COOKIE].value == cookie_value(personalization=True, marketing=False)
    assert "data-consent-banner" not in client.get("/account/").content.decode()


def test_a_choice_changed_on_the_privacy_page_is_the_accounts_and_this_browsers_at_once():
    profile = ProfileFactory()
    laptop = _browser_that_chose("all")
    _sign_in(laptop, profile)
    assert stored_consent(profile).marketing is True

    response = laptop.post("/privacy/", {"choice": "personalization"})

    assert response.cookies[COOKIE].value == cookie_value(personalization=True, marketing=False)
    assert stored_consent(profile).marketing is False
    assert not _checked(_privacy(laptop), "marketing")
    # Another browser that says "Accept all" signs in and gets the choice just made.
    phone = _browser_that_chose("all")
    assert _sign_in(phone, profile).cookies[COOKIE].value == cookie_value(
        personalization=True, marketing=False
    )
    assert not _checked(_privacy(phone), "marketing")


def test_a_choice_made_before_picking_a_profile_is_the_accounts_too():
    """QA10: signed in, on "Who's watching?", a viewer opened /privacy/ and ticked marketing:
    "saved", but only for that browser; another browser signing in got the older choice."""
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=False), profile=profile)
    laptop = Client()
    login = laptop.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert login.status_code == 302  # no profile chosen yet

    assert laptop.post("/privacy/", {"choice": "all"}).status_code == 302

    assert stored_consent(profile).marketing is True
    phone = _browser_that_chose("necessary")
    assert _sign_in(phone, profile).cookies[COOKIE].value == ALL
    assert _checked(_privacy(phone), "marketing")


def test_signing_out_leaves_the_cookie_and_another_accounts_choice_never_leaks():
    refuser = ProfileFactory()
    consent_record(consent=_consent(personalization=False, marketing=False), profile=refuser)
    accepter = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=True), profile=accepter)
    client = _browser_that_chose("all")

    _sign_in(client, refuser)
    signed_out = client.post("/accounts/logout/")
    assert COOKIE not in signed_out.cookies  # the cookie stays as it is
    assert client.cookies[COOKIE].value == REFUSED
    assert "data-consent-banner" not in client.get("/accounts/login/").content.decode()

    assert _sign_in(client, accepter).cookies[COOKIE].value == ALL
    html = _privacy(client)
    assert _checked(html, "personalization") and _checked(html, "marketing")
    # Neither account's record moved: each keeps its own choice.
    assert stored_consent(refuser).personalization is False
    assert stored_consent(accepter).marketing is True
    assert Event.objects.filter(name="consent_given", profile__isnull=False).count() == 2


def test_global_privacy_control_still_keeps_marketing_off_in_a_browser_that_sends_it():
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=True), profile=profile)
    client = _browser_that_chose("necessary", HTTP_SEC_GPC="1")

    response = _sign_in(client, profile)

    # The cookie holds the account's choice; GPC is applied to every request that sends it.
    assert response.cookies[COOKIE].value == ALL
    html = client.get("/privacy/").content.decode()
    assert "Global Privacy Control" in html and 'name="marketing" disabled' in html
    assert _checked(html, "personalization") and not _checked(html, "marketing")


def test_a_kids_profile_follows_the_accounts_choice_but_never_makes_it():
    adult = ProfileFactory()
    kid = ProfileFactory(account=adult.account, name="Kid", is_kids=True)
    client = _browser_that_chose("all")
    assert _sign_in(client, kid).cookies.get(COOKIE) is None  # no choice to follow: unchanged
    assert not Event.objects.filter(name="consent_given", profile__isnull=False).exists()

    consent_record(consent=_consent(personalization=True, marketing=False), profile=adult)
    other = _browser_that_chose("all")
    response = _sign_in(other, kid)
    assert response.cookies[COOKIE].value == cookie_value(personalization=True, marketing=False)


def test_the_accounts_choice_is_one_query(django_assert_num_queries):
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=False, marketing=False), profile=profile)
    consent_record(consent=_consent(personalization=True, marketing=False), profile=profile)
    with django_assert_num_queries(1):
        own = account_consent(profile.account_id)
    assert own is not None and own.personalization and not own.marketing


def test_an_account_without_a_choice_keeps_the_browsers_cookie():
    profile = ProfileFactory(account=UserFactory())
    client = _browser_that_chose("personalization")
    response = _sign_in(client, profile)
    assert COOKIE not in response.cookies  # the browser's choice is already the account's
    assert stored_consent(profile).personalization is True
    assert stored_consent(profile).marketing is False
    assert not _checked(_privacy(client), "marketing")


def test_the_demos_one_click_persona_sign_in_brings_the_personas_choice_too(settings):
    """QA's shortcut must not show the disagreement this rule removes; it adopts nothing (a
    persona that never chose keeps the banner), as it merges nothing."""
    from apps.demo.personas import PERSONAS_BY_KEY

    settings.DEMO_MODE = True
    persona = PERSONAS_BY_KEY["horror"]
    profile = ProfileFactory(
        account=UserFactory(email=persona.email), name=persona.profiles[0].name
    )
    consent_record(consent=_consent(personalization=True, marketing=False), profile=profile)
    client = _browser_that_chose("all")
    response = client.post("/demo/login/horror/")
    assert response.cookies[COOKIE].value == cookie_value(personalization=True, marketing=False)
    assert not _checked(_privacy(client), "marketing")

    newcomer = PERSONAS_BY_KEY["new"]
    ProfileFactory(account=UserFactory(email=newcomer.email), name=newcomer.profiles[0].name)
    fresh = Client()
    assert COOKIE not in fresh.post("/demo/login/new/").cookies
    assert "data-consent-banner" in fresh.get("/account/").content.decode()
    adopted = Event.objects.filter(name="consent_given", profile__account__email=newcomer.email)
    assert not adopted.exists()


def test_an_accepting_account_on_a_refusing_browser_is_one_device_across_sign_ins():
    """The device is keyed by the visitor id the account's choice gives this browser at once,
    so signing in again does not list the same browser twice on the account page."""
    from apps.accounts.models import Device

    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=False), profile=profile)
    client = _browser_that_chose("necessary")
    _sign_in(client, profile)
    client.get("/account/")
    client.post("/accounts/logout/")
    _sign_in(client, profile)
    assert Device.objects.filter(profile__account=profile.account).count() == 1


def test_a_browser_signed_in_before_the_account_refused_elsewhere_stores_nothing_more():
    """The phone refuses while the laptop stays signed in: the laptop's next batch of events is
    not stored against the refusal, and its cookie is brought to the account's choice."""
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=True, marketing=True), profile=profile)
    laptop = _browser_that_chose("all")
    _sign_in(laptop, profile)
    event = {"name": "page_view", "properties": {"path": "/"}, "client_id": "pv-00000001"}
    body = json.dumps({"events": [event]})
    assert laptop.post("/t/events", body, content_type="application/json").status_code == 204
    assert Event.objects.filter(name="page_view", profile=profile).count() == 1

    consent_record(consent=_consent(personalization=False, marketing=False), profile=profile)
    event["client_id"] = "pv-00000002"
    body = json.dumps({"events": [event]})
    response = laptop.post("/t/events", body, content_type="application/json")

    assert response.status_code == 204
    assert Event.objects.filter(name="page_view", profile=profile).count() == 1
    assert response.cookies[COOKIE].value == REFUSED
    html = _privacy(laptop)
    assert not _checked(html, "personalization") and not _checked(html, "marketing")


def test_the_accounts_choice_holds_from_the_sign_in_form_before_a_profile_is_chosen():
    """Between the sign-in form and "Who's watching?" the viewer is signed in: /privacy/ and the
    banner already show the account's choice, not the browser's (the guide walk saw the
    browser's "Accept all" there until a profile was picked)."""
    profile = ProfileFactory()
    consent_record(consent=_consent(personalization=False, marketing=False), profile=profile)
    client = _browser_that_chose("all")

    login = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )

    assert login.status_code == 302
    assert login.cookies[COOKIE].value == REFUSED
    html = _privacy(client)
    assert not _checked(html, "personalization") and not _checked(html, "marketing")
    picker = client.get("/profiles/").content.decode()
    assert "data-consent-banner" not in picker
