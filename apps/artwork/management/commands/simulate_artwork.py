"""`manage.py simulate_artwork [--viewers N] [--impressions M] [--seed S]`.

Synthetic viewers with hidden artwork tastes against the real policy (bandit.py), learning only
from the cards they could see on homepages they open a few times a day; prints the
take rate of uniform random, the single best variant per title, the bandit and the oracle that
knows the hidden tastes, all scored on the same impressions. Needs no database.
"""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.artwork import selectors, simulation


class Command(BaseCommand):
    help = "Simulate viewers with hidden artwork tastes and compare the bandit with baselines."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--viewers", type=int, default=300, help="synthetic viewers (300)")
        parser.add_argument(
            "--impressions", type=int, default=60_000, help="seen impressions in all (60000)"
        )
        parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
        parser.add_argument("--titles", type=int, default=240, help="titles (240)")
        parser.add_argument("--days", type=int, default=30, help="days the impressions span (30)")

    def handle(self, *args, viewers, impressions, seed, titles, days, **options) -> None:
        if viewers < 1 or impressions < days or titles < 1 or days < 1:
            raise CommandError(
                "--viewers, --titles and --days must be at least 1, --impressions at least --days."
            )
        exploration = selectors.exploration()
        self.stderr.style_func = None
        result = simulation.run(
            viewers=viewers,
            impressions=impressions,
            seed=seed,
            titles=titles,
            days=days,
            exploration=exploration,
            progress=self._progress,
        )
        self.stderr.write("")
        self.stdout.write(
            f"{result.impressions} impressions, {viewers} viewers, {titles} titles, {days} days, "
            f"seed {seed}, exploration {exploration:.0%} ({result.explored:.1%} of the bandit's "
            "choices were random)"
        )
        self.stdout.write(
            f"impressions are cards seen: {result.impressions} of {result.rendered} rendered "
            f"({result.impressions / max(1, result.rendered):.0%}), homepages opened a few "
            "times a day"
        )
        for name, rate in (
            ("uniform random", result.random),
            ("best single variant", result.best_single),
            ("bandit", result.bandit),
            ("oracle", result.oracle),
        ):
            self.stdout.write(f"{name:<20} take rate {rate:.4f}")
        self.stdout.write(
            f"bandit realized take rate {result.bandit_realized:.4f}; second half: bandit "
            f"{result.last_half['bandit']:.4f}, oracle {result.last_half['oracle']:.4f}"
        )
        self.stdout.write(
            f"bandit/oracle={result.bandit_over_oracle:.2f} "
            f"bandit/random={result.bandit_over_random:.2f}"
        )

    def _progress(self, fraction: float) -> None:
        self.stderr.write(f"\rsimulating {fraction:6.1%}", ending="")
        sys.stderr.flush()
