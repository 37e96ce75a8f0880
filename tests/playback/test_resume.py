"""The pure playback rules: thresholds, report ordering, next up, sittings."""

from hypothesis import given
from hypothesis import strategies as st

from apps.playback import resume
from apps.playback.resume import (
    Entry,
    EpisodeFacts,
    EpisodeProgress,
    Report,
    Saved,
    Shelf,
    Status,
)

FILM = 100 * 60
durations = st.integers(min_value=1, max_value=6 * 3600)
positions = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6)


def test_thresholds_follow_jellyfin_defaults():
    assert resume.status(int(FILM * 0.049), FILM) is Status.NOT_STARTED
    assert resume.status(int(FILM * 0.05), FILM) is Status.IN_PROGRESS
    assert resume.status(int(FILM * 0.899), FILM) is Status.IN_PROGRESS
    assert resume.status(int(FILM * 0.9), FILM) is Status.WATCHED
    assert resume.resume_position(1234, FILM) == 1234
    assert resume.resume_position(60, FILM) == 0  # 1 %: treated as not started
    assert resume.resume_position(FILM - 60, FILM) == 0  # watched: plays from the start


def test_items_under_five_minutes_never_resume_but_can_be_watched():
    short = 4 * 60 + 59
    assert resume.status(150, short) is Status.NOT_STARTED
    assert resume.resume_position(150, short) == 0
    assert resume.is_watched(short, short)
    assert resume.status(300 // 2, 300) is Status.IN_PROGRESS  # exactly five minutes resumes


@given(position=positions, duration=durations)
def test_clamp_stays_inside_the_runtime(position, duration):
    assert 0 <= resume.clamp(position, duration) <= duration


@given(position=st.integers(-(10**6), 10**6), duration=durations)
def test_resume_position_is_zero_or_a_resumable_second(position, duration):
    start = resume.resume_position(position, duration)
    assert start == 0 or (
        duration >= resume.MIN_RESUME_SECONDS
        and duration * 5 <= start * 100 < duration * 90
        and start == resume.clamp(position, duration)
    )
    assert 0 <= resume.percent(position, duration) <= 100


def test_display_percent_is_full_when_watched_and_empty_when_barely_started():
    assert resume.display_percent(FILM, FILM) == 100
    assert resume.display_percent(int(FILM * 0.93), FILM) == 100
    assert resume.display_percent(int(FILM * 0.37), FILM) == 37
    assert resume.display_percent(10, FILM) == 0


def test_intro_window_is_for_episodes_only_and_ends_between_60_and_90_seconds():
    assert resume.intro_window(None, FILM) is None
    assert resume.intro_window(7, 4 * 60) is None
    ends = {resume.intro_window(e, 45 * 60)[1] for e in range(1, 200)}
    assert min(ends) >= 60 and max(ends) <= 90 and len(ends) > 10


def _apply_all(reports, duration=FILM, saved=None):
    saved = saved or Saved()
    for report in reports:
        saved = resume.apply_report(saved, report, duration).saved
    return saved


def test_late_and_duplicate_reports_never_move_progress_backwards():
    saved = _apply_all([Report(100, 1), Report(300, 3), Report(200, 2), Report(300, 3)])
    assert saved.position == 300


def test_an_explicit_seek_backwards_is_newer_and_wins():
    saved = _apply_all([Report(1000, 1), Report(100, 2, explicit_seek=True)])
    assert saved.position == 100
    # a report from before the seek arrives late: the timeline it describes was left
    late = resume.apply_report(saved, Report(1010, 1), FILM)
    assert late.stale and late.saved.position == 100
    # the seek repeated: nothing happens
    assert resume.apply_report(saved, Report(100, 2, explicit_seek=True), FILM).stale
    # playing on from the seek moves forward again
    assert _apply_all([Report(110, 3)], saved=saved).position == 110


def test_a_delayed_seek_lands_where_the_newest_report_says():
    # At 1000 the viewer seeks back to 100 (seq 6) and plays on; the heartbeat at 110
    # (seq 7) overtakes the seek on the way.
    saved = _apply_all([Report(1000, 5), Report(110, 7)])
    assert saved.position == 1000  # a plain report never moves back
    saved = _apply_all([Report(100, 6, explicit_seek=True)], saved=saved)
    assert saved.position == 110
    assert resume.apply_report(saved, Report(110, 7), FILM).stale


def test_positions_are_clamped_to_the_runtime():
    assert _apply_all([Report(FILM + 500, 1)]).position == FILM
    assert _apply_all([Report(-40, 1, explicit_seek=True)]).position == 0
    assert _apply_all([Report(float("nan"), 1)]).position == 0


report_lists = st.lists(
    st.builds(
        Report,
        position=st.integers(-100, FILM + 100),
        seq=st.integers(0, 40),
        explicit_seek=st.booleans(),
    ),
    max_size=30,
)


@given(reports=report_lists)
def test_only_a_newer_seek_moves_progress_backwards(reports):
    saved = Saved()
    for report in reports:
        after = resume.apply_report(saved, report, FILM).saved
        assert 0 <= after.position <= FILM
        if after.position < saved.position:
            assert report.explicit_seek and report.seq > saved.seek_seq
        saved = after


@given(reports=report_lists)
def test_replaying_any_report_changes_nothing(reports):
    saved = _apply_all(reports)
    for report in reports:
        assert resume.apply_report(saved, report, FILM).saved.position == saved.position


@given(positions=st.lists(st.integers(0, FILM), min_size=1, max_size=25), seed=st.randoms())
def test_plain_reports_in_any_order_end_at_the_furthest(positions, seed):
    reports = [Report(p, i) for i, p in enumerate(positions)]
    seed.shuffle(reports)
    assert _apply_all(reports).position == max(positions)


def test_completion_is_reported_once_per_viewing():
    first = resume.apply_report(Saved(), Report(int(FILM * 0.95), 1), FILM)
    assert first.completed_now
    again = resume.apply_report(first.saved, Report(FILM, 2), FILM)
    assert again.saved.watched and not again.completed_now
    rewatch = resume.apply_report(again.saved, Report(0, 3, explicit_seek=True), FILM)
    assert not rewatch.saved.watched
    assert resume.apply_report(rewatch.saved, Report(FILM, 4), FILM).completed_now


def test_progress_events_are_sparing():
    assert not resume.wants_progress_event(0, 10, "tick")
    assert resume.wants_progress_event(0, 60, "tick")
    assert resume.wants_progress_event(0, 10, "pause")
    assert not resume.wants_progress_event(10, 10, "leave")


EPISODES = [EpisodeFacts(i, 45 * 60) for i in (11, 12, 13, 21)]


def test_next_up_starts_a_new_series_at_its_first_episode():
    assert resume.next_up(EPISODES, []) == (11, 0)
    assert resume.next_up([], []) is None


def test_next_up_resumes_the_latest_unfinished_episode():
    progress = [EpisodeProgress(11, 45 * 60, 45 * 60, 1), EpisodeProgress(12, 600, 45 * 60, 2)]
    assert resume.next_up(EPISODES, progress) == (12, 600)


def test_next_up_moves_past_finished_and_already_watched_episodes():
    progress = [
        EpisodeProgress(13, 45 * 60, 45 * 60, 1),  # watched earlier, out of order
        EpisodeProgress(11, 45 * 60, 45 * 60, 2),
        EpisodeProgress(12, 44 * 60, 45 * 60, 3),  # just finished
    ]
    assert resume.next_up(EPISODES, progress) == (21, 0)
    progress.append(EpisodeProgress(21, 45 * 60, 45 * 60, 4))
    assert resume.next_up(EPISODES, progress) is None


def test_three_episodes_in_one_sitting_finish_a_series():
    hour = 3600
    kept, done = resume.sitting([], 1, 0)
    kept, done = resume.sitting(kept, 2, 2 * hour)
    assert not done
    kept, done = resume.sitting(kept, 2, 3 * hour)  # the same episode again does not count
    assert not done
    _, done = resume.sitting(kept, 3, 5 * hour)
    assert done
    _, done = resume.sitting([(1, 0), (2, hour)], 3, 8 * hour)  # spread over a day: no
    assert not done


def test_shelve_films_and_series():
    none = resume.Entry()
    film = resume.shelve(none, episode_id=None, position=1200, duration=FILM, series_started=False)
    assert film.shelf is Shelf.RESUME and film.position == 1200
    done = resume.shelve(film, episode_id=None, position=FILM, duration=FILM, series_started=False)
    assert done.shelf is Shelf.FINISHED
    ep = resume.shelve(none, episode_id=11, position=900, duration=2700, series_started=False)
    assert (ep.shelf, ep.episode_id) == (Shelf.RESUME, 11)
    after = resume.shelve(
        ep,
        episode_id=11,
        position=2700,
        duration=2700,
        series_started=False,
        following=(12, 0, 2700),
    )
    assert (after.shelf, after.episode_id, after.position) == (Shelf.NEXT, 12, 0)
    glance = resume.shelve(after, episode_id=12, position=30, duration=2700, series_started=True)
    assert (glance.shelf, glance.episode_id) == (Shelf.NEXT, 12)
    untouched = resume.shelve(ep, episode_id=40, position=20, duration=2700, series_started=False)
    assert untouched == ep
    finale = resume.shelve(ep, episode_id=21, position=2700, duration=2700, series_started=True)
    assert finale.shelf is Shelf.FINISHED


def test_a_plain_report_finishes_only_as_far_as_the_time_since_the_last_allows():
    saved = _apply_all([Report(120, 1, explicit_seek=True)])
    playable = resume.playable_since(3, demo=False)  # 3 s at up to 2x, plus the margin
    jumped = resume.apply_report(saved, Report(FILM, 2), FILM, playable=playable)
    assert jumped.saved.position == 120 + 66 and not jumped.completed_now
    seek = resume.apply_report(saved, Report(FILM, 2, explicit_seek=True), FILM, playable=0)
    assert seek.completed_now  # a skip to the end is the viewer's own choice
    below = resume.apply_report(saved, Report(FILM // 2, 2), FILM, playable=playable)
    assert below.saved.position == FILM // 2  # the rule guards the end, not the middle


def test_a_series_is_finished_only_when_every_episode_is_watched():
    finale_only = [EpisodeProgress(21, 45 * 60, 45 * 60, 1)]
    assert not resume.series_finished(EPISODES, finale_only)
    # Nothing after it to go on to: it leaves Continue watching, but not as finished.
    assert resume.next_up(EPISODES, finale_only) is None
    left = resume.shelve(
        Entry(),
        episode_id=21,
        position=45 * 60,
        duration=45 * 60,
        series_started=False,
        series_finished=False,
    )
    assert left.shelf is Shelf.NONE
    most = [EpisodeProgress(i, 45 * 60, 45 * 60, n) for n, i in enumerate((11, 13, 21))]
    most.append(EpisodeProgress(12, 600, 45 * 60, 0))  # started long ago, never finished
    assert not resume.series_finished(EPISODES, most)
    every = [EpisodeProgress(i, 41 * 60, 45 * 60, n) for n, i in enumerate((11, 12, 13, 21))]
    assert resume.series_finished(EPISODES, every)  # most of each, as for a film
    assert resume.next_up(EPISODES, every) is None
    assert not resume.series_finished([], [])
