"""`manage.py tune_recommender --ratings PATH [--splits 1 2 3 4] [--trials 50] [--seed 1]`:
hill-climb the recommender's hyperparameters on validation splits only (never the test item).

One line per trial (its HR@10 on each split, their mean, and whether it became the best), then
the best setting. Reads the ratings file only; the served model and its defaults are not
changed: a setting worth serving goes into `Params` by hand, with its test number read once.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.recommendations.evaluation import read_ratings
from apps.recommendations.tuning import hill_climb


class Command(BaseCommand):
    help = "Tune the recommender's hyperparameters on validation splits of a MovieLens file."

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ratings", required=True, type=Path, help="u.data or ratings.csv")
        parser.add_argument(
            "--splits", type=int, nargs="+", default=[1, 2, 3, 4], help="validation depths (>= 1)"
        )
        parser.add_argument("--trials", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, ratings: Path, splits, trials: int, seed: int, **options) -> None:
        if not ratings.is_file():
            raise CommandError(f"no such ratings file: {ratings}")
        if min(splits) < 1:
            raise CommandError("--splits are validation depths, 1 or more (0 is the test split)")
        if trials < 0:
            raise CommandError("--trials must be 0 or more")
        rows = read_ratings(ratings)
        best = None
        for n, trial in enumerate(hill_climb(rows, splits=splits, trials=trials, seed=seed)):
            rates = " ".join(f"{rate:.4f}" for rate in trial.hit_rates)
            label = "served" if n == 0 else f"{n}/{trials}"
            mark = " best" if trial.kept else ""
            changed = best and {k: v for k, v in trial.params.items() if best.params[k] != v}
            self.stdout.write(
                f"{label:>8} HR@10 {rates} mean {trial.mean:.4f}{mark} {changed or ''}"
            )
            self.stdout.flush()
            if trial.kept:
                best = trial
        self.stdout.write(f"best mean {best.mean:.4f}: {best.params}")
