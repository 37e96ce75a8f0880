"""A player opened and left at 0:00 is not watching: the title is not "played", weighs nothing
and explains no "Because you watched" row, until the viewer watches some of it (QA6)."""

from apps.recommendations.interactions import EVENT_WEIGHTS, WATCHED_FROM_SECONDS, fold_profile


def _play(name, title, position, ts):
    props = {"title_id": title, "position_seconds": position, "duration_seconds": 5400}
    return (name, props, ts)


def test_opened_and_left_at_the_start_is_not_watched():
    folded = fold_profile([_play("play_started", 7, 0, 1.0), _play("play_progress", 7, 12, 2.0)])
    assert folded.played == set() and folded.history == []


def test_watching_after_the_opening_counts_the_opening_as_before():
    folded = fold_profile(
        [
            _play("play_started", 7, 0, 1.0),
            _play("play_progress", 7, WATCHED_FROM_SECONDS, 2.0),
        ]
    )
    assert folded.played == {7}
    assert folded.history == [(7, 2.0, EVENT_WEIGHTS["play_started"])]


def test_a_resume_further_in_and_a_completion_are_watching():
    assert fold_profile([_play("play_started", 7, 1800, 1.0)]).played == {7}
    assert fold_profile([_play("play_completed", 8, 0, 1.0)]).played == {8}


def test_events_without_a_position_count_as_watching():
    """The training log reads no positions, and imported histories have none."""
    folded = fold_profile([("play_started", {"title_id": 7}, 1.0)])
    assert folded.played == {7} and [t for t, _, _ in folded.history] == [7]


def test_an_opening_alone_leaves_only_the_picks_driving_the_candidates():
    folded = fold_profile(
        [("onboarding_pick", {"title_id": 1}, 1.0), _play("play_started", 7, 0, 2.0)]
    )
    assert folded.only_picks
