"""The homepage with a cold cache, for comparing worlds of different sizes (the scale run).

Each request goes through Django's full handler as a signed-in persona, right after the cache
is cleared, so it renders from the database: the time and query count a viewer pays when
nothing is cached. `manage.py bench` measures the cached page; this one the uncached page.
Everything the run writes is rolled back.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.artwork.services import impressions_flush
from apps.catalogue.models import Title
from apps.tracking.models import Event

DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Measure the uncached homepage (p50/p95 and queries) for a signed-in persona."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="horror@demo.test")
        parser.add_argument("--requests", type=int, default=40)
        parser.add_argument("--warmup", type=int, default=5)

    def handle(self, *args, email, requests, warmup, **options):
        with transaction.atomic():
            self._run(email=email, requests=requests, warmup=warmup)
            impressions_flush()
            transaction.set_rollback(True)

    def _run(self, *, email: str, requests: int, warmup: int) -> None:
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No account {email}: run `manage.py seed_demo` first.")
        client = Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session["profile_id"] = user.profiles.order_by("pk").first().pk
        session.save()
        timings, queries, sizes = [], [], []
        for n in range(warmup + requests):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/")
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"/ answered {response.status_code}")
            if n >= warmup:
                timings.append(elapsed)
                queries.append(len(captured.captured_queries))
                sizes.append(len(response.content))
        self.stdout.write(
            f"world: {Title.objects.count()} titles, {Event.objects.count()} events; "
            f"uncached homepage p50={statistics.median(timings):.1f}ms "
            f"p95={_percentile(timings, 0.95):.1f}ms queries={max(queries)} "
            f"bytes={max(sizes)}"
        )
