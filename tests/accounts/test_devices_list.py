"""The account page's devices after QA15 L5: a device whose session is gone reads "Signed out"
whatever ended it (a password change or reset, an e-mail change, expiry, not only "Sign out
this device"); a signed-out device can be removed from the list; only the current device reads
"Active now", the others say when they were last used."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from apps.accounts.models import Device
from apps.core import clock
from tests.accounts.test_device_sign_out import (
    PASSWORD,
    UA_PHONE,
    UA_TV,
    browser,
    device_of,
    row_of,
    signed_in,
)
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase"


def page_of(client) -> str:
    return client.get("/account/").content.decode()


def test_a_password_change_signs_the_other_devices_out_and_they_say_so():
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    response = phone.post(
        "/accounts/password-change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(phone) and not signed_in(tv)
    page = page_of(phone)
    tv_row = row_of(page, "Chrome on Linux")
    assert "Signed out" in tv_row and "Sign out this device" not in tv_row
    assert "(this device)" in row_of(page, "Chrome on Android")
    # This browser's session went on under a new key: signing it out elsewhere still ends it.
    other = browser_with(profile, UA_TV, NEW_PASSWORD)
    phone_device = device_of(profile, "Chrome on Android")
    other.post(f"/account/devices/{phone_device.pk}/sign-out/")
    assert not signed_in(phone)


def browser_with(profile, user_agent, password) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    client.post("/accounts/login/", {"username": profile.account.email, "password": password})
    client.post(f"/profiles/{profile.pk}/select/")
    return client


def test_a_password_reset_signs_every_device_out_and_they_say_so(
    django_capture_on_commit_callbacks,
):
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    anonymous = Client()
    anonymous.post("/accounts/password-reset/", {"email": profile.account.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form = anonymous.get(link, follow=True)
    url = form.redirect_chain[-1][0]
    done = anonymous.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert not signed_in(tv) and not signed_in(phone)
    laptop = browser_with(profile, "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", NEW_PASSWORD)
    page = page_of(laptop)
    for label in ("Chrome on Linux", "Chrome on Android"):
        row = row_of(page, label)
        assert "Signed out" in row and "Sign out this device" not in row, label


def test_an_expired_session_reads_signed_out():
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    Session.objects.filter(session_key=tv.session.session_key).update(
        expire_date=clock.real_now() - timedelta(minutes=1)
    )
    row = row_of(page_of(phone), "Chrome on Linux")
    assert "Signed out" in row and "Sign out this device" not in row


def test_only_this_device_reads_active_now_and_the_others_their_last_use():
    profile = ProfileFactory()
    browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    Device.objects.filter(label="Chrome on Linux").update(
        last_seen=clock.now() - timedelta(hours=5)
    )
    page = page_of(phone)
    here = row_of(page, "Chrome on Android")
    assert "Active now" in here
    assert not re.search(r"\(\d{1,2} \w{3} \d{4}, \d\d:\d\d\)", here), "no stale time beside it"
    there = row_of(page, "Chrome on Linux")
    assert "5\xa0hours ago" in there and "Active now" not in there
    assert re.search(r"\(\d{1,2} \w{3} \d{4}, \d\d:\d\d\)", there)
    assert page.count("Active now") == 1


def test_a_signed_out_device_can_be_removed_from_the_list():
    profile = ProfileFactory()
    second = ProfileFactory(account=profile.account, name="Second")
    tv = browser(profile, UA_TV)
    tv.post(f"/profiles/{second.pk}/select/")
    phone = browser(profile, UA_PHONE)
    tv_device = device_of(profile, "Chrome on Linux")
    phone.post(f"/account/devices/{tv_device.pk}/sign-out/")
    response = phone.post(f"/account/devices/{tv_device.pk}/remove/", follow=True)
    assert "Chrome on Linux (TV) is removed from the list." in response.content.decode()
    assert "Chrome on Linux" not in page_of(phone)
    assert not Device.objects.filter(key=tv_device.key).exists(), "both profiles' rows go"
    again = phone.post(f"/account/devices/{tv_device.pk}/remove/", follow=True)
    assert again.status_code == 200, "a second click changes nothing and says so"


def test_a_device_still_signed_in_is_not_removed():
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    for label in ("Chrome on Linux", "Chrome on Android"):  # another device, then this one
        device = device_of(profile, label)
        response = phone.post(f"/account/devices/{device.pk}/remove/", follow=True)
        assert "Sign this device out before removing it from the list." in (
            response.content.decode()
        )
        assert Device.objects.filter(pk=device.pk).exists()
    assert signed_in(tv) and signed_in(phone)
    assert "Remove from list" not in page_of(phone)


def test_another_accounts_device_is_never_removed():
    mine = ProfileFactory()
    theirs = ProfileFactory()
    me = browser(mine, UA_PHONE)
    them = browser(theirs, UA_TV)
    foreign = theirs.devices.get()
    them.post(f"/account/devices/{foreign.pk}/sign-out/")
    me.post(f"/account/devices/{foreign.pk}/remove/")
    assert Device.objects.filter(pk=foreign.pk).exists()


def test_removing_needs_a_post():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    device = profile.devices.get()
    assert phone.get(f"/account/devices/{device.pk}/remove/").status_code == 405


def test_a_device_kept_signed_in_for_days_reads_its_latest_use(monkeypatch):
    """A TV left signed in for weeks was "last used" the day its session began: using it moves
    "last used" on, at most once an hour (no write on every page)."""
    moment = {"at": clock.now()}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    began = device_of(profile, "Chrome on Linux").last_seen
    moment["at"] += timedelta(days=3)
    assert tv.get("/my-list/").status_code == 200
    used = device_of(profile, "Chrome on Linux").last_seen
    assert used == moment["at"] and used - began >= timedelta(days=3)
    moment["at"] += timedelta(minutes=20)
    tv.get("/my-list/")
    assert device_of(profile, "Chrome on Linux").last_seen == used, "not within the hour"
    moment["at"] += timedelta(minutes=45)
    tv.get("/my-list/")
    assert device_of(profile, "Chrome on Linux").last_seen == moment["at"]
    row = row_of(page_of(phone), "Chrome on Linux")
    assert "days ago" not in row and "Signed out" not in row


def test_a_signed_out_device_unused_for_90_days_leaves_the_list_and_the_page_says_so():
    """The list only ever grew: a signed-out device not used for 90 days is no longer listed
    (kept, and back once used again); a device still signed in stays however old."""
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    tv.post("/accounts/logout/")
    old = clock.now() - timedelta(days=91)
    Device.objects.filter(label="Chrome on Linux").update(last_seen=old)
    page = page_of(phone)
    assert "Chrome on Linux" not in page
    assert "1 signed-out device not used for 90 days is not listed" in page
    assert "Chrome on Android" in page
    Device.objects.filter(label="Chrome on Linux").update(last_seen=old + timedelta(days=2))
    page = page_of(phone)
    assert "Chrome on Linux" in page and "not listed" not in page
    # Still signed in, however long unused: listed.
    Device.objects.filter(label="Chrome on Android").update(last_seen=old)
    assert "Chrome on Android" in page_of(phone)
