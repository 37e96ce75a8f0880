"""Browsing the homepage like a remote: one tab stop per row, arrows move between cards and
rows, Enter opens, and screen readers hear each row's and card's place."""

import re

import pytest

from apps.recommendations.services import recommender_train
from tests.factories import ProfileFactory, genre_catalogue, genre_history

expect = pytest.importorskip("playwright.sync_api").expect


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const row = el.closest('section.row');
          const item = el.closest('[role=listitem]');
          const rows = Array.from(document.querySelectorAll('section.row'));
          return {
            row: row ? rows.indexOf(row) : -1,
            item: item ? Array.from(item.parentElement.children).indexOf(item) : -1,
            isCard: el.classList.contains('card__link'),
            name: el.getAttribute('aria-label') || el.textContent.trim(),
          };
        }"""
    )


@pytest.mark.django_db(transaction=True)
def test_arrows_move_focus_and_each_row_is_one_tab_stop(page, sign_in, shot):
    world = genre_catalogue(n_per_genre=14)
    genre_history(world, viewers_per_genre=8)
    recommender_train()
    profile = ProfileFactory(name="Remote")
    sign_in(profile)
    page.goto("/")
    rows = page.locator("section.row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2

    # One tab stop per row: of everything focusable in a row's cards, one card link is in the
    # tab order; the scroll arrows are for the mouse.
    stops = page.evaluate(
        """() => Array.from(document.querySelectorAll('section.row')).map(row => {
          const inTrack = row.querySelectorAll('.track a[href], .track button');
          const tabbable = Array.from(inTrack).filter(el => el.tabIndex >= 0);
          const arrows = Array.from(row.querySelectorAll('.row__arrow'))
            .filter(b => b.tabIndex >= 0);
          return [inTrack.length, tabbable.length, arrows.length];
        })"""
    )
    for total, tabbable, arrows in stops:
        assert total > 5 and tabbable == 1 and arrows == 0, stops

    # Screen readers: "Row 1 of N, <heading>" and each card's place in its row.
    first_heading = rows.first.locator("h2").inner_text()
    label = rows.first.locator(".track").get_attribute("aria-label")
    assert re.fullmatch(rf"Row 1 of \d+, {re.escape(first_heading)}", label), label
    second_item = rows.first.locator("[role=listitem]").nth(1)
    assert second_item.get_attribute("aria-posinset") == "2"
    assert second_item.get_attribute("aria-setsize") == str(
        rows.first.locator("[role=listitem]").count()
    )

    rows.first.locator(".card__link").first.focus()
    start = _focused(page)
    assert (start["row"], start["item"], start["isCard"]) == (0, 0, True)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert (_focused(page)["row"], _focused(page)["item"]) == (0, 2)
    page.keyboard.press("ArrowDown")
    assert (_focused(page)["row"], _focused(page)["item"]) == (1, 0)
    page.keyboard.press("ArrowUp")  # back to where row 1 was left
    assert (_focused(page)["row"], _focused(page)["item"]) == (0, 2)
    # The row remembers its card: it is now row 1's one tab stop.
    assert rows.first.locator('.card__link[tabindex="0"]').count() == 1
    assert rows.first.locator(".card__link").nth(2).get_attribute("tabindex") == "0"
    shot(page, "focus-on-third-card")

    # Tab leaves the row after the focused card's own buttons, never through its other cards.
    for _ in range(12):
        page.keyboard.press("Tab")
        now = _focused(page)
        if now["row"] != 0:
            break
        assert now["item"] in (2, -1), now  # the card's buttons, or the next row's heading
    assert now["row"] == 1

    # Enter opens the focused card.
    rows.nth(1).locator('.card__link[tabindex="0"]').focus()
    target = rows.nth(1).locator('.card__link[tabindex="0"]').get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))


@pytest.mark.django_db(transaction=True)
def test_tabbing_from_the_top_reaches_a_rows_why_then_its_cards(page, sign_in):
    """What the guide's "Browsing like a remote" flow says: Tab past the header and the hero
    to the first row, whose "Why this row?" comes first; one Tab more reaches its cards."""
    world = genre_catalogue(n_per_genre=14)
    genre_history(world, viewers_per_genre=8)
    recommender_train()
    sign_in(ProfileFactory(name="Remote"))
    page.goto("/")
    expect(page.locator("section.row").first).to_be_visible()
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused(page)["row"] >= 0:
            break
    first = _focused(page)
    assert first["row"] == 0 and not first["isCard"] and first["name"] == "Why this row?", first
    page.keyboard.press("Tab")
    card = _focused(page)
    assert (card["row"], card["item"], card["isCard"]) == (0, 0, True), card
