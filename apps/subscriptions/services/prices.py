"""A plan's price changed in the admin: what its subscribers pay, and what they are told."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from apps.accounts.language import speaking_to
from apps.core import clock
from apps.core.dates import long_date
from apps.subscriptions import price_notice
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Interval, Plan, PriceLock, Subscription
from apps.subscriptions.money import format_money
from apps.subscriptions.selectors.billing import (
    price_lock_for,
    price_lock_notice,
    price_locks_changed,
    schedule_for,
)
from apps.subscriptions.services.core import _notice


def plan_prices_changed(
    *, plan: Plan, old_monthly: int, old_yearly: int, at: datetime | None = None
) -> int:
    """After an admin changed `plan`'s prices: each subscriber whose price rises keeps the
    price they pay for the payments due in the next NOTICE_DAYS and is e-mailed the new price
    with the date of its first payment; a cut applies at once. Returns how many were told.

    Subscribers switching to `plan` at their period end count as its subscribers: they chose
    it at the old price, and a switch a few days away would otherwise be a rise without notice.
    """
    at = at or clock.now()
    told = 0
    subs = (
        Subscription.objects.filter(Q(plan=plan) | Q(pending_plan=plan))
        .filter(status__in=(State.ACTIVE, State.CANCEL_SCHEDULED, State.PAST_DUE))
        .select_related("user", "plan", "pending_plan")
    )
    for sub in subs:
        if not sub.is_paid:
            continue
        if sub.pending_plan_id == plan.pk:
            interval, switching = sub.pending_interval or sub.interval, True
        else:
            interval, switching = sub.interval, False
        new = plan.amount_for(interval)
        old = old_yearly if interval == Interval.YEAR else old_monthly
        lock = price_lock_for(sub, plan=plan, interval=interval)
        paying = lock.amount if lock is not None and at < lock.until else old
        if new <= paying:
            # A cut: at once.
            PriceLock.objects.filter(subscription=sub, plan=plan, interval=interval).delete()
            price_locks_changed(sub)
            continue
        with transaction.atomic(), speaking_to(sub.user):
            PriceLock.objects.update_or_create(
                subscription=sub,
                plan=plan,
                interval=interval,
                defaults={
                    "amount": paying,
                    "until": price_notice.kept_until(at),
                    "created_at": at,
                },
            )
            price_locks_changed(sub)
            if sub.status == State.CANCEL_SCHEDULED:
                continue  # no payment coming; resuming shows the new price in the schedule
            if not switching and sub.pending_plan_id is not None:
                continue  # leaving this plan at the period end: no payment at its price
            told += _tell(sub, plan=plan, interval=interval, paying=paying, new=new, at=at)
    return told


def price_rise_told_on_resume(*, sub: Subscription, at: datetime) -> bool:
    """A subscriber who had cancelled when their plan's price rose was not e-mailed (no payment
    was coming); undoing the cancellation brings the payments back, so they are told now, once
    (QA9: they only saw the "New price" row)."""
    lock = price_lock_for(sub)
    new = sub.plan.amount_for(sub.interval)
    if lock is None or lock.amount >= new or price_lock_notice(lock) is not None:
        return False
    with speaking_to(sub.user):
        return _tell(
            sub,
            plan=sub.plan,
            interval=sub.interval,
            paying=lock.amount,
            new=new,
            at=at,
            announced_at=lock.created_at,
        )


def _tell(
    sub: Subscription,
    *,
    plan: Plan,
    interval: str,
    paying: int,
    new: int,
    at: datetime,
    announced_at: datetime | None = None,
) -> bool:
    """E-mail the rise with the date of the first payment at the new price (keyed by the
    instant the rise was saved, so the admin finds the notice beside the kept price)."""
    charges = schedule_for(sub, count=24).charges
    # The first payment at the new price: after the kept ones, or the next one when it is due
    # after the notice anyway.
    first = next(
        (c for c in charges if any(r.code == "price_change" for r in c.reasons)),
        None,
    )
    # Payments before it stay at the old price (none when it is the next payment).
    kept = first is not None and first is not charges[0]
    first = first or next((c for c in charges if c.gross >= new), None)
    switch_day = None
    if sub.pending_plan_id == plan.pk:
        # Not on it yet: the e-mail says when they move to it.
        switch_day = next(
            (c.local_date for c in charges if any(r.code == "plan_change" for r in c.reasons)),
            None,
        )
    return _notice(
        sub,
        key=price_notice.notice_key(
            subscription_id=sub.pk,
            plan_id=plan.pk,
            interval=interval,
            new=new,
            at=announced_at or at,
        ),
        kind="price_change",
        context={
            "plan": plan.name,
            "old": format_money(paying, plan.currency),
            "new": format_money(new, plan.currency),
            "date": long_date(first.local_date, "l j F Y") if first else "",
            "kept": kept,
            "switch_date": long_date(switch_day, "l j F Y") if switch_day else "",
        },
        at=at,
    )
