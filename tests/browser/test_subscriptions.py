"""Subscriptions end to end: a declined card, subscribing with 4242, the schedule, postponing,
switching to Free and the credit; the bank challenge of the 3220 card."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.core import services as clock_services
from apps.demo import billing as demo_billing
from apps.subscriptions import services
from apps.subscriptions.models import Subscription
from tests.factories import ProfileFactory, genre_catalogue

expect = pytest.importorskip("playwright.sync_api").expect
PARIS = ZoneInfo("Europe/Paris")


def _set_clock():
    today = datetime.now(PARIS).date()
    clock_services.clock_set(at=datetime(today.year, today.month, today.day, 10, 0, tzinfo=PARIS))


def _admin_session(page, live_server, admin_user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _fill_card(page, number):
    page.get_by_label("Credit or debit card").check()
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry date (MM/YY)").fill("12/30")
    page.get_by_label("Security code (CVC)").fill("123")


@pytest.mark.django_db(transaction=True)
def test_subscribe_see_the_schedule_postpone_and_switch_to_free(page, shot, sign_in):
    services.plans_seed()
    _set_clock()
    profile = ProfileFactory(name="Ada")
    sign_in(profile)

    page.goto("/account/subscription/")
    expect(page.get_by_text("Free: one screen at a time, in SD.")).to_be_visible()
    shot(page, "free")
    page.get_by_role("link", name="See plans").first.click()
    expect(page).to_have_url(re.compile(r"/account/subscription/plans/"))
    shot(page, "plans")
    page.get_by_role("link", name="Yearly").click()
    expect(page.locator("#plan-choice")).to_contain_text("€134.90")
    page.get_by_role("link", name="Monthly").click()
    expect(page.locator("#plan-choice")).to_contain_text("€13.49")
    page.get_by_role("link", name="Choose Standard").click()
    expect(page).to_have_url(re.compile(r"/checkout/standard/"))
    shot(page, "checkout")

    # A declined card: a clear error, nothing charged, no subscription.
    _fill_card(page, "4000 0000 0000 0002")
    page.get_by_label(re.compile("Start my plan now")).check()
    shot(page, "checkout-filled")
    page.get_by_role("button", name=re.compile(r"Pay €13\.49")).click()
    expect(page.get_by_role("alert").first).to_contain_text("Your card was declined")
    shot(page, "declined")
    assert not Subscription.objects.filter(user=profile.account, status="active").exists()

    # The good card.
    _fill_card(page, "4242 4242 4242 4242")
    page.get_by_label(re.compile("Start my plan now")).check()
    page.get_by_role("button", name=re.compile(r"Pay €13\.49")).click()
    expect(page).to_have_url(re.compile(r"/account/subscription/$"))
    expect(page.get_by_text("Welcome to Standard!")).to_be_visible()
    expect(page.locator(".sub-hero")).to_contain_text("Next payment")
    shot(page, "subscribed")
    sub = Subscription.objects.get(user=profile.account)
    assert sub.status == "active"

    page.get_by_role("link", name="Payment schedule").first.click()
    rows = page.locator(".sub-schedule__row")
    expect(rows).to_have_count(12)
    first_amounts = rows.locator("td:nth-child(2) strong").all_inner_texts()[:2]
    assert first_amounts == ["€13.49", "€13.49"]
    shot(page, "schedule")

    # Postpone: the preview shows the new schedule, then the schedule page shows it.
    page.goto("/account/subscription/")
    page.get_by_role("link", name="Postpone", exact=True).click()
    expect(page.locator("table.sub-compare")).to_contain_text("€26.98")
    shot(page, "postpone-preview")
    page.get_by_role("button", name="Postpone my next payment").click()
    expect(page).to_have_url(re.compile(r"/schedule/$"))
    expect(page.get_by_text("Your next payment is postponed.")).to_be_visible()
    amounts = rows.locator("td:nth-child(2) strong").all_inner_texts()[:3]
    assert amounts == ["€0.00", "€26.98", "€13.49"]
    expect(rows.first).to_contain_text("Postponed to")
    shot(page, "schedule-postponed")

    # Switch to Free: the unused part of the period becomes credit, shown on the page.
    page.goto("/account/subscription/")
    page.get_by_role("link", name="Switch to Free").click()
    expect(page.get_by_text("becomes account credit")).to_be_visible()
    shot(page, "free-preview")
    page.get_by_role("button", name="Switch to Free now").click()
    expect(page).to_have_url(re.compile(r"/account/subscription/$"))
    credit = page.locator(".sub-credit")
    expect(credit).to_contain_text("Account credit")
    expect(credit).to_contain_text("€13.4")  # a few seconds used: €13.48 or €13.49
    shot(page, "credit")
    assert Subscription.objects.get(user=profile.account).credit_balance > 1300

    documents = page.get_by_role("link", name=re.compile("2026-|2027-|2028-|2029-"))
    documents.first.click()  # the newest: the credit note for the unused days (QA 7 §10)
    expect(page.locator(".invoice")).to_contain_text("to your account credit")
    expect(page.locator(".invoice")).to_contain_text("Credited to your account credit")
    shot(page, "credit-note")
    page.go_back()
    documents.last.click()
    expect(page.locator(".invoice")).to_contain_text("Subscription")
    shot(page, "invoice")


@pytest.mark.django_db(transaction=True)
def test_a_card_that_needs_the_bank_shows_the_challenge(page, shot, sign_in):
    services.plans_seed()
    _set_clock()
    profile = ProfileFactory(name="Grace")
    sign_in(profile)
    page.goto("/account/subscription/checkout/premium/?interval=year")
    _fill_card(page, "4000 0000 0000 3220")
    page.get_by_role("button", name=re.compile(r"Pay €199\.90")).click()
    expect(page).to_have_url(re.compile(r"/payments/\d+/confirm/$"))
    expect(page.get_by_role("heading", name="Confirm this payment")).to_be_visible()
    shot(page, "bank-challenge")
    page.get_by_role("button", name="Approve payment").click()
    expect(page.get_by_text("Your bank approved the payment.")).to_be_visible()
    expect(page.locator(".sub-hero")).to_contain_text("Premium")
    # Without "start now" the plan waits out the withdrawal period; the page says so.
    expect(page.locator(".sub-hero")).to_contain_text("Starts on")
    expect(page.locator(".sub-right")).to_contain_text("Your plan has not started")
    shot(page, "premium-not-started")


@pytest.mark.django_db(transaction=True)
def test_billing_pages_in_other_states(page, shot, sign_in, admin_user, live_server):
    """An overdue renewal, a scheduled cancellation, sharing, methods, invoices, the upgrade
    preview and the admin chart: each page renders cleanly (and QA gets a picture of it)."""
    services.plans_seed()
    _set_clock()
    overdue = ProfileFactory(name="Olu")
    demo_billing.demo_subscription(
        user=overdue.account, plan_code="standard", months=3, then="past_due"
    )
    sign_in(overdue)
    page.goto("/account/subscription/")
    expect(page.get_by_role("heading", name="Your last payment did not go through")).to_be_visible()
    shot(page, "past-due")
    page.goto("/search/")
    expect(page.locator(".site-alert")).to_contain_text("Your last payment failed")
    page.get_by_role("link", name="Update payment").click()
    expect(page.locator(".pay-choice__declined")).to_contain_text("declined on")
    expect(page.locator("input[name=method]:checked")).to_have_count(0)
    shot(page, "pay-now")
    page.goto("/account/subscription/payment-methods/")
    expect(page.locator(".sub-method")).to_have_count(2)
    shot(page, "payment-methods")
    page.goto("/account/subscription/invoices/")
    expect(page.locator("tbody tr")).to_have_count(3)
    shot(page, "invoices")

    owner = ProfileFactory(name="Rivera")
    demo_billing.demo_subscription(user=owner.account, plan_code="family", months=2, then="cancel")
    demo_billing.demo_share(owner=owner.account, member=ProfileFactory().account)
    # Leave first: the old page's unload beacons go out with its own cookies (cleared
    # under them, they were refused 403 and the browser logged it).
    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in(owner)
    page.goto("/account/subscription/")
    expect(page.locator(".sub-hero")).to_contain_text("Cancels at period end")
    shot(page, "cancel-scheduled")
    page.goto("/account/subscription/members/")
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    shot(page, "members")

    basic = ProfileFactory(name="Bea")
    demo_billing.demo_subscription(user=basic.account, plan_code="basic", months=1)
    # Leave first: the old page's unload beacons go out with its own cookies (cleared
    # under them, they were refused 403 and the browser logged it).
    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in(basic)
    page.goto("/account/subscription/change/premium/")
    expect(page.locator("#charge-now")).to_contain_text("€")
    shot(page, "upgrade-preview")
    page.goto("/account/subscription/cancel/")
    shot(page, "cancel")

    # Leave first: the old page's unload beacons go out with its own cookies (cleared

    # under them, they were refused 403 and the browser logged it).

    page.goto("about:blank")

    page.context.clear_cookies()
    _admin_session(page, live_server, admin_user)
    page.goto("/admin/subscriptions/subscription/chart/?days=90")
    expect(page.locator("svg.admin-chart:visible")).to_have_count(2)
    shot(page, "admin-chart")


@pytest.mark.django_db(transaction=True)
def test_the_past_due_banner_button_works_on_the_homepage(page, sign_in):
    """The homepage hero slides up under the header; it covered the banner's "Update payment"
    there (a click landed on the hero), on the page a lapsed viewer opens first."""
    from apps.core import clock
    from apps.recommendations.services import candidates_refresh
    from apps.tracking.services import EventData, track_many
    from tests.factories import ArtworkVariantFactory, genre_history

    services.plans_seed()
    _set_clock()
    world = genre_catalogue(n_per_genre=10, genres=("Crime", "Drama"))
    genre_history(world, viewers_per_genre=5)
    for title in world["Crime"]:
        ArtworkVariantFactory(title=title)
    overdue = ProfileFactory(name="Jo")
    track_many(
        EventData(
            name="play_completed",
            profile_id=overdue.pk,
            occurred_at=clock.now(),
            properties={"title_id": t.pk},
        )
        for t in world["Crime"][:3]
    )
    candidates_refresh(profile=overdue)
    demo_billing.demo_subscription(
        user=overdue.account, plan_code="standard", months=3, then="past_due"
    )
    # The posters are fake paths: answer them with nothing rather than a 404 in the console.
    page.route("**/media/**", lambda route: route.fulfill(status=204))
    sign_in(overdue)
    page.goto("/")
    expect(page.locator(".hero")).to_be_visible()
    page.locator(".site-alert").get_by_role("link", name="Update payment").click(timeout=3_000)
    expect(page).to_have_url(re.compile(r"/account/subscription/pay-now/$"))


_LINES = """cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return tops.size;
}"""


@pytest.mark.django_db(transaction=True)
def test_invoices_on_a_phone_are_cards_whose_number_and_date_each_take_one_line(page, sign_in):
    """At 390 px the five-column table broke the number at its hyphen ("2026-" / "000014")
    and the date over two lines; each invoice is now a card. The desktop keeps the table."""
    services.plans_seed()
    _set_clock()
    lapsed = ProfileFactory(name="Jordan")
    demo_billing.demo_subscription(
        user=lapsed.account, plan_code="standard", months=3, then="past_due"
    )
    sign_in(lapsed)
    page.set_viewport_size({"width": 390, "height": 844})
    for language in ("en", "fr"):
        page.set_extra_http_headers({"Accept-Language": language})
        page.goto("/account/subscription/invoices/")
        rows = page.locator(".panel table tbody tr")
        expect(rows).to_have_count(3)
        for i in range(3):
            cells = rows.nth(i).locator("td")
            number, date, kind, total, pdf = (cells.nth(n) for n in range(5))
            assert number.evaluate(_LINES) == 1, number.inner_text()
            assert date.evaluate(_LINES) == 1, date.inner_text()
            for cell in (kind, total, pdf):
                assert cell.evaluate(_LINES) == 1, cell.inner_text()
            assert re.fullmatch(r"\d{4}-\d{6}", number.inner_text().strip())
        assert page.locator(".panel table thead").bounding_box()["height"] <= 1  # for readers
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page does not pan sideways"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/account/subscription/invoices/")
    assert page.locator(".panel table thead").bounding_box()["height"] > 20  # the table's headings
