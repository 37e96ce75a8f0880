"""`manage.py evaluate_artwork [--test-share 0.3]`: offline replay on logged random impressions.

The newest share of the impressions that were picked uniformly at random is the test set; the
policies know only what was logged before it. For each policy, the impressions where it would
have shown the logged variant are kept (matched) and their take rate is its estimate.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.artwork import evaluation, selectors


class Command(BaseCommand):
    help = "Replay uniform random, best single variant and the personalized policy offline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--test-share",
            type=float,
            default=0.3,
            help="newest share of the random impressions to replay on (0.3)",
        )

    def handle(self, *args, test_share: float, **options) -> None:
        if not 0 < test_share < 1:
            raise CommandError("--test-share must be between 0 and 1.")
        data = selectors.evaluation_data(test_share=test_share)
        if not data.test:
            raise CommandError(
                "No logged random impressions to replay on yet: run seed_demo, or browse a while."
            )
        result = evaluation.replay(logged=data.test, evidence=data.evidence, tastes=data.tastes)
        self.stdout.write(
            f"Replay on {len(data.test)} random impressions from {data.cut:%Y-%m-%d %H:%M} on "
            f"({result.skipped} skipped: variant no longer eligible); the policies learned from "
            f"{data.trained_on} impressions before that."
        )
        for name, score in (
            ("uniform random", result.uniform),
            ("best single variant", result.best_single),
            ("personalized policy", result.personalized),
        ):
            low, high = score.interval
            self.stdout.write(
                f"{name:<20} take rate {score.rate:.4f} (95% {low:.4f}-{high:.4f}), "
                f"{score.matched} matched impressions, {score.takes} takes"
            )
