"""The simulated viewers: the real policy against baselines and the oracle."""

import random

from apps.artwork import simulation


def test_with_default_settings_the_bandit_nearly_matches_the_oracle_and_beats_random():
    result = simulation.run()
    assert result.bandit_over_oracle >= 0.9
    assert result.bandit_over_random >= 1.3
    assert result.random < result.best_single < result.bandit < result.oracle
    assert abs(result.explored - 0.05) < 0.01


def test_hidden_tastes_follow_the_favourite_genre():
    rng = random.Random(1)
    assert simulation.preference("horror", rng)[0] == "dark"
    assert simulation.preference("comedy", rng)[0] == "light"
    assert simulation.preference("documentary", rng)[0] == "neutral"
    assert simulation.preference("western", rng)[0] is None
    focuses = [simulation.preference("drama", rng)[1] for _ in range(2000)]
    assert 0.3 < focuses.count("character") / 2000 < 0.4
