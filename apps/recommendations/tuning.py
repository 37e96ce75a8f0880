"""Hyperparameter search on validation splits only (pure module, no Django).

A hill climb from the served `Params`: each trial moves one to three parameters one step along
their grid (`SPACE`), is scored by its mean HR@10 over the validation splits (depth 1 = each
user's second-to-last item held out, 2 = third-to-last, ...; never the test item), and is
kept when it beats the best so far. Seeded, so a run is reproducible:
`manage.py tune_recommender --ratings u.data --splits 1 2 3 4 --trials 88 --seed 1` is the
fourth round in the README.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass

from apps.recommendations.evaluation import hit_and_ndcg, leave_last_out, validation_split
from apps.recommendations.learner import Interaction, train
from apps.recommendations.learner.scoring import Params

SPACE: dict[str, tuple[float, ...]] = {
    "window": (8, 10, 12, 15, 18, 20, 25),
    "window_decay": (0.75, 0.8, 0.85, 0.9, 0.95),
    "backward_weight": (0.4, 0.5, 0.6, 0.7, 0.8),
    "similarity_alpha": (0.4, 0.45, 0.5, 0.55, 0.6),
    "recent_items": (5, 6, 7, 8, 10, 12),
    "recent_decay": (0.6, 0.65, 0.7, 0.75, 0.8, 0.85),
    "ease_lambda": (100, 150, 200, 300, 400),
    "ease_weight": (0.3, 0.4, 0.5, 0.6, 0.7),
    "newness_boost": (0.7, 1.0, 1.3, 1.6),
    "newness_days": (40, 60, 80),
}


@dataclass(frozen=True)
class Trial:
    """One setting and its HR@k on each validation split."""

    params: dict[str, float]
    hit_rates: tuple[float, ...]
    kept: bool

    @property
    def mean(self) -> float:
        return sum(self.hit_rates) / len(self.hit_rates)


def validation_hit_rates(
    interactions: Sequence[Interaction], splits: Sequence[int], params: dict, k: int = 10
) -> tuple[float, ...]:
    """HR@k of a model with `params` on each validation split (depth >= 1 only)."""
    rates = []
    for depth in splits:
        if depth < 1:
            raise ValueError("tuning reads validation splits only (depth 1 or more)")
        training, targets = leave_last_out(validation_split(interactions, depth))
        model = train(training, **params)
        hits = sum(
            hit_and_ndcg([item for item, _ in model.recommend(user, k=k)], target, k)[0]
            for user, target in targets.items()
        )
        rates.append(hits / max(len(targets), 1))
    return tuple(rates)


def hill_climb(
    interactions: Sequence[Interaction],
    *,
    splits: Sequence[int] = (1, 2, 3, 4),
    trials: int = 50,
    seed: int = 1,
    score: Callable[[dict], tuple[float, ...]] | None = None,
) -> Iterator[Trial]:
    """Yield the served setting's trial, then `trials` neighbours of the best so far."""
    measure = score or (lambda params: validation_hit_rates(interactions, splits, params))
    defaults = asdict(Params())
    current = {name: defaults[name] for name in SPACE}
    first = Trial(dict(current), measure({}), kept=True)
    best = first.mean
    yield first
    rng = random.Random(seed)
    for _ in range(trials):
        params = dict(current)
        for name in rng.sample(list(SPACE), rng.choice([1, 2, 3])):
            grid = SPACE[name]
            at = grid.index(params[name]) if params[name] in grid else len(grid) // 2
            params[name] = grid[max(0, min(len(grid) - 1, at + rng.choice([-1, 1])))]
        trial = Trial(params, measure(params), kept=False)
        if trial.mean > best:
            trial = Trial(params, trial.hit_rates, kept=True)
            best, current = trial.mean, params
        yield trial
