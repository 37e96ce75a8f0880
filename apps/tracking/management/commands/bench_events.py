"""Latency of POST /t/events for a full batch (50 events), through the real middleware stack.

An anonymous visitor who consented to personalization sends batches through Django's full
handler (CSRF, consent, rate limit, validation, one insert) via the test client. Every event
the run writes is rolled back at the end. The rate limit is lifted for the run: it measures
the cost of a batch, not the limit.
"""

import json
import statistics
import sys
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client, override_settings

from apps.tracking.consent import COOKIE as CONSENT_COOKIE
from apps.tracking.consent import cookie_value
from apps.tracking.middleware import COOKIE as VISITOR_COOKIE


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def full_batch(run: str, n: int, size: int) -> bytes:
    events = []
    for i in range(size):
        kind = i % 3
        if kind == 0:
            events.append({"name": "page_view", "properties": {"path": f"/title/{i}/"}})
        elif kind == 1:
            events.append(
                {"name": "card_seen", "properties": {"title_id": i, "row": "top", "path": "/"}}
            )
        else:
            events.append({"name": "search", "properties": {"query": "space", "results": 12}})
        events[-1]["client_id"] = f"{run}-{n}-{i}"
    return json.dumps({"events": events}).encode()


class Command(BaseCommand):
    help = "Measure POST /t/events latency (p50/p95) for a batch of 50 events."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=20)
        parser.add_argument("--size", type=int, default=50)

    def handle(self, *args, **options):
        with (
            transaction.atomic(),
            override_settings(TRACKING_EVENTS_PER_MINUTE=10**9),
        ):
            self._run(**options)
            transaction.set_rollback(True)

    def _run(self, *, requests, warmup, size, **options):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[CONSENT_COOKIE] = cookie_value(personalization=True, marketing=False)
        client.cookies[VISITOR_COOKIE] = str(uuid.uuid4())
        run = uuid.uuid4().hex[:8]
        timings = []
        for n in range(warmup + requests):
            body = full_batch(run, n, size)
            start = time.perf_counter()
            response = client.post("/t/events", body, content_type="application/json")
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 204:
                raise CommandError(
                    f"/t/events answered {response.status_code}: {response.content!r}"
                )
            if n >= warmup:
                timings.append(elapsed)
            if n % 20 == 0:
                sys.stderr.write(f"\r{n + 1}/{warmup + requests} batches")
        sys.stderr.write("\n")
        self.stdout.write(
            f"events_batch_{size} p50={statistics.median(timings):.2f}ms "
            f"p95={_percentile(timings, 0.95):.2f}ms "
            f"({requests} batches of {size} events, {len(body)} bytes each)"
        )
