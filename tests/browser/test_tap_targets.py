"""Tap targets on a phone (QA8, 390 x 844, French and English alike): a card's buttons were
27 px, the header's search link 28, the bell 30 x 28, the language select 26 px tall, small
buttons (Sign out, Save time zone, Remind me, Previous / Next) 28 px, the billing tabs 29 and the
notification checkboxes 18. Every control a thumb aims at is now at least 40 x 40 px (WCAG
2.5.8 asks 24; the title page's thumbs were already 41), and a card's neighbouring buttons
do not overlap."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.core import clock
from tests.factories import (
    EpisodeFactory,
    ProfileFactory,
    SeasonFactory,
    TitleFactory,
    genre_catalogue,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.django_db(transaction=True)

SMALLEST = 39.5  # 40 px, less a rounding of the browser's layout

# The boxes a tap lands in: each visible control matching `sel`.
_BOXES = """sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility()).map(e => {
  const b = e.getBoundingClientRect();
  const name = e.getAttribute('aria-label') || e.textContent.trim().replace(/\\s+/g, ' ');
  return {name: name.slice(0, 40), cls: e.className, left: b.left, right: b.right,
          top: b.top, bottom: b.bottom, width: b.width, height: b.height};
})"""


def _too_small(page, selector: str, *, at_least: int = 1) -> list[str]:
    boxes = page.evaluate(_BOXES, selector)
    assert len(boxes) >= at_least, f"{selector}: {len(boxes)} found"
    return [
        f"{box['name'] or box['cls']} {box['width']:.0f}x{box['height']:.0f}"
        for box in boxes
        if box["width"] < SMALLEST or box["height"] < SMALLEST
    ]


def _viewer():
    from apps.demo import billing as demo_billing
    from apps.playback import services as playback
    from apps.subscriptions import services as subscriptions

    genre_catalogue(n_per_genre=12, genres=("Comedy", "Horror"))
    subscriptions.plans_seed()
    profile = ProfileFactory(name="Marie")
    demo_billing.demo_subscription(user=profile.account, plan_code="standard", months=1)
    film = TitleFactory(name="Harbour Lights", runtime_minutes=100)
    playback.progress_report(
        profile=profile,
        title=film,
        episode=None,
        position=1200,
        report_id="report-1",
        seq=1,
        explicit_seek=False,
        session_id="session-one",
    )
    season = SeasonFactory(title__name="Tide Turns", title__maturity="13")
    EpisodeFactory(season=season, number=1, name="Already Out")
    EpisodeFactory(
        season=season, number=2, name="Still To Come", available_from=clock.now() + timedelta(3)
    )
    return profile


def test_every_control_is_a_40_px_tap_on_a_phone(page, sign_in, shot):
    sign_in(_viewer())
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/")
    expect(page.locator("summary.bell__button")).to_be_visible()  # the bell loads after the page
    expect(page.locator("#row-continue .continue__remove")).to_be_visible()
    shot(page, "home")
    small = _too_small(page, ".site-search, summary.bell__button, .site-menu__toggle", at_least=3)
    small += _too_small(page, "#main .card__actions .icon-btn", at_least=8)
    small += _too_small(page, "#main .continue__remove")
    page.locator(".site-menu__toggle").click()
    menu = "#lang-select, .site-menu__account > a, .site-menu__account .link-button"
    small += _too_small(page, menu, at_least=3)
    page.locator(".site-menu__toggle").click()
    # A card's buttons stay on its poster and their boxes do not overlap one another.
    for card in page.locator("#main .card").all()[:6]:
        box = card.bounding_box()
        buttons = card.locator(".icon-btn").evaluate_all(
            "es => es.map(e => e.getBoundingClientRect().toJSON())"
        )
        for i, one in enumerate(buttons):
            assert box["x"] - 1 <= one["left"] and one["right"] <= box["x"] + box["width"] + 1
            for other in buttons[i + 1 :]:
                overlap_x = min(one["right"], other["right"]) - max(one["left"], other["left"])
                overlap_y = min(one["bottom"], other["bottom"]) - max(one["top"], other["top"])
                assert overlap_x <= 0.5 or overlap_y <= 0.5, (one, other)

    page.locator("#row-continue .card__link").focus()  # the actions show as on a touch screen
    shot(page, "card-actions")
    page.goto("/new/")
    small += _too_small(page, "#main .remind-btn")
    page.goto("/account/")
    shot(page, "account")
    small += _too_small(page, "#main button, #main .btn, #main select", at_least=3)
    page.goto("/account/notifications/")
    shot(page, "notifications")
    small += _too_small(page, ".notify-grid .switch", at_least=4)
    assert page.evaluate("() => document.documentElement.scrollWidth - innerWidth") <= 0
    page.goto("/account/subscription/")
    shot(page, "billing")
    small += _too_small(page, ".sub-nav a", at_least=6)
    tabs = page.evaluate(_BOXES, ".sub-nav a")  # side by side, each its whole name, none on another
    for one, after in zip(tabs, tabs[1:], strict=False):
        assert one["right"] <= after["left"], (one, after)
    assert small == [], small
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0


def test_the_year_pages_previous_and_next_are_40_px_taps_on_a_phone_only(
    page, sign_in, monkeypatch
):
    from tests.recap.conftest import make_catalogue, write_log

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    profile = ProfileFactory(name="Morgan", account__time_zone="Europe/Paris")
    write_log(profile, make_catalogue())
    sign_in(profile)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/year/")
    expect(page.locator("[data-recap-next]")).to_be_visible()
    assert _too_small(page, "[data-recap-prev], [data-recap-next]", at_least=2) == []
    # A mouse on a laptop keeps the compact buttons it had.
    page.set_viewport_size({"width": 1366, "height": 800})
    height = page.locator("[data-recap-next]").bounding_box()["height"]
    assert height < SMALLEST, height
