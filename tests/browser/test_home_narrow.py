"""QA11: "fewer, shorter rows on a phone" went by the User-Agent only; a desktop browser in a
phone-wide window says its width (Client Hints, asked by the homepage) and gets them too."""

import pytest

from apps.browse.rows import LAYOUTS
from apps.recommendations.services import recommender_train
from tests.factories import ProfileFactory, genre_catalogue, genre_history, watch

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_a_phone_wide_desktop_window_gets_a_phones_rows(page, sign_in, shot):
    catalogue = genre_catalogue()
    genre_history(catalogue)
    profile = ProfileFactory(name="Narrow")
    watch(profile, catalogue["Drama"][:3])
    recommender_train()
    sign_in(profile)
    hints = []
    page.on(
        "request",
        lambda r: (
            r.resource_type == "document" and hints.append(r.headers.get("sec-ch-viewport-width"))
        ),
    )

    def longest_row():
        page.goto("/")
        expect(page.locator("section.row").first).to_be_visible()
        return max(
            page.locator("section.row").nth(i).locator(".card").count()
            for i in range(page.locator("section.row").count())
        )

    wide = longest_row()
    page.set_viewport_size({"width": 390, "height": 844})
    narrow = longest_row()
    shot(page, "narrow-home")
    assert "390" in hints, hints  # the browser said how wide it is
    assert narrow <= LAYOUTS["phone"].row_length < wide
    assert page.problems == []
