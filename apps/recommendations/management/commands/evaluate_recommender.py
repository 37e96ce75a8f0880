"""`manage.py evaluate_recommender --ratings PATH [--k 10] [--validation 1]`: offline
leave-last-out evaluation.

Reads a MovieLens ratings file directly and never touches the database. `--validation 1` (or 2)
scores each user's second-to-last (third-to-last) item with a model that never saw the later
ones: the split to tune hyperparameters on, so the test item stays untouched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.recommendations.evaluation import evaluate_file


class Command(BaseCommand):
    help = "Evaluate the recommender (HR@k, NDCG@k) against popularity on a MovieLens file."

    # Pure file-in, numbers-out: skip system checks so it runs without a configured database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ratings", required=True, type=Path, help="u.data or ratings.csv")
        parser.add_argument("--k", type=int, default=10, help="cut-off for HR and NDCG")
        parser.add_argument(
            "--validation",
            type=int,
            default=0,
            choices=(0, 1, 2, 3, 4),
            help="0: the test split; 1-4: hold out each user's 2nd- to 5th-to-last item (tuning)",
        )

    def handle(
        self, *args: object, ratings: Path, k: int, validation: int = 0, **options: object
    ) -> None:
        if not ratings.is_file():
            raise CommandError(f"no such ratings file: {ratings}")
        if k < 1:
            raise CommandError("--k must be at least 1")
        self.stderr.style_func = None  # progress is not an error: no red on a terminal
        try:
            result = evaluate_file(ratings, k=k, progress=self._progress, validation=validation)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stderr.write("")  # end the progress line
        self.stdout.write(
            f"model HR@{k}={result.model.hit_rate:.4f} NDCG@{k}={result.model.ndcg:.4f}"
        )
        self.stdout.write(
            f"popularity HR@{k}={result.popularity.hit_rate:.4f} "
            f"NDCG@{k}={result.popularity.ndcg:.4f}"
        )
        self.stdout.write(f"training time {result.training_seconds:.1f} s")

    def _progress(self, stage: str, fraction: float) -> None:
        # One rewritten line on stderr, so stdout stays exactly the three result lines.
        self.stderr.write(f"\r{stage:<32} {fraction:6.1%}", ending="")
        sys.stderr.flush()
