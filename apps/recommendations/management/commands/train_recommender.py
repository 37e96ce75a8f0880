import sys

from django.core.management.base import BaseCommand

from apps.recommendations import calibration
from apps.recommendations.services import recommender_train


class Command(BaseCommand):
    help = "Train the recommender on the event log and refresh every profile's candidates."

    def handle(self, *args, **options):
        def progress(stage: str, fraction: float) -> None:
            filled = int(fraction * 30)
            sys.stderr.write(f"\r[{'#' * filled}{'-' * (30 - filled)}] {fraction:4.0%} {stage:<28}")
            sys.stderr.flush()

        row = recommender_train(progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(
            f"model #{row.pk}: {row.n_items} titles, {row.n_profiles} profiles, "
            f"{row.n_interactions} interactions, trained in {row.training_seconds:.1f} s"
        )
        if row.calibration:
            self.stdout.write("match band  held-out  share   lift (1.0 = chance)")
            for band in row.calibration:
                self.stdout.write(
                    f"{band['band']:>9}  {band['held_out']:>8}  {band['share']:.3f}  "
                    f"{band['lift']:>5.2f}"
                )
            verdict = (
                "rises with the band"
                if calibration.is_monotone(row.calibration)
                else ("does NOT rise monotonically")
            )
            self.stdout.write(f"lift {verdict}")
