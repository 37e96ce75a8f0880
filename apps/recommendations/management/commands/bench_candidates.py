"""How long one profile's candidate refresh takes: what a viewer waits for after a rating.

Runs the refresh task (`refresh_profile_candidates`) for a spread of profiles that have rated
something, in this process, and prints p50/p95 and the queries per refresh. The first refresh in
a process also loads the served model; it is reported on its own line, not in the percentiles.
Everything the run writes is rolled back, so measuring changes nobody's candidates.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Profile
from apps.recommendations import tasks
from apps.tracking.models import Event


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Measure the per-profile candidate refresh after a rating (p50/p95 over profiles)."

    def add_arguments(self, parser):
        parser.add_argument("--profiles", type=int, default=50, help="profiles to refresh (50)")

    def handle(self, *args, profiles, **options):
        with transaction.atomic():
            self._run(profiles)
            transaction.set_rollback(True)

    def _run(self, wanted: int) -> None:
        # Profiles that have rated something: the refresh this measures follows a rating.
        raters = Event.objects.filter(name="rating", profile__isnull=False).values("profile_id")
        profiles = Profile.objects.order_by("pk")
        ids = list(profiles.filter(pk__in=raters).values_list("pk", flat=True))
        ids = ids or list(profiles.values_list("pk", flat=True))
        if not ids:
            raise CommandError("No profiles: run `manage.py seed_demo` first.")
        step = max(1, len(ids) // max(1, wanted))
        chosen = ids[::step][:wanted]
        started = time.perf_counter()
        tasks.refresh_profile_candidates(chosen[0])  # loads the served model once
        first = (time.perf_counter() - started) * 1000
        timings, queries = [], []
        for pid in chosen:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                tasks.refresh_profile_candidates(pid)
                timings.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
        self.stdout.write(
            f"candidate refresh over {len(chosen)} of {len(ids)} profiles: "
            f"p50={statistics.median(timings):.1f}ms p95={_percentile(timings, 0.95):.1f}ms "
            f"max={max(timings):.1f}ms queries={max(queries)}"
        )
        self.stdout.write(f"first refresh in this process (loads the model): {first:.1f}ms")
