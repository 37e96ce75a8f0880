"""The sign-up offer the call to action names: the seeded welcome coupon, if it can be used."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from apps.core import clock
from apps.subscriptions.models import Coupon
from apps.subscriptions.plan_catalogue import WELCOME_COUPON

OFFER_CACHE_KEY = "subscriptions:signup-offer"
OFFER_CACHE_SECONDS = 60  # an admin's edit shows within a minute


@dataclass(frozen=True)
class Offer:
    code: str
    percent_off: int
    amount_off: int
    currency: str
    periods: int


def signup_offer() -> Offer | None:
    """The welcome coupon while it is active, unexpired and not used up (else None, and the
    call to action offers only the newsletter). Cached briefly: it is on every signed-out
    title, genre and search page; a dead cache costs one query."""
    cached = cache.get(OFFER_CACHE_KEY)
    if cached is not None:
        return cached or None
    coupon = Coupon.objects.filter(code=WELCOME_COUPON["code"], is_active=True).first()
    offer = None
    usable = coupon is not None and (
        (coupon.expires_at is None or coupon.expires_at > clock.now())
        and (coupon.max_redemptions is None or coupon.times_redeemed < coupon.max_redemptions)
    )
    if usable:
        offer = Offer(
            coupon.code, coupon.percent_off, coupon.amount_off, coupon.currency, coupon.periods
        )
    cache.set(OFFER_CACHE_KEY, offer or False, OFFER_CACHE_SECONDS)
    return offer
