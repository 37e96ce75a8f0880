"""The notifications page: per channel and category, marketing only with consent, quiet hours
validated, bad input changes nothing."""

from datetime import time

import pytest
from django.urls import reverse

from apps.engagement.channels import allowed
from apps.engagement.models import Category, Channel, ChannelPreference, MessagingSettings
from tests.engagement.channels_world import choose_privacy
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db
URL = "/account/notifications/"


def _all_on() -> dict:
    data = {"quiet_start": "22:00", "quiet_end": "08:00"}
    for channel in ("in_app", "email", "push"):
        for category in ("new_episodes", "reminders", "recommendations", "offers", "account"):
            data[f"pref-{channel}-{category}"] = "on"
    return data


def test_the_page_is_linked_and_loads_in_a_fixed_number_of_queries(
    viewer_client, profile, django_assert_max_num_queries
):
    assert reverse("engagement:settings") == URL
    viewer_client.get(URL)  # the first page records the device
    with django_assert_max_num_queries(8):
        response = viewer_client.get(URL)
    assert response.status_code == 200
    bell = viewer_client.get(reverse("engagement:bell"), HTTP_HX_REQUEST="true").content.decode()
    assert f'href="{URL}"' in bell


def test_without_marketing_consent_the_marketing_switches_are_off_and_explained(viewer_client):
    html = viewer_client.get(URL).content.decode()
    assert "need your permission for marketing" in html
    assert 'href="/privacy/"' in html
    assert 'name="pref-email-offers" disabled' in html
    assert 'name="pref-email-account" checked disabled' in html  # service mail: always on


def test_posting_marketing_switches_without_consent_changes_nothing(viewer_client, profile):
    data = _all_on()
    del data["pref-push-account"]  # the one switch open to this viewer
    response = viewer_client.post(URL, data)
    assert response.status_code == 302
    assert list(ChannelPreference.objects.values_list("channel", "category", "enabled")) == [
        ("push", "account", False)
    ]


def test_with_consent_a_category_can_be_turned_off_per_channel(viewer_client, profile):
    choose_privacy(profile, marketing=True)
    assert 'name="pref-email-offers" checked>' in viewer_client.get(URL).content.decode()
    data = _all_on()
    del data["pref-email-offers"]
    response = viewer_client.post(URL, data, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    assert allowed(profile, Channel.EMAIL, Category.OFFERS) == "category_off"
    assert allowed(profile, Channel.IN_APP, Category.OFFERS) is None
    viewer_client.post(URL, _all_on())  # and on again
    assert allowed(profile, Channel.EMAIL, Category.OFFERS) is None


def test_account_mail_in_the_app_and_by_email_cannot_be_turned_off(viewer_client, profile):
    data = _all_on()
    del data["pref-email-account"], data["pref-in_app-account"]
    viewer_client.post(URL, data)
    assert allowed(profile, Channel.EMAIL, Category.ACCOUNT) is None
    assert allowed(profile, Channel.IN_APP, Category.ACCOUNT) is None


def test_quiet_hours_are_saved(viewer_client, profile):
    viewer_client.post(URL, {**_all_on(), "quiet_start": "23:30", "quiet_end": "07:15"})
    quiet = MessagingSettings.objects.get(profile=profile)
    assert (quiet.quiet_start, quiet.quiet_end) == (time(23, 30), time(7, 15))


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("25:00", "08:00", "Enter the quiet hours as times"),
        ("", "08:00", "Enter the quiet hours as times"),
        ("22:00", "22:00", "must start and end at different times"),
    ],
)
def test_bad_quiet_hours_say_what_is_wrong_and_change_nothing(
    viewer_client, profile, start, end, says
):
    choose_privacy(profile, marketing=True)
    data = {**_all_on(), "quiet_start": start, "quiet_end": end}
    del data["pref-email-offers"]
    response = viewer_client.post(URL, data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ChannelPreference.objects.exists()
    assert not MessagingSettings.objects.exists()


def test_a_kids_profile_has_only_the_in_app_column(profile):
    kid = ProfileFactory(account=profile.account, is_kids=True)
    html = signed_in(kid).get(URL).content.decode()
    assert "pref-in_app-new_episodes" in html
    assert "pref-email-" not in html and "pref-push-" not in html
    assert "Push notifications on this device" not in html


def test_a_kids_profile_is_not_told_account_mail_reaches_it(profile):
    """QA 7: the kids page listed "Account and billing" (always on) and "always reach the app
    and your e-mail", though account messages go to the grown-ups' profile only."""
    kid = ProfileFactory(account=profile.account, is_kids=True)
    html = signed_in(kid).get(URL).content.decode()
    assert "pref-in_app-account" not in html and "your e-mail" not in html
    assert "Messages about the account and billing go to the grown-ups" in html
    grown_up = signed_in(profile).get(URL).content.decode()
    assert "pref-in_app-account" in grown_up
    assert "Receipts and e-mails about a payment that failed are sent at once" in grown_up


def test_settings_are_per_profile(viewer_client, profile):
    sibling = ProfileFactory(account=profile.account)
    data = _all_on()
    del data["pref-push-account"]
    viewer_client.post(URL, data)
    assert allowed(profile, Channel.PUSH, Category.ACCOUNT) == "category_off"
    assert allowed(sibling, Channel.PUSH, Category.ACCOUNT) != "category_off"
    assert ChannelPreference.objects.get().profile == profile
    assert not ChannelPreference.objects.filter(profile=sibling).exists()


def test_the_page_needs_a_signed_in_profile(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_in_french_each_switch_is_named_with_a_space_before_the_colon():
    """A screen reader heard "Nouveaux épisodes: Dans l’application" (French writes " :")."""
    client = signed_in(ProfileFactory(account__language="fr"))
    html = client.get(URL).content.decode()
    assert "Nouveaux épisodes\xa0: Dans l’application" in html
    assert "Nouveaux épisodes: " not in html
