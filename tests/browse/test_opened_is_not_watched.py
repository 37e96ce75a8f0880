"""QA6: a title opened in the player and left at 0:00 read "Because you watched X" the next
day. Opening is not watching: no row says it was watched, and the title stays recommendable;
a minute watched and it is part of the history like any play."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.recommendations.models import ProfileCandidates
from apps.recommendations.services import candidates_refresh, recommender_train
from tests.factories import watch

pytestmark = pytest.mark.django_db


def _opened(profile, title, *, position):
    watch(
        profile,
        [title],
        name="play_started",
        start=timezone.now() - timedelta(minutes=5),
        position_seconds=position,
        duration_seconds=title.runtime_minutes * 60,
    )


def _headings(client) -> list[str]:
    html = client.get("/").content.decode()
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    ]


def test_a_title_opened_and_left_at_the_start_explains_no_row_and_stays_recommendable(
    world, viewer_client
):
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    recommender_train()
    comedy = world["Comedy"][0]
    _opened(profile, comedy, position=0)
    row = candidates_refresh(profile=profile)

    assert comedy.pk not in row.recent and comedy.pk not in row.liked_only
    assert not any(item[3] == comedy.pk for item in row.items), "it explains nothing"
    assert comedy.pk in [item[0] for item in row.items], "still recommendable"
    assert not any(comedy.name in h for h in _headings(viewer_client))


def test_a_minute_watched_makes_it_part_of_the_history(world, viewer_client):
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    recommender_train()
    comedy = world["Comedy"][0]
    _opened(profile, comedy, position=60)
    row = candidates_refresh(profile=profile)

    assert row.recent[0] == comedy.pk and comedy.pk not in row.liked_only
    assert comedy.pk not in [item[0] for item in row.items], "watched: not recommended again"
    assert ProfileCandidates.objects.get(profile=profile).recent[0] == comedy.pk
