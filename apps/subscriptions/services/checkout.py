"""Checkout: pay for a plan and start it, including the bank's challenge page."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.subscriptions import gateway, lifecycle, proration
from apps.subscriptions.lifecycle import Event
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Checkout,
    Interval,
    Membership,
    Payment,
    PaymentMethod,
    Plan,
    Subscription,
)
from apps.subscriptions.schedule import Anchor
from apps.subscriptions.selectors.billing import schedule_for
from apps.subscriptions.selectors.quotes import coupon_off
from apps.subscriptions.services.core import (
    STUDENT_CONFIRMATION_MONTHS,
    AmountChanged,
    _charge,
    _coupon_extra,
    _forget_method,
    _payment_get_or_create,
    _receipt,
    _record_change,
    _subscription_locked,
    _track,
    _use_credit,
)
from apps.subscriptions.services.coupons import _coupon_redeem, _coupon_release, coupon_check
from apps.subscriptions.services.invoices import _issue_invoice
from apps.subscriptions.services.payment_methods import PaymentSource, _resolve_source


def new_checkout_key() -> str:
    return secrets.token_urlsafe(24)


def checkout_started(*, user, plan: Plan, interval: str, amount: int, at: datetime | None = None):
    """Record that the viewer opened the checkout for a plan (`checkout_started`, with the
    amount in minor units, the currency and the plan), once per plan, interval and hour: a
    reload is not a second checkout. Engagement's abandoned-checkout campaign reads it."""
    at = at or clock.now()
    if plan.is_free or interval not in Interval.values:
        return
    stamp = at.strftime("%Y%m%d%H")
    _track(
        user,
        "checkout_started",
        {"amount": amount, "currency": plan.currency, "plan": plan.code, "interval": interval},
        client_id=f"co-{user.pk}-{plan.pk}-{interval}-{stamp}",
        at=at,
    )


def checkout_pay(
    *,
    user,
    plan: Plan,
    interval: str,
    source: PaymentSource,
    start_now: bool,
    key: str,
    expected_amount: int | None = None,
    coupon_code: str = "",
    at: datetime | None = None,
    receipt: bool = True,
) -> Checkout:
    """Pay for a plan and start it; the same `key` always yields the same single checkout.

    `receipt=False` sends no confirmation e-mail: for history written after the fact (the
    demo's seed and Restore lay out months-old subscriptions; their viewers bought nothing now).

    A `coupon_code` that cannot be used raises a ValidationError saying why, before anything
    is charged. Returns the checkout: succeeded (subscription active), requires_action (the
    bank wants the viewer to confirm on the challenge page) or failed (nothing charged, no
    subscription). The checkout of a key already used is returned with `repeated` set: the
    second of two identical submits, however close, is told what the first did rather than
    welcomed again (QA9: two truly simultaneous Pays showed "Welcome to Standard!" twice).
    """
    at = at or clock.now()
    if plan.is_free or not plan.is_active:
        raise ValidationError(_("Choose one of the paid plans."))
    if interval not in Interval.values:
        raise ValidationError(_("Choose monthly or yearly billing."))
    if not key or len(key) > 64:
        raise ValidationError(_("This form has expired. Reload the page and try again."))
    with transaction.atomic():
        existing = Checkout.objects.filter(key=key).select_related("payment").first()
        if existing is not None:
            return _same_user(existing, user)
        sub = _subscription_locked(user)
        # Another submission with this key may have won while we waited for the lock.
        existing = Checkout.objects.filter(key=key).select_related("payment").first()
        if existing is not None:
            return _same_user(existing, user)
        coupon = coupon_check(code=coupon_code, user=user, plan=plan, at=at, interval=interval)
        discount = coupon_off(plan, interval, coupon)
        gross = plan.amount_for(interval) - discount
        amount, credit_used = proration.apply_credit(amount=gross, credit=sub.credit_balance)
        if expected_amount is not None and expected_amount != amount:
            raise AmountChanged(amount)
        checkout = Checkout.objects.create(
            user=user,
            key=key,
            plan=plan,
            interval=interval,
            amount=amount,
            currency=plan.currency,
            start_now=bool(start_now),
            coupon=coupon,
            discount=discount,
            created_at=at,
        )
        if sub.is_paid:
            checkout.status, checkout.failure_code = Checkout.Status.FAILED, "already_subscribed"
            checkout.save(update_fields=["status", "failure_code"])
            return checkout
        if coupon is not None:
            _coupon_redeem(coupon=coupon, user=user, checkout=checkout, at=at)
        method = _resolve_source(user, source, at)
        payment, _created = _payment_get_or_create(
            f"checkout:{key}",
            user=user,
            subscription=sub,
            kind=Payment.Kind.INITIAL,
            plan=plan,
            interval=interval,
            amount=amount,
            credit_applied=credit_used,
            discount=discount,
            currency=plan.currency,
            payment_method=method,
            created_at=at,
        )
        _charge(payment, off_session=False)
        checkout.payment, checkout.payment_method = payment, method
        if payment.status == Payment.Status.SUCCEEDED:
            checkout.status = Checkout.Status.SUCCEEDED
            _start_paid(sub, checkout=checkout, payment=payment, at=at, receipt=receipt)
        elif payment.status == Payment.Status.REQUIRES_ACTION:
            checkout.status = Checkout.Status.REQUIRES_ACTION
        else:
            checkout.status, checkout.failure_code = Checkout.Status.FAILED, payment.failure_code
            _coupon_release(checkout)
            if not isinstance(source, PaymentMethod):
                _forget_method(method, at=at)  # a card that just failed is not kept on file
            _track(user, "payment_failed", {"kind": "initial", "code": payment.failure_code})
        checkout.save(update_fields=["payment", "payment_method", "status", "failure_code"])
    return checkout


def _same_user(checkout: Checkout, user) -> Checkout:
    """The checkout an earlier submit of the same form made, marked `repeated`."""
    if checkout.user_id != user.pk:
        raise ValidationError(_("This form has expired. Reload the page and try again."))
    checkout.repeated = True
    return checkout


def _start_paid(
    sub: Subscription, *, checkout: Checkout, payment: Payment, at: datetime, receipt: bool = True
) -> None:
    """Turn a successful first payment into a running subscription."""
    plan, interval = checkout.plan, checkout.interval
    zone = viewer_zone_name(sub.user)
    # The contract is concluded now (for a card the bank had to confirm: at the confirmation).
    # Without an express request to start at once, paid access waits out the withdrawal
    # period (EU consumer law); every new subscription is a new contract with that right.
    starts = at if checkout.start_now else lifecycle.withdrawal_deadline(at, zone)
    anchor = Anchor.from_instant(starts, zone)
    months = INTERVAL_MONTHS[Interval(interval)]
    _start, end = anchor.period(0, months)
    # The period starts at the payment itself: inside a repeated (fall-back) hour the anchor's
    # wall time reads as its first occurrence, which may be an hour before the payment.
    start = starts
    sub.status = lifecycle.transition(sub.status, Event.SUBSCRIBE)
    sub.plan, sub.interval, sub.currency = plan, interval, plan.currency
    sub.anchor_date, sub.anchor_time, sub.period_offset = anchor.day, anchor.at, 0
    sub.billing_time_zone = zone
    sub.ends_when_paid = False
    sub.current_period_start, sub.current_period_end, sub.starts_at = start, end, starts
    sub.period_value = sub.period_paid = payment.gross
    sub.pending_plan, sub.pending_interval = None, ""
    sub.postpone_offset = sub.postponed_carried = None
    sub.overdue_amount, sub.past_due_since, sub.retry_count, sub.next_retry_at = 0, None, 0, None
    sub.payment_method = checkout.payment_method
    sub.start_now = checkout.start_now
    sub.concluded_at = at
    sub.paid_subscriptions += 1
    coupon = checkout.coupon
    sub.coupon = coupon
    terms = coupon.discount_for(months) if coupon is not None else None
    sub.discount_percent = terms.percent_off if terms else 0
    sub.discount_amount = terms.amount_off if terms else 0
    sub.discount_until_offset = terms.until_offset if terms else 0
    Membership.objects.filter(user=sub.user).delete()  # own plan now: leave any shared one
    if plan.requires_verification and not (
        sub.verified_until and sub.verified_until >= anchor.date_at(months)
    ):
        sub.verified_until = anchor.date_at(STUDENT_CONFIRMATION_MONTHS)
    _use_credit(sub, payment.credit_applied, payment=payment, at=at)
    sub.save()
    payment.period_start, payment.period_end, payment.period_offset = start, end, 0
    payment.save(update_fields=["period_start", "period_end", "period_offset"])
    invoice = _issue_invoice(payment, at=at)
    zone = viewer_zone_name(sub.user)
    if receipt:
        # When the next payment is taken: the first row of the schedule the plan page shows.
        schedule = schedule_for(sub, count=24)
        upcoming = schedule.charges[:1]
        # Paid in full by a coupon: the e-mail names the first payment actually taken.
        first_paid = schedule.next_charge if payment.amount == 0 and payment.discount else None
        _receipt(
            sub,
            kind="started",
            documents=[invoice] if invoice is not None else [],
            amount=payment.amount,
            at=at,
            # The contract confirmation: when it starts and until when it can be withdrawn from.
            extra={
                "start_now": checkout.start_now,
                # What the account credit paid, besides the amount charged (said when any).
                **({"credit_amount": payment.credit_applied} if payment.credit_applied else {}),
                **_coupon_extra(sub, payment),
                "starts_on": starts.astimezone(ZoneInfo(zone)).date(),
                "withdraw_until": lifecycle.withdrawal_last_day(at, zone),
                **(
                    {
                        "next_charge_on": upcoming[0].local_date,
                        "next_amount": upcoming[0].amount,
                    }
                    if upcoming
                    else {}
                ),
                **(
                    {"first_paid_on": first_paid.local_date, "first_amount": first_paid.amount}
                    if first_paid is not None
                    else {}
                ),
            },
        )
    _record_change(sub, "subscribed", at)
    _track(
        sub.user,
        "subscription_started",
        {
            "plan": plan.code,
            "interval": interval,
            "start_now": checkout.start_now,
            **({"coupon": coupon.code} if coupon is not None else {}),
        },
    )


def payment_confirm(*, user, payment_id: int, approve: bool, at: datetime | None = None) -> Payment:
    """The viewer's answer on the bank's challenge page; answering twice changes nothing."""
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("payment_method", "plan")
            .filter(pk=payment_id, user=user)
            .first()
        )
        if payment is None:
            raise Payment.DoesNotExist
        if payment.status != Payment.Status.REQUIRES_ACTION:
            return payment
        checkout = Checkout.objects.select_related("plan", "payment_method").get(payment=payment)
        if approve and sub.is_paid:
            # Another tab paid meanwhile: never confirm a second charge for the same plan.
            payment.status, payment.failure_code = Payment.Status.FAILED, "superseded"
            payment.save(update_fields=["status", "failure_code"])
            checkout.status, checkout.failure_code = Checkout.Status.FAILED, "superseded"
            checkout.save(update_fields=["status", "failure_code"])
            _coupon_release(checkout)
            return payment
        result = gateway.get_gateway().confirm(
            reference=payment.gateway_reference, token=payment.payment_method.token, approve=approve
        )
        if result.succeeded:
            payment.status = Payment.Status.SUCCEEDED
            payment.save(update_fields=["status"])
            checkout.status = Checkout.Status.SUCCEEDED
            checkout.save(update_fields=["status"])
            _start_paid(sub, checkout=checkout, payment=payment, at=at)
        else:
            payment.status, payment.failure_code = Payment.Status.FAILED, result.decline_code
            payment.save(update_fields=["status", "failure_code"])
            checkout.status, checkout.failure_code = Checkout.Status.FAILED, result.decline_code
            checkout.save(update_fields=["status", "failure_code"])
            _coupon_release(checkout)
            method = payment.payment_method
            if method is not None and method.created_at == checkout.created_at:
                _forget_method(method, at=at)
            _track(user, "payment_failed", {"kind": "initial", "code": result.decline_code})
    return payment
