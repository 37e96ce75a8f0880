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


def test_only_the_cards_a_viewer_could_see_are_impressions():
    """Issue 9: the simulation learns from seen cards, as the site now does: the first screen
    of the first row always, rows further down and cards scrolled to sideways less often."""
    result = simulation.run(viewers=60, impressions=3000, seed=3)
    assert result.impressions == 3000
    assert result.rendered > 2 * result.impressions
    chance = simulation.seen_chance
    assert chance(0, 0) == 1.0 > chance(1, 0) > chance(2, 0) > chance(4, 0) > chance(9, 0) == 0
    assert chance(0, simulation.FIRST_SCREEN) < chance(0, 0)
