"""A browser's privacy choice becomes a new account's choice at sign-up (or at a sign-in of an
account that never chose), so the privacy page, the notifications page and the workers agree;
an account's own choice always wins (qa2 §2)."""

import pytest
from django.conf import settings
from django.test import Client

from apps.engagement.channels import allowed
from apps.engagement.channels.consent import stored_consent
from apps.engagement.models import Category, Channel
from apps.tracking.consent import Consent
from apps.tracking.models import Event
from apps.tracking.services.consent_choices import consent_adopt, consent_record
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NOTIFICATIONS = "/account/notifications/"


def _consent(*, personalization=True, marketing=True, chosen=True) -> Consent:
    return Consent(
        personalization=personalization,
        marketing=marketing,
        chosen=chosen,
        version=settings.CONSENT_VERSION,
    )


# --- the service -------------------------------------------------------------------------


def test_an_account_without_a_choice_takes_the_browsers_once():
    profile = ProfileFactory()
    assert consent_adopt(profile=profile, consent=_consent()) is not None
    assert consent_adopt(profile=profile, consent=_consent(marketing=False)) is None
    assert stored_consent(profile).marketing is True
    assert Event.objects.filter(name="consent_given").count() == 1


def test_the_accounts_own_choice_wins_over_the_browsers():
    profile = ProfileFactory()
    consent_record(consent=_consent(marketing=False), profile=profile)
    other = ProfileFactory(account=profile.account, name="Ben")
    assert consent_adopt(profile=other, consent=_consent(marketing=True)) is None
    assert stored_consent(other).marketing is False


def test_a_choice_of_an_older_version_counts_as_none():
    profile = ProfileFactory()
    Event.objects.create(
        name="consent_given",
        profile=profile,
        properties={"version": "old", "personalization": True, "marketing": False},
        occurred_at=profile.account.date_joined,
    )
    assert consent_adopt(profile=profile, consent=_consent()) is not None
    assert stored_consent(profile).marketing is True


def test_no_browser_choice_or_a_kids_profile_records_nothing():
    profile = ProfileFactory()
    kid = ProfileFactory(account=profile.account, name="Kid", is_kids=True)
    assert consent_adopt(profile=profile, consent=_consent(chosen=False)) is None
    assert consent_adopt(profile=kid, consent=_consent()) is None
    assert not Event.objects.filter(name="consent_given").exists()


# --- through the site ----------------------------------------------------------------------


def _browser_that_chose(choice: str) -> Client:
    client = Client()
    client.get("/accounts/signup/")
    assert client.post("/privacy/", {"choice": choice}).status_code == 302
    return client


def _sign_up(client) -> object:
    response = client.post(
        "/accounts/signup/",
        {"email": "quinn@example.com", "password": "a-long-pass-phrase", "profile_name": "Quinn"},
    )
    assert response.status_code == 302
    return ProfileFactory._meta.model.objects.get(pk=client.session["profile_id"])


def test_accept_all_then_sign_up_turns_the_marketing_messages_on():
    client = _browser_that_chose("all")
    profile = _sign_up(client)
    privacy = client.get("/privacy/").content.decode()
    assert 'name="marketing" checked' in privacy
    html = client.get(NOTIFICATIONS).content.decode()
    assert "need your permission for marketing" not in html
    assert 'name="pref-email-offers" checked>' in html
    assert 'name="pref-in_app-new_episodes" checked>' in html
    assert stored_consent(profile).marketing is True
    assert allowed(profile, Channel.EMAIL, Category.RECOMMENDATIONS) is None


def test_necessary_only_then_sign_up_stays_refused():
    client = _browser_that_chose("necessary")
    profile = _sign_up(client)
    html = client.get(NOTIFICATIONS).content.decode()
    assert "need your permission for marketing" in html
    assert 'name="pref-email-offers" disabled' in html
    assert allowed(profile, Channel.EMAIL, Category.RECOMMENDATIONS) == "no_marketing_consent"
    assert stored_consent(profile).personalization is False


def test_an_existing_refusal_stays_when_signing_in_from_an_accepting_browser():
    profile = ProfileFactory()
    consent_record(consent=_consent(marketing=False), profile=profile)
    client = _browser_that_chose("all")
    client.post("/accounts/login/", {"username": profile.account.email, "password": PASSWORD})
    assert client.post(f"/profiles/{profile.pk}/select/").status_code == 302
    assert "need your permission for marketing" in client.get(NOTIFICATIONS).content.decode()
    assert allowed(profile, Channel.EMAIL, Category.OFFERS) == "no_marketing_consent"
    choices = Event.objects.filter(name="consent_given", profile__account=profile.account)
    assert [e.properties["marketing"] for e in choices] == [False]
