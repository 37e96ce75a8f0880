"""Coupons at checkout: checking a code, redeeming it under its limit, releasing it when the
payment does not go through."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from apps.subscriptions.models import Checkout, Coupon, CouponRedemption, Plan


def normalize_code(code: str | None) -> str:
    return (code or "").strip().upper()[:40]


def coupon_check(*, code: str, user, plan: Plan, at: datetime, interval: str = "") -> Coupon | None:
    """The coupon `code` names if this account may use it now (None for an empty code).

    Raises a ValidationError whose message says what is wrong: unknown, expired, used up,
    already used by this account, or not for this plan's currency.
    """
    code = normalize_code(code)
    if not code:
        return None
    coupon = Coupon.objects.filter(code=code).first()
    if coupon is None or not coupon.is_active:
        raise ValidationError(_("We don't know the code %(code)s.") % {"code": code}, "unknown")
    if coupon.expires_at is not None and coupon.expires_at <= at:
        raise ValidationError(_("The code %(code)s has expired.") % {"code": code}, "expired")
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise ValidationError(_("The code %(code)s has been used up.") % {"code": code}, "used_up")
    if user is not None and CouponRedemption.objects.filter(coupon=coupon, user=user).exists():
        raise ValidationError(
            _("You have already used the code %(code)s.") % {"code": code}, "already_used"
        )
    if coupon.amount_off and coupon.currency != plan.currency:
        raise ValidationError(
            _("The code %(code)s is not valid for this plan.") % {"code": code}, "currency"
        )
    if coupon.interval and interval and coupon.interval != interval:
        message = (
            _("The code %(code)s is for monthly billing.")
            if coupon.interval == "month"
            else _("The code %(code)s is for yearly billing.")
        )
        raise ValidationError(message % {"code": code}, "interval")
    return coupon


def _coupon_redeem(*, coupon: Coupon, user, checkout: Checkout, at: datetime) -> None:
    """Take one redemption (inside the checkout's transaction).

    A conditional UPDATE under the limit: of two checkouts racing for the last redemption one
    updates a row and the other updates none (the row lock makes the second re-check the
    limit), so the count never passes the limit.
    """
    taken = Coupon.objects.filter(
        Q(max_redemptions__isnull=True) | Q(times_redeemed__lt=F("max_redemptions")),
        pk=coupon.pk,
        is_active=True,
    ).update(times_redeemed=F("times_redeemed") + 1)
    if not taken:
        raise ValidationError(
            _("The code %(code)s has been used up.") % {"code": coupon.code}, "used_up"
        )
    try:
        with transaction.atomic():
            CouponRedemption.objects.create(
                coupon=coupon, user=user, checkout=checkout, created_at=at
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already used the code %(code)s.") % {"code": coupon.code}, "already_used"
        ) from None


def _coupon_release(checkout: Checkout) -> None:
    """The payment failed: the redemption is given back (the account may use the code again)."""
    if checkout.coupon_id is None:
        return
    deleted, _rows = CouponRedemption.objects.filter(checkout=checkout).delete()
    if deleted:
        Coupon.objects.filter(pk=checkout.coupon_id, times_redeemed__gt=0).update(
            times_redeemed=F("times_redeemed") - 1
        )
