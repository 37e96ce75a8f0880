"""Newness: a title that appeared shortly before the viewer's latest activity outranks an
equally supported old one; a title that had not appeared yet gains nothing."""

from __future__ import annotations

import io

import numpy as np
import pytest

from apps.recommendations.learner import Interaction, Model, train
from apps.recommendations.services import compute_candidates

DAY = 86400.0
SEED, OLD, NEW = 1, 2, 3  # title ids
LATE_VIEWER, EARLY_VIEWER = 100, 101


def _world() -> Model:
    """Six viewers watch SEED then OLD on day 0, six others SEED then NEW on day 200: both
    follow SEED equally often, and are equally popular; only their age differs."""
    rows = []
    for user in range(6):
        rows += [Interaction(user, SEED, 10.0 * user), Interaction(user, OLD, 10.0 * user + 1)]
    for user in range(6, 12):
        start = 200 * DAY + 10.0 * user
        rows += [Interaction(user, SEED, start), Interaction(user, NEW, start + 1)]
    rows.append(Interaction(LATE_VIEWER, SEED, 201 * DAY))
    rows.append(Interaction(EARLY_VIEWER, SEED, 100 * DAY))
    return train(rows)


@pytest.fixture(scope="module")
def model() -> Model:
    return _world()


def test_a_recent_title_outranks_an_equally_supported_old_one(model: Model) -> None:
    scores = model.score_items([(SEED, 201 * DAY)], candidates=[OLD, NEW])
    assert scores[NEW] > 1.5 * scores[OLD]
    assert [item for item, _ in model.recommend(LATE_VIEWER, k=2)] == [NEW, OLD]


def test_a_title_that_had_not_appeared_yet_gains_nothing(model: Model) -> None:
    scores = model.score_items([(SEED, 100 * DAY)], candidates=[OLD, NEW])
    assert scores[OLD] > scores[NEW]
    assert [item for item, _ in model.recommend(EARLY_VIEWER, k=2)] == [OLD, NEW]


def test_a_history_without_times_is_not_touched(model: Model) -> None:
    scores = model.score_items([(SEED, 0)], candidates=[OLD, NEW])
    assert scores[OLD] == pytest.approx(scores[NEW])


def test_newness_survives_serialization(model: Model) -> None:
    loaded = Model.from_bytes(model.to_bytes())
    assert loaded.recommend(LATE_VIEWER, k=2) == model.recommend(LATE_VIEWER, k=2)
    history = [(SEED, 201 * DAY)]
    assert loaded.score_items(history) == pytest.approx(model.score_items(history))


def test_a_model_stored_before_newness_still_loads_and_scores(model: Model) -> None:
    with np.load(io.BytesIO(model.to_bytes()), allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    del arrays["first_seen"], arrays["user_last_seen"]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    old = Model.from_bytes(buffer.getvalue())
    scores = old.score_items([(SEED, 201 * DAY)], candidates=[OLD, NEW])
    assert scores[OLD] == pytest.approx(scores[NEW])  # served as before until the next training


def test_the_homepage_candidates_put_a_new_title_first(model: Model) -> None:
    visible = {title: (2020, [1], False) for title in (SEED, OLD, NEW)}
    events = [("play_completed", {"title_id": SEED}, 201 * DAY)]
    data = compute_candidates(model=model, events=events, visible=visible, popular=[])
    assert [item[0] for item in data["items"]] == [NEW, OLD]
    assert data["items"][0][3] == SEED  # still explained: "Because you watched" the seed


def test_newness_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        train([("u", "i", 0)], newness_days=0)
    with pytest.raises(ValueError):
        train([("u", "i", 0)], newness_boost=-1)
