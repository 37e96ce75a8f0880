"""Continue watching, finished recently, next up and per-episode progress."""

from datetime import timedelta

import pytest

from apps.catalogue.models import Title
from apps.core import clock
from apps.playback import selectors, services
from tests.factories import EpisodeFactory, ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db


def test_continue_watching_is_most_recent_first_one_per_title(report, film, episodes, profile):
    now = clock.now()
    other = TitleFactory(name="Older Film", runtime_minutes=90)
    report(other, 30 * 60, at=now - timedelta(hours=3))
    report(film, 40 * 60, at=now - timedelta(hours=2))
    report(episodes[0], 20 * 60, at=now - timedelta(hours=1))
    report(episodes[1], 10 * 60, at=now)  # the same series again: still one entry
    items = selectors.continue_watching(profile=profile)
    assert [i.title_id for i in items] == [episodes[1].title_id, film.pk, other.pk]
    series_item = items[0]
    assert series_item.episode_id == episodes[1].pk
    assert series_item.code == "S1:E2"
    assert (series_item.position_seconds, series_item.duration_seconds) == (600, 2700)
    assert series_item.percent == 22 and series_item.seconds_left == 2100
    assert series_item.watch_url == f"/watch/episode/{episodes[1].pk}/"
    film_item = items[1]
    assert (film_item.code, film_item.percent, film_item.watch_url) == (
        "",
        40,
        f"/watch/title/{film.pk}/",
    )
    assert selectors.continue_watching(profile=profile, limit=2)[-1].title_id == film.pk


def test_continue_watching_leaves_out_unstarted_watched_and_short_items(report, profile):
    barely = TitleFactory(runtime_minutes=100)
    watched = TitleFactory(runtime_minutes=100)
    short = TitleFactory(runtime_minutes=4)
    report(barely, 4 * 60)  # 4 %
    report(watched, 95 * 60)
    report(short, 2 * 60)
    assert selectors.continue_watching(profile=profile) == []


def test_a_finished_episode_shows_the_next_one_up(report, episodes, profile):
    report(episodes[2], 45 * 60)  # S1:E3 finished
    (item,) = selectors.continue_watching(profile=profile)
    assert (item.episode_id, item.code, item.is_next, item.percent) == (
        episodes[3].pk,
        "S2:E1",
        True,
        0,
    )
    report(episodes[4], 45 * 60)  # the finale: nothing left to continue
    assert selectors.continue_watching(profile=profile) == []


def test_continue_watching_never_shows_what_the_profile_may_no_longer_watch(report, profile):
    film = TitleFactory(runtime_minutes=100)
    report(film, 30 * 60)
    Title.objects.filter(pk=film.pk).update(is_published=False)
    assert selectors.continue_watching(profile=profile) == []


def test_one_profiles_progress_is_never_anothers(report, film, profile):
    report(film, 30 * 60)
    assert selectors.continue_watching(profile=ProfileFactory()) == []


def test_continue_watching_is_one_query_whatever_the_history(
    report, profile, django_assert_num_queries
):
    """Guards against a query per entry (title, episode, season) or per history row."""
    for n in range(12):
        series_title = TitleFactory(kind=Title.Kind.SERIES, runtime_minutes=30)
        for e in range(1, 4):
            report(
                EpisodeFactory(
                    season__title=series_title, title=series_title, number=e, runtime_minutes=30
                ),
                10 * 60 + n,
            )
        report(TitleFactory(runtime_minutes=90), 20 * 60 + n)
    clock.now()  # the demo clock's offset is cached once per process, not per page
    with django_assert_num_queries(1):
        items = selectors.continue_watching(profile=profile)
    assert len(items) == 20
    assert all(i.code for i in items if i.episode_id)


def test_finished_recently_films_and_finales_not_sittings(report, episodes, profile, film):
    """Three episodes in one sitting leave the series on Continue watching: not "finished"
    (the homepage said "Because you finished X" above "X · S2:E1", QA2 §3)."""
    start = clock.now() - timedelta(hours=10)
    other = TitleFactory(runtime_minutes=90)
    report(other, 90 * 60, at=start - timedelta(days=3))  # finished, but long ago
    report(film, 100 * 60, at=start)  # a film: finished
    binge_series = episodes[0].title
    for n, episode in enumerate(episodes[:3]):  # three episodes within six hours
        report(episode, 45 * 60, at=start + timedelta(hours=1 + n))
    since = start - timedelta(hours=1)
    assert selectors.finished_recently(profile=profile, since=since) == [film.pk]
    shelf, finished = selectors.home_shelves(profile=profile, since=since)
    assert [item.title_id for item in shelf] == [binge_series.pk]
    assert finished == [film.pk]
    for n, episode in enumerate(episodes[3:]):  # the rest, to the finale: now it is finished
        report(episode, 45 * 60, at=start + timedelta(hours=5 + n))
    assert selectors.finished_recently(profile=profile, since=since) == [binge_series.pk, film.pk]
    assert selectors.finished_recently(profile=profile, since=start + timedelta(minutes=5)) == [
        binge_series.pk
    ]
    shelf, finished = selectors.home_shelves(profile=profile, since=since)
    assert shelf == [] and finished == [binge_series.pk, film.pk]


def test_episodes_spread_over_days_do_not_count_as_finishing(report, episodes, profile):
    start = clock.now() - timedelta(days=5)
    for n, episode in enumerate(episodes[:3]):
        report(episode, 45 * 60, at=start + timedelta(days=n))
    assert selectors.finished_recently(profile=profile, since=start) == []


def test_finished_recently_is_one_query(report, film, profile, django_assert_num_queries):
    report(film, 100 * 60)
    clock.now()
    with django_assert_num_queries(1):
        assert selectors.finished_recently(
            profile=profile, since=clock.now() - timedelta(days=1)
        ) == [film.pk]


def test_episode_progress_for_the_title_page(
    report, episodes, series, profile, django_assert_num_queries
):
    report(episodes[0], 45 * 60)
    report(episodes[1], 27 * 60)
    report(episodes[2], 30)  # barely started: no bar
    with django_assert_num_queries(1):
        percents = selectors.episode_progress(profile=profile, title=series)
    assert percents == {episodes[0].pk: 100, episodes[1].pk: 60}


def test_next_up_follows_the_profile_through_a_series(report, episodes, series, profile):
    assert selectors.next_up(profile=profile, title=series) == (episodes[0], 0)
    report(episodes[0], 45 * 60)
    assert selectors.next_up(profile=profile, title=series) == (episodes[1], 0)
    report(episodes[1], 15 * 60)
    assert selectors.next_up(profile=profile, title=series) == (episodes[1], 900)
    report(episodes[1], 45 * 60)
    report(episodes[2], 45 * 60)
    assert selectors.next_up(profile=profile, title=series)[0] == episodes[3]  # into season 2
    report(episodes[4], 45 * 60)
    assert selectors.next_up(profile=profile, title=series) is None


def test_title_playback_offers_resume_and_start_over(report, episodes, series, film, profile):
    fresh = selectors.title_playback(profile=profile, title=film)
    assert (fresh.resumes, fresh.start_over_url) == (False, "")
    report(film, 25 * 60)
    resumed = selectors.title_playback(profile=profile, title=film)
    assert resumed.resume_position == 1500 and resumed.percent == 25
    assert resumed.start_over_url == f"/watch/title/{film.pk}/?start=0"
    report(episodes[0], 45 * 60)
    show = selectors.title_playback(profile=profile, title=series)
    assert (show.code, show.resumes, show.watch_url) == (
        "S1:E2",
        False,
        f"/watch/episode/{episodes[1].pk}/",
    )
    assert show.episode_percents == {episodes[0].pk: 100}


def test_progress_stamp_changes_only_when_bumped(profile):
    assert selectors.progress_stamp(profile.pk) == 0
    services.progress_stamp_bump(profile.pk)
    stamp = selectors.progress_stamp(profile.pk)
    assert stamp and selectors.progress_stamp(ProfileFactory().pk) == 0
