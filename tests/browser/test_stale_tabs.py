"""Two tabs on one account (QA9): a tab left on a page for one profile, while the other tab
switched profile or signed out and in again, never acts on the wrong profile nor fails in
silence; a page swapped into a thumbs group is never what the viewer sees."""

import re

import pytest

from apps.playback.models import Progress
from apps.ratings.models import Rating
from tests.factories import ProfileFactory, TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect

SWITCHED = "You switched to Sam in another tab. Reload to continue as Sam."


def _allow_console_status(page, status: int) -> None:
    """The refusals are 4xx on purpose; Chromium logs every 4xx it loads as a console error,
    and htmx logs its responseError event there too."""
    expected = (
        f"Failed to load resource: the server responded with a status of {status}",
        f"Response Status Error Code {status} from",
    )
    assert [p for p in page.problems if expected[0] in p]
    page.problems[:] = [p for p in page.problems if not any(e in p for e in expected)]


@pytest.mark.django_db(transaction=True)
def test_a_thumb_in_a_tab_left_on_the_old_profile_says_so_and_rates_nothing(page, sign_in, shot):
    alex = ProfileFactory(name="Alex")
    sam = ProfileFactory(account=alex.account, name="Sam")
    title = TitleFactory(name="Stale Film")
    sign_in(alex)
    page.goto(title.get_absolute_url())  # tab B, drawn for Alex

    other = page.context.new_page()  # tab A switches to Sam
    other.goto("/profiles/")
    with other.expect_navigation():
        other.get_by_role("button", name="Sam").click()
    other.close()

    page.locator("main .thumbs__btn--down").click()
    notice = page.locator("#request-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(SWITCHED)
    expect(page.locator("#a11y-status")).to_have_text(SWITCHED)
    expect(page.locator("main .thumbs__btn--down")).to_have_attribute("aria-pressed", "false")
    shot(page, "switched-elsewhere")
    assert not Rating.objects.exists()
    _allow_console_status(page, 409)

    with page.expect_navigation():
        notice.get_by_role("button", name="Reload page").click()
    expect(page.locator("#request-notice")).to_be_hidden()
    page.locator("main .thumbs__btn--up").click()  # now as Sam
    expect(page.locator("main .thumbs__btn--up")).to_have_attribute("aria-pressed", "true")
    assert Rating.objects.get().profile == sam


@pytest.mark.django_db(transaction=True)
def test_a_thumb_after_signing_out_in_another_tab_goes_to_sign_in_and_back(page, sign_in):
    alex = ProfileFactory(name="Alex")
    title = TitleFactory(name="Signed Out Film")
    sign_in(alex)
    page.goto(title.get_absolute_url())

    other = page.context.new_page()
    other.goto("/")
    with other.expect_navigation():
        other.locator(".site-menu__account").get_by_role("button", name="Sign out").click()
    other.close()

    page.locator("main .thumbs__btn--up").click()
    page.wait_for_url("**/accounts/login/**")  # the whole page, not the thumbs group
    expect(page.locator("main h1")).to_be_visible()
    assert page.locator(".thumbs").count() == 0
    assert f"next={title.get_absolute_url().replace('/', '%2F')}" in page.url
    assert not Rating.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_thumb_from_before_signing_in_again_says_to_reload(page, sign_in, live_server):
    alex = ProfileFactory(name="Alex")
    title = TitleFactory(name="Old Token Film")
    sign_in(alex)
    page.goto(title.get_absolute_url())
    # Signing in again in another tab rotates the CSRF token this tab still holds.
    page.context.clear_cookies(name="csrftoken")
    sign_in(alex)
    page.context.request.get(live_server.url + "/profiles/")  # a fresh token cookie

    page.locator("main .thumbs__btn--love").click()
    notice = page.locator("#request-notice")
    expect(notice).to_contain_text("This page was open from before you signed in again")
    expect(page.locator("#a11y-status")).to_contain_text("Reload it and try again.")
    assert not Rating.objects.exists()
    _allow_console_status(page, 403)
    notice.get_by_role("button", name="Dismiss").click()
    expect(notice).to_be_hidden()
    expect(page.locator("#main")).to_be_focused()


@pytest.mark.django_db(transaction=True)
def test_a_server_error_on_a_thumb_is_said_not_dropped(page, sign_in):
    """...but a page's own background read failing (the bell, asked for after the page loads)
    is not something the viewer did: no notice for it."""
    alex = ProfileFactory(name="Alex")
    title = TitleFactory(name="Broken Film")
    sign_in(alex)

    def server_error(route):
        route.fulfill(status=500, body="<h1>Server error</h1>", content_type="text/html")

    page.route(f"**/ratings/{title.pk}/", server_error)
    page.route("**/inbox/bell/", server_error)
    page.add_init_script(
        "document.addEventListener('htmx:responseError', function () {"
        "  setTimeout(function () { window.noticeAfterBell ="
        "    document.getElementById('request-notice').hidden ? 'hidden' : 'shown'; }, 0);"
        "}, { once: true });"
    )
    page.goto(title.get_absolute_url())
    page.wait_for_function("() => window.noticeAfterBell !== undefined")
    assert page.evaluate("window.noticeAfterBell") == "hidden"

    page.locator("main .thumbs__btn--up").click()
    expect(page.locator("#request-notice")).to_contain_text(
        "That did not work, and nothing was changed."
    )
    # The faked 500s are reported twice (the response, Chromium's console): those only.
    page.problems[:] = [
        p
        for p in page.problems
        if "status of 500" not in p
        and "Response Status Error Code 500" not in p
        and f"/ratings/{title.pk}/" not in p
        and "/inbox/bell/" not in p
    ]


@pytest.mark.django_db(transaction=True)
def test_a_player_left_on_the_old_profile_stops_and_says_so(page, sign_in):
    alex = ProfileFactory(name="Alex")
    sam = ProfileFactory(account=alex.account, name="Sam")
    film = TitleFactory(name="Stale Player Film")
    sign_in(alex)
    with page.expect_response(lambda r: "/progress/" in r.url and r.status == 200):
        page.goto(f"/watch/title/{film.pk}/")  # starts by itself; its first report is Alex's
    expect(page.locator("#player")).to_have_class(re.compile(r"\bis-playing\b"))

    other = page.context.new_page()
    other.goto("/profiles/")
    with other.expect_navigation():
        other.get_by_role("button", name="Sam").click()
    other.close()

    with page.expect_response(lambda r: "/progress/" in r.url and r.status == 409):
        page.locator("[data-toggle]").click()  # pausing reports the place
    panel = page.locator("[data-refused]")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text("You switched profile in another tab")
    expect(panel).to_contain_text(SWITCHED)
    expect(page.locator("#player")).not_to_have_class(re.compile(r"\bis-playing\b"))
    assert not Progress.objects.filter(profile=sam).exists()
    _allow_console_status(page, 409)
