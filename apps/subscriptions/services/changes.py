"""Changing plan (an upgrade now, prorated, or a change at the period end) and postponing a
payment.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import clock
from apps.core.dates import long_date
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Interval,
    Invoice,
    Payment,
    Plan,
    Postponement,
    PriceLock,
    Subscription,
)
from apps.subscriptions.outcomes import ChangeKind
from apps.subscriptions.selectors.billing import price_locks_changed
from apps.subscriptions.selectors.quotes import (
    ChangePreview,
    change_preview,
    postpone_decision,
    renewal_target,
)
from apps.subscriptions.services.core import (
    AmountChanged,
    PaymentFailed,
    _collect,
    _receipt,
    _record_change,
    _subscription_locked,
    _track,
)
from apps.subscriptions.zones import anchor_of


def subscription_change(
    *,
    user,
    plan: Plan,
    interval: str,
    expected_amount: int,
    from_plan_id: int,
    nonce: str,
    at: datetime | None = None,
) -> ChangePreview:
    """Confirm a previewed change. An upgrade charges exactly the previewed amount at once (if
    time moved it, AmountChanged asks to confirm again); anything else waits for the period end."""
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        if sub.plan_id != from_plan_id:
            raise ValidationError(_("Your plan changed in the meantime. Here is where it stands."))
        preview = change_preview(sub=sub, plan=plan, interval=interval, at=at)
        if preview.kind == ChangeKind.SAME:
            if sub.pending_plan_id:
                sub.pending_plan, sub.pending_interval = None, ""
                sub.save(update_fields=["pending_plan", "pending_interval", "updated_at"])
                _drop_switch_prices(sub)
            return preview
        if preview.kind == ChangeKind.SCHEDULED:
            sub.pending_plan, sub.pending_interval = plan, interval
            sub.save(update_fields=["pending_plan", "pending_interval", "updated_at"])
            _drop_switch_prices(sub)
            _record_change(sub, "change_scheduled", at)
            _track(user, "plan_change_scheduled", {"plan": plan.code, "interval": interval})
            return preview
        if preview.pay_now != expected_amount:
            raise AmountChanged(preview.pay_now)
        # The same credit rule as the preview, under the same lock: what is charged is what
        # the viewer was shown (checked just above).
        payment = _collect(
            sub,
            f"upgrade:{sub.pk}:{sub.period_offset}:{sub.plan.code}:{plan.code}:{nonce[:32]}",
            gross=preview.charge_now,
            at=at,
            kind=Payment.Kind.UPGRADE,
            plan=plan,
            interval=interval,
            currency=plan.currency,
            period_start=at,
            period_end=sub.current_period_end,
            period_offset=sub.period_offset,
        )
        if payment.status != Payment.Status.SUCCEEDED:
            failure = PaymentFailed(payment.failure_code or "card_declined")
        else:
            failure = None
            sub.plan = plan
            sub.period_value += preview.charge_now
            sub.period_paid += preview.charge_now
            sub.pending_plan, sub.pending_interval = None, ""
            sub.save()
            _drop_switch_prices(sub, keep_current=False)
            _record_change(sub, "upgraded", at)
            invoice = Invoice.objects.filter(payment=payment).first()
            _receipt(
                sub,
                kind="upgrade",
                documents=[invoice] if invoice is not None else [],
                amount=payment.amount,
                at=at,
                extra={"credit_amount": payment.credit_applied} if payment.credit_applied else {},
            )
            _track(user, "plan_upgraded", {"plan": plan.code, "charged": preview.pay_now})
    if failure is not None:
        raise failure
    return preview


@transaction.atomic
def pending_change_cancel(*, user) -> Subscription:
    sub = _subscription_locked(user)
    sub.pending_plan, sub.pending_interval = None, ""
    sub.save(update_fields=["pending_plan", "pending_interval", "updated_at"])
    _drop_switch_prices(sub)
    return sub


def _drop_switch_prices(sub: Subscription, *, keep_current: bool = True) -> None:
    """A plan chosen now is at the price shown now: forget prices kept on any other plan or
    period (the current one's stays while they remain on it; an upgrade charged list prices)."""
    locks = PriceLock.objects.filter(subscription=sub)
    if keep_current:
        locks = locks.exclude(plan=sub.plan, interval=sub.interval)
    locks.delete()
    price_locks_changed(sub)


# --- Postponing ----------------------------------------------------------------------------------


POSTPONE_MESSAGES = {
    "past_due": lambda: _("A payment is overdue: it cannot be postponed. Pay it first."),
    "not_active": lambda: _("Only an active paid subscription has a payment to postpone."),
    "already_postponed": lambda: _("Your next payment is already postponed."),
    "once_a_year": lambda: _("You can postpone a payment once in twelve months."),
    "yearly": lambda: _("Only monthly payments can be postponed by a month."),
}


def subscription_postpone(*, user, at: datetime | None = None) -> Postponement:
    """Move the next payment one period later, collected with that date's charge."""
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        decision = postpone_decision(sub=sub, at=at)
        if not decision.ok and sub.status == State.CANCEL_SCHEDULED and sub.anchor_date:
            # The plan runs on, it just has no next payment (QA17: a stale Postpone tab read
            # as "you have no plan").
            ends = anchor_of(sub).date_at(sub.period_offset + sub.interval_months)
            message = _("Your plan ends on %(date)s: there is no next payment to postpone.")
            raise ValidationError(message % {"date": long_date(ends)}, code=decision.reason)
        if not decision.ok:
            raise ValidationError(POSTPONE_MESSAGES[decision.reason](), code=decision.reason)
        anchor = anchor_of(sub)
        offset = sub.period_offset + sub.interval_months
        _plan, interval, price = renewal_target(sub)
        sub.postpone_offset, sub.postponed_carried = offset, None
        sub.save(update_fields=["postpone_offset", "postponed_carried", "updated_at"])
        postponement = Postponement.objects.create(
            subscription=sub,
            period_offset=offset,
            skipped_on=anchor.date_at(offset),
            collected_on=anchor.date_at(offset + INTERVAL_MONTHS[Interval(interval)]),
            amount=price,
            created_at=at,
        )
        _record_change(sub, "postponed", at)
        _track(user, "payment_postponed", {"skipped_on": postponement.skipped_on.isoformat()})
    return postponement
