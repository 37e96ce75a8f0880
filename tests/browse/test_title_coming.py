"""The title page announces a series' next coming episode with the same "Remind me" as New &
Popular (QA6: a reminder set there was invisible on the title page, so it could not be seen or
cleared where the viewer reads about the series)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.browse.models import ReleaseReminder
from apps.catalogue.models import Episode
from apps.core import clock
from tests.factories import EpisodeFactory, SeasonFactory, TitleFactory

pytestmark = pytest.mark.django_db


def _coming_block(html: str) -> str:
    start = html.index('class="title-coming"')
    return html[start : html.index("</div>", start)]


def _series_with_coming(days=3):
    season = SeasonFactory(title__name="Accidental Neighbour", number=3)
    EpisodeFactory(season=season, number=1, name="Moving Day")
    coming = EpisodeFactory(
        season=season,
        number=2,
        name="The Spare Key",
        available_from=clock.now() + timedelta(days=days),
    )
    return season.title, coming


def test_title_page_shows_the_coming_episode_and_a_reminder_set_on_new_and_popular(viewer_client):
    title, episode = _series_with_coming()
    EpisodeFactory(  # a later one stays unannounced: the page names the next one only
        season=episode.season,
        number=3,
        name="Far Off",
        available_from=clock.now() + timedelta(days=9),
    )
    viewer_client.post(f"/new/remind/{episode.pk}/", {"remind": "on"})  # set on New & Popular
    block = _coming_block(viewer_client.get(title.get_absolute_url()).content.decode())
    assert "Season 3, episode 2: The Spare Key" in block and "Far Off" not in block
    assert "Reminder set" in block and 'aria-pressed="true"' in block
    assert f'formaction="/new/remind/{episode.pk}/"' in block and 'value="off"' in block


def test_reminder_toggles_from_the_title_page_with_and_without_javascript(viewer_client):
    title, episode = _series_with_coming()
    page = title.get_absolute_url()
    block = _coming_block(viewer_client.get(page).content.decode())
    assert "Remind me" in block and 'value="on"' in block

    swapped = viewer_client.post(
        f"/new/remind/{episode.pk}/", {"remind": "on"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Reminder set" in swapped
    assert ReleaseReminder.objects.filter(profile=viewer_client.profile, episode=episode).exists()

    # No JavaScript: the page's card-actions form carries `next`, so the viewer comes back here.
    response = viewer_client.post(f"/new/remind/{episode.pk}/", {"remind": "off", "next": page})
    assert response.status_code == 302 and response.url == page
    assert not ReleaseReminder.objects.exists()
    assert "Remind me" in _coming_block(viewer_client.get(page).content.decode())


def test_coming_episode_is_dated_in_the_viewers_time_zone(viewer_client):
    account = viewer_client.profile.account
    account.time_zone = "America/New_York"
    account.save(update_fields=["time_zone"])
    title, episode = _series_with_coming()
    Episode.objects.filter(pk=episode.pk).update(
        available_from=datetime(2030, 6, 5, 10, 59, tzinfo=UTC)
    )
    block = _coming_block(viewer_client.get(title.get_absolute_url()).content.decode())
    assert "5 Jun 2030, 06:59" in block and "10:59" not in block


def test_no_coming_block_for_a_series_all_out_or_a_film(viewer_client):
    season = SeasonFactory(title__name="All Out")
    EpisodeFactory(season=season, number=1)
    film = TitleFactory(name="A Film", kind="film")
    for title in (season.title, film):
        assert (
            'class="title-coming"'
            not in viewer_client.get(title.get_absolute_url()).content.decode()
        )


def test_signed_out_visitors_see_the_date_but_no_button(client):
    title, _ = _series_with_coming()
    block = _coming_block(client.get(title.get_absolute_url()).content.decode())
    assert "The Spare Key" in block and "remind-btn" not in block


def test_the_coming_episode_costs_one_query(viewer_client):
    """Guards against a second query for the reminder (it is an EXISTS on the episode's row)."""
    season = SeasonFactory(title__name="All Out")
    EpisodeFactory(season=season, number=1)
    viewer_client.get(season.title.get_absolute_url())
    with CaptureQueriesContext(connection) as without:
        viewer_client.get(season.title.get_absolute_url())
    title, episode = _series_with_coming()
    ReleaseReminder.objects.create(
        profile=viewer_client.profile, episode=episode, created_at=clock.now()
    )
    viewer_client.get(title.get_absolute_url())
    with CaptureQueriesContext(connection) as with_coming:
        viewer_client.get(title.get_absolute_url())
    assert len(with_coming) == len(without)
