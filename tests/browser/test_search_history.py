"""Search as you type and the browser's history (QA16 #1, #3): Back after a live search opened
the suggestions' bare fragment (the box pushed its address), typing slowly left an entry per
pause, and a query past the limit raised the page's "That did not work" notice."""

import re

import pytest

from apps.catalogue.selectors import SEARCH_MAX_LENGTH
from tests.factories import ProfileFactory, TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.django_db(transaction=True)

BOX = "Titles, people, genres, moods"

# Every htmx answer the page has settled, by the address it came from.
_WATCH = """() => {
  window.settled = [];
  document.addEventListener('htmx:afterSettle', e => {
    if (e.detail.xhr) window.settled.push(e.detail.xhr.responseURL);  // (a restore has none)
  });
}"""


def _settled(page, path: str) -> None:
    page.wait_for_function(
        """path => window.settled.some(
          u => decodeURIComponent(u.replace(/\\+/g, ' ')).endsWith(path))""",
        arg=path,
    )


def test_back_after_a_live_search_goes_back_a_page_never_to_the_suggestions(page, sign_in):
    TitleFactory(name="Skull Island")
    TitleFactory(name="Crossing of Skull Island")
    TitleFactory(name="Lantern Bay")
    sign_in(ProfileFactory(name="Finder"))
    page.goto("/my-list/")
    page.goto("/search/")
    entries = page.evaluate("history.length")
    page.evaluate(_WATCH)
    box = page.get_by_label(BOX)
    # Slower than the box waits (150 ms for suggestions, 250 for results): every letter settles.
    box.press_sequentially("skull", delay=350)
    _settled(page, "/search/suggest/?q=skull")
    _settled(page, "/search/?q=skull")
    expect(page.locator("#a11y-status")).to_have_text("2 results for “skull”")
    expect(page.locator("#search-suggestions li")).to_have_count(2)
    # The address is the results' (shareable), and typing added no history entry.
    expect(page).to_have_url(re.compile(r"/search/\?q=skull$"))
    assert page.evaluate("history.length") == entries

    # Pressing Search is a search to come back to: one entry.
    box.evaluate("el => { el.value = 'lantern'; }")  # no input event: only the button asks
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#a11y-status")).to_have_text("1 result for “lantern”")
    expect(page).to_have_url(re.compile(r"/search/\?q=lantern$"))
    assert page.evaluate("history.length") == entries + 1

    # Back: htmx asks the server for the earlier address again, and gets the whole page.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=skull$"))
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.get_by_label(BOX)).to_have_value("skull")
    expect(page.locator("#search-results .card")).to_have_count(2)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/my-list/$"))
    expect(page.locator("header.site-header")).to_be_visible()


def test_a_query_past_the_limit_says_so_in_place_without_the_failure_notice(page, sign_in):
    """The box's maxlength is the server's limit; a value set past it another way (a script, an
    older browser's paste) asks anyway, and both answers are 400s the page expects."""
    TitleFactory(name="Lantern Bay")
    sign_in(ProfileFactory(name="Finder"))
    page.goto("/search/")
    box = page.get_by_label(BOX)
    expect(box).to_have_attribute("maxlength", str(SEARCH_MAX_LENGTH))
    box.press_sequentially("lant", delay=30)
    expect(page.locator("#search-suggestions li")).to_have_count(1)
    page.evaluate(_WATCH)
    too_long = "lantern " + "x" * SEARCH_MAX_LENGTH
    box.evaluate(
        "(el, text) => { el.value = text; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        too_long,
    )
    _settled(page, "/search/?q=" + too_long)
    _settled(page, "/search/suggest/?q=" + too_long)
    expect(page.locator("#search-error")).to_have_text(
        f"Search terms are at most {SEARCH_MAX_LENGTH} characters."
    )
    expect(page.locator("#search-suggestions li")).to_have_count(0)  # none for the old query
    expect(page.locator("#request-notice")).to_be_hidden()
    # Chromium logs each 400 it loads; these two were expected.
    bad_request = "Failed to load resource: the server responded with a status of 400"
    assert len([p for p in page.problems if bad_request in p]) == 2, page.problems
    page.problems[:] = [p for p in page.problems if bad_request not in p]


def test_the_failure_notice_fits_a_phone_in_french(page, sign_in):
    """QA16 #3: at 390 px the notice's "Masquer" ran past the screen's right edge."""
    TitleFactory(name="Lantern Bay")
    sign_in(ProfileFactory(name="Alex", account__language="fr"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/search/")
    page.route("**/search/suggest/**", lambda route: route.fulfill(status=502, body="down"))
    page.locator("#search-q").press_sequentially("lant", delay=30)
    notice = page.locator("#request-notice")
    expect(notice).to_be_visible()
    for name in ("Recharger la page", "Masquer"):
        box = notice.get_by_role("button", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    page.problems[:] = [p for p in page.problems if "502" not in p]
