"""qa14: without JavaScript, a like on a "More rows" batch page that puts a new row above the
card's row still comes back to that page at the row (apps/browse/batches.py)."""

import pytest

from apps.recommendations.services import recommender_train
from tests.browser.conftest import like_first_card
from tests.factories import ProfileFactory, genre_catalogue, genre_history, watch

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_like_on_a_batch_page_comes_back_to_its_row(no_js_page, shot):
    catalogue = genre_catalogue()
    genre_history(catalogue)
    profile = ProfileFactory(name="Plain")
    watch(profile, catalogue["Drama"][:3])
    recommender_train()
    page = no_js_page(profile, height=700)
    page.goto("/")
    # "More rows" until a batch page shows a genre row (a like leaves genre rows in place).
    for _ in range(6):
        page.get_by_role("link", name="More rows").click()
        genre = page.locator("section.row[id^='row-genre-']")
        if genre.count():
            break
    batch_url = page.url
    assert "shown=" in batch_url and "rows=" in batch_url, batch_url

    row_id, title_id = like_first_card(genre.last)

    assert page.url == f"{batch_url}#{row_id}", page.url
    expect(page.locator(f"#{row_id}")).to_be_visible()
    assert page.evaluate("scrollY") > 0
    expect(page.locator(".messages")).to_contain_text("I like this")
    shot(page, "back-at-the-row")
    # The "Because you liked" row the like made comes with the next batch, not lost.
    page.get_by_role("link", name="More rows").click()
    expect(page.locator(f"#row-because-{title_id}")).to_have_count(1)
    expect(page.locator(f"#{row_id}")).to_have_count(0)
