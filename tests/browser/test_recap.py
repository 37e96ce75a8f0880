"""Issue 15 in a real browser: a viewer opens "Your year", pages through the cards with the
keyboard, shares some of them, and the public share page shows the card's image."""

from datetime import UTC, datetime

import pytest

from apps.core import clock
from apps.recap.models import RecapShare
from tests.factories import ProfileFactory
from tests.recap.conftest import make_catalogue, write_log

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)


def test_page_through_the_year_and_share_a_card(page, sign_in, shot, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    profile = ProfileFactory(name="Morgan", account__time_zone="Europe/Paris")
    write_log(profile, make_catalogue())
    sign_in(profile)
    page.goto("/year/")

    position = page.locator("[data-recap-position]")
    expect(position).to_have_text("1 of 9")
    expect(page.get_by_role("heading", name="Your year on Streamfront", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Minutes watched")).to_be_hidden()
    shot(page, "recap-first-card")

    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("2 of 9")
    expect(page.get_by_role("region", name="Minutes watched")).to_be_visible()
    expect(page.get_by_role("region", name="Your year on Streamfront")).to_be_hidden()
    page.keyboard.press(" ")
    expect(position).to_have_text("3 of 9")
    expect(page.get_by_role("heading", name="Your top titles")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text("2 of 9")
    animation = "() => getComputedStyle(document.querySelector('#card-minutes')).animationName"
    assert page.evaluate(animation) == "recap-in"
    page.emulate_media(reduced_motion="reduce")  # the viewer asked for less motion: none
    assert page.evaluate(animation) == "none"
    page.keyboard.press("End")
    expect(position).to_have_text("9 of 9")
    expect(page.get_by_role("button", name="Next")).to_be_disabled()

    # Share only the minutes card.
    for box in page.locator("input[name=cards]").all():
        box.set_checked(box.get_attribute("value") == "minutes")
    page.get_by_role("button", name="Create a share link").click()
    expect(page.get_by_text("Your link is ready")).to_be_visible()
    share = RecapShare.objects.get()
    assert share.cards == ["minutes"]

    page.goto(f"/year/shared/{share.token}/")
    expect(page.get_by_role("heading", name="Minutes watched")).to_be_visible()
    expect(page.get_by_text("Your top titles")).to_have_count(0)
    image = page.locator(".recap-page__preview img")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 1200 && img.naturalHeight === 630",
        arg=image.element_handle(),
    )
    shot(page, "recap-shared")
