"""A title's rating counts as its current value: changed or cleared, the earlier one is gone."""

from apps.recommendations.interactions import RATING_WEIGHTS, fold_profile


def _rating(title: int, value: int, ts: float):
    return ("rating", {"title_id": title, "value": value}, ts)


def test_a_cleared_love_leaves_the_history():
    folded = fold_profile([_rating(7, 2, 1.0), _rating(7, 0, 2.0)])
    assert folded.history == [] and 7 not in folded.ratings


def test_like_then_love_weighs_as_love_not_as_both():
    folded = fold_profile([_rating(7, 1, 1.0), _rating(7, 2, 2.0)])
    assert folded.history == [(7, 2.0, RATING_WEIGHTS[2])]


def test_a_watched_title_keeps_its_plays_when_its_rating_is_cleared():
    play = ("play_started", {"title_id": 7}, 1.0)
    alone = fold_profile([play]).history
    folded = fold_profile([play, _rating(7, 2, 2.0), _rating(7, 0, 3.0)])
    assert [(t, w) for t, _, w in folded.history] == [(t, w) for t, _, w in alone]
