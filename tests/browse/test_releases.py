"""`episode_released`: recorded once per episode, when its date passes on the clock, for each
profile that watched the series or has it in My list."""

from datetime import timedelta

import pytest

from apps.browse import services, tasks
from apps.browse.models import MyListEntry
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.core import services as clock_services
from apps.playback import services as playback
from apps.tracking.models import Event
from tests.factories import EpisodeFactory, ProfileFactory, SeasonFactory, TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(db):
    title = TitleFactory(name="Night Shift", kind=Title.Kind.SERIES, runtime_minutes=45)
    season = SeasonFactory(title=title, number=1)
    EpisodeFactory(season=season, title=title, number=1, name="Pilot")
    return title


@pytest.fixture
def scheduled(series):
    return EpisodeFactory(
        season=series.seasons.get(),
        title=series,
        number=2,
        name="Second Shift",
        available_from=clock.now() + timedelta(days=2),
    )


@pytest.fixture
def viewers(series):
    """Who cares: one watched the pilot, one listed the series; one did neither, and a kids
    profile listed it before its rating changed (it may not see it now)."""
    watcher, lister, stranger = ProfileFactory(), ProfileFactory(), ProfileFactory()
    kid = ProfileFactory(is_kids=True)
    playback.progress_report(
        profile=watcher,
        title=series,
        episode=series.episodes.get(number=1),
        position=600,
        report_id="report-0001",
        seq=1,
        explicit_seek=False,
        session_id="session-01",
    )
    for profile in (lister, kid):
        MyListEntry.objects.create(profile=profile, title=series, added_at=clock.now())
    return watcher, lister, stranger, kid


def released(episode=None):
    qs = Event.objects.filter(name="episode_released")
    return qs.filter(properties__episode_id=episode.pk) if episode else qs


def test_nothing_is_announced_before_the_date(scheduled, viewers):
    assert tasks.announce_released_episodes() == 0
    assert not released().exists()


def test_the_release_is_recorded_once_for_each_profile_that_cares(series, scheduled, viewers):
    watcher, lister, stranger, kid = viewers
    clock_services.clock_advance(by=timedelta(days=2, minutes=5))
    assert tasks.announce_released_episodes() == 2
    assert tasks.announce_released_episodes() == 0  # beat's next tick: nothing new
    events = list(released(scheduled).order_by("profile_id"))
    assert [e.profile_id for e in events] == sorted([watcher.pk, lister.pk])
    pilot = series.episodes.get(number=1)
    assert events[0].properties == {
        "title_id": series.pk,
        "episode_id": scheduled.pk,
        "season": 1,
        "number": 2,
        "released_at": scheduled.available_from.isoformat(),
        "new_episodes": 1,
        # The watcher is halfway through the pilot: the notice plays that, not episode 2.
        "next_episode_id": pilot.pk,
        "next_season": 1,
        "next_number": 1,
    }
    assert not released().filter(profile__in=[stranger, kid]).exists()
    assert not released().exclude(properties__episode_id=scheduled.pk).exists()  # not the pilot
    scheduled.refresh_from_db()
    assert scheduled.released_announced_at is not None


def test_a_lister_who_never_played_the_series_gets_no_count_from_a_month_back(
    series, scheduled, viewers
):
    """Two earlier episodes came out within the month; the lister never played the series, so
    its notice names this episode alone: no "3 new episodes" since a visit that never was."""
    watcher, lister, _stranger, _kid = viewers
    season = series.seasons.get(number=1)
    for number, days in ((3, 20), (4, 10)):
        EpisodeFactory(
            season=season,
            title=series,
            number=number,
            available_from=clock.now() - timedelta(days=days),
        )
    scheduled.number = 5
    scheduled.save(update_fields=["number"])
    clock_services.clock_advance(by=timedelta(days=2, minutes=5))
    assert tasks.announce_released_episodes() == 2
    told = {e.profile_id: e.properties for e in released(scheduled)}
    assert "new_episodes" not in told[lister.pk]
    assert told[lister.pk]["not_started"] is True
    assert told[lister.pk]["next_episode_id"] == series.episodes.get(number=1).pk


def test_two_runs_racing_for_one_episode_record_it_once(scheduled, viewers):
    clock_services.clock_advance(by=timedelta(days=2, minutes=5))
    # Both runs found the episode unannounced before either claimed it.
    first, second = (Episode.objects.select_related("season", "title").get(pk=scheduled.pk),) * 2
    now = clock.now()
    assert services.episode_released_announce(episode=first, at=now) == 2
    assert services.episode_released_announce(episode=second, at=now) == 0
    assert released(scheduled).count() == 2


def test_a_season_date_releases_its_episodes(series, viewers):
    season = SeasonFactory(title=series, number=2, available_from=clock.now() + timedelta(days=1))
    episode = EpisodeFactory(season=season, title=series, number=1, name="New Season")
    assert tasks.announce_released_episodes() == 0
    clock_services.clock_advance(by=timedelta(days=1, minutes=1))
    assert tasks.announce_released_episodes() == 2
    assert {e.properties["season"] for e in released(episode)} == {2}


def test_a_release_found_weeks_late_is_not_news(scheduled, viewers):
    clock_services.clock_advance(by=timedelta(days=30))
    assert tasks.announce_released_episodes() == 0
    assert not released().exists()
    scheduled.refresh_from_db()
    assert scheduled.released_announced_at is not None  # and it is never looked at again


def test_the_demo_clock_jump_records_the_release_when_it_happened(settings, scheduled, viewers):
    from apps.demo import runner

    entry = "browse-announce-released-episodes"
    settings.CELERY_BEAT_SCHEDULE = {entry: settings.CELERY_BEAT_SCHEDULE[entry]}
    runner.clock_jump(by=timedelta(days=7))
    events = list(released(scheduled))
    assert len(events) == 2
    # The jump stopped at the release, not at the next daily tick or the end of the week.
    assert all(abs(e.occurred_at - scheduled.available_from) < timedelta(minutes=1) for e in events)
