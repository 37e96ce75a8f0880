"""A viewer's language, time zone and country: stored at sign-up, editable, used by pages."""

import pytest
from django.core import mail

from apps.accounts.language import country_from_accept_language, supported
from apps.accounts.models import User
from tests.factories import ProfileFactory

PASSWORD = "correct horse battery"
SIGNUP = {"email": "lea@example.com", "password": "a-long-pass-phrase", "profile_name": "Léa"}


def test_country_is_the_region_of_the_first_language_tag_that_has_one():
    assert country_from_accept_language("fr-FR,fr;q=0.9,en;q=0.8") == "FR"
    assert country_from_accept_language("fr;q=0.9, en-CA;q=0.8") == "CA"
    assert country_from_accept_language("fr") == "" and country_from_accept_language(None) == ""
    assert supported("fr-ca") == "fr" and supported("de") == "" and supported("EN") == "en"


@pytest.mark.django_db
def test_signup_stores_the_pages_language_the_browsers_zone_and_locale_country(client):
    client.cookies["django_language"] = "fr"
    client.post(
        "/accounts/signup/",
        {**SIGNUP, "time_zone": "America/Montreal"},
        HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9",
    )
    user = User.objects.get()
    assert (user.language, user.time_zone, user.country) == ("fr", "America/Montreal", "CA")


@pytest.mark.django_db
def test_signup_with_a_junk_zone_keeps_the_default_zone(client):
    client.post("/accounts/signup/", {**SIGNUP, "time_zone": "Mars/Olympus"})
    user = User.objects.get()
    assert user.time_zone == "Europe/Paris" and user.language == "en"


def test_signup_page_loads_the_time_zone_script_and_its_hidden_field(client, db):
    html = client.get("/accounts/signup/").content.decode()
    assert "js/timezone.js" in html and 'name="time_zone"' in html
    assert "data-detect-time-zone" in html


@pytest.fixture
def signed_in(client, db):
    profile = ProfileFactory()
    client.force_login(profile.account)
    return profile.account


def test_a_stored_language_wins_over_the_browser(client, signed_in):
    User.objects.filter(pk=signed_in.pk).update(language="fr")
    signed_in.refresh_from_db()
    signed_in.save()  # forget the cached row
    response = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.content.decode()
    assert response.cookies["django_language"].value == "fr"  # kept after signing out


def test_the_chooser_while_signed_in_updates_the_stored_preference(client, signed_in):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/account/"})
    signed_in.refresh_from_db()
    assert signed_in.language == "fr"
    response = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"


def test_the_chooser_signed_out_stores_nothing(client, db):
    profile = ProfileFactory()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    profile.account.refresh_from_db()
    assert profile.account.language == ""


def test_account_page_edits_language_and_country(client, signed_in):
    response = client.post("/account/", {"language": "fr", "country": "be"})
    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.language, signed_in.country) == ("fr", "BE")


def test_a_bad_country_is_refused_and_changes_nothing(client, signed_in):
    response = client.post("/account/", {"language": "fr", "country": "1X"})
    assert response.status_code == 400
    assert "two-letter country code" in response.content.decode()
    signed_in.refresh_from_db()
    assert (signed_in.language, signed_in.country) == ("", "")


def test_the_time_zone_form_still_works_beside_it(client, signed_in):
    response = client.post("/account/", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert signed_in.time_zone == "Asia/Tokyo" and signed_in.language == ""


@pytest.mark.parametrize(("language", "subject"), [("fr", "Réinitialisez"), ("en", "Reset your")])
def test_password_reset_mail_is_in_the_accounts_language(client, db, language, subject):
    profile = ProfileFactory(account__language=language)
    # The page is in the other language: the e-mail follows the account, not the page.
    other = "en" if language == "fr" else "fr"
    client.cookies["django_language"] = other
    client.post("/accounts/password-reset/", {"email": profile.account.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith(subject)


@pytest.mark.django_db
def test_an_account_that_never_chose_takes_the_language_it_signs_in_with(client):
    """Seeded and older accounts have no language: the page's language at sign-in becomes
    theirs, so what workers write later (notices, e-mails, invoices) reads as their pages do."""
    from django.utils import translation

    from apps.accounts.language import speaking_to

    profile = ProfileFactory()
    User.objects.filter(pk=profile.account.pk).update(language="")
    client.post(
        "/accounts/login/",
        {"username": profile.account.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )
    client.post(f"/profiles/{profile.pk}/select/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    account = User.objects.get(pk=profile.account.pk)
    assert account.language == "fr"
    with translation.override("en"), speaking_to(account):  # a worker runs in English
        assert translation.get_language() == "fr"


@pytest.mark.django_db
def test_an_accounts_own_language_is_kept_whatever_browser_signs_in(client):
    profile = ProfileFactory()
    User.objects.filter(pk=profile.account.pk).update(language="en")
    client.post(
        "/accounts/login/",
        {"username": profile.account.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    client.post(f"/profiles/{profile.pk}/select/", HTTP_ACCEPT_LANGUAGE="fr")
    assert User.objects.get(pk=profile.account.pk).language == "en"
