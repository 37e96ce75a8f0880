"""Search as you type and the browser's history (QA16 #1): Back after a live search opened the
suggestions' bare fragment (the box pushed its address), and typing slowly left an entry per
pause."""

import re

import pytest

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
    page.wait_for_function("path => window.settled.some(u => u.endsWith(path))", arg=path)


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
