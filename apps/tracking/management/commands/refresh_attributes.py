import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from apps.accounts.models import Profile
from apps.core import clock
from apps.tracking import selectors, tasks


class Command(BaseCommand):
    help = (
        "Recompute the profiles' computed attributes (favourite genres, viewing hours, last "
        "active, lifetime paid) in batches, with progress. Default: the profiles the hourly "
        "task would pick; --all for every profile."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every profile")
        parser.add_argument("--batch-size", type=int, default=tasks.BATCH_SIZE)

    def handle(self, *args, all: bool, batch_size: int, **options):
        if all:
            ids = list(Profile.objects.order_by("pk").values_list("pk", flat=True))
        else:
            since = clock.now() - timedelta(minutes=tasks.RECENT_MINUTES)
            ids = selectors.profiles_due_for_attributes(since=since)
        started = time.monotonic()  # real time: the demo clock may stand still

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done}/{total} profiles ({done * 100 // max(total, 1)} %)")

        done = tasks.refresh_in_batches(ids, batch_size=max(1, batch_size), progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Refreshed {done} profiles in {seconds:.1f} s."))
