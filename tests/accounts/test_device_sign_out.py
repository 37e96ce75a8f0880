"""The account page lists the account's devices and signs one out: every session of that
browser ends, the others stay signed in, and another account's device is a 404."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from apps.accounts.models import Device, DeviceSession
from apps.tracking.consent import COOKIE as CONSENT_COOKIE
from apps.tracking.consent import cookie_value
from tests.factories import ProfileFactory

PASSWORD = "correct horse battery"
UA_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36"
UA_TV = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 Chrome/110 TV"

pytestmark = pytest.mark.django_db


def browser(profile, user_agent: str) -> Client:
    """A browser that signed in with a password and picked `profile` (a real session)."""
    client = Client(HTTP_USER_AGENT=user_agent)
    client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
    response = client.post(
        "/accounts/login/", {"username": profile.account.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.post(f"/profiles/{profile.pk}/select/").status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def device_of(profile, user_agent_label: str) -> Device:
    return profile.devices.get(label=user_agent_label)


def row_of(page: str, label: str) -> str:
    return page[page.index(label) :].split("</tr>")[0]


def test_the_account_page_lists_devices_with_label_kind_local_last_seen_and_this_device():
    profile = ProfileFactory()
    profile.account.time_zone = "Asia/Tokyo"
    profile.account.save()
    phone = browser(profile, UA_PHONE)
    tv = browser(profile, UA_TV)
    Device.objects.filter(label="Chrome on Linux").update(
        last_seen=datetime(2026, 3, 2, 20, 30, tzinfo=UTC)
    )
    page = phone.get("/account/").content.decode()
    row = row_of(page, "Chrome on Android")
    assert "Phone" in row
    assert "3 Mar 2026, 05:30" in row_of(page, "Chrome on Linux"), (
        "20:30 UTC is the next morning in Tokyo"
    )
    assert "TV" in row_of(page, "Chrome on Linux")
    assert page.count("(this device)") == 1
    assert "(this device)" in row and ">Sign out<" in row
    other = row_of(page, "Chrome on Linux")
    assert "Sign out this device" in other and "(this device)" not in other
    assert "(this device)" in tv.get("/account/").content.decode()


def test_signing_out_another_device_ends_its_sessions_and_keeps_this_one():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    tv = browser(profile, UA_TV)
    tv_device = device_of(profile, "Chrome on Linux")
    response = phone.post(f"/account/devices/{tv_device.pk}/sign-out/", follow=True)
    assert "Signed out on Chrome on Linux (TV)." in response.content.decode()
    assert not signed_in(tv), "the TV must sign in again"
    assert tv.get("/").status_code == 302
    assert signed_in(phone)
    assert not DeviceSession.objects.filter(device_key=tv_device.key).exists()
    page = phone.get("/account/").content.decode()
    row = row_of(page, "Chrome on Linux")
    assert "Signed out" in row and "Sign out this device" not in row
    assert "Remove from list" in row, "a signed-out device can be taken off the list"


def test_signing_out_this_device_signs_you_out_here_only():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    tv = browser(profile, UA_TV)
    response = phone.post(
        f"/account/devices/{device_of(profile, 'Chrome on Android').pk}/sign-out/", follow=True
    )
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "You are signed out on this device." in response.content.decode()
    assert not signed_in(phone)
    assert signed_in(tv)


def test_every_profile_session_of_the_browser_ends_with_it():
    """One browser used by two profiles of the account is one device to sign out."""
    first = ProfileFactory()
    second = ProfileFactory(account=first.account)
    tv = browser(first, UA_TV)
    assert tv.post(f"/profiles/{second.pk}/select/").status_code == 302
    tv.get("/account/")
    phone = browser(first, UA_PHONE)
    device = second.devices.get(label="Chrome on Linux")
    phone.post(f"/account/devices/{device.pk}/sign-out/")
    assert not signed_in(tv)


def test_another_accounts_device_is_not_found_and_stays_signed_in():
    mine = ProfileFactory()
    theirs = ProfileFactory()
    me = browser(mine, UA_PHONE)
    them = browser(theirs, UA_TV)
    foreign = theirs.devices.get()
    assert me.post(f"/account/devices/{foreign.pk}/sign-out/").status_code == 404
    assert "Chrome on Linux" not in me.get("/account/").content.decode()
    assert signed_in(them)


def test_signing_out_a_device_needs_a_post_with_a_csrf_token():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    device = profile.devices.get()
    assert phone.get(f"/account/devices/{device.pk}/sign-out/").status_code == 405
    strict = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=UA_PHONE)
    strict.cookies = phone.cookies
    assert strict.post(f"/account/devices/{device.pk}/sign-out/").status_code == 403
    assert signed_in(phone)


def test_signing_out_normally_leaves_no_session_to_end():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    assert DeviceSession.objects.count() == 1
    phone.post("/accounts/logout/")
    assert DeviceSession.objects.count() == 0


def test_in_french_a_device_is_chrome_sur_android_on_the_page_and_in_the_sign_out_message():
    """The French account page said "Chrome on Linux · Ordinateur"."""
    profile = ProfileFactory(account__language="fr")
    phone = browser(profile, UA_PHONE)
    browser(profile, UA_TV)
    page = phone.get("/account/").content.decode()
    assert "Chrome sur Android" in page and "Chrome sur Linux" in page
    assert "Chrome on " not in page
    tv = device_of(profile, "Chrome on Linux")  # stored as detected; only the page words change
    done = phone.post(f"/account/devices/{tv.pk}/sign-out/", follow=True).content.decode()
    assert "Déconnexion effectuée sur Chrome sur Linux (" in done
