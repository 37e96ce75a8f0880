"""One viewer time zone with one fallback (issue 11): browse, ratings and the account page all
read dates through `viewer_zone`."""

from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.accounts.timezones import viewer_zone, viewer_zone_name


def test_a_viewer_sees_their_own_zone():
    assert viewer_zone(SimpleNamespace(time_zone="America/New_York")) == ZoneInfo(
        "America/New_York"
    )


@pytest.mark.parametrize(
    "user",
    [
        AnonymousUser(),
        SimpleNamespace(time_zone=""),
        SimpleNamespace(time_zone="Mars/Olympus_Mons"),
        SimpleNamespace(time_zone="../etc/passwd"),
        None,
    ],
    ids=["visitor", "empty", "unknown", "malformed", "nobody"],
)
def test_without_a_real_zone_the_site_zone_is_used(settings, user):
    """The fallback is the site's TIME_ZONE setting, not a zone hard-coded in a view."""
    settings.TIME_ZONE = "Asia/Tokyo"
    assert viewer_zone(user) == ZoneInfo("Asia/Tokyo")
    assert viewer_zone_name(user) == "Asia/Tokyo"


def test_zones_read_as_country_and_city_in_the_pages_language():
    """QA8: French pages listed "Europe/Paris", "America/New_York"."""
    from apps.accounts.timezones import zone_label

    assert zone_label("Europe/Paris", "fr") == "France (Paris)"
    assert zone_label("America/New_York", "fr") == "États-Unis (New York)"
    assert zone_label("America/New_York", "en") == "United States (New York)"
    assert zone_label("Asia/Tokyo", "en") == "Japan (Tokyo)"
    assert zone_label("UTC", "fr") == "UTC"
    assert zone_label("Mars/Olympus_Mons", "fr") == "Mars/Olympus Mons"  # never placed: as is


def test_the_choices_keep_the_iana_name_and_sort_by_the_label_as_read():
    from apps.accounts.timezones import zone_choices

    french = zone_choices("fr")
    labels = [label for _name, label in french]
    assert ("America/New_York", "États-Unis (New York)") in french
    # Accents do not send "États-Unis" past "Z…": it sits among the E's, and the list is in
    # the order a French reader looks for a country, not the IANA names' order.
    order = ["Afghanistan (Kaboul)", "Espagne (Madrid)", "États-Unis (New York)", "France (Paris)"]
    places = [labels.index(label) for label in order]
    assert places == sorted(places)
    assert labels[0] == "Afghanistan (Kaboul)"
    english = [label for _name, label in zone_choices("en")]
    assert english.index("Spain (Madrid)") < english.index("United States (New York)")
    assert {name for name, _ in french} == {name for name, _ in zone_choices("en")}
    # One place once: the old name Asia/Calcutta is not listed beside Asia/Kolkata.
    names = [name for name, _label in french]
    assert "Asia/Kolkata" in names and "Asia/Calcutta" not in names
    assert len(set(labels)) == len(labels)
