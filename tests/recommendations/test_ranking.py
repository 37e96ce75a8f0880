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


def test_a_pool_smaller_than_the_catalogue_keeps_the_best_and_their_matches():
    # Without taste evidence nothing is adjusted: the pool's best are the catalogue's best, and
    # their matches count every eligible title, not only the pool.
    visible, scores, _ = _world(3, n=200)
    shelf = ranking.Shelf.build(visible, set())
    array = np.array([scores.get(t, np.nan) for t in shelf.ids.tolist()])
    everything = np.ones(len(shelf.ids), bool)
    kwargs = {
        "scores": array,
        "eligible": everything,
        "top": 1.0,
        "affinity": None,
        "push_children": False,
    }

    small = ranking.rank(shelf, **kwargs, keep=20, pool=25)
    full = ranking.rank(shelf, **kwargs, keep=20, pool=10_000)

    assert small == full


def test_matches_of_the_best_equal_matches_over_all_scores():
    rng = random.Random(5)
    values = sorted((rng.choice((0.5, rng.random())) for _ in range(300)), reverse=True)
    everything = calibration.matches(values)
    assert calibration.matches_of_best(values[:40], total=300) == everything[:40]
    assert calibration.match_of(values[7], np.array(values)) == everything[7]
    assert calibration.matches_of_best([0.3], total=1) == [99]
