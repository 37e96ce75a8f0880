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
