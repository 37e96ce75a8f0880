"""A keyboard and a screen reader on a card's actions: Tab reaches My list, Enter adds the title,
focus stays on the button (not dropped onto the page), and the result is announced."""

import pytest

from apps.browse.models import MyListEntry
from tests.factories import ProfileFactory, TitleFactory, genre_catalogue

expect = pytest.importorskip("playwright.sync_api").expect


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const card = el.closest('.card');
          return {
            cls: el.className,
            pressed: el.getAttribute('aria-pressed'),
            text: el.textContent.trim(),
            title: card && card.querySelector('.card__name').textContent,
          };
        }"""
    )


def _focus_settles(page, cls: str, pressed: str) -> dict:
    """The focused element once it is the swapped-in button (htmx's swap, the announcement and
    the focus move land a few milliseconds apart; under load the announcement can come first)."""
    page.wait_for_function(
        """([cls, pressed]) => {
          const el = document.activeElement;
          return el && el.classList.contains(cls) && el.getAttribute('aria-pressed') === pressed;
        }""",
        arg=[cls, pressed],
        timeout=10_000,
    )
    return _focused(page)


@pytest.mark.django_db(transaction=True)
def test_tab_to_my_list_and_press_enter_keeps_focus_and_announces(page, sign_in, shot):
    genre_catalogue(n_per_genre=6, genres=("Horror", "Comedy"))
    profile = ProfileFactory(name="Keys")
    sign_in(profile)
    page.goto("/")
    row = page.locator("section.row").first
    expect(row).to_be_visible()
    status = page.locator("#a11y-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_be_empty()

    row.locator(".card__link").first.focus()
    name = _focused(page)["title"]
    page.keyboard.press("Tab")  # the card's own buttons join the tab order while it has focus
    before = _focused(page)
    assert "my-list-btn" in before["cls"] and before["pressed"] == "false", before
    assert f"Add {name} to My list" in before["text"]

    page.keyboard.press("Enter")
    expect(status).to_have_text(f"Added “{name}” to My list.")
    after = _focus_settles(page, "my-list-btn", "true")
    # Focus is on the new button of the same card, which now says it removes.
    assert "my-list-btn" in after["cls"] and after["pressed"] == "true", after
    assert after["title"] == name and f"Remove {name} from My list" in after["text"]
    assert MyListEntry.objects.filter(profile=profile, title__name=name).exists()
    shot(page, "my-list-by-keyboard")

    page.keyboard.press("Space")  # and back, still without leaving the button
    expect(status).to_have_text(f"Removed “{name}” from My list.")
    assert _focus_settles(page, "my-list-btn", "false")["title"] == name
    assert not MyListEntry.objects.filter(profile=profile, title__name=name).exists()

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past "Not for me" to "I like this"
    assert "thumbs__btn--up" in _focused(page)["cls"]
    page.keyboard.press("Enter")
    expect(status).to_have_text(f"Rated “{name}”: I like this.")
    assert _focus_settles(page, "thumbs__btn--up", "true")["title"] == name


@pytest.mark.django_db(transaction=True)
def test_search_announces_the_count_as_the_viewer_types(page, sign_in):
    TitleFactory(name="Lantern Bay")
    TitleFactory(name="Lantern Keeper")
    TitleFactory(name="Salt Roads")
    sign_in(ProfileFactory(name="Finder"))
    page.goto("/search/")
    page.get_by_label("Titles, people, genres, moods").press_sequentially("lantern", delay=30)
    expect(page.locator("#a11y-status")).to_have_text("2 results for “lantern”")
    expect(page.get_by_label("Titles, people, genres, moods")).to_be_focused()
