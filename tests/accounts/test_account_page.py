"""Account management: the picker sends viewers on to where they were going, kids profiles
cannot manage the account, deleting a profile asks first, time zone and password changes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from apps.accounts.models import Device, Profile
from apps.core import clock
from apps.tracking.models import Event
from tests.factories import ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def signed_in_without_profile(profile) -> Client:
    client = Client()
    client.force_login(profile.account)
    return client


def choose(client, profile):
    session = client.session
    session["profile_id"] = profile.pk
    session.save()


def test_a_page_opened_before_choosing_a_profile_opens_once_one_is_chosen(profile):
    client = signed_in_without_profile(profile)
    response = client.get("/ratings/?value=love")
    assert response.status_code == 302
    assert response.url == "/profiles/?next=%2Fratings%2F%3Fvalue%3Dlove"
    picker = client.get(response.url).content.decode()
    assert '<input type="hidden" name="next" value="/ratings/?value=love">' in picker
    chosen = client.post(f"/profiles/{profile.pk}/select/", {"next": "/ratings/?value=love"})
    assert chosen.url == "/ratings/?value=love"
    assert client.get(chosen.url).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/profiles/"])
def test_choosing_a_profile_never_leaves_the_site_or_loops(profile, target):
    client = signed_in_without_profile(profile)
    picker = client.get("/profiles/", {"next": target}).content.decode()
    assert '<input type="hidden" name="next"' not in picker
    response = client.post(f"/profiles/{profile.pk}/select/", {"next": target})
    assert response.url == "/"


def test_a_kids_profile_cannot_manage_the_account(profile):
    kid = ProfileFactory(account=profile.account, name="Kiddo", is_kids=True)
    client = signed_in_without_profile(profile)
    choose(client, kid)
    for url in ("/account/", f"/profiles/{profile.pk}/edit/", "/profiles/new/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/profiles/", url
    client.post(f"/profiles/{kid.pk}/edit/", {"name": "Grown up", "action": "save"})
    kid.refresh_from_db()
    assert kid.is_kids and kid.name == "Kiddo"
    response = client.post(
        "/accounts/password-change/",
        {
            "old_password": PASSWORD,
            "new_password1": "kid-was-here-42",
            "new_password2": "kid-was-here-42",
        },
    )
    assert response.status_code == 302
    profile.account.refresh_from_db()
    assert profile.account.check_password(PASSWORD)
    picker = client.get("/profiles/").content.decode()
    assert "Edit Kiddo" not in picker and "Add profile" not in picker
    # The grown-up profile is one click away, and then everything is back.
    client.post(f"/profiles/{profile.pk}/select/")
    assert client.get("/account/").status_code == 200
    assert "Edit Kiddo" in client.get("/profiles/").content.decode()


def test_deleting_a_profile_asks_first(viewer_client):
    other = ProfileFactory(account=viewer_client.profile.account, name="Sam")
    asked = viewer_client.post(f"/profiles/{other.pk}/edit/", {"action": "delete"})
    html = asked.content.decode()
    assert asked.status_code == 200 and "Delete Sam?" in html
    assert 'value="delete_confirmed"' in html
    assert Profile.objects.filter(pk=other.pk).exists()
    done = viewer_client.post(
        f"/profiles/{other.pk}/edit/", {"action": "delete_confirmed"}, follow=True
    )
    assert "Profile deleted." in done.content.decode()
    assert not Profile.objects.filter(pk=other.pk).exists()


def test_the_time_zone_is_chosen_on_the_account_page_and_dates_follow_it(
    viewer_client, monkeypatch
):
    account = viewer_client.profile.account
    seen = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    # Days later on the site clock: a signed-out device unused for 90 days is not listed.
    monkeypatch.setattr(clock, "now", lambda: seen + timedelta(days=3))
    Device.objects.create(
        profile=viewer_client.profile, key="tv-1", kind="tv", first_seen=seen, last_seen=seen
    )
    response = viewer_client.post("/account/", {"time_zone": "Asia/Tokyo"}, follow=True)
    assert "Time zone saved." in response.content.decode()
    account.refresh_from_db()
    assert account.time_zone == "Asia/Tokyo"
    html = response.content.decode()
    assert "2 Mar 2026, 08:30" in html  # 23:30 UTC is the next morning in Tokyo
    assert '<option value="Asia/Tokyo" selected>' in html


def test_time_zones_read_as_places_in_the_pages_language_and_store_the_iana_name(
    viewer_client, monkeypatch
):
    """QA8: a French page listed "Europe/Paris", "America/New_York" (IANA names, in English)."""
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 4, tzinfo=ZoneInfo("UTC")))
    Device.objects.create(
        profile=viewer_client.profile,
        key="tv-1",
        kind="tv",
        first_seen=datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC")),
        last_seen=datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC")),
    )
    viewer_client.cookies["django_language"] = "fr"
    html = viewer_client.get("/account/").content.decode()
    assert '<option value="America/New_York">États-Unis (New York)</option>' in html
    assert '<option value="Europe/Paris" selected>France (Paris)</option>' in html
    assert "indiquées dans le fuseau France (Paris)." in html  # the devices' "times are in …"
    assert "Europe/Paris" not in html.replace('value="Europe/Paris"', "")
    assert (
        html.index("Espagne (Madrid)")
        < html.index("États-Unis (New York)")
        < html.index("France (Paris)</option>")
    )
    viewer_client.post("/account/", {"time_zone": "America/New_York"})
    viewer_client.profile.account.refresh_from_db()
    assert viewer_client.profile.account.time_zone == "America/New_York"
    notices = viewer_client.get("/account/notifications/").content.decode()
    assert "fuseau horaire, États-Unis (New York)&nbsp;;" in notices.replace(
        "\xa0", "&nbsp;"
    )  # quiet hours too
    viewer_client.cookies["django_language"] = "en"
    html = viewer_client.get("/account/").content.decode()
    assert '<option value="America/New_York" selected>United States (New York)</option>' in html


def test_an_old_name_saved_earlier_stays_selected_once_under_its_place(viewer_client):
    account = viewer_client.profile.account
    account.time_zone = "Asia/Calcutta"  # a browser gave it at sign-up
    account.save(update_fields=["time_zone"])
    html = viewer_client.get("/account/").content.decode()
    assert '<option value="Asia/Calcutta" selected>India (Kolkata)</option>' in html
    assert html.count(">India (Kolkata)</option>") == 1


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd"])
def test_an_unknown_time_zone_is_refused_with_a_message(viewer_client, zone):
    response = viewer_client.post("/account/", {"time_zone": zone})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    viewer_client.profile.account.refresh_from_db()
    assert viewer_client.profile.account.time_zone == "Europe/Paris"


def test_a_signed_in_viewer_changes_the_password_and_stays_signed_in(viewer_client):
    account = viewer_client.profile.account
    wrong = viewer_client.post(
        "/accounts/password-change/",
        {
            "old_password": "not it",
            "new_password1": "velvet-orbit-7391",
            "new_password2": "velvet-orbit-7391",
        },
    )
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    done = viewer_client.post(
        "/accounts/password-change/",
        {
            "old_password": PASSWORD,
            "new_password1": "velvet-orbit-7391",
            "new_password2": "velvet-orbit-7391",
        },
        follow=True,
    )
    assert "Your password is changed." in done.content.decode()
    account.refresh_from_db()
    assert account.check_password("velvet-orbit-7391")
    assert viewer_client.get("/account/").status_code == 200  # still signed in


def test_events_say_which_device_they_came_from(viewer_client):
    tv = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV"
    title = TitleFactory()
    viewer_client.get("/ratings/", HTTP_USER_AGENT=tv)
    viewer_client.post(f"/ratings/{title.pk}/", {"value": "love"}, HTTP_USER_AGENT=tv)
    event = Event.objects.get(name="rating")
    assert event.device is not None and event.device.kind == "tv"
    assert event.device.profile == viewer_client.profile


def test_profile_and_password_pages_cost_a_fixed_handful_of_queries(
    viewer_client, django_assert_max_num_queries
):
    """Guards against a query per profile on the profile forms and the password page."""
    for i in range(4):
        ProfileFactory(account=viewer_client.profile.account, name=f"Extra {i}")
    viewer_client.get("/account/")  # the session, user and profile are cached from here on
    urls = [
        "/profiles/new/",
        f"/profiles/{viewer_client.profile.pk}/edit/",
        "/accounts/password-change/",
    ]
    for url in urls:
        with django_assert_max_num_queries(3):
            assert viewer_client.get(url).status_code == 200
    with django_assert_max_num_queries(4):
        html = viewer_client.post(
            f"/profiles/{viewer_client.profile.pk}/edit/", {"action": "delete"}
        ).content.decode()
    assert "Delete" in html
