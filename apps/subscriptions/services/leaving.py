"""Leaving: cancel at the period end (and undo it), drop to Free now, or withdraw within 14 days."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.language import speaking_to
from apps.core import clock
from apps.subscriptions import gateway, leaving_reasons, lifecycle, proration, withdrawal
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.lifecycle import Event, State
from apps.subscriptions.models import (
    CancelReason,
    Payment,
    Refund,
    Subscription,
)
from apps.subscriptions.money import format_money
from apps.subscriptions.selectors.leaving import cheaper_plan
from apps.subscriptions.selectors.quotes import (
    WithdrawalPreview,
    free_preview,
    withdrawable_payments,
    withdrawal_preview,
)
from apps.subscriptions.services.changes import subscription_change, subscription_postpone
from apps.subscriptions.services.core import (
    AlreadyDone,
    AmountChanged,
    PaymentFailed,
    _add_credit,
    _charge,
    _end_paid,
    _notice,
    _payment_get_or_create,
    _receipt,
    _record_change,
    _settlement_receipt,
    _subscription_locked,
    _track,
)
from apps.subscriptions.services.invoices import (
    _issue_credit_note,
    _issue_credit_to_account,
    _issue_invoice,
)
from apps.subscriptions.services.prices import price_rise_told_on_resume
from apps.subscriptions.zones import local_day, local_period

# --- Leaving -------------------------------------------------------------------------------------


@transaction.atomic
def subscription_cancel(*, user, at: datetime | None = None, confirm: bool = True) -> Subscription:
    """Cancel at the end of the period: access until then; can be undone until then.

    `confirm=False` e-mails no confirmation (an account being deleted gets its own e-mail
    saying the plan is cancelled; the demo seeds a cancellation made long ago)."""
    at = at or clock.now()
    sub = _subscription_locked(user)
    try:
        sub.status = lifecycle.transition(sub.status, Event.SCHEDULE_CANCEL)
    except lifecycle.TransitionRefused:
        raise ValidationError(_("There is no running subscription to cancel.")) from None
    sub.save(update_fields=["status", "updated_at"])
    _record_change(sub, "cancel_scheduled", at)
    _track(user, "subscription_cancel_scheduled", {"plan": sub.plan.code})
    if confirm:
        _cancel_confirmation(sub, at=at)
    return sub


def _cancel_confirmation(sub: Subscription, *, at: datetime) -> bool:
    """E-mail what cancelling means: the day the plan ends, that the account then moves to
    Free, a postponed payment still collected that day (its amount), and how to undo it. Once
    per period: a double-click is refused by the state machine, and cancelling again after
    undoing it in the same period sends nothing new (the date and amount are the same)."""
    if sub.current_period_end is None:
        return False  # no period, no end date to name (a paid plan always has one)
    carried = sub.postponed_carried or 0
    with speaking_to(sub.user):
        context = {
            "plan": sub.plan.name,
            "date": local_day(sub.current_period_end, sub.user),
            "amount": format_money(carried, sub.currency) if carried else "",
        }
    return _notice(
        sub,
        key=f"cancelled:{sub.pk}:{sub.period_offset}",
        kind="cancel_confirmed",
        context=context,
        at=at,
    )


@transaction.atomic
def subscription_resume(*, user, at: datetime | None = None) -> Subscription:
    """Undo a scheduled cancellation (only before it takes effect)."""
    at = at or clock.now()
    sub = _subscription_locked(user)
    if sub.status != State.CANCEL_SCHEDULED or sub.current_period_end <= at:
        raise ValidationError(_("There is no scheduled cancellation to undo."))
    sub.status = lifecycle.transition(sub.status, Event.UNDO_CANCEL)
    sub.save(update_fields=["status", "updated_at"])
    _record_change(sub, "resumed", at)
    _track(user, "subscription_resumed", {"plan": sub.plan.code})
    price_rise_told_on_resume(sub=sub, at=at)
    return sub


def subscription_switch_to_free(
    *, user, expected_credit: int | None = None, at: datetime | None = None
) -> proration.Settlement:
    """Free now: paid access ends at once; the unused, paid part of the period becomes credit.

    If the period's payment was postponed, the days used are collected now instead.
    An overdue renewal (past due) is simply dropped with the plan.
    """
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        if not lifecycle.allowed(sub.status, Event.SWITCH_TO_FREE):
            raise ValidationError(_("You are already on Free."))
        if sub.ends_when_paid:
            raise ValidationError(
                _("Your plan has ended; only the postponed payment is left. Pay it to close it.")
            )
        settlement = free_preview(sub=sub, at=at)
        if expected_credit is not None and settlement.credit != expected_credit:
            raise AmountChanged(settlement.credit)
        if settlement.due:
            payment, created = _payment_get_or_create(
                # The method is part of the key: after a decline, another card is a new attempt.
                f"settle:{sub.pk}:{sub.period_offset}:{sub.current_period_start:%Y%m%d}:"
                f"{sub.payment_method_id}",
                user=user,
                subscription=sub,
                kind=Payment.Kind.SETTLEMENT,
                plan=sub.plan,
                interval=sub.interval,
                amount=settlement.due,
                currency=sub.currency,
                payment_method=sub.payment_method,
                period_start=sub.current_period_start,
                period_end=at,
                created_at=at,
            )
            if created:
                _charge(payment, off_session=True)
            if payment.status != Payment.Status.SUCCEEDED:
                raise PaymentFailed(payment.failure_code or "card_declined")
            if created:
                _issue_invoice(payment, at=at)
                _settlement_receipt(sub, payment, at=at)
        entry = _add_credit(sub, settlement.credit, reason="switch_to_free", at=at)
        # A credit note on the Invoices page: where the credit came from, and how much.
        _issue_credit_to_account(
            entry,
            description=_credit_text(sub, at),
            payments=_period_payments(sub),
            at=at,
        )
        _end_paid(
            sub,
            status=lifecycle.transition(sub.status, Event.SWITCH_TO_FREE),
            event="switched_to_free",
            at=at,
        )
    return settlement


def _period_payments(sub: Subscription) -> list[Payment]:
    """The payments for the running period (its first or renewal payment, an upgrade)."""
    return list(
        Payment.objects.filter(
            subscription=sub,
            status=Payment.Status.SUCCEEDED,
            period_end=sub.current_period_end,
            period_start__gte=sub.current_period_start,
        )
    )


def _credit_text(sub: Subscription, at: datetime) -> str:
    """The credit note's line, in the account's language (the document is not re-translated)."""
    with speaking_to(sub.user):
        return _("Unused part of %(plan)s, %(period)s, to your account credit") % {
            "plan": plan_with_period(sub.plan.name, sub.interval),
            "period": local_period(
                max(at, sub.current_period_start), sub.current_period_end, sub.user
            ),
        }


def subscription_withdraw(
    *, user, expected_refund: int | None = None, at: datetime | None = None
) -> WithdrawalPreview:
    """Exercise the 14-day right of withdrawal: refund (all, or all but the days used) and end."""
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        preview = withdrawal_preview(sub=sub, at=at)
        if not preview.decision.ok:
            _refuse_if_withdrawn(sub)
            raise ValidationError(
                _("The 14-day withdrawal period for this subscription is over."),
                code=preview.decision.reason,
            )
        if expected_refund is not None and expected_refund != preview.refunded:
            raise AmountChanged(preview.refunded)
        payments = {p.pk: p for p in withdrawable_payments(sub)}
        plan = withdrawal.allocate_refund(
            [(p.pk, p.amount - p.refunded_amount) for p in payments.values()], preview.refunded
        )
        gw = gateway.get_gateway()
        notes = []
        for payment_id, amount in plan:
            payment = payments[payment_id]
            key = f"withdraw:{payment.pk}"
            if Refund.objects.filter(idempotency_key=key).exists():
                continue
            result = gw.refund(
                reference=payment.gateway_reference,
                amount=amount,
                currency=payment.currency,
                idempotency_key=key,
            )
            if not result.ok:
                raise ValidationError(_("The refund did not go through. Please try again."))
            refund = Refund.objects.create(
                payment=payment,
                amount=amount,
                currency=payment.currency,
                reason=Refund.Reason.WITHDRAWAL,
                idempotency_key=key,
                gateway_reference=result.reference,
                created_at=at,
            )
            payment.refunded_amount += amount
            payment.save(update_fields=["refunded_amount"])
            notes.append(
                _issue_credit_note(
                    refund, description=gettext_lazy("Refund: right of withdrawal"), at=at
                )
            )
        # Account credit that paid for days not used goes back to the credit, not lost.
        entry = _add_credit(sub, preview.credit_back, reason="withdrawal", at=at)
        _issue_credit_to_account(
            entry,
            description=gettext_lazy("Account credit given back: right of withdrawal"),
            payments=list(payments.values()),
            at=at,
        )
        # Before the plan ends, while it still names the plan withdrawn from.
        _receipt(sub, kind="refund", documents=notes, amount=preview.refunded, at=at)
        _end_paid(
            sub,
            status=lifecycle.transition(sub.status, Event.WITHDRAW),
            event="withdrawn",
            at=at,
        )
        _track(
            user,
            "subscription_withdrawn",
            {"refunded": preview.refunded, "credit_back": preview.credit_back},
        )
    return preview


def _refuse_if_withdrawn(sub: Subscription) -> None:
    """AlreadyDone when the subscription's last change is a withdrawal: the second of two
    clicks is told what the first did, not that the withdrawal period is over."""
    last = sub.changes.order_by("-at", "-pk").first()
    if last is None or last.event != "withdrawn":
        return
    refunded = (
        Refund.objects.filter(
            payment__subscription=sub, reason=Refund.Reason.WITHDRAWAL, created_at=last.at
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if refunded:
        raise AlreadyDone(
            _("You have already withdrawn; your refund of %(amount)s is on its way.")
            % {"amount": format_money(refunded, last.currency)}
        )
    raise AlreadyDone(_("You have already withdrawn; nothing more changed."))


# --- Why they leave, and the alternatives offered ------------------------------------------------


@transaction.atomic
@transaction.atomic
def cancel_reasons_record(
    *, user, reasons: leaving_reasons.Reasons, at: datetime | None = None
) -> int:
    """Record the reasons given on the cancel page: a `cancel_reason_given` event each (the
    viewer's own words with "other") and an anonymous count for the admin's chart. Only while
    there is a running plan to cancel; returns how many reasons the answer now holds.

    One answer per subscription period: answering again (Back, a double-click, a second tab)
    replaces the reasons given before instead of adding to them, and only a reason not given
    before records an event. The subscription's lock makes concurrent answers take turns."""
    at = at or clock.now()
    sub = _subscription_locked(user)
    if sub.status != State.ACTIVE:
        raise ValidationError(_("There is no running subscription to cancel."))
    answer = _cancel_answer_key(sub)
    given = CancelReason.objects.filter(answer=answer)
    before = set(given.values_list("reason", flat=True))
    given.exclude(reason__in=reasons.keys).delete()
    given.filter(reason__in=reasons.keys).update(given_at=at)
    for key in reasons.keys:
        if key in before:
            continue
        CancelReason.objects.create(reason=key, given_at=at, answer=answer)
        properties = {"reason": key, "plan": sub.plan.code}
        if key == leaving_reasons.OTHER and reasons.other:
            properties["text"] = reasons.other
        _track(user, "cancel_reason_given", properties, at=at)
    return len(reasons.keys)


def _cancel_answer_key(sub: Subscription) -> str:
    """Which cancel page answer this is: the subscription and its current period, hashed with
    the site's secret so the anonymous count cannot be joined back to an account."""
    period = sub.current_period_start.isoformat() if sub.current_period_start else ""
    return salted_hmac(
        "streamfront.cancel-reasons", f"{sub.pk}:{sub.period_offset}:{period}", algorithm="sha256"
    ).hexdigest()


def leaving_alternative_take(
    *, user, kind: str, expected_credit: int | None = None, at: datetime | None = None
):
    """Take one alternative offered on the cancel page, through the service that does it: a
    cheaper plan from the period end, the next payment postponed, or a pause (Free now,
    keeping everything). Returns that service's result; recorded as
    `cancel_alternative_taken`."""
    at = at or clock.now()
    if kind not in (leaving_reasons.CHEAPER, leaving_reasons.POSTPONE, leaving_reasons.PAUSE):
        raise ValidationError(_("Choose one of the alternatives offered."))
    with transaction.atomic():
        sub = _subscription_locked(user)
        if sub.status != State.ACTIVE:
            raise ValidationError(_("There is no running subscription to change."))
        if kind == leaving_reasons.CHEAPER:
            plan = cheaper_plan(sub)
            if plan is None:
                raise ValidationError(_("There is no cheaper plan than yours."))
            result = subscription_change(
                user=user,
                plan=plan,
                interval=sub.interval,
                expected_amount=0,
                from_plan_id=sub.plan_id,
                nonce="leaving",
                at=at,
            )
        elif kind == leaving_reasons.POSTPONE:
            result = subscription_postpone(user=user, at=at)
        else:
            result = None
        if result is not None:
            _track(user, "cancel_alternative_taken", {"alternative": kind}, at=at)
    if kind == leaving_reasons.PAUSE:
        # Its own transaction (it may charge the days a postponed payment left unpaid).
        result = subscription_switch_to_free(user=user, expected_credit=expected_credit, at=at)
        _track(user, "cancel_alternative_taken", {"alternative": kind}, at=at)
    return result
