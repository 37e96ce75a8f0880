"""The hyperparameter search reads validation splits only and keeps a setting only when it
beats the best so far (`manage.py tune_recommender`)."""

import pytest
from django.core.management import CommandError, call_command

from apps.recommendations.learner import Interaction
from apps.recommendations.tuning import SPACE, hill_climb, validation_hit_rates


def test_the_search_climbs_towards_a_better_setting_and_keeps_only_improvements():
    # A made-up score that peaks at window 25 and recent_items 12 (both at their grid's end).
    def score(params):
        window = params.get("window", 15)
        recent = params.get("recent_items", 8)
        return (1.0 - abs(window - 25) / 100 - abs(recent - 12) / 100,)

    trials = list(hill_climb([], trials=60, seed=3, score=score))
    kept = [trial for trial in trials if trial.kept]
    assert [t.mean for t in kept] == sorted({t.mean for t in kept})  # strictly better each time
    assert kept[-1].params["window"] == 25 and kept[-1].params["recent_items"] == 12
    assert all(value in SPACE[name] for name, value in kept[-1].params.items())
    # The same seed gives the same run.
    again = list(hill_climb([], trials=60, seed=3, score=score))
    assert [t.params for t in again] == [t.params for t in trials]


def test_the_test_split_is_never_a_tuning_split(tmp_path):
    rows = [Interaction(user=u, item=i, timestamp=u * 10 + i) for u in range(5) for i in range(6)]
    with pytest.raises(ValueError, match="validation splits only"):
        validation_hit_rates(rows, [0], {})
    ratings = tmp_path / "u.data"
    ratings.write_text("".join(f"{r.user}\t{r.item}\t4\t{r.timestamp}\n" for r in rows))
    with pytest.raises(CommandError, match="1 or more"):
        call_command("tune_recommender", "--ratings", str(ratings), "--splits", "0", "1")
