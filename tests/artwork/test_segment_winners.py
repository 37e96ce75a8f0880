"""Which artwork style wins for the viewers of each favourite genre (pure)."""

from apps.artwork.segment_winners import segment_winners

HORROR, COMEDY = 1, 2


def test_a_style_is_judged_against_its_titles_own_rate_for_the_segment():
    rows = [
        # Horror fans: on title 10 dark beats light; title 20 is taken more by everyone, and
        # light is shown there mostly, which must not make light the winner.
        (HORROR, 10, "dark", "character", 100, 30),
        (HORROR, 10, "light", "scene", 100, 10),
        (HORROR, 20, "light", "scene", 400, 200),
        (HORROR, 20, "dark", "character", 100, 60),
        (COMEDY, 10, "light", "scene", 50, 20),  # too few to compare
    ]
    horror, comedy = segment_winners(rows, min_impressions=100)
    assert horror.segment == HORROR and horror.impressions == 700
    assert (horror.winner.tone, horror.winner.focus) == ("dark", "character")
    assert horror.winner.rate == 0.45  # 90 of 200, though light's raw rate is 42%
    assert horror.winner.lift > 1 and horror.compared == 2
    assert comedy.winner is None and comedy.compared == 0


def test_a_winner_is_clear_only_when_its_interval_is_above_the_expected_rate():
    close = [(HORROR, 10, "dark", "character", 100, 22), (HORROR, 10, "light", "scene", 100, 18)]
    assert not segment_winners(close, min_impressions=100)[0].winner.clear
    wide = [(HORROR, 10, "dark", "character", 500, 200), (HORROR, 10, "light", "scene", 500, 50)]
    assert segment_winners(wide, min_impressions=100)[0].winner.clear
