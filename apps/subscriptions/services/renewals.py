"""Renewals and retries: each period boundary charged once, dunning after a decline (retries
1, 3 and 7 local days later), and the viewer paying an overdue renewal now.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.language import speaking_to
from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.subscriptions import lifecycle
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.lifecycle import Event, State
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Interval,
    Invoice,
    Payment,
    PaymentMethod,
    Plan,
    PriceLock,
    Subscription,
)
from apps.subscriptions.money import format_money
from apps.subscriptions.outcomes import RenewalOutcome, RetryOutcome
from apps.subscriptions.selectors.billing import price_locks_changed
from apps.subscriptions.selectors.quotes import MAX_CATCH_UP, renewal_target, student_lapsed
from apps.subscriptions.services.core import (
    PaymentFailed,
    _collect,
    _coupon_extra,
    _end_paid,
    _forget_method,
    _lock_for_task,
    _notice,
    _receipt,
    _record_change,
    _settlement_receipt,
    _track,
    decline_message,
)
from apps.subscriptions.services.payment_methods import PaymentSource, _resolve_source
from apps.subscriptions.zones import anchor_of, billing_zone, local_day

# --- Renewals and retries ------------------------------------------------------------------------


def _advance(sub: Subscription, *, plan: Plan, interval: str, value: int, paid: int) -> None:
    """Move to the next period (the plan and interval may change at this boundary)."""
    anchor = anchor_of(sub)
    next_offset = sub.period_offset + sub.interval_months
    months = INTERVAL_MONTHS[Interval(interval)]
    if (plan.pk, interval) != (sub.plan_id, sub.interval):
        # Off the old plan for good: a price it kept no longer applies (nor shows in the admin).
        PriceLock.objects.filter(subscription=sub).exclude(plan=plan, interval=interval).delete()
        price_locks_changed(sub)
    sub.plan, sub.interval = plan, interval
    sub.period_offset = next_offset
    sub.current_period_start, sub.current_period_end = anchor.period(next_offset, months)
    sub.period_value, sub.period_paid = value, paid
    sub.pending_plan, sub.pending_interval = None, ""


def subscription_renew(
    *, subscription_id: int, at: datetime | None = None, receipt: bool = True
) -> int:
    """Renew every period boundary that has passed (catches up when late; safe to run twice).

    `receipt=False` e-mails no receipt (the demo laying out a history months back).
    Returns how many boundaries were processed.
    """
    at = at or clock.now()
    done = 0
    for _period in range(MAX_CATCH_UP):
        with transaction.atomic():
            sub = _lock_for_task(subscription_id)
            if (
                sub is None
                or sub.status not in (State.ACTIVE, State.CANCEL_SCHEDULED)
                or sub.current_period_end is None
                or sub.current_period_end > at
            ):
                break
            with speaking_to(sub.user):  # its e-mails' dates and reasons, its invoice
                outcome = _renew_once(sub, at=at, receipt=receipt)
        done += 1
        if outcome != RenewalOutcome.RENEWED:
            if outcome == RenewalOutcome.FAILED:
                # A late run (a clock jump) also catches up the retries already due, so the
                # viewer hears once, with what is still true.
                subscription_retry(subscription_id=subscription_id, at=at)
            break
    return done


def _renew_once(sub: Subscription, *, at: datetime, receipt: bool = True) -> RenewalOutcome:
    due = sub.current_period_end
    anchor = anchor_of(sub)
    next_offset = sub.period_offset + sub.interval_months
    day = anchor.date_at(next_offset)
    plan, interval, price = renewal_target(sub)
    # A coupon covers the periods starting before its last month (coupons.py).
    discount = sub.discount.off_at(price, next_offset)
    price -= discount
    if sub.status == State.ACTIVE and student_lapsed(sub, plan=plan, day=day):
        # Never the student price without a confirmed status, and never a higher price
        # without the viewer choosing it: the plan ends here (they were told 30 and 7 days
        # before, and are told now); they can pick any plan again at once.
        sub.status = lifecycle.transition(sub.status, Event.SCHEDULE_CANCEL)
        _notice(
            sub,
            key=f"student-lapsed:{sub.pk}:{day.isoformat()}",
            kind="student_lapsed",
            context={"plan": sub.plan.name, "date": local_day(due, sub.user)},
            at=at,
        )
        return _finish_cancelled(sub, due=due, day=day, at=at, event="student_lapsed")
    if sub.status == State.CANCEL_SCHEDULED:
        return _finish_cancelled(sub, due=due, day=day, at=at, event="cancelled")

    if (
        sub.postpone_offset is not None
        and sub.postpone_offset == next_offset
        and not sub.postponed_carried
        and interval == Interval.MONTH
    ):
        # The postponed charge: access continues, the price is collected on the next date.
        sub.postponed_carried = price
        _advance(sub, plan=plan, interval=interval, value=price, paid=0)
        sub.save()
        _record_change(sub, "postponed_period", due)
        return RenewalOutcome.RENEWED

    carried = _carried_into(sub, day)
    gross = price + carried
    months = INTERVAL_MONTHS[Interval(interval)]
    start, end = anchor.period(next_offset, months)
    payment = _collect(
        sub,
        _renewal_key(sub, day),
        gross=gross,
        at=at,
        kind=Payment.Kind.RENEWAL,
        plan=plan,
        interval=interval,
        currency=plan.currency,
        period_start=start,
        period_end=end,
        period_offset=next_offset,
        discount=discount,
        description=_("Includes a postponed payment") if carried else "",
        carried=carried,
    )
    if payment.status == Payment.Status.SUCCEEDED:
        _advance(sub, plan=plan, interval=interval, value=price, paid=price)
        sub.postpone_offset = sub.postponed_carried = None
        sub.save()
        _record_change(sub, "renewed", due)
        if receipt:
            _renewal_receipt(sub, payment, at=at)
        return RenewalOutcome.RENEWED
    _start_dunning(sub, amount=gross, due=due, day=day, code=payment.failure_code, at=at)
    _track_declined(sub, payment, kind="renewal", day=day)
    return RenewalOutcome.FAILED


def _track_declined(sub: Subscription, payment: Payment, *, kind: str, day) -> None:
    """Record one `payment_failed` per declined charge (the renewal, each retry, each Pay now),
    keyed by the payment: a repeated run, which finds the same payment, records nothing more.
    Dated by the due date (`date`), each attempt's in-app card replaces the one before about
    the same payment ("Your payment didn't go through" re-dated, not one card per attempt),
    as the first replaces "Your plan renews soon"."""
    _track(
        sub.user,
        "payment_failed",
        {"kind": kind, "code": payment.failure_code, "date": day.isoformat()},
        client_id=f"payment-failed:{payment.pk}",
    )


def _renewal_key(sub: Subscription, day) -> str:
    return f"renewal:{sub.pk}:{day.isoformat()}"


def _carried_into(sub: Subscription, day) -> int:
    """The postponed month that the renewal due on `day` collects besides its own period, for
    the renewal and for each retry of it (the invoice names both months from `carried`).

    Until that renewal is charged the month is carried on the subscription; once charged the
    payment keeps it, and dunning forgets it on the subscription: a retry reads it from the
    declined renewal (QA10: the retry's invoice had one line for twice the month's price).
    """
    if sub.postponed_carried:
        return sub.postponed_carried
    renewal = Payment.objects.filter(idempotency_key=_renewal_key(sub, day))
    return renewal.values_list("carried", flat=True).first() or 0


def _renewal_receipt(sub: Subscription, payment: Payment, *, at: datetime) -> None:
    """The receipt of a renewal paid (on the due date or on a retry): the plan with its period,
    the days it pays for, the credit used; once per payment, since it is keyed by the payment's
    invoice, which a repeated run does not issue again."""
    invoice = Invoice.objects.filter(payment=payment).first()
    zone = ZoneInfo(viewer_zone_name(sub.user))
    _receipt(
        sub,
        kind="renewal",
        documents=[invoice] if invoice is not None else [],
        amount=payment.amount,
        at=at,
        extra={
            "plan_period": plan_with_period(payment.plan.name, payment.interval),
            # "paid until 10 May 2027": the next payment date, with its year (QA: the period
            # read "10 April 2026 to 10 May 2026", the boundary day counted in both).
            "paid_until": payment.period_end.astimezone(zone).date(),
            **({"credit_amount": payment.credit_applied} if payment.credit_applied else {}),
            **_coupon_extra(sub, payment),
        },
    )


def _start_dunning(
    sub: Subscription, *, amount: int, due: datetime, day, code: str, at: datetime
) -> None:
    """A charge failed: retry 1, 3 and 7 local days after the due date, e-mailing each time."""
    sub.status = lifecycle.transition(sub.status, Event.RENEWAL_FAILED)
    sub.overdue_amount = amount
    sub.postpone_offset = sub.postponed_carried = None
    sub.past_due_since, sub.retry_count = due, 0
    sub.next_retry_at = lifecycle.retry_at(due, 1, billing_zone(sub))
    sub.save()
    _record_change(sub, "renewal_failed", due)
    if sub.next_retry_at > at:
        # A late run (a clock jump) leaves the telling to the retry run, which knows what is
        # still true; a "we will try again on ..." for a date already past is never sent.
        _notice(
            sub,
            key=f"failed:{sub.pk}:{day.isoformat()}:0",
            kind="payment_failed",
            context=_failure_context(sub, amount, code),
            at=at,
        )


def _finish_cancelled(sub: Subscription, *, due: datetime, day, at: datetime, event: str) -> str:
    """The period of a cancelled plan ends: collect a postponed amount still owed, then Free.

    If that collection is declined the amount stays owed: the subscription goes through
    dunning like any failed charge, without paid access (the plan has ended), and ends when
    the amount is paid (or drops to Free when the retries run out).
    """
    carried = sub.postponed_carried or 0
    if carried:
        payment = _settle_postponed_on_exit(sub, carried=carried, day=day, due=due, at=at)
        if payment.status != Payment.Status.SUCCEEDED:
            sub.ends_when_paid = True
            _start_dunning(sub, amount=carried, due=due, day=day, code=payment.failure_code, at=at)
            _track_declined(sub, payment, kind="final", day=day)
            return RenewalOutcome.FAILED
        _settlement_receipt(sub, payment, at=at)
    plan = sub.plan.name
    _end_paid(
        sub,
        status=lifecycle.transition(sub.status, Event.PERIOD_END),
        event=event,
        at=due,
    )
    if event == "cancelled":  # a lapsed student status has its own e-mail (student_lapsed)
        _moved_to_free_notice(sub, plan=plan, day=day, ended=due, at=at)
    return RenewalOutcome.ENDED


def _moved_to_free_notice(sub: Subscription, *, plan: str, day, ended: datetime, at: datetime):
    """The "Your account has moved to Free" e-mail when a cancelled plan ends, once per end
    date: the key is the day its period ended, the same on the due date or after a postponed
    payment was paid on a retry. Not to an erased account (its address is a placeholder)."""
    if not sub.user.is_active:
        return False
    return _notice(
        sub,
        key=f"ended:{sub.pk}:{day.isoformat()}",
        kind="dropped_to_free",
        context={"cancelled": True, "plan": plan, "date": local_day(ended, sub.user)},
        at=at,
    )


def _failure_context(sub: Subscription, amount: int, code: str) -> dict:
    retry = sub.next_retry_at
    return {
        "amount": format_money(amount, sub.currency),
        "plan": sub.plan.name,
        "reason": decline_message(code),
        "retry_on": local_day(retry, sub.user) if retry else "",
        "ended": sub.ends_when_paid,
    }


def _settle_postponed_on_exit(sub, *, carried: int, day, due: datetime, at: datetime) -> Payment:
    return _collect(
        sub,
        f"final:{sub.pk}:{day.isoformat()}",
        gross=carried,
        at=at,
        kind=Payment.Kind.SETTLEMENT,
        plan=sub.plan,
        interval=sub.interval,
        # What it pays for: the postponed period, which has just ended (its invoice line and
        # receipt name its dates).
        period_start=sub.current_period_start,
        period_end=sub.current_period_end,
        description=_("Postponed payment collected at the end of the subscription"),
    )


def subscription_retry(
    *,
    subscription_id: int,
    at: datetime | None = None,
    manual_key: str = "",
    method: PaymentMethod | None = None,
    make_default: bool = False,
) -> RetryOutcome:
    """Try an overdue renewal again: on schedule (1, 3, 7 days) or now, when the viewer asks.

    A viewer paying now may use another `method` for this payment; it becomes the default for
    the next charges only with `make_default` (never silently).
    Returns a RetryOutcome: paid, failed, dropped (retries exhausted: back to Free) or not_due.
    """
    at = at or clock.now()
    outcome, code = RetryOutcome.NOT_DUE, ""
    for _attempt in range(len(lifecycle.RETRY_DELAYS) + 1):
        with transaction.atomic():
            sub = _lock_for_task(subscription_id)
            if sub is None or sub.status != State.PAST_DUE:
                break
            if not manual_key and (sub.next_retry_at is None or sub.next_retry_at > at):
                break
            with speaking_to(sub.user):
                outcome, code = _retry_once(
                    sub, at=at, manual_key=manual_key, method=method, make_default=make_default
                )
        if manual_key or outcome != RetryOutcome.FAILED:
            break
    if manual_key and outcome == RetryOutcome.FAILED:
        raise PaymentFailed(code)
    return outcome


def overdue_pay_now(
    *, user, key: str, source: PaymentSource, make_default: bool = False, at: datetime | None = None
) -> RetryOutcome:
    """The viewer pays the overdue renewal now, with a saved method or a new card.

    A new card is kept for next time if it pays (forgotten if declined), and becomes the default
    only with `make_default`. Repeating the key repeats nothing: one charge and one saved card
    for a double click.
    Returns subscription_retry's outcome ("paid", or "not_due" when nothing is overdue any
    more); raises PaymentFailed when the payment is declined.
    """
    at = at or clock.now()
    sub = Subscription.objects.filter(user=user).first()
    if sub is None or sub.status != State.PAST_DUE:
        return RetryOutcome.NOT_DUE
    if not isinstance(source, PaymentMethod):
        earlier = (
            Payment.objects.filter(
                subscription=sub, kind=Payment.Kind.RETRY, idempotency_key__endswith=f":now-{key}"
            )
            .select_related("payment_method")
            .first()
        )
        if earlier is not None and earlier.payment_method is not None:
            source = earlier.payment_method
    added = not isinstance(source, PaymentMethod)
    method = _resolve_source(user, source, at)
    try:
        return subscription_retry(
            subscription_id=sub.pk, at=at, manual_key=key, method=method, make_default=make_default
        )
    except PaymentFailed:
        if added:
            _forget_method(method, at=at)
        raise


def _retry_once(
    sub: Subscription, *, at: datetime, manual_key: str, method, make_default: bool = False
) -> tuple[RetryOutcome, str]:
    anchor = anchor_of(sub)
    next_offset = sub.period_offset + sub.interval_months
    day = anchor.date_at(next_offset)
    attempt = sub.retry_count + 1
    default = sub.payment_method
    if method is not None:
        if method.user_id != sub.user_id or method.removed_at is not None:
            raise ValidationError(_("Choose one of your payment methods."))
        sub.payment_method = method  # _collect charges the subscription's method
    plan, interval, price = renewal_target(sub)
    discount = sub.discount.off_at(price, next_offset)
    price -= discount  # what the period is worth; the overdue amount was charged with it
    months = INTERVAL_MONTHS[Interval(interval)]
    start, end = anchor.period(next_offset, months)
    key = f"retry:{sub.pk}:{day.isoformat()}:" + (
        f"now-{manual_key}" if manual_key else str(attempt)
    )
    if sub.ends_when_paid:
        # A postponed amount owed for days already used; the plan itself has ended.
        fields = {
            "kind": Payment.Kind.SETTLEMENT,
            "plan": sub.plan,
            "interval": sub.interval,
            # The postponed period it pays for (dunning keeps the period's dates).
            "period_start": sub.current_period_start,
            "period_end": sub.current_period_end,
            "description": _("Postponed payment collected at the end of the subscription"),
        }
    else:
        carried = min(_carried_into(sub, day), sub.overdue_amount)
        fields = {
            "kind": Payment.Kind.RETRY,
            "plan": plan,
            "interval": interval,
            "currency": plan.currency,
            "period_start": start,
            "period_end": end,
            "period_offset": next_offset,
            "discount": discount,
            "description": _("Includes a postponed payment") if carried else "",
            "carried": carried,
        }
    payment = _collect(sub, key, gross=sub.overdue_amount, at=at, **fields)
    if not (make_default and payment.status == Payment.Status.SUCCEEDED):
        sub.payment_method = default  # a declined card never becomes the default
    if payment.status == Payment.Status.SUCCEEDED:
        if sub.ends_when_paid:
            _settlement_receipt(sub, payment, at=at)
            plan_name, ended = sub.plan.name, sub.current_period_end
            _end_paid(
                sub,
                status=lifecycle.transition(sub.status, Event.PERIOD_END),
                event="cancelled",
                at=at,
            )
            _moved_to_free_notice(sub, plan=plan_name, day=day, ended=ended, at=at)
            return RetryOutcome.PAID, ""
        sub.status = lifecycle.transition(sub.status, Event.PAID)
        _advance(sub, plan=plan, interval=interval, value=price, paid=price)
        sub.overdue_amount, sub.past_due_since, sub.retry_count, sub.next_retry_at = (
            0,
            None,
            0,
            None,
        )
        sub.save()
        _record_change(sub, "retry_paid", at)
        _renewal_receipt(sub, payment, at=at)
        return RetryOutcome.PAID, ""
    # The same kind and date as the failure's event: the in-app card replaces that one.
    kind = "final" if sub.ends_when_paid else "renewal"
    if manual_key:
        sub.save()  # the default changes only if the viewer asked; the scheduled retries go on
        _track_declined(sub, payment, kind=kind, day=day)
        return RetryOutcome.FAILED, payment.failure_code
    sub.retry_count = attempt
    sub.next_retry_at = lifecycle.retry_at(sub.past_due_since, attempt + 1, billing_zone(sub))
    if sub.next_retry_at is None:
        # The last try ends the plan: its `subscription_ended` ("Your plan moved to Free")
        # replaces the failure card, so no payment_failed that would race with it.
        overdue = sub.overdue_amount
        _end_paid(
            sub,
            status=lifecycle.transition(sub.status, Event.RETRIES_EXHAUSTED),
            event="dropped_to_free",
            at=at,
            about={"kind": kind, "date": day.isoformat(), "plan": sub.plan.name},
        )
        _notice(
            sub,
            key=f"dropped:{sub.pk}:{day.isoformat()}",
            kind="dropped_to_free",
            context={"amount": format_money(overdue, sub.currency)},
            at=at,
        )
        return RetryOutcome.DROPPED, payment.failure_code
    sub.status = lifecycle.transition(sub.status, Event.RETRY_FAILED)
    sub.save()
    _track_declined(sub, payment, kind=kind, day=day)
    if sub.next_retry_at > at:
        # When a late run (a clock jump) goes through several retries at once, only the last
        # one's e-mail is still true: the earlier "we will try again on ..." dates are past.
        _notice(
            sub,
            key=f"failed:{sub.pk}:{day.isoformat()}:{attempt}",
            kind="payment_failed",
            context=_failure_context(sub, sub.overdue_amount, payment.failure_code),
            at=at,
        )
    return RetryOutcome.FAILED, payment.failure_code
