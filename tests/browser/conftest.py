"""End-to-end tests: headless Chromium (driven by Playwright) against pytest-django's live server.

Every test in this folder is marked `browser` and is skipped when /usr/bin/chromium is absent,
so `make test` works on a machine without a browser. Playwright's own browser downloads are
never used: the launch points at Debian's Chromium.
"""

import os
import re
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    # The machine has no internet: without these Chromium keeps dialling Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"
HERE = Path(__file__).resolve().parent


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    # A genuine optional dependency, not a "not built yet" fallback: without playwright (a dev
    # dependency) the browser tests are skipped with this reason rather than failing to import.
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package (a dev dependency: make setup)"
    return None


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser`; skip them all when there is no browser to drive."""
    reason = _skip_reason()
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the tests in this folder.

    Package scope, not session: while Playwright's sync API is open it keeps an event loop
    running in the main thread, which would make `async_to_sync` (channels, watch parties)
    refuse to run in every test collected after this folder.
    """
    from playwright.sync_api import expect, sync_playwright

    # A loaded two-core CI machine can be slower than Playwright's 5 s default for assertions.
    expect.set_options(timeout=10_000)

    # Django refuses ORM calls from a thread with a running event loop, and Playwright's loop
    # is one; these tests are synchronous, so that is safe (pytest-django's advice for
    # Playwright). Set only while the browser is open, so other tests keep Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _live_server_settles(live_server):
    """After each test, wait for the live server's requests still in flight before the flush.

    Closing a page makes Chromium send its last beacons (seen cards, tracked events); a request
    thread still writing them while pytest-django TRUNCATEs the tables on PostgreSQL deadlocks
    the teardown (it failed CI once). Set up after `live_server`, so torn down before its flush,
    and after every test's own contexts are closed.
    """
    yield
    httpd = getattr(live_server.thread, "httpd", None)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        # A beacon may still be connecting when the context closes: look twice, 0.2 s apart.
        time.sleep(0.2)
        running = [t for t in list(getattr(httpd, "_threads", None) or []) if t.is_alive()]
        if not running:
            break
        for thread in running:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def consent_cookie(url: str) -> dict:
    from apps.tracking.consent import COOKIE, cookie_value

    return {
        "name": COOKIE,
        "value": cookie_value(personalization=True, marketing=False),
        "url": url,
    }


def session_cookie(profile, url: str) -> dict:
    """A session cookie signed in as `profile`'s account with `profile` chosen (a server-side
    session, no login form), for tests whose subject is something else."""
    from django.conf import settings
    from django.test import Client

    from apps.accounts.current import SESSION_PROFILE

    client = Client()
    client.force_login(profile.account)
    session = client.session
    session[SESSION_PROFILE] = profile.pk
    session.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": url}


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test (no shared cookies) on the live server.

    Collects JS errors, console errors (Chromium reports CSP violations and failed
    subresources there) and 5xx responses in `page.problems`; the test fails if any remain.
    """
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(10_000)
    # These tests are about other things: the visitor has already answered the consent banner
    # (personalization, as a signed-in profile gets by default). tests/browser/test_consent.py
    # opens its own contexts without this cookie.
    context.add_cookies([consent_cookie(live_server.url)])
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type} on {page.url}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught JS error on {page.url}: {exc}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} for {response.url}")
            if response.status >= 500
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()
    if problems:
        pytest.fail("the browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def shot(request):
    """`shot(page, name)` saves test-output/browser/<test name>/<NN>-<name>.png (full page)."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)  # no stale shots from an earlier, longer run
    taken = 0

    def take(page, name: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{re.sub(r'[^\w.-]+', '-', name)}.png"
        # caret="initial": hiding the caret injects a style attribute, which the CSP reports.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return take


@pytest.fixture
def sign_in(page, live_server):
    """`sign_in(profile)` signs the browser in as profile's account with profile chosen.

    Uses a server-side session (no login form), for tests whose subject is something else.
    """

    def sign_in_as(profile):
        page.context.add_cookies([session_cookie(profile, live_server.url)])

    return sign_in_as


@pytest.fixture
def no_js_page(browser, live_server):
    """`no_js_page(profile, height=...)`: a page with JavaScript off in a 1280 px wide window,
    signed in as `profile` with the consent banner answered; closed after the test."""
    contexts = []

    def open_page(profile, *, height: int):
        context = browser.new_context(
            viewport={"width": 1280, "height": height},
            base_url=live_server.url,
            java_script_enabled=False,
        )
        contexts.append(context)
        context.add_cookies(
            [consent_cookie(live_server.url), session_cookie(profile, live_server.url)]
        )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def like_first_card(row) -> tuple[str, str]:
    """Presses "I like this" on the row's first card; the row's element id and the title's id."""
    row_id = row.get_attribute("id")
    thumb = row.locator(".thumbs__btn--up").first
    title_id = re.search(r"/ratings/(\d+)/", thumb.get_attribute("formaction")).group(1)
    thumb.click()
    return row_id, title_id


@pytest.fixture
def hero_homepage(page, sign_in, settings, tmp_path):
    """`hero_homepage(width, height, synopsis=...)`: `page` on the homepage in a window that
    size, signed in over eight dramas with generated posters and that synopsis, its hero's
    heading shown."""
    from playwright.sync_api import expect

    from apps.catalogue.models import Title
    from apps.demo.posters.pipeline import artwork_generate
    from apps.recommendations.services.candidates import global_lists_refresh
    from tests.browser.test_player import serve_media
    from tests.factories import ProfileFactory, genre_catalogue

    def open_home(width: int, height: int, *, synopsis: str) -> None:
        settings.MEDIA_ROOT = tmp_path
        genre_catalogue(n_per_genre=8, genres=("Drama",))
        artwork_generate(
            title_ids=list(Title.objects.values_list("pk", flat=True)),
            variants_per_title=1,
            seed=3,
            processes=1,
        )
        Title.objects.update(synopsis=synopsis)
        global_lists_refresh()  # the genre row's heading names its genre
        sign_in(ProfileFactory(name="Sunny"))
        serve_media(page, tmp_path)
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        expect(page.locator(".hero__body h1")).to_be_visible()

    return open_home
