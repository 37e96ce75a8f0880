"""Continue watching forgets what was left long ago (qa12: a film sampled four months ago still
sat in the row): untouched for 90 days, or 30 for a film barely started, an entry leaves the
row; its progress stays (the title page resumes) and playing it again brings it back."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import clock
from apps.engagement import rechecks, triggers
from apps.playback import resume, selectors

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _start_of_today() -> datetime:
    return clock.now().replace(hour=0, minute=0, second=0, microsecond=0)


def _on_row(profile) -> list[int]:
    return [item.title_id for item in selectors.continue_watching(profile=profile)]


@pytest.mark.parametrize(
    "percent, days, shown",
    [
        (50, resume.SHELF_DAYS, True),  # left 90 days ago this morning: still there today
        (50, resume.SHELF_DAYS + 1, False),
        (10, resume.SAMPLE_SHELF_DAYS, True),  # a film barely started goes sooner
        (10, resume.SAMPLE_SHELF_DAYS + 1, False),
        (20, resume.SAMPLE_SHELF_DAYS + 1, True),  # a fifth of the way in is not a sample
    ],
)
def test_an_entry_left_too_long_ago_leaves_continue_watching(
    profile, film, report, percent, days, shown
):
    left = _start_of_today() - timedelta(days=days) + timedelta(minutes=1)
    report(film, film.runtime_minutes * 60 * percent // 100, at=left)
    assert (film.pk in _on_row(profile)) is shown


def test_an_aged_out_film_still_resumes_and_playing_it_again_brings_it_back(profile, film, report):
    report(film, 40 * 60, at=clock.now() - 120 * DAY)
    assert film.pk not in _on_row(profile)
    playback = selectors.title_playback(profile=profile, title=film)
    assert playback.resume_position == 40 * 60, "the progress is kept: the title page resumes"
    report(film, 41 * 60)
    assert _on_row(profile) == [film.pk]


def test_a_series_under_way_ages_out_after_90_days_only(profile, episodes, report):
    # Six minutes into the episode after the first one: under way, not a sample.
    hour = timedelta(hours=1)
    report(episodes[0], episodes[0].runtime_minutes * 60, at=clock.now() - 60 * DAY - hour)
    report(episodes[1], 6 * 60, at=clock.now() - 60 * DAY)
    assert _on_row(profile) == [episodes[0].title_id]


def _row(html: str, key: str) -> str:
    found = re.search(rf'<section class="row"[^>]*id="row-{key}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_the_homepage_drops_an_aged_out_entry_at_no_extra_query(viewer_client, film, report):
    from django.core.cache import cache

    from tests.factories import TitleFactory

    profile = viewer_client.profile

    def homepage() -> tuple[str, int]:
        cache.clear()  # the page worked out, not a cached batch
        with CaptureQueriesContext(connection) as queries:
            html = viewer_client.get("/").content.decode()
        return html, len(queries)

    report(film, 50 * 60, who=profile, at=clock.now() - 10 * DAY)
    homepage()  # the first visit computes and stores the candidates
    _, one_entry = homepage()
    old = TitleFactory(name="Long Forgotten", runtime_minutes=100)
    report(old, 50 * 60, who=profile, at=clock.now() - 200 * DAY)
    html, with_aged = homepage()
    assert film.name in _row(html, "continue") and old.name not in _row(html, "continue")
    assert with_aged == one_entry


def test_the_abandoned_title_reminder_keeps_in_step_with_the_row():
    assert rechecks.FORGOTTEN_DAYS == resume.SHELF_DAYS
    assert rechecks.FORGOTTEN_SAMPLE_DAYS == resume.SAMPLE_SHELF_DAYS
    assert rechecks.FORGOTTEN_SAMPLE_PERCENT == resume.SAMPLE_PERCENT
    now = clock.now()

    def fired(days_ago: int, percent: int, episode_id=None) -> bool:
        props = {
            "title_id": 7,
            "episode_id": episode_id,
            "position_seconds": 60 * percent,
            "duration_seconds": 6000,
        }
        left = now - timedelta(days=days_ago, hours=1)
        rows = [(1, 3, "play_progress", props, left)]
        return bool(triggers.abandoned_titles(rows, now=now, days=days_ago))

    assert fired(resume.SHELF_DAYS - 1, 50)
    assert not fired(resume.SHELF_DAYS, 50), "the homepage has forgotten it"
    assert fired(resume.SAMPLE_SHELF_DAYS - 1, 10)
    assert not fired(resume.SAMPLE_SHELF_DAYS, 10)
    assert fired(resume.SAMPLE_SHELF_DAYS, 10, episode_id=4), "an episode is not a sample"
