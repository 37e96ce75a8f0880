"""QA3's keyboard-only pass: where focus goes (and what is said) after "More rows", after Undo,
in the player's full screen, on Escape in "Why this row?", and when search is emptied."""

import pytest

from apps.recommendations.services import recommender_train
from tests.factories import ProfileFactory, genre_catalogue, genre_history, watch

expect = pytest.importorskip("playwright.sync_api").expect

FOCUSED_CARD_ROW = """() => {
  const el = document.activeElement;
  const row = el && el.closest('section.row');
  return el && el.classList.contains('card__link') && row ? row.id : null;
}"""


@pytest.mark.django_db(transaction=True)
def test_enter_on_more_rows_loads_them_in_place_and_focuses_the_first_new_card(page, sign_in, shot):
    catalogue = genre_catalogue(n_per_genre=14)
    genre_history(catalogue, viewers_per_genre=8)
    profile = ProfileFactory(name="Morgan")
    watch(profile, catalogue["Drama"][:3])
    recommender_train()
    sign_in(profile)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto("/")
    more = page.locator(".rows__more a")
    expect(more).to_have_count(1)
    rows_before = page.locator("section.row").count()
    last_row = page.locator("section.row").last.get_attribute("id")
    url = page.url

    # Keyboard only: focus on the link (not scrolled into view first), Enter.
    more.evaluate("a => a.focus({preventScroll: true})")
    page.keyboard.press("Enter")

    page.wait_for_function(
        "n => document.querySelectorAll('section.row').length > n", arg=rows_before
    )
    page.wait_for_function(FOCUSED_CARD_ROW)
    assert page.url == url  # loaded in place, not a new page
    focused_row = page.evaluate(FOCUSED_CARD_ROW)
    first_new = page.evaluate("id => document.getElementById(id).nextElementSibling.id", last_row)
    assert focused_row == first_new
    added = page.locator("section.row").count() - rows_before
    expect(page.locator("#a11y-status")).to_have_text(f"More rows loaded: {added}.")
    shot(page, "more-rows-focused")
