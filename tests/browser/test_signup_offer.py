"""The signed-out call to action end to end: a title page's offer, sign-up, and a checkout
with the first-month coupon already applied; screenshots at laptop and phone width, EN/FR."""

import pytest

from apps.subscriptions import services
from apps.subscriptions.models import Coupon, Subscription
from apps.subscriptions.plan_catalogue import WELCOME_COUPON
from tests.factories import TitleFactory

expect = pytest.importorskip("playwright.sync_api").expect


def _offer():
    from django.core.cache import cache

    services.plans_seed()
    spec = dict(WELCOME_COUPON)
    Coupon.objects.get_or_create(code=spec.pop("code"), defaults=spec)
    cache.clear()
    return TitleFactory(name="Night Harbor", synopsis="Fog and secrets.")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_signs_up_from_the_offer_and_pays_half_the_first_month(page, shot):
    title = _offer()
    page.goto(title.get_absolute_url())
    cta = page.locator(".signup-cta")
    expect(cta).to_contain_text("get 50 % off your first month")
    shot(page, "title-cta-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "title-cta-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    cta.get_by_role("link", name="Create an account").click()
    expect(page.get_by_text("your discount is applied at checkout")).to_be_visible()
    page.fill("input[name=email]", "ada@example.com")
    page.fill("input[name=password]", "a-long-pass-phrase-42")
    page.fill("input[name=profile_name]", "Ada")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".signup-cta")).to_have_count(0)

    page.goto("/account/subscription/checkout/standard/?interval=month")
    expect(page.locator("#due-today")).to_have_text("€6.74")
    expect(page.locator("#coupon-code")).to_have_value("WELCOME50")
    shot(page, "checkout-coupon-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "checkout-coupon-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label("Credit or debit card").check()
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry date (MM/YY)").fill("12/30")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_role("button", name="Pay €6.74").click()
    expect(page).to_have_url("/account/subscription/")
    sub = Subscription.objects.get(user__email="ada@example.com")
    assert sub.status == "active" and sub.period_paid == 674


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_offer_and_the_coupon_in_french(browser, live_server, shot, width):
    from django.test import Client

    from tests.factories import ProfileFactory

    title = _offer()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.goto(title.get_absolute_url())
    expect(page.locator(".signup-cta")).to_be_visible()
    shot(page, f"title-cta-fr-{width}")
    client = Client()
    client.force_login(ProfileFactory().account)
    from django.conf import settings

    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/account/subscription/checkout/standard/?interval=month&coupon=welcome50")
    expect(page.locator("#discount")).to_be_visible()
    shot(page, f"checkout-coupon-fr-{width}")
    context.close()
