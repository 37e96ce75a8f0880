"""Issue 13: the consent banner in a real browser. Refusing sets no visitor cookie and sends
no events; accepting personalization starts a visitor id and track.js's page views arrive.
Screenshots of the banner at 1366 and 390 px, in English and French."""

import time

import pytest

from apps.tracking.middleware import COOKIE as VISITOR_COOKIE
from apps.tracking.models import Event

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)


def fresh(browser, live_server, width=1366, language="en"):
    """A first visit: no consent cookie, the given width and language."""
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 600 else 844},
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    if language != "en":
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.problems = problems
    return context, page


def visitor_cookie(context):
    return [c for c in context.cookies() if c["name"] == VISITOR_COOKIE]


def wait_for(condition, seconds=8.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_necessary_only_sets_no_visitor_cookie_and_sends_no_events(browser, live_server, shot):
    context, page = fresh(browser, live_server)
    page.goto("/accounts/login/")
    banner = page.locator("[data-consent-banner]")
    expect(banner).to_be_visible()
    shot(page, "banner")
    page.get_by_role("button", name="Necessary only").click()
    expect(banner).to_have_count(0)
    page.goto("/accounts/signup/")
    page.goto("/accounts/login/")  # pagehide twice: track.js would have sent by now
    page.wait_for_timeout(1000)
    assert visitor_cookie(context) == []
    assert not Event.objects.exists()
    assert page.problems == []
    context.close()


def test_accepting_personalization_sets_the_cookie_and_page_views_arrive(
    browser, live_server, shot
):
    context, page = fresh(browser, live_server)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Personalization", exact=True).click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    # The banner is gone as soon as the reloaded page commits; its track.js (which sends the
    # page view on pagehide) runs only by "load". Leaving earlier sends nothing (a CI failure).
    page.wait_for_load_state("load")
    [cookie] = visitor_cookie(context)
    page.goto("/accounts/signup/")  # the login page's view is sent on pagehide
    assert wait_for(lambda: Event.objects.filter(name="page_view").exists())
    views = Event.objects.filter(name="page_view")
    assert {e.visitor_id for e in views} == {cookie["value"]}
    assert "/accounts/login/" in {e.properties["path"] for e in views}
    assert Event.objects.filter(name="consent_given", visitor_id=cookie["value"]).exists()
    shot(page, "after-accepting")
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_banner_at_desktop_and_phone_width(browser, live_server, shot, width, language):
    context, page = fresh(browser, live_server, width=width, language=language)
    page.goto("/accounts/login/")
    banner = page.locator("[data-consent-banner]")
    expect(banner).to_be_visible()
    buttons = banner.get_by_role("button")
    expect(buttons).to_have_count(3)
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    # Refusing is as easy as accepting: the three choices are the same height, all on screen.
    assert len({round(b["height"]) for b in boxes}) == 1
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes)
    page.screenshot(path=str(shot(page, f"banner-{language}-{width}")), full_page=False)
    assert page.problems == []
    context.close()
