"""qa14: without JavaScript, a like on a "More rows" batch page that puts a new row above the
card's row still comes back to that page at the row (apps/browse/batches.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.recommendations.services import recommender_train
from apps.tracking.services import EventData, track_many
from tests.factories import ProfileFactory, genre_catalogue, genre_history

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_like_on_a_batch_page_comes_back_to_its_row(
    browser, live_server, shot
):
    from tests.browser.conftest import consent_cookie, session_cookie

    catalogue = genre_catalogue()
    genre_history(catalogue)
    profile = ProfileFactory(name="Plain")
    start = timezone.now() - timedelta(days=2)
    track_many(
        EventData(
            name="play_completed",
            profile_id=profile.pk,
            occurred_at=start + timedelta(hours=i),
            properties={"title_id": title.pk},
        )
        for i, title in enumerate(catalogue["Drama"][:3])
    )
    recommender_train()
    context = browser.new_context(
        viewport={"width": 1280, "height": 700},
        base_url=live_server.url,
        java_script_enabled=False,
    )
    context.add_cookies([consent_cookie(live_server.url), session_cookie(profile, live_server.url)])
    page = context.new_page()
    try:
        page.goto("/")
        # "More rows" until a batch page shows a genre row (a like leaves genre rows in place).
        for _ in range(6):
            page.get_by_role("link", name="More rows").click()
            genre = page.locator("section.row[id^='row-genre-']")
            if genre.count():
                break
        batch_url = page.url
        assert "shown=" in batch_url and "rows=" in batch_url, batch_url
        row = genre.last
        row_id = row.get_attribute("id")
        thumb = row.locator(".thumbs__btn--up").first
        title_id = re.search(r"/ratings/(\d+)/", thumb.get_attribute("formaction")).group(1)

        thumb.click()

        assert page.url == f"{batch_url}#{row_id}", page.url
        expect(page.locator(f"#{row_id}")).to_be_visible()
        assert page.evaluate("scrollY") > 0
        expect(page.locator(".messages")).to_contain_text("I like this")
        shot(page, "back-at-the-row")
        # The "Because you liked" row the like made comes with the next batch, not lost.
        page.get_by_role("link", name="More rows").click()
        expect(page.locator(f"#row-because-{title_id}")).to_have_count(1)
        expect(page.locator(f"#{row_id}")).to_have_count(0)
    finally:
        context.close()
