"""The header on a phone (qa): one row (brand, Menu, search, bell, avatar) whose Menu opens the
links, the language and Account / Sign out without JavaScript; the demo bar on one line. At
390 px the nav strip cut "Your ra…", Account and Sign out took a third row, the demo bar three
lines, and the hero started 150-180 px down."""

from datetime import UTC, datetime

import pytest

from apps.core import services as clock_services
from tests.factories import ProfileFactory, genre_catalogue

expect = pytest.importorskip("playwright.sync_api").expect

# One header row (about 53 px) under a one-line demo bar (about 25 px) puts the hero at 78 px
# in both languages; the old three-row header and three-line bar put it at 149-180 px. 110 px
# leaves room for a font's metrics, not for a second header row (about 40 px more).
HERO_TOP_BOUND = 110

_BOXES = """sel => [...document.querySelectorAll(sel)].map(e => {
  const b = e.getBoundingClientRect();
  return {text: e.textContent.trim(), left: b.left, right: b.right, top: b.top,
          bottom: b.bottom, clipped: e.scrollWidth > e.clientWidth};
})"""


def _signed_in_home(page, sign_in, width):
    genre_catalogue(n_per_genre=12, genres=("Comedy", "Horror"))
    # The demo clock set: the demo bar at its longest (it then wrapped onto three lines).
    clock_services.clock_set(at=datetime(2026, 12, 18, 20, 30, tzinfo=UTC))
    sign_in(ProfileFactory(name="Noa"))
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/")
    expect(page.locator("#main section.row").first).to_be_visible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 390])
def test_a_phone_header_is_one_row_and_its_menu_shows_every_link_whole(page, sign_in, width):
    _signed_in_home(page, sign_in, width)
    for language in ("English", "Français"):
        if language == "Français":
            page.locator(".site-menu__toggle").click()
            page.select_option("#lang-select", "fr")
            expect(page.locator("html")).to_have_attribute("lang", "fr")
        menu = page.locator(".site-menu")
        expect(menu).not_to_have_attribute("open", "")
        expect(page.locator(".site-nav a").first).to_be_hidden()

        row = page.evaluate(
            _BOXES, ".site-header .brand, .site-menu__toggle, .site-search, .site-tools .avatar"
        )
        assert len(row) == 4
        brand = row[0]
        for item in row[1:]:
            assert item["top"] < brand["bottom"], f"{language}: {item} below the brand's row"
            assert item["right"] <= width, f"{language}: {item} past the screen's edge"
        bar = page.evaluate(_BOXES, ".demo-bar > *:not(.demo-bar__clock > *)")
        assert len({round(b["top"]) for b in bar if b["right"] > b["left"]}) == 1, (
            f"{language}: the demo bar takes more than one line: {bar}"
        )
        # The page's first block (the hero when the profile has one, else the first row).
        first = page.locator("#main > :first-child").bounding_box()["y"]
        assert first <= HERO_TOP_BOUND, f"{language}: the page starts at {first} px"

        page.locator(".site-menu__toggle").click()
        expect(menu).to_have_attribute("open", "")
        links = page.evaluate(_BOXES, ".site-nav a, .site-menu__account a, .site-menu button")
        assert len(links) == 8
        for link in links:
            assert not link["clipped"], f"{language}: {link['text']} is cut"
            assert link["left"] >= 0 and link["right"] <= width, f"{language}: {link} off screen"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{language}: the page is {overflow}px wider than the phone"
        page.locator(".site-menu__toggle").click()
        expect(menu).not_to_have_attribute("open", "")


@pytest.mark.django_db(transaction=True)
def test_the_phone_menu_opens_from_the_keyboard_and_its_links_follow_it(page, sign_in):
    _signed_in_home(page, sign_in, 390)
    page.locator(".site-header .brand").focus()
    page.keyboard.press("Tab")
    expect(page.locator(".site-menu__toggle")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".site-menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Home", exact=True)).to_be_focused()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows where the keyboard is"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 1920])
def test_a_wide_screen_keeps_the_links_in_the_header_row_without_a_menu_button(
    page, sign_in, width
):
    _signed_in_home(page, sign_in, width)
    expect(page.locator(".site-menu__toggle")).to_be_hidden()
    expect(page.locator(".site-search")).to_be_hidden()
    # In the order they show, left to right (the page's own order differs: the menu is first).
    row = [
        box
        for selector in (
            ".site-header .brand",
            ".site-nav a",
            ".lang-form",
            ".site-menu__account > a",
            ".site-menu__account button",
            ".site-tools .avatar",
        )
        for box in page.evaluate(_BOXES, selector)
    ]
    assert len(row) == 11
    brand = row[0]
    for item in row[1:]:
        assert item["top"] < brand["bottom"] and not item["clipped"], f"{item} left the row"
    assert [item["left"] for item in row] == sorted(item["left"] for item in row), (
        "brand, links, language, Account, Sign out, avatar, left to right"
    )
    # Tab goes the way the eye does (it went from Sign out back left to the bell and avatar).
    page.locator(".site-header .brand").focus()
    lefts = []
    for _ in range(12):
        page.keyboard.press("Tab")
        if not page.evaluate("() => !!document.activeElement.closest('.site-header')"):
            break
        lefts.append(page.evaluate("() => document.activeElement.getBoundingClientRect().left"))
    assert len(lefts) >= 10 and lefts == sorted(lefts), lefts


@pytest.mark.django_db(transaction=True)
def test_the_phone_menu_closes_on_escape_on_tabbing_past_it_and_on_a_tap_elsewhere(page, sign_in):
    """QA14 #2: Escape and focus leaving left the open Menu over the page (the bell closed)."""
    _signed_in_home(page, sign_in, 390)
    menu, toggle = page.locator(".site-menu"), page.locator(".site-menu__toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Home", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()

    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Tab")  # past the menu's last item, to the header's search
    expect(page.locator(".site-search")).to_be_focused()
    expect(menu).not_to_have_attribute("open", "")

    toggle.click()
    expect(menu).to_have_attribute("open", "")
    page.mouse.click(195, 820)  # below the open panel, on the page
    expect(menu).not_to_have_attribute("open", "")


@pytest.mark.django_db(transaction=True)
def test_escape_on_a_wide_screen_leaves_the_header_links_in_place(page, sign_in):
    _signed_in_home(page, sign_in, 1366)
    home = page.get_by_role("link", name="Home", exact=True)
    home.focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="New & Popular")).to_be_focused()
    expect(home).to_be_visible()
