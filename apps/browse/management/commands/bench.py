"""Every page a viewer or QA hits, cached and uncached, through the real middleware stack.

Requests go through Django's full handler (every middleware, session, auth, CSP, templates)
via the test client, signed in as a demo persona, so the numbers compare like with like. One
line per page: cached and uncached p50/p95, the response's bytes and its queries (cached /
uncached), then /healthz and the homepage's cached ratio to it.

"Cached" is a warm request: the page's caches (the homepage's whole-page and row caches, the
cached user, profile, candidates, artwork policy) hold what the previous request put there.
"Uncached" clears the whole cache (`cache.clear()`, outside the timed span) before each
request, so it is a cold-cache request: every page cache is bypassed and every cached read
falls back to the database (sessions are `cached_db`, so the sign-in survives).

Everything the run writes (sessions, progress reports, sign-ups, hundreds of artwork
impressions nobody saw) is rolled back at the end, so benchmarking never teaches the artwork
bandit or the recommender anything.
"""

import itertools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.artwork.services import impressions_flush
from apps.catalogue.models import Genre, Title

DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _whole(response):
    """A streamed download read to its end, as a browser reads it: its time and its queries
    (made while it streams) count, and its bytes can be measured."""
    if not response.streaming:
        return response
    return HttpResponse(b"".join(response.streaming_content), status=response.status_code)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Page:
    name: str
    send: Callable[[], object]  # makes the request, returns the response
    ok: tuple[int, ...] = (200,)


@dataclass
class Measured:
    cached: list[float]
    uncached: list[float]
    size: int = 0
    queries_cached: int = 0
    queries_uncached: int = 0


class Command(BaseCommand):
    help = (
        "Measure every viewer page, cached and uncached (p50/p95, bytes, queries), "
        "for a signed-in persona."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="horror@demo.test")
        parser.add_argument("--password", default="demo-password")
        parser.add_argument("--requests", type=int, default=20, help="timed requests per mode")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--only", default="", help="comma-separated page names")

    def handle(self, *args, **options):
        with transaction.atomic():
            self._run(**options)
            impressions_flush()  # what is still buffered goes into the rollback too
            transaction.set_rollback(True)

    # --- the pages ---------------------------------------------------------------------------

    def _pages(self, *, user, profile, password) -> list[Page]:
        viewer = self._client(user, profile)
        anonymous = Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1")
        title = Title.objects.for_profile(profile).filter(kind="film").order_by("pk").first()
        title = title or Title.objects.for_profile(profile).order_by("pk").first()
        genre = Genre.objects.order_by("pk").first()
        if title is None or genre is None:
            raise CommandError("No titles: run `manage.py seed_demo` first.")
        word = title.name.split()[0]
        typo = word[0] + word[2:] if len(word) > 3 else word  # "Night" -> "Nght"
        seq = itertools.count(1)
        signups = itertools.count(1)
        pages = [
            Page("homepage", lambda: viewer.get("/")),
            Page("batch", lambda: viewer.get("/?batch=1", **HTMX)),
            Page("title", lambda: viewer.get(title.get_absolute_url())),
            Page("genre", lambda: viewer.get(f"/genre/{genre.slug}/")),
            Page("search", lambda: viewer.get(f"/search/?q={word}")),
            Page(
                "search-htmx",
                lambda: viewer.get(f"/search/?q={word}", HTTP_HX_TARGET="search-results", **HTMX),
            ),
            # Search that forgives: a misspelt word (every title a candidate for the typo
            # check on SQLite; pg_trgm narrows them on PostgreSQL) and suggestions as typed.
            Page("search-typo", lambda: viewer.get(f"/search/?q={typo}")),
            Page(
                "search-suggest",
                lambda: viewer.get(
                    f"/search/suggest/?q={word[:4]}", HTTP_HX_TARGET="search-suggestions", **HTMX
                ),
            ),
            Page("onboarding-search", lambda: viewer.get(f"/onboarding/?again=1&q={word}")),
            Page("my-list", lambda: viewer.get("/my-list/")),
            Page("new-popular", lambda: viewer.get("/new/")),
            Page("ratings", lambda: viewer.get("/ratings/")),
            Page("bell", lambda: viewer.get("/inbox/bell/", **HTMX)),  # after every page load
            Page("inbox", lambda: viewer.get("/inbox/")),
            Page("player", lambda: viewer.get(f"/watch/title/{title.pk}/")),
            Page(
                "progress",
                lambda: viewer.post(
                    f"/watch/title/{title.pk}/progress/",
                    {
                        "position": str(10 + next(seq)),
                        "seq": str(next(seq)),
                        "session": "bench-session",
                        "report_id": f"bench-{time.monotonic_ns()}",
                    },
                    HTTP_X_REQUESTED_WITH="fetch",
                ),
                ok=(200, 204),
            ),
            Page("profiles", lambda: viewer.get("/profiles/")),
            Page("account", lambda: viewer.get("/account/")),
            Page("your-data", lambda: viewer.get("/account/data/")),
            Page("data-export", lambda: _whole(viewer.get("/account/data/export/"))),
            Page(
                "data-export-readable",
                lambda: _whole(viewer.get("/account/data/export/readable/")),
            ),
            Page("subscription", lambda: viewer.get("/account/subscription/")),
            Page("plans", lambda: viewer.get("/account/subscription/plans/")),
            Page("sign-in-form", lambda: anonymous.get("/accounts/login/")),
            Page(
                "sign-in",
                lambda: Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1").post(
                    "/accounts/login/", {"username": user.email, "password": password}
                ),
                ok=(302,),
            ),
            Page(
                "sign-up",
                lambda: Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1").post(
                    "/accounts/signup/",
                    {
                        "email": f"bench-{next(signups)}-{time.monotonic_ns()}@bench.test",
                        "password": "a long bench passphrase 42",
                        "profile_name": "Bench",
                    },
                ),
                ok=(302,),
            ),
            Page("demo-guide", lambda: viewer.get("/demo/")),
        ]
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if admin is not None:
            staff = Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1")
            staff.force_login(admin)
            report = f"/admin/catalogue/title/{title.pk}/change/"
            pages.append(Page("artwork-report", lambda: staff.get(report)))
        pages.append(Page("healthz", lambda: anonymous.get("/healthz")))
        return pages

    def _client(self, user, profile) -> Client:
        client = Client(HTTP_USER_AGENT=DESKTOP_UA, HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session["profile_id"] = profile.pk
        session.save()
        return client

    # --- the run -----------------------------------------------------------------------------

    def _run(self, *, email, password, requests, warmup, only, **options):
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No account {email}: run `manage.py seed_demo` first.")
        profile = user.profiles.order_by("pk").first()
        pages = self._pages(user=user, profile=profile, password=password)
        if only:
            wanted = set(only.split(",")) | {"homepage", "healthz"}
            pages = [page for page in pages if page.name in wanted]
        results: dict[str, Measured] = {}
        for page in pages:
            sys.stderr.write(f"\r{page.name:<20}")
            results[page.name] = self._measure(page, requests=requests, warmup=warmup)
        sys.stderr.write("\n")
        for name, m in results.items():
            self.stdout.write(
                f"{name} cached p50={statistics.median(m.cached):.2f}ms "
                f"p95={_percentile(m.cached, 0.95):.2f}ms "
                f"uncached p50={statistics.median(m.uncached):.2f}ms "
                f"p95={_percentile(m.uncached, 0.95):.2f}ms "
                f"bytes={m.size} queries={m.queries_cached}/{m.queries_uncached}"
            )
        ratio = statistics.median(results["homepage"].cached) / statistics.median(
            results["healthz"].cached
        )
        self.stdout.write(f"ratio p50={ratio:.2f}")

    def _measure(self, page: Page, *, requests: int, warmup: int) -> Measured:
        measured = Measured(cached=[], uncached=[])
        for _ in range(warmup):
            self._check(page, page.send())
        for _ in range(requests):
            # Interleave the two modes so both see the same machine load.
            measured.cached.append(self._timed(page))
            cache.clear()
            measured.uncached.append(self._timed(page))
            page.send()  # warm again for the next cached request
        with CaptureQueriesContext(connection) as ctx:
            response = page.send()
        measured.queries_cached = len(ctx.captured_queries)
        measured.size = len(response.content)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            page.send()
        measured.queries_uncached = len(ctx.captured_queries)
        return measured

    def _timed(self, page: Page) -> float:
        start = time.perf_counter()
        response = page.send()
        elapsed = (time.perf_counter() - start) * 1000
        self._check(page, response)
        return elapsed

    def _check(self, page: Page, response) -> None:
        if response.status_code not in page.ok:
            raise CommandError(f"{page.name} answered {response.status_code}")
