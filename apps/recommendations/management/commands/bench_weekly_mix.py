"""How long building every profile's weekly mix takes: what Monday morning costs the workers.

Builds this week's mix of every profile (or `--profiles N` of them, spread over the ids) in
this process, as the hourly task does for the profiles whose Monday it is, and prints the total
time, the time per profile and what came out (mixes built, profiles with too little history,
mix sizes, exploration titles). Everything the run writes is rolled back, so measuring changes
nobody's mix.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import Profile
from apps.core import clock
from apps.recommendations import mix, selectors, services


class Command(BaseCommand):
    help = "Measure building the weekly mix of every profile (all, or --profiles N)."

    def add_arguments(self, parser):
        parser.add_argument("--profiles", type=int, default=0, help="profiles to build (all)")
        parser.add_argument(
            "--around",
            action="store_true",
            help="only the profiles the Monday task builds for (those with stored candidates)",
        )

    def handle(self, *args, profiles, around, **options):
        with transaction.atomic():
            self._run(profiles, around)
            transaction.set_rollback(True)

    def _run(self, wanted: int, around: bool) -> None:
        qs = Profile.objects.select_related("account").order_by("pk")
        if around:
            qs = qs.filter(candidates__isnull=False)
        chosen = list(qs)
        if not chosen:
            raise CommandError("No profiles: run `manage.py seed_demo` first.")
        if wanted:
            chosen = chosen[:: max(1, len(chosen) // wanted)][:wanted]
        now = clock.now()
        services.active_model()  # the served model is loaded once per process, not measured
        sizes, explore, short = [], [], 0
        started = time.perf_counter()
        rows = services.weekly_mixes_build(
            chosen, week_of=lambda profile: selectors.mix_week(profile, now)
        )
        for row in rows:
            if row is None:
                short += 1
                continue
            sizes.append(len(row.items))
            explore.append(sum(1 for item in row.items if item["r"] == mix.Reason.EXPLORE))
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"weekly mixes for {len(chosen)} profiles: {seconds:.1f}s "
            f"({seconds * 1000 / len(chosen):.1f} ms a profile); "
            f"{len(sizes)} built, {short} with too little history"
        )
        if sizes:
            self.stdout.write(
                f"titles per mix: min {min(sizes)}, median {statistics.median(sizes):g}; "
                f"exploration titles: min {min(explore)}, median {statistics.median(explore):g}"
            )
