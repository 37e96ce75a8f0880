"""Read-only previews and quotes: what a checkout, a plan change, postponing, dropping to Free
or withdrawing would do, computed without writing anything. The services confirm them under
the subscription lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, Subquery
from django.utils.translation import gettext as _

from apps.accounts.timezones import viewer_zone_name
from apps.subscriptions import lifecycle, price_notice, proration, student, withdrawal
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Coupon,
    Interval,
    Payment,
    Plan,
    Subscription,
)
from apps.subscriptions.outcomes import ChangeKind
from apps.subscriptions.schedule import Anchor, BillingState, Charge, upcoming
from apps.subscriptions.selectors.billing import price_lock_for, price_paid_now
from apps.subscriptions.zones import anchor_of, billing_zone

MAX_CATCH_UP = 36  # periods one renewal run may catch up (three years of monthly billing)


# --- Checkout ------------------------------------------------------------------------------------


def checkout_quote(
    *, user, plan: Plan, interval: str, coupon: Coupon | None = None
) -> tuple[int, int]:
    """(amount to charge, credit used) for subscribing to `plan` now (with `coupon`, checked)."""
    sub = Subscription.objects.filter(user=user).only("credit_balance").first()
    credit = sub.credit_balance if sub is not None else 0
    price = plan.amount_for(interval)
    return proration.apply_credit(amount=price - coupon_off(plan, interval, coupon), credit=credit)


@dataclass(frozen=True)
class CheckoutWhen:
    """When a checkout's money is taken: today's payment pays the first period, which starts
    `starts_on` (today, or when the withdrawal period is over); `next_charge` is the first row
    the payment schedule will show once it is bought."""

    starts_on: date  # the viewer's local day
    starts_later: bool
    next_charge: Charge | None


def checkout_when(
    *,
    user,
    plan: Plan,
    interval: str,
    coupon: Coupon | None,
    credit_left: int,
    at: datetime,
    start_now: bool,
) -> CheckoutWhen:
    """The dates a checkout now would give (start now or after the withdrawal period), worked
    out as checkout_pay starts the plan and schedule_for then lists its charges; `credit_left`
    is the account credit the first payment leaves (no query)."""
    zone = viewer_zone_name(user)
    starts = at if start_now else lifecycle.withdrawal_deadline(at, zone)
    anchor = Anchor.from_instant(starts, zone)
    months = INTERVAL_MONTHS[Interval(interval)]
    state = BillingState(
        anchor=anchor,
        interval_months=months,
        amount=plan.amount_for(interval),
        currency=plan.currency,
        plan_label=plan_with_period(plan.name, interval),
        next_offset=months,
        credit=max(0, credit_left),
        view_time_zone=zone,
        **({"discount": coupon.discount_for(months)} if coupon is not None else {}),
    )
    charges = upcoming(state, count=1).charges
    return CheckoutWhen(
        starts_on=anchor.day,
        starts_later=not start_now,
        next_charge=charges[0] if charges else None,
    )


def coupon_off(plan: Plan, interval: str, coupon: Coupon | None) -> int:
    """What `coupon` takes off the first period of `plan` at this interval."""
    if coupon is None:
        return 0
    months = INTERVAL_MONTHS[Interval(interval)]
    return coupon.discount_for(months).off_at(plan.amount_for(interval), 0)


def renewal_target(sub: Subscription) -> tuple[Plan, str, int]:
    """The plan, interval and price of the period starting at `sub.current_period_end`: a
    price rise reaches it only once its notice has run (price_notice.py)."""
    plan = sub.pending_plan or sub.plan
    interval = sub.pending_interval or sub.interval
    price = plan.amount_for(interval)
    # A switch at the period end to a plan whose price rose since keeps it like a rise of
    # the plan one is on (billing._switch).
    lock = price_lock_for(sub, plan=plan, interval=interval)
    if lock is not None:
        price = price_notice.price_due(
            plan_price=price, kept=lock.amount, until=lock.until, due_at=sub.current_period_end
        )
    return plan, interval, price


# --- Student status ------------------------------------------------------------------------------


def student_lapsed(sub: Subscription, *, plan: Plan, day) -> bool:
    """Would a charge for `plan` on local date `day` be at a student price without a
    confirmed student status?"""
    return plan.requires_verification and student.lapsed(sub.verified_until, charge_day=day)


def student_plan_ends_on(sub: Subscription):
    """The local date the Student plan ends if nobody confirms: the first period boundary
    after the confirmed date (None if it is not a running Student plan)."""
    if not (sub.is_paid and sub.plan.requires_verification and sub.anchor_date):
        return None
    anchor = anchor_of(sub)
    offset = sub.period_offset + sub.interval_months
    for _n in range(MAX_CATCH_UP):
        day = anchor.date_at(offset)
        if student.lapsed(sub.verified_until, charge_day=day):
            return day
        offset += sub.interval_months
    return None


# --- Changing plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangePreview:
    kind: ChangeKind
    plan: Plan
    interval: str
    charge_now: int  # before credit
    pay_now: int  # after credit
    credit_used: int
    new_price: int
    currency: str
    effective_at: datetime


def change_preview(*, sub: Subscription, plan: Plan, interval: str, at: datetime) -> ChangePreview:
    """What changing to `plan`/`interval` does: upgrade now (prorated) or change at period end."""
    if sub.status != State.ACTIVE:
        raise ValidationError(_("Plans can be changed while your subscription is active."))
    if plan.is_free or not plan.is_active:
        raise ValidationError(_("Choose one of the paid plans."))
    if interval not in Interval.values:
        raise ValidationError(_("Choose monthly or yearly billing."))
    if (
        interval != Interval.MONTH
        and interval != sub.interval
        and sub.postpone_offset is not None
        and not sub.postponed_carried
    ):
        # The postponed charge is a monthly one; a yearly charge in its place would move a
        # whole year's price (and leave nothing to collect on the postponed date).
        raise ValidationError(
            _(
                "Your next monthly payment is postponed. You can switch to yearly billing "
                "once that payment date has passed."
            ),
            code="postponed",
        )
    new_price = plan.amount_for(interval)
    # What they pay now decides, not the list price: a subscriber keeping their price after
    # a rise pays the whole difference from that price when moving up.
    old_price = price_paid_now(sub)
    if plan.pk == sub.plan_id and interval == sub.interval:
        kind = ChangeKind.SAME
    elif interval == sub.interval and new_price > old_price:
        kind = ChangeKind.UPGRADE
    else:
        kind = ChangeKind.SCHEDULED
        members = sub.memberships.count()
        if members + 1 > plan.max_accounts:
            raise ValidationError(
                _("%(plan)s is for %(n)d account(s). Remove members before switching.")
                % {"plan": plan.name, "n": plan.max_accounts}
            )
    charge = 0
    effective = sub.current_period_end
    if kind == ChangeKind.UPGRADE:
        # A coupon running in this period discounts both prices (an amount off can make them
        # equal: then the rest of the period costs nothing more).
        discount = sub.discount
        old_here = discount.price_at(old_price, sub.period_offset)
        new_here = discount.price_at(new_price, sub.period_offset)
        if new_here > old_here:
            charge = proration.upgrade_charge(
                old_amount=old_here,
                new_amount=new_here,
                period_start=sub.current_period_start,
                period_end=sub.current_period_end,
                at=at,
            )
        effective = at
    pay_now, credit_used = proration.apply_credit(amount=charge, credit=sub.credit_balance)
    return ChangePreview(
        kind=kind,
        plan=plan,
        interval=interval,
        charge_now=charge,
        pay_now=pay_now,
        credit_used=credit_used,
        new_price=new_price,
        currency=plan.currency,
        effective_at=effective,
    )


def postpone_decision(
    *, sub: Subscription, at: datetime, recent: list[datetime] | None = None
) -> lifecycle.Decision:
    """May the next payment be postponed? `recent` (postponements within POSTPONE_WINDOW) saves
    a query when the caller has them. The NEXT charge decides: after a scheduled switch to
    yearly it is the first yearly one, which is never postponed."""
    if recent is None:
        since = at - lifecycle.POSTPONE_WINDOW
        recent = [p.created_at for p in sub.postponements.filter(created_at__gt=since)]
    _plan, interval, _price = renewal_target(sub) if sub.is_paid else (None, sub.interval, 0)
    return lifecycle.can_postpone(
        sub.status,
        postponed_at=recent,
        now=at,
        pending=sub.postpone_offset is not None,
        interval_months=INTERVAL_MONTHS[Interval(interval)],
        time_zone=billing_zone(sub) if sub.anchor_date else viewer_zone_name(sub.user),
    )


def free_preview(*, sub: Subscription, at: datetime) -> proration.Settlement:
    if sub.status == State.PAST_DUE or not sub.is_paid:
        return proration.Settlement(kept=0, credit=0, due=0)
    return proration.settle(
        value=sub.period_value,
        paid=sub.period_paid,
        period_start=sub.current_period_start,
        period_end=sub.current_period_end,
        at=at,
    )


@dataclass(frozen=True)
class WithdrawalPreview:
    decision: lifecycle.Decision
    deadline: datetime | None  # the first instant after the period
    paid: int
    kept: int
    refunded: int
    currency: str
    started: bool
    last_day: date | None = None  # the last day to withdraw, as the contract gave it
    credit_paid: int = 0  # account credit that paid for the contract, besides `paid`
    credit_back: int = 0  # of which returned to the account's credit (the rest paid days used)


def withdrawal_preview(*, sub: Subscription, at: datetime) -> WithdrawalPreview:
    """The right of withdrawal of the running contract; `deadline` is the first instant after
    it (local midnight after the last day), so "until" shows the last day."""
    # The contract's zone (checkout stores it as the billing zone); the account's zone now.
    zone, viewer = billing_zone(sub), viewer_zone_name(sub.user)
    decision = lifecycle.can_withdraw(
        sub.status, concluded_at=sub.concluded_at, now=at, time_zone=zone, viewer_zone=viewer
    )
    deadline = last_day = None
    if sub.concluded_at:
        deadline = lifecycle.withdrawal_deadline(sub.concluded_at, zone, viewer)
        last_day = lifecycle.withdrawal_last_day(sub.concluded_at, zone)
    if not decision.ok:
        return WithdrawalPreview(decision, deadline, 0, 0, 0, sub.currency, False, last_day)
    payments = withdrawable_payments(sub)
    paid = sum(p.amount - p.refunded_amount for p in payments)
    split = withdrawal.settle_payments([_withdrawal_part(sub, p, at) for p in payments])
    started = sub.starts_at is not None and sub.starts_at <= at
    return WithdrawalPreview(
        decision,
        deadline,
        paid,
        split.kept,
        split.refunded,
        sub.currency,
        started,
        last_day,
        credit_paid=sum(p.credit_applied for p in payments),
        credit_back=split.credit_back,
    )


def _withdrawal_part(
    sub: Subscription, payment: Payment, at: datetime
) -> tuple[int, int, int, int]:
    """(amount, credit, seconds used, seconds paid for) of one payment: an upgrade paid for
    the time from the upgrade to the period end, the first payment for the whole period.
    Nothing is used before the plan starts."""
    start = max(payment.period_start or sub.current_period_start, sub.current_period_start)
    end = payment.period_end or sub.current_period_end
    used, _remaining, total = proration.period_split(period_start=start, period_end=end, at=at)
    return payment.amount - payment.refunded_amount, payment.credit_applied, used, total


def withdrawable_payments(sub: Subscription) -> list[Payment]:
    """The payments of the running contract: its first payment (made when the viewer pressed
    Pay, which may be before the bank confirmed it and the contract was concluded) and every
    payment since; one paid wholly with account credit too (its credit is not lost)."""
    first = (
        Payment.objects.filter(
            subscription=sub, kind=Payment.Kind.INITIAL, status=Payment.Status.SUCCEEDED
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return list(
        Payment.objects.filter(
            Q(amount__gt=0) | Q(credit_applied__gt=0),
            subscription=sub,
            status=Payment.Status.SUCCEEDED,
            created_at__gte=Subquery(first),
        )
        .select_related("invoice", "payment_method")
        .order_by("-created_at", "-pk")
    )
