"""progress_report and friends: idempotent, order-tolerant, refused when not watchable."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.core import clock
from apps.playback import selectors, services
from apps.playback.models import PlaybackPreference, Progress, TitleProgress
from apps.tracking.models import Event
from tests.concurrency import raised, run_at_once
from tests.factories import ProfileFactory, TitleFactory

pytestmark = pytest.mark.django_db


def events(name, profile=None):
    qs = Event.objects.filter(name=name)
    return list(qs.filter(profile=profile) if profile else qs)


def test_out_of_order_and_duplicate_reports_keep_the_furthest_position(report, film, profile):
    report(film, 600, seq=1)
    report(film, 1800, seq=3, report_id="report-three")
    late = report(film, 1200, seq=2)
    assert late.position_seconds == 1800
    again = report(film, 1800, seq=3, report_id="report-three")  # a retried request
    assert again.position_seconds == 1800 and not again.accepted
    row = Progress.objects.get(profile=profile, title=film)
    assert row.position_seconds == 1800


def test_the_same_report_id_counts_once(report, film, profile):
    first = report(film, 1500, seq=1, report_id="same-report-id", reason="pause")
    replay = report(film, 2500, seq=2, report_id="same-report-id", reason="pause")
    assert first.accepted and not replay.accepted
    assert Progress.objects.get(profile=profile).position_seconds == 1500
    assert len(events("play_progress", profile)) == 1


def test_an_explicit_seek_backwards_moves_progress_back_and_late_reports_do_not(
    report, film, profile
):
    report(film, 3000, seq=10)
    report(film, 300, seq=11, seek=True)
    assert Progress.objects.get(profile=profile).position_seconds == 300
    report(film, 3010, seq=9)  # sent before the seek, arrived after it
    assert Progress.objects.get(profile=profile).position_seconds == 300
    report(film, 310, seq=12)
    assert Progress.objects.get(profile=profile).position_seconds == 310


def test_positions_before_the_start_are_the_start(report, film, profile):
    report(film, -50, seek=True)
    assert Progress.objects.get(profile=profile).position_seconds == 0


@pytest.mark.parametrize("sent", [6001, 10**7, 1e308, float("inf")])
@pytest.mark.parametrize("seek", [False, True])
def test_a_position_past_the_end_is_refused_and_changes_nothing(report, film, profile, sent, seek):
    """QA9: position=1e308 was taken as the end of the film and finished it."""
    report(film, 120, seek=True)
    with pytest.raises(ValidationError, match="past the end of this title"):
        report(film, sent, seek=seek)
    row = Progress.objects.get(profile=profile)
    assert (row.position_seconds, row.completed_at) == (120, None)
    assert not events("play_completed", profile)


def test_a_kids_profile_is_refused_an_adult_title_and_nothing_is_written(report, film):
    kid = ProfileFactory(is_kids=True)
    film.maturity = "16"
    film.save()
    with pytest.raises(services.NotWatchable):
        report(film, 600, who=kid)
    assert not Progress.objects.exists() and not TitleProgress.objects.exists()
    assert not Event.objects.filter(profile=kid).exists()


def test_unpublished_titles_and_mismatched_items_are_refused(report, film, series, episodes):
    film.is_published = False
    film.save()
    with pytest.raises(services.NotWatchable):
        report(film, 600)
    other_series_episode = episodes[0]
    with pytest.raises(services.NotWatchable):  # a series is reported per episode
        report(series, 600)
    with pytest.raises(services.NotWatchable):
        services.progress_report(
            profile=ProfileFactory(),
            title=TitleFactory(),
            episode=other_series_episode,
            position=10,
            report_id="mismatched-1",
            seq=1,
            explicit_seek=False,
        )
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    ("report_id", "seq", "session"),
    [("", 1, ""), ("short", 1, ""), ("ok-report-id", -1, ""), ("ok-report-id", 1, "bad id!")],
)
def test_malformed_reports_are_refused(profile, film, report_id, seq, session):
    with pytest.raises(ValidationError):
        services.progress_report(
            profile=profile,
            title=film,
            episode=None,
            position=10,
            report_id=report_id,
            seq=seq,
            explicit_seek=False,
            session_id=session,
        )
    assert not Progress.objects.exists()


def test_completion_emits_one_play_completed_and_refreshes_candidates(
    report, film, profile, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.recommendations import tasks

    refreshed = []
    monkeypatch.setattr(tasks.refresh_profile_candidates, "delay", refreshed.append)
    with django_capture_on_commit_callbacks(execute=True):
        report(film, 5000, seq=1)
        later = clock.now() + timedelta(minutes=10)  # the time it takes to play there
        done = report(film, 5500, seq=2, at=later)  # 91.6 %: watched
        report(film, 5800, seq=3, at=later)
        report(film, 6000, seq=4, reason="end", at=later)
    assert done.completed_now
    completed = events("play_completed", profile)
    assert len(completed) == 1
    assert completed[0].properties == {
        "title_id": film.pk,
        "position_seconds": 5500,
        "duration_seconds": 6000,
    }
    assert refreshed == [profile.pk]
    assert TitleProgress.objects.get(profile=profile).finished_at is not None


def test_a_new_viewing_after_finishing_completes_again(report, film, profile):
    report(film, 6000, seq=1, session="session-one")
    report(film, 0, seq=2, seek=True, session="session-two")  # watch it again
    assert Progress.objects.get(profile=profile).completed_at is None
    report(film, 6000, seq=3, session="session-two", at=clock.now() + timedelta(hours=2))
    assert len(events("play_completed", profile)) == 2
    assert len(events("play_started", profile)) == 2


def test_last_episode_completion_says_the_series_is_finished(report, episodes, profile):
    for n, episode in enumerate(episodes):
        report(episode, 45 * 60, session=f"session-{n:04d}")
    completed = sorted(events("play_completed", profile), key=lambda e: e.pk)
    assert [e.properties.get("episode_id") for e in completed] == [e.pk for e in episodes]
    assert [bool(e.properties.get("series_finished")) for e in completed] == [
        False,
        False,
        False,
        False,
        True,
    ]


def test_playing_only_the_finale_does_not_finish_the_series(report, episodes, profile):
    start = clock.now()
    report(episodes[-1], 45 * 60, session="session-finale", at=start)
    completed = events("play_completed", profile)
    assert [bool(e.properties.get("series_finished")) for e in completed] == [False]
    row = TitleProgress.objects.get(profile=profile)
    assert row.finished_at is None
    # Nothing after it to continue (it leaves Continue watching, as it did), and no
    # "Because you finished" either: the first four episodes are still to watch.
    shelf, finished = selectors.home_shelves(profile=profile, since=start - timedelta(days=1))
    assert (shelf, finished) == ([], [])
    assert not selectors.title_playback(profile=profile, title=episodes[0].title).series_finished
    # The rest, in two evenings (no sitting of three): the last one missing finishes it.
    for n, episode in enumerate(episodes[:-1]):
        at = start + timedelta(days=1 + n // 2, minutes=50 * (n % 2))
        report(episode, 45 * 60, session=f"session-{n:04d}", at=at)
    completed = sorted(events("play_completed", profile), key=lambda e: e.pk)
    assert [bool(e.properties.get("series_finished")) for e in completed] == [
        False,
        False,
        False,
        False,
        True,
    ]
    assert selectors.continue_watching(profile=profile) == []
    assert selectors.finished_recently(profile=profile, since=start) == [episodes[0].title_id]
    assert selectors.title_playback(profile=profile, title=episodes[0].title).series_finished


def test_play_started_once_per_viewing_session(report, film, profile):
    report(film, 10, seek=True, session="session-aaa", reason="start")
    report(film, 20, session="session-aaa")
    report(film, 30, session="session-aaa")
    assert len(events("play_started", profile)) == 1
    report(film, 30, seek=True, session="session-bbb", reason="start")
    started = events("play_started", profile)
    assert len(started) == 2
    assert {e.client_id for e in started} == {"ps-session-aaa", "ps-session-bbb"}


def test_play_progress_is_sparing(report, film, profile):
    for n in range(1, 31):  # five minutes of 10-second heartbeats
        report(film, n * 10, reason="tick")
    assert len(events("play_progress", profile)) == 5
    report(film, 305, reason="pause")
    assert len(events("play_progress", profile)) == 6


def test_every_write_bumps_the_progress_stamp(
    report, film, profile, django_capture_on_commit_callbacks
):
    before = selectors.progress_stamp(profile.pk)
    with django_capture_on_commit_callbacks(execute=True):
        report(film, 600)
    assert selectors.progress_stamp(profile.pk) != before


def test_finishing_an_episode_puts_the_next_one_up(report, episodes, profile):
    report(episodes[0], 20 * 60)
    row = TitleProgress.objects.get(profile=profile)
    assert (row.shelf, row.episode_id, row.position_seconds) == ("resume", episodes[0].pk, 1200)
    report(episodes[0], 45 * 60, at=clock.now() + timedelta(minutes=25))
    row.refresh_from_db()
    assert (row.shelf, row.episode_id, row.position_seconds) == ("next", episodes[1].pk, 0)
    report(episodes[1], 60)  # a glance at the next one keeps it up next
    row.refresh_from_db()
    assert (row.shelf, row.episode_id) == ("next", episodes[1].pk)


def test_watching_again_brings_a_removed_title_back(report, film, profile):
    report(film, 1200)
    assert services.continue_watching_remove(profile=profile, title=film)
    assert not services.continue_watching_remove(profile=profile, title=film)
    assert selectors.continue_watching(profile=profile) == []
    report(film, 1300)
    assert [i.title_id for i in selectors.continue_watching(profile=profile)] == [film.pk]


def test_preferences_are_remembered_and_validated(profile):
    services.preference_update(profile=profile, subtitles="fr")
    services.preference_update(profile=profile, audio="en-ad", autoplay_next=False)
    pref = PlaybackPreference.objects.get(profile=profile)
    assert (pref.subtitles, pref.audio, pref.autoplay_next) == ("fr", "en-ad", False)
    with pytest.raises(ValidationError):
        services.preference_update(profile=profile, subtitles="klingon")
    assert PlaybackPreference.objects.get(profile=profile).subtitles == "fr"


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_reports_leave_one_row_at_the_furthest_position():
    """Heartbeats, a beacon and a retry can race: the unique constraint plus the locked
    read-modify-write leave exactly one row, at the furthest position (no lost update)."""
    from tests.factories import EpisodeFactory

    profile = ProfileFactory()
    episode = EpisodeFactory(runtime_minutes=45)
    clock.now()  # warm the demo-clock cache before the threads start
    positions = [60 * (n + 1) for n in range(20)]

    def send(n: int) -> None:
        services.progress_report(
            profile=profile,
            title=episode.title,
            episode=episode,
            position=positions[n],
            report_id=f"concurrent-{n:04d}",
            seq=1000 - n,  # arrival order has nothing to do with position
            explicit_seek=False,
            session_id="session-threads",
        )

    assert raised(run_at_once(send, n=len(positions))) == []
    rows = Progress.objects.filter(profile=profile, episode=episode)
    assert rows.count() == 1
    assert rows.get().position_seconds == max(positions)
    assert TitleProgress.objects.filter(profile=profile).count() == 1
    assert Event.objects.filter(name="play_started", profile=profile).count() == 1


def test_the_sitting_rule_finishes_a_series_after_three_episodes(report, episodes, profile):
    start = clock.now()
    for n, episode in enumerate(episodes[:2]):
        report(episode, 45 * 60, at=start + timedelta(hours=n))
    assert TitleProgress.objects.get(profile=profile).finished_at is None
    report(episodes[2], 45 * 60, at=start + timedelta(hours=2))
    assert TitleProgress.objects.get(profile=profile).finished_at is not None


def test_a_seek_ahead_says_where_it_jumped_from_so_the_year_counts_only_what_was_played(
    report, film, profile
):
    """QA8: a watch party's seek from 38:40 to 50:00 credited every member 11 minutes in their
    year in review (it counted the furthest place reached, skipped or played)."""
    from zoneinfo import ZoneInfo

    from apps.recap import numbers
    from apps.recap import selectors as recap

    report(film, 2310, seek=True, reason="start")
    report(film, 2320)
    report(film, 3000, seek=True)
    report(film, 3100, reason="pause")
    jump = [e.properties for e in events("play_progress", profile) if "seek_from" in e.properties]
    assert [(p["seek_from"], p["position_seconds"]) for p in jump] == [(2320, 3000)]
    paris = ZoneInfo("Europe/Paris")
    played = recap.play_events(profile_id=profile.pk, year=clock.now().year, tz=paris)
    # 10 s before the jump and 100 s after it: about 2 minutes, not 13.
    assert sum(v.seconds for v in numbers.viewings(played, paris)) == 110


def test_a_plain_report_cannot_jump_to_the_end_seconds_after_the_last(report, film, profile):
    """QA9: 120 s in, a report of 99 % a few seconds later (no seek) finished the film."""
    start = clock.now()
    report(film, 120, seek=True, at=start)
    jumped = report(film, 5990, at=start + timedelta(seconds=3))
    assert not jumped.completed
    assert jumped.position_seconds <= 120 + 3 * 120 + 60  # what even 120x demo speed plays
    assert not events("play_completed", profile)


def test_a_plain_report_after_the_time_it_takes_finishes_the_film(report, film, profile):
    start = clock.now()
    report(film, 120, seek=True, at=start)
    done = report(film, 5990, at=start + timedelta(seconds=3), seq=5)
    assert not done.completed
    done = report(film, 5990, at=start + timedelta(minutes=2), seq=6)  # at 120x, it gets there
    assert done.completed_now and len(events("play_completed", profile)) == 1


def test_outside_demo_mode_the_wall_clock_is_the_players_clock(report, film, profile, settings):
    settings.DEMO_MODE = False
    start = clock.now()
    report(film, 120, seek=True, at=start)
    assert not report(film, 5990, at=start + timedelta(minutes=2)).completed
    assert report(film, 5990, at=start + timedelta(minutes=100)).completed
