"""Latency of the homepage against /healthz, through the real middleware stack.

Requests go through Django's full handler (every middleware, session, auth, CSP, templates)
via the test client, signed in as a demo persona, so the numbers compare like with like.
Everything the run writes (the session, hundreds of artwork impressions nobody saw) is rolled
back at the end, so benchmarking never teaches the artwork bandit anything.
"""

import statistics
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client

from apps.artwork.services import impressions_flush

DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Measure homepage and /healthz latency (p50/p95) for a signed-in persona."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="horror@demo.test")
        parser.add_argument("--requests", type=int, default=300)
        parser.add_argument("--warmup", type=int, default=30)

    def handle(self, *args, **options):
        with transaction.atomic():
            self._run(**options)
            impressions_flush()  # what is still buffered goes into the rollback too
            transaction.set_rollback(True)

    def _run(self, *, email, requests, warmup, **options):
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No account {email}: run `manage.py seed_demo` first.")
        profile = user.profiles.order_by("pk").first()
        client = Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session["profile_id"] = profile.pk
        session.save()
        for _ in range(warmup):
            assert client.get("/").status_code == 200
            assert client.get("/healthz").status_code == 200
        timings: dict[str, list[float]] = {"homepage": [], "healthz": []}
        for n in range(requests):
            # Interleave so both see the same machine load.
            for name, url in (("homepage", "/"), ("healthz", "/healthz")):
                start = time.perf_counter()
                response = client.get(url)
                timings[name].append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            if n % 20 == 0:
                sys.stderr.write(f"\r{n + 1}/{requests} request pairs")
        sys.stderr.write("\n")
        for name in ("homepage", "healthz"):
            values = timings[name]
            self.stdout.write(
                f"{name} p50={statistics.median(values):.2f}ms "
                f"p95={_percentile(values, 0.95):.2f}ms"
            )
        ratio = statistics.median(timings["homepage"]) / statistics.median(timings["healthz"])
        self.stdout.write(f"ratio p50={ratio:.2f}")
