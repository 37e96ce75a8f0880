"""Last week's mix stays until this week's is built (QA, low): at Monday 04:0x (the viewer's
time) the homepage had no weekly-mix row and /mix/ said "Your mix arrives on Monday morning"
although last week's mix existed; it came back with the 06:00 build."""

from datetime import datetime, timedelta

import pytest

from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.services import clock_set
from apps.recommendations import mix
from apps.recommendations.services import recommender_train, weekly_mix_build
from tests.browse.test_mix_keeps_its_promise import _mix_row_ids
from tests.browse.test_weekly_mix import _card_ids
from tests.factories import watch

pytestmark = pytest.mark.django_db


def test_last_weeks_mix_stays_from_monday_midnight_until_this_weeks_is_built(
    mix_world, viewer_client
):
    profile = viewer_client.profile
    profile.account.time_zone = "America/Los_Angeles"  # not UTC: the viewer's own Monday counts
    profile.account.save()
    watch(profile, mix_world["Horror"][:4], days_ago=3, progress=60)
    recommender_train()
    zone = viewer_zone(profile.account)
    monday = mix.week_start(clock.real_now().astimezone(zone)) + timedelta(days=7)
    last_week = monday - timedelta(weeks=1)
    old = weekly_mix_build(profile=profile, week=last_week)
    old_ids = [item["t"] for item in old.items]

    # Monday 04:05 in Los Angeles (12:05 UTC): this week's mix is not built yet.
    clock_set(at=datetime(monday.year, monday.month, monday.day, 4, 5, tzinfo=zone))
    in_row = _mix_row_ids(viewer_client)
    assert in_row and in_row == [t for t in old_ids if t in set(in_row)]
    page = viewer_client.get("/mix/").content.decode()
    assert _card_ids(page) == old_ids
    assert "Your mix arrives on Monday morning" not in page
    assert "This week’s mix arrives today at 06:00 (your time); until then" in page
    assert f"The mix of the week of Monday {last_week.day} " in page
    assert 'aria-current="page">This week<' in page  # /mix/ is still "This week"

    # 06:10: the beat task built this week's; it replaces last week's, page and row alike.
    clock_set(at=datetime(monday.year, monday.month, monday.day, 6, 10, tzinfo=zone))
    new = weekly_mix_build(profile=profile, week=monday)
    assert new.week_start == monday
    page = viewer_client.get("/mix/").content.decode()
    assert "This week’s mix, from Monday" in page and "until then" not in page
    assert _card_ids(page) == [item["t"] for item in new.items]
    # Last week's is still there by its date, no longer "This week".
    older = viewer_client.get(f"/mix/{last_week:%Y-%m-%d}/").content.decode()
    assert _card_ids(older) == old_ids and "until then" not in older


def test_a_viewer_without_last_weeks_mix_still_gets_the_monday_message(mix_world, viewer_client):
    profile = viewer_client.profile
    watch(profile, mix_world["Horror"][:4], days_ago=3, progress=60)
    recommender_train()
    zone = viewer_zone(profile.account)
    monday = mix.week_start(clock.real_now().astimezone(zone)) + timedelta(days=7)
    clock_set(at=datetime(monday.year, monday.month, monday.day, 4, 5, tzinfo=zone))
    page = viewer_client.get("/mix/").content.decode()
    assert "Your mix arrives on Monday morning (06:00 your time)." in page
    assert _card_ids(page) == []
