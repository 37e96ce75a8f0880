"""The account page's devices: one row per browser (not per profile or session), when and
where it was last used in words, "sign out" per browser and "sign out of all devices", and the
devices chosen at onboarding (issue 17)."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.accounts.devices import group_by_browser
from apps.accounts.models import Device, DeviceSession
from apps.core import clock
from tests.accounts.test_device_sign_out import UA_PHONE, UA_TV, browser, row_of, signed_in
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def test_two_profiles_on_one_browser_are_one_row_naming_both():
    ana = ProfileFactory(name="Ana")
    ben = ProfileFactory(account=ana.account, name="Ben")
    phone = browser(ana, UA_PHONE)
    assert phone.post(f"/profiles/{ben.pk}/select/").status_code == 302
    assert Device.objects.filter(profile__account=ana.account).count() == 2
    page = phone.get("/account/").content.decode()
    assert page.count("Chrome on Android") == 1
    row = row_of(page, "Chrome on Android")
    assert "Ana, Ben" in row or "Ben, Ana" in row


def test_last_use_is_said_in_words_with_the_browsers_region():
    profile = ProfileFactory()
    tv = browser(profile, UA_TV)
    phone = browser(profile, UA_PHONE)
    Device.objects.filter(label="Chrome on Linux").update(
        last_seen=NOW - timedelta(hours=3), country="FR"
    )
    row = row_of(phone.get("/account/").content.decode(), "Chrome on Linux")
    assert "3\xa0hours ago" in row and "in France" in row
    assert tv  # still signed in: its row offers "Sign out this device"
    assert "Sign out this device" in row


def test_the_region_comes_from_the_browsers_language_and_is_named_in_the_page_language():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    phone.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr-BE,fr;q=0.9"
    assert phone.post(f"/profiles/{profile.pk}/select/").status_code == 302
    assert Device.objects.get(profile=profile).country == "BE"
    assert "Belgique" in phone.get("/account/").content.decode(), "the page is in French"
    phone.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    phone.cookies.pop("django_language", None)
    assert "in Belgium" in phone.get("/account/").content.decode()


def test_signing_out_of_all_devices_refuses_every_session_on_its_next_request():
    profile = ProfileFactory()
    phone = browser(profile, UA_PHONE)
    tv = browser(profile, UA_TV)
    other = browser(ProfileFactory(), UA_TV)
    response = phone.post("/account/devices/sign-out-all/", follow=True)
    assert "You are signed out on all devices." in response.content.decode()
    assert not signed_in(tv) and not signed_in(phone)
    assert tv.get("/").status_code == 302, "the TV's next request goes to the login page"
    assert not DeviceSession.objects.filter(account=profile.account).exists()
    assert signed_in(other), "another account's sessions are untouched"


def test_sign_out_of_all_devices_is_post_only():
    phone = browser(ProfileFactory(), UA_PHONE)
    assert phone.get("/account/devices/sign-out-all/").status_code == 405
    assert signed_in(phone)


def test_the_devices_chosen_at_onboarding_are_listed_with_whether_one_is_used():
    profile = ProfileFactory(planned_devices=["tv", "tablet"])
    phone = browser(profile, UA_PHONE)
    page = phone.get("/account/").content.decode()
    assert "Devices you chose when you joined" in page
    planned = page[page.index("Devices you chose when you joined") :]
    assert "Tablet" in planned and "not used yet" in planned
    browser(profile, UA_TV)
    planned = phone.get("/account/").content.decode()
    planned = planned[planned.index("Devices you chose when you joined") :]
    assert 'TV <span class="muted">· in use' in planned


def test_in_french_a_device_chosen_at_onboarding_is_said_used_whatever_its_gender():
    """ "Téléphone · utilisée" (the French word agreed with "la TV" for every device)."""
    profile = ProfileFactory(planned_devices=["phone", "tablet"], account__language="fr")
    page = browser(profile, UA_PHONE).get("/account/").content.decode()
    assert 'Téléphone <span class="muted">· vous l’utilisez' in page
    assert 'Tablette <span class="muted">· vous ne l’utilisez pas encore' in page


class _Device:
    def __init__(self, pk, key, profile, last_seen, country=""):
        self.pk, self.key, self.kind, self.label, self.country = pk, key, "tv", "TV", country
        self.first_seen = last_seen - timedelta(days=pk)
        self.last_seen = last_seen
        self.profile = type("P", (), {"name": profile})()

    def get_kind_display(self):
        return "TV"


def test_grouping_keeps_the_latest_row_the_earliest_sighting_and_orders_by_last_use():
    devices = [
        _Device(1, "a", "Ana", NOW - timedelta(days=2)),
        _Device(2, "a", "Ben", NOW - timedelta(hours=1), country="FR"),
        _Device(3, "b", "Ana", NOW - timedelta(days=1)),
    ]
    rows = group_by_browser(devices, signed_in={"b"}, current_key="a")
    assert [r.key for r in rows] == ["a", "b"]
    assert rows[0].device_id == 2 and rows[0].profiles == ["Ben", "Ana"]
    assert rows[0].first_seen == devices[0].first_seen and rows[0].country == "FR"
    assert rows[0].is_current and rows[0].is_signed_in and rows[1].is_signed_in
