"""Release dates: an episode (or season) not out yet is hidden everywhere until the clock passes
its date: the title page, the player, next up, continue watching and "finished"."""

from datetime import timedelta

import pytest

from apps.catalogue.models import Episode
from apps.core import clock
from apps.core import services as clock_services
from apps.playback import selectors
from apps.playback.models import TitleProgress
from tests.factories import EpisodeFactory, SeasonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(series):
    """A third season of Night Shift, out in two days: its first episode."""
    season = SeasonFactory(title=series, number=3)
    return EpisodeFactory(
        season=season,
        title=series,
        number=1,
        name="Coming Back",
        runtime_minutes=45,
        available_from=clock.now() + timedelta(days=2),
    )


def test_released_is_one_rule_for_the_episode_and_its_season(series, episodes, scheduled):
    later = clock.now() + timedelta(days=3)
    Episode.objects.filter(pk=episodes[4].pk).update(available_from=None)
    episodes[4].season.available_from = later
    episodes[4].season.save()
    released = set(Episode.objects.released().values_list("pk", flat=True))
    assert released == {e.pk for e in episodes[:3]}  # S2 waits for its season, S3:E1 for itself
    assert not scheduled.is_released() and not episodes[4].is_released()
    everything = set(Episode.objects.released(later).values_list("pk", flat=True))
    assert everything == {e.pk for e in episodes} | {scheduled.pk}


def test_the_title_page_lists_an_episode_only_once_it_is_out(viewer_client, series, scheduled):
    html = viewer_client.get(series.get_absolute_url()).content.decode()
    listed, coming = html.split('class="title-coming"')
    assert "S1 E1" in html and "Coming Back" not in listed
    assert "<h3>Season 3</h3>" not in listed  # a season with nothing out yet is not listed
    assert "2 seasons" in html
    assert f"/watch/episode/{scheduled.pk}/" not in html
    # ...but the "Coming soon" box names it, with its Remind me.
    assert "Season 3, episode 1: Coming Back" in coming and "Remind me" in coming

    clock_services.clock_advance(by=timedelta(days=2, minutes=1))
    html = viewer_client.get(series.get_absolute_url()).content.decode()
    assert "Coming Back" in html and "<h3>Season 3</h3>" in html and "3 seasons" in html
    assert 'class="title-coming"' not in html  # out now: listed, no longer coming


def test_the_player_says_an_episode_is_not_out_yet(viewer_client, series, scheduled):
    response = viewer_client.get(f"/watch/episode/{scheduled.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "t out yet" in html and 'id="player"' not in html
    assert f'href="{series.get_absolute_url()}"' in html
    progress = viewer_client.post(
        f"/watch/episode/{scheduled.pk}/progress/",
        {"position": "60", "seq": "1", "report_id": "report-0001", "session": "session-01"},
    )
    assert progress.status_code == 404  # nothing can be recorded against it either

    clock_services.clock_advance(by=timedelta(days=2, minutes=1))
    assert viewer_client.get(f"/watch/episode/{scheduled.pk}/").status_code == 200


def test_next_up_skips_what_is_not_out_and_the_last_episode_out_finishes(
    viewer_client, profile, series, episodes, scheduled, report
):
    for episode in episodes[:4]:
        report(episode, 45 * 60)
    html = viewer_client.get(f"/watch/episode/{episodes[4].pk}/").content.decode()
    assert f"/watch/episode/{scheduled.pk}/" not in html  # no "Next episode" into the future
    result = report(episodes[4], 45 * 60)
    assert result.completed_now
    assert selectors.next_up(profile=profile, title=series) is None
    assert TitleProgress.objects.get(profile=profile, title=series).finished_at is not None
    page = viewer_client.get(series.get_absolute_url()).content.decode()
    assert f"/watch/episode/{scheduled.pk}/" not in page
    redirect = viewer_client.get(f"/watch/title/{series.pk}/")
    assert redirect["Location"] == f"/watch/episode/{episodes[0].pk}/"  # watch it again

    clock_services.clock_advance(by=timedelta(days=2, minutes=1))
    found = selectors.next_up(profile=profile, title=series)
    assert found is not None and found[0].pk == scheduled.pk
    html = viewer_client.get(f"/watch/episode/{episodes[4].pk}/").content.decode()
    assert f"/watch/episode/{scheduled.pk}/" in html


def test_continue_watching_never_offers_an_episode_that_was_rescheduled(
    profile, series, episodes, report
):
    report(episodes[0], 45 * 60)
    [item] = selectors.continue_watching(profile=profile)
    assert item.episode_id == episodes[1].pk and item.is_next
    Episode.objects.filter(pk=episodes[1].pk).update(available_from=clock.now() + timedelta(days=1))
    assert selectors.continue_watching(profile=profile) == []
    clock_services.clock_advance(by=timedelta(days=1, minutes=1))
    [item] = selectors.continue_watching(profile=profile)
    assert item.episode_id == episodes[1].pk
