"""The numpy ranking of a profile's candidates (pure): the same order and matches as the
per-title rules in `taste` and `calibration`, at a fraction of the cost at scale."""

import random

import numpy as np
import pytest

from apps.recommendations import calibration, ranking, taste

KIDS = 9


def _world(seed: int, n: int = 80):
    rng = random.Random(seed)
    visible = {}
    for title in rng.sample(range(1, 400), n):
        genres = rng.sample(range(1, 10), rng.choice((0, 1, 2, 3)))
        visible[title] = (2000 + title % 20, genres, genres == [KIDS])
    scores = {t: rng.choice((rng.random() * 1.5, 0.25, float(rng.randint(0, 3)))) for t in visible}
    for title in rng.sample(sorted(visible), 5):
        del scores[title]  # titles the model does not know
    affinity = {g: rng.random() for g in rng.sample(range(1, 10), 4)}
    return visible, scores, affinity


def _reference(visible, scores, affinity, children, kids_share, excluded, keep):
    """The per-title ranking as `services.compute_candidates` did it before numpy."""
    genres_of = {t: facts[1] for t, facts in visible.items()}
    fitted = taste.fit_scores(
        scores, genres_of=genres_of, affinity=affinity, children=children, kids_share=kids_share
    )
    titles = [t for t in visible if t not in excluded]
    ranked = sorted(titles, key=lambda t: (-fitted.get(t, -1.0), t))
    values = [fitted.get(t, -1.0) for t in ranked]
    return ranked[:keep], values[:keep], calibration.matches(values)[:keep]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("kids_share", [0.0, 0.5])
def test_rank_orders_and_matches_like_the_per_title_rules(seed, kids_share):
    visible, scores, affinity = _world(seed)
    children = taste.children_genres(visible)
    excluded = set(random.Random(seed).sample(sorted(visible), 7))
    shelf = ranking.Shelf.build(visible, children)
    array = np.array([scores.get(t, np.nan) for t in shelf.ids.tolist()])
    eligible = np.ones(len(shelf.ids), bool)
    eligible[shelf.positions(excluded)] = False
    top = max((s for s in scores.values() if s > 0), default=1.0)
    push = bool(children) and kids_share < taste.CHILDREN_SHARE_MIN

    ids, values, matches = ranking.rank(
        shelf,
        scores=array,
        eligible=eligible,
        top=top,
        affinity=affinity,
        push_children=push,
        keep=30,
    )

    want_ids, want_values, want_matches = _reference(
        visible, scores, affinity, children, kids_share, excluded, keep=30
    )
    assert ids == want_ids
    assert values == pytest.approx(want_values)
    assert matches == want_matches


def test_a_long_tail_title_of_a_favourite_genre_overtakes_a_popular_misfit():
    # Most of a large catalogue has tiny model scores; below the first few dozen the taste
    # adjustment decides the order. Adjusting only the model's best few hundred titles lost half
    # of the kept candidates at 6,000 titles: here the kept 300 of 3,000 must be the exact ones.
    rng = random.Random(11)
    visible = {t: (2020, [1 + t % 8], False) for t in range(1, 3001)}
    scores = {t: (rng.random() if t % 8 else 0.02) * (0.9 if t <= 400 else 0.01) for t in visible}
    affinity = {1: 1.0, 2: 0.3}
    shelf = ranking.Shelf.build(visible, set())
    array = np.array([scores[t] for t in shelf.ids.tolist()])

    ids, values, matches = ranking.rank(
        shelf,
        scores=array,
        eligible=np.ones(len(shelf.ids), bool),
        top=max(scores.values()),
        affinity=affinity,
        push_children=False,
        keep=300,
    )

    want = _reference(visible, scores, affinity, set(), 0.0, set(), keep=300)
    assert ids == want[0]
    assert values == pytest.approx(want[1])
    assert matches == want[2]
    assert any(t > 400 for t in ids), "the tail of the favourite genre is kept"


def test_matches_among_all_scores_equal_matches_over_all_scores():
    rng = random.Random(5)
    values = [rng.choice((0.5, rng.random())) for _ in range(300)]
    everything = calibration.matches(values)
    ascending = np.sort(values)
    picked = [3, 40, 41, 299]
    assert calibration.matches_among([values[i] for i in picked], ascending) == [
        everything[i] for i in picked
    ]
    assert calibration.match_of(values[7], np.array(values)) == everything[7]
    assert calibration.matches_among([0.3], np.array([0.3])) == [99]
