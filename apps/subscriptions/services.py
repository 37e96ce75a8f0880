"""Writes for subscriptions: checkout, renewals and retries, plan changes, postponing, leaving,
payment methods, invoices and family sharing.

Every money-moving write runs in one transaction that first locks the account's subscription
row, so two tabs, a double-click or a task running twice are serialised; each gateway call
carries an idempotency key that is also a unique column (Payment.idempotency_key,
Checkout.key), so the second attempt finds the first one's outcome instead of charging again.
The gateway is called inside that transaction: a duplicate waits on the lock, then reads the
outcome; if the process dies after the charge but before the commit, the retry sends the same
key and the processor answers with the original charge.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Subquery
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.core import clock
from apps.core.queue import delay_on_commit
from apps.subscriptions import gateway, lifecycle, proration, student, withdrawal
from apps.subscriptions.lifecycle import Event, State
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Checkout,
    CreditEntry,
    Interval,
    Invitation,
    Invoice,
    InvoiceCounter,
    Membership,
    Notice,
    Payment,
    PaymentMethod,
    Plan,
    Postponement,
    Refund,
    StudentCheck,
    Subscription,
    SubscriptionChange,
)
from apps.subscriptions.money import format_money
from apps.subscriptions.plan_catalogue import PLANS
from apps.subscriptions.schedule import Anchor, add_months
from apps.tracking.services import track

log = logging.getLogger(__name__)
DEFAULT_TIME_ZONE = "Europe/Paris"
MAX_CATCH_UP = 36  # periods one renewal run may catch up (three years of monthly billing)
STUDENT_CONFIRMATION_MONTHS = student.CONFIRMATION_MONTHS


# --- Errors the views show ----------------------------------------------------------------------


class PaymentFailed(ValidationError):
    """The gateway declined; `code` is the decline code (card_declined, insufficient_funds...)."""

    def __init__(self, code: str):
        self.code_name = code
        super().__init__(decline_message(code), code=code)


class AmountChanged(ValidationError):
    """The price shown is no longer the price: re-show the preview with the new amount."""

    def __init__(self, amount: int):
        self.amount = amount
        super().__init__(
            _("The amount changed since you opened this page. Check the new amount and confirm."),
            code="amount_changed",
        )


def decline_message(code: str) -> str:
    return {
        "card_declined": _("Your card was declined. Nothing was charged; try another card."),
        "insufficient_funds": _(
            "Your bank declined the payment for insufficient funds. Nothing was charged."
        ),
        "authentication_rejected": _("Your bank did not approve the payment. Nothing was charged."),
        "superseded": _("This payment is no longer needed: your plan is already paid for."),
    }.get(code, _("The payment did not go through. Nothing was charged."))


# --- Plans ---------------------------------------------------------------------------------------


def plans_seed() -> int:
    """Create the starting plans that are missing (never overwrites the admin's edits)."""
    created = 0
    for spec in PLANS:
        _plan, made = Plan.objects.get_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
        created += int(made)
    return created


def free_plan() -> Plan:
    plan = Plan.objects.filter(code=Plan.FREE).first()
    if plan is None:
        plans_seed()
        plan = Plan.objects.get(code=Plan.FREE)
    return plan


# --- Small helpers -------------------------------------------------------------------------------


def time_zone_name(user) -> str:
    name = getattr(user, "time_zone", "") or DEFAULT_TIME_ZONE
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return DEFAULT_TIME_ZONE
    return name


def billing_zone(sub: Subscription) -> str:
    """The zone the billing anchor is read in: the account's zone when the plan started.

    It does not follow later changes of the account's zone, so the schedule shown and the
    renewals that run always agree and each period starts exactly where the last one ended.
    """
    name = sub.billing_time_zone
    if name:
        try:
            ZoneInfo(name)
        except (KeyError, ValueError):
            name = ""
    return name or time_zone_name(sub.user)


def anchor_of(sub: Subscription) -> Anchor:
    return Anchor(day=sub.anchor_date, at=sub.anchor_time, time_zone=billing_zone(sub))


def _local_day(at: datetime, user) -> str:
    return formats.date_format(at.astimezone(ZoneInfo(time_zone_name(user))), "j F Y")


def _subscription_locked(user) -> Subscription:
    """The account's subscription row, locked for this transaction (created on Free if none)."""
    qs = Subscription.objects.select_for_update(of=("self",)).select_related(
        "user", "plan", "pending_plan", "payment_method"
    )
    sub = qs.filter(user=user).first()
    if sub is None:
        plan = free_plan()
        try:
            with transaction.atomic():
                Subscription.objects.create(user=user, plan=plan, currency=plan.currency)
        except IntegrityError:
            pass  # a concurrent request created it; lock that one
        sub = qs.get(user=user)
    return sub


def _track(user, name: str, properties: dict) -> None:
    profile = user.profiles.order_by("created_at", "pk").first()
    if profile is not None:
        track(name=name, profile=profile, properties=properties)


def _mrr(sub: Subscription) -> int:
    if not sub.is_paid:
        return 0
    price = sub.plan.amount_for(sub.interval)
    return price if sub.interval == Interval.MONTH else price // 12


def _record_change(sub: Subscription, event: str, at: datetime) -> None:
    SubscriptionChange.objects.create(
        subscription=sub,
        at=at,
        event=event,
        status=sub.status,
        plan=sub.plan,
        interval=sub.interval,
        mrr=_mrr(sub),
        currency=sub.plan.currency,
    )


def _notice(
    sub: Subscription, *, key: str, kind: str, context: dict, at: datetime, to: str = ""
) -> bool:
    """Record an e-mail once per key (False if it already was); it goes out after commit."""
    if Notice.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                subscription=sub,
                key=key,
                kind=kind,
                to=to or sub.user.email,
                context=context,
                created_at=at,
            )
    except IntegrityError:
        return False
    from apps.subscriptions import tasks

    delay_on_commit(tasks.send_notice, notice.pk)
    return True


def notice_send(*, notice_id: int, at: datetime | None = None) -> bool:
    """Send one recorded e-mail at most once from the viewer's point of view.

    The claim is committed before the message leaves: a second worker (a redelivered or
    duplicated task) finds it claimed and does nothing. If the sender dies after claiming,
    the sweeper sends it again once the claim is NOTICE_SWEEP_AFTER_SECONDS old, with the same
    Message-ID. Returns True if this call sent it.
    """
    at = at or clock.now()
    stale = at - timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    claimed = (
        Notice.objects.filter(pk=notice_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=at, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notice = Notice.objects.get(pk=notice_id)
    body = render_to_string(f"subscriptions/email/{notice.kind}.txt", notice.context)
    subject, _, text = body.strip().partition("\n")
    EmailMessage(
        subject=subject.strip(),
        body=text.strip() + "\n",
        to=[notice.to],
        headers={"Message-ID": notice.message_id},
    ).send()
    Notice.objects.filter(pk=notice_id).update(sent_at=clock.now())
    return True


def _payment_get_or_create(key: str, **fields) -> tuple[Payment, bool]:
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Payment.objects.create(idempotency_key=key, **fields), True
    except IntegrityError:
        return Payment.objects.get(idempotency_key=key), False


def _charge(payment: Payment, *, off_session: bool) -> None:
    """Send a pending payment to the gateway (nothing to send for 0) and record the outcome."""
    if payment.amount == 0:
        payment.status = Payment.Status.SUCCEEDED
        payment.save(update_fields=["status"])
        return
    method = payment.payment_method
    if method is None:
        payment.status, payment.failure_code = Payment.Status.FAILED, "no_payment_method"
        payment.save(update_fields=["status", "failure_code"])
        return
    result = gateway.get_gateway().charge(
        token=method.token,
        amount=payment.amount,
        currency=payment.currency,
        idempotency_key=payment.idempotency_key,
        off_session=off_session,
    )
    payment.gateway_reference = result.reference
    payment.failure_code = result.decline_code
    payment.status = {
        gateway.ChargeStatus.SUCCEEDED: Payment.Status.SUCCEEDED,
        gateway.ChargeStatus.REQUIRES_ACTION: Payment.Status.REQUIRES_ACTION,
    }.get(result.status, Payment.Status.FAILED)
    payment.save(update_fields=["gateway_reference", "failure_code", "status"])


def _use_credit(sub: Subscription, amount: int, *, payment: Payment, at: datetime) -> None:
    if amount <= 0:
        return
    sub.credit_balance -= amount
    CreditEntry.objects.create(
        subscription=sub, amount=-amount, reason="applied", payment=payment, created_at=at
    )


def _add_credit(sub: Subscription, amount: int, *, reason: str, at: datetime) -> None:
    if amount <= 0:
        return
    sub.credit_balance += amount
    CreditEntry.objects.create(subscription=sub, amount=amount, reason=reason, created_at=at)


def _collect(sub: Subscription, key: str, *, gross: int, at: datetime, **fields) -> Payment:
    """Charge `gross` to the subscription's payment method without the viewer present, account
    credit first, once per idempotency key: the first call charges and, when it succeeds, uses
    the credit and issues the invoice; a repeat returns the payment as it stands."""
    amount, credit_used = proration.apply_credit(amount=gross, credit=sub.credit_balance)
    fields.setdefault("currency", sub.currency)
    payment, created = _payment_get_or_create(
        key,
        user=sub.user,
        subscription=sub,
        amount=amount,
        credit_applied=credit_used,
        payment_method=sub.payment_method,
        created_at=at,
        **fields,
    )
    if created:
        _charge(payment, off_session=True)
        if payment.status == Payment.Status.SUCCEEDED:
            _use_credit(sub, payment.credit_applied, payment=payment, at=at)
            _issue_invoice(payment, at=at)
    return payment


# --- Invoices ------------------------------------------------------------------------------------


def _next_invoice_number(at: datetime) -> tuple[int, int, str]:
    """Allocate the next number of the year under a row lock: gapless, because the counter and
    the invoice commit (or roll back) together."""
    year = at.year
    InvoiceCounter.objects.get_or_create(year=year)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return year, counter.last, f"{year}-{counter.last:06d}"


def _period_text(payment: Payment, user) -> str:
    if payment.period_start is None or payment.period_end is None:
        return ""
    last_day = payment.period_end - timedelta(seconds=1)
    return f"{_local_day(payment.period_start, user)} – {_local_day(last_day, user)}"


def _issue_invoice(payment: Payment, *, at: datetime) -> Invoice | None:
    if payment.gross <= 0 or payment.status != Payment.Status.SUCCEEDED:
        return None
    if Invoice.objects.filter(payment=payment).exists():
        return payment.invoice
    user = payment.user
    plan_text = ""
    if payment.plan is not None:
        plan_text = f"{payment.plan.name}, {Interval(payment.interval).label.lower()}"
    what = {
        Payment.Kind.INITIAL: _("Subscription"),
        Payment.Kind.RENEWAL: _("Subscription renewal"),
        Payment.Kind.RETRY: _("Subscription renewal"),
        Payment.Kind.UPGRADE: _("Upgrade for the rest of the period"),
        Payment.Kind.SETTLEMENT: _("Days used of a postponed period"),
    }[Payment.Kind(payment.kind)]
    description = " · ".join(p for p in (what, plan_text, _period_text(payment, user)) if p)
    lines = [{"description": description, "amount": payment.gross}]
    if payment.credit_applied:
        lines.append(
            {"description": _("Account credit applied"), "amount": -payment.credit_applied}
        )
    year, seq, number = _next_invoice_number(at)
    return Invoice.objects.create(
        user=user,
        kind=Invoice.Kind.INVOICE,
        number=number,
        year=year,
        sequence=seq,
        payment=payment,
        lines=lines,
        total=payment.amount,
        currency=payment.currency,
        billed_to=user.email,
        issued_at=at,
    )


def _issue_credit_note(refund: Refund, *, description: str, at: datetime) -> Invoice:
    year, seq, number = _next_invoice_number(at)
    user = refund.payment.user
    original = getattr(refund.payment, "invoice", None)
    if original is not None:
        description = f"{description} · {_('refers to invoice %(n)s') % {'n': original.number}}"
    return Invoice.objects.create(
        user=user,
        kind=Invoice.Kind.CREDIT_NOTE,
        number=number,
        year=year,
        sequence=seq,
        refund=refund,
        lines=[{"description": description, "amount": -refund.amount}],
        total=-refund.amount,
        currency=refund.currency,
        billed_to=user.email,
        issued_at=at,
    )


# --- Payment methods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CardDetails:
    """A card as typed; handed to the gateway's tokenizer and never stored."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str
    holder: str

    def __repr__(self) -> str:  # keep the number and CVC out of logs and tracebacks
        return f"CardDetails(last4={self.number[-4:]!r})"


@dataclass(frozen=True)
class SepaDetails:
    iban: str
    holder: str

    def __repr__(self) -> str:
        return f"SepaDetails(last4={self.iban[-4:]!r})"


PaymentSource = PaymentMethod | CardDetails | SepaDetails


def payment_method_add(*, user, source: CardDetails | SepaDetails, at: datetime | None = None):
    """Tokenize a card or an IBAN through the gateway and keep only the token and what we show."""
    at = at or clock.now()
    gw = gateway.get_gateway()
    if isinstance(source, CardDetails):
        result = gw.tokenize_card(
            number=source.number,
            exp_month=source.exp_month,
            exp_year=source.exp_year,
            cvc=source.cvc,
            holder=source.holder,
        )
        if not result.ok:
            raise ValidationError({"number": _("This card number is not valid.")})
        method = PaymentMethod.objects.create(
            user=user,
            kind=PaymentMethod.Kind.CARD,
            token=result.token,
            brand=result.brand,
            last4=result.last4,
            exp_month=source.exp_month,
            exp_year=source.exp_year,
            holder=source.holder,
            created_at=at,
        )
    else:
        result = gw.tokenize_sepa(iban=source.iban, holder=source.holder)
        if not result.ok:
            raise ValidationError({"iban": _("This IBAN is not valid.")})
        method = PaymentMethod.objects.create(
            user=user,
            kind=PaymentMethod.Kind.SEPA,
            token=result.token,
            brand="sepa",
            last4=result.last4,
            holder=source.holder,
            created_at=at,
        )
    _track(user, "payment_method_added", {"kind": method.kind})
    return method


def _resolve_source(user, source: PaymentSource, at: datetime) -> PaymentMethod:
    if isinstance(source, PaymentMethod):
        if source.user_id != user.pk or source.removed_at is not None:
            raise ValidationError(_("Choose one of your payment methods."))
        return source
    return payment_method_add(user=user, source=source, at=at)


@transaction.atomic
def payment_method_make_default(*, user, method: PaymentMethod) -> Subscription:
    """Use this method for the subscription's next charges."""
    if method.user_id != user.pk or method.removed_at is not None:
        raise ValidationError(_("Choose one of your payment methods."))
    sub = _subscription_locked(user)
    sub.payment_method = method
    sub.save(update_fields=["payment_method", "updated_at"])
    return sub


@transaction.atomic
def payment_method_remove(*, user, method: PaymentMethod, at: datetime | None = None) -> None:
    """Forget a method; the one paying for a running subscription must be replaced first."""
    at = at or clock.now()
    if method.user_id != user.pk:
        raise ValidationError(_("Choose one of your payment methods."))
    sub = _subscription_locked(user)
    if sub.is_paid and sub.payment_method_id == method.pk:
        raise ValidationError(
            _("This method pays for your subscription. Make another one the default first.")
        )
    method.removed_at = at
    method.save(update_fields=["removed_at"])


# --- Checkout ------------------------------------------------------------------------------------


def checkout_quote(*, user, plan: Plan, interval: str) -> tuple[int, int]:
    """(amount to charge, credit used) for subscribing to `plan` now."""
    sub = Subscription.objects.filter(user=user).only("credit_balance").first()
    credit = sub.credit_balance if sub is not None else 0
    return proration.apply_credit(amount=plan.amount_for(interval), credit=credit)


def new_checkout_key() -> str:
    return secrets.token_urlsafe(24)


def checkout_pay(
    *,
    user,
    plan: Plan,
    interval: str,
    source: PaymentSource,
    start_now: bool,
    key: str,
    expected_amount: int | None = None,
    at: datetime | None = None,
) -> Checkout:
    """Pay for a plan and start it; the same `key` always yields the same single checkout.

    Returns the checkout: succeeded (subscription active), requires_action (the bank wants
    the viewer to confirm on the challenge page) or failed (nothing charged, no subscription).
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
        gross = plan.amount_for(interval)
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
            created_at=at,
        )
        if sub.is_paid:
            checkout.status, checkout.failure_code = Checkout.Status.FAILED, "already_subscribed"
            checkout.save(update_fields=["status", "failure_code"])
            return checkout
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
            currency=plan.currency,
            payment_method=method,
            created_at=at,
        )
        _charge(payment, off_session=False)
        checkout.payment, checkout.payment_method = payment, method
        if payment.status == Payment.Status.SUCCEEDED:
            checkout.status = Checkout.Status.SUCCEEDED
            _start_paid(sub, checkout=checkout, payment=payment, at=at)
        elif payment.status == Payment.Status.REQUIRES_ACTION:
            checkout.status = Checkout.Status.REQUIRES_ACTION
        else:
            checkout.status, checkout.failure_code = Checkout.Status.FAILED, payment.failure_code
            if not isinstance(source, PaymentMethod):
                _forget_method(method, at=at)  # a card that just failed is not kept on file
            _track(user, "payment_failed", {"kind": "initial", "code": payment.failure_code})
        checkout.save(update_fields=["payment", "payment_method", "status", "failure_code"])
    return checkout


def _forget_method(method: PaymentMethod, *, at: datetime) -> None:
    method.removed_at = at
    method.save(update_fields=["removed_at"])


def _same_user(checkout: Checkout, user) -> Checkout:
    if checkout.user_id != user.pk:
        raise ValidationError(_("This form has expired. Reload the page and try again."))
    return checkout


def _start_paid(sub: Subscription, *, checkout: Checkout, payment: Payment, at: datetime) -> None:
    """Turn a successful first payment into a running subscription."""
    plan, interval = checkout.plan, checkout.interval
    zone = time_zone_name(sub.user)
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
    Membership.objects.filter(user=sub.user).delete()  # own plan now: leave any shared one
    if plan.requires_verification and not (
        sub.verified_until and sub.verified_until >= anchor.date_at(months)
    ):
        sub.verified_until = anchor.date_at(STUDENT_CONFIRMATION_MONTHS)
    _use_credit(sub, payment.credit_applied, payment=payment, at=at)
    sub.save()
    payment.period_start, payment.period_end, payment.period_offset = start, end, 0
    payment.save(update_fields=["period_start", "period_end", "period_offset"])
    _issue_invoice(payment, at=at)
    _record_change(sub, "subscribed", at)
    _track(
        sub.user,
        "subscription_started",
        {"plan": plan.code, "interval": interval, "start_now": checkout.start_now},
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
            method = payment.payment_method
            if method is not None and method.created_at == checkout.created_at:
                _forget_method(method, at=at)
            _track(user, "payment_failed", {"kind": "initial", "code": result.decline_code})
    return payment


# --- Renewals and retries ------------------------------------------------------------------------


def _advance(sub: Subscription, *, plan: Plan, interval: str, value: int, paid: int) -> None:
    """Move to the next period (the plan and interval may change at this boundary)."""
    anchor = anchor_of(sub)
    next_offset = sub.period_offset + sub.interval_months
    months = INTERVAL_MONTHS[Interval(interval)]
    sub.plan, sub.interval = plan, interval
    sub.period_offset = next_offset
    sub.current_period_start, sub.current_period_end = anchor.period(next_offset, months)
    sub.period_value, sub.period_paid = value, paid
    sub.pending_plan, sub.pending_interval = None, ""


def _end_paid(sub: Subscription, *, status: State, event: str, at: datetime) -> None:
    """Back to Free entitlements: no period, no pending changes, members lose the plan."""
    sub.status = status.value
    sub.plan = free_plan()
    sub.interval = Interval.MONTH
    sub.current_period_start = sub.current_period_end = sub.starts_at = None
    sub.anchor_date = sub.anchor_time = None
    sub.billing_time_zone = ""
    sub.ends_when_paid = False
    sub.period_offset = sub.period_value = sub.period_paid = 0
    sub.pending_plan, sub.pending_interval = None, ""
    sub.postpone_offset = sub.postponed_carried = None
    sub.overdue_amount, sub.past_due_since, sub.retry_count, sub.next_retry_at = 0, None, 0, None
    sub.save()
    sub.memberships.all().delete()
    sub.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=at)
    _record_change(sub, event, at)
    _track(sub.user, "subscription_ended", {"reason": event})


def _renewal_target(sub: Subscription) -> tuple[Plan, str, int]:
    plan = sub.pending_plan or sub.plan
    interval = sub.pending_interval or sub.interval
    return plan, interval, plan.amount_for(interval)


def _lock_for_task(subscription_id: int) -> Subscription | None:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("user", "plan", "pending_plan", "payment_method")
        .filter(pk=subscription_id)
        .first()
    )


def subscription_renew(*, subscription_id: int, at: datetime | None = None) -> int:
    """Renew every period boundary that has passed (catches up when late; safe to run twice).

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
            outcome = _renew_once(sub, at=at)
        done += 1
        if outcome != "renewed":
            if outcome == "failed":
                # A late run (a clock jump) also catches up the retries already due, so the
                # viewer hears once, with what is still true.
                subscription_retry(subscription_id=subscription_id, at=at)
            break
    return done


def _renew_once(sub: Subscription, *, at: datetime) -> str:
    due = sub.current_period_end
    anchor = anchor_of(sub)
    next_offset = sub.period_offset + sub.interval_months
    day = anchor.date_at(next_offset)
    plan, interval, price = _renewal_target(sub)
    if sub.status == State.ACTIVE and student_lapsed(sub, plan=plan, day=day):
        # Never the student price without a confirmed status, and never a higher price
        # without the viewer choosing it: the plan ends here (they were told 30 and 7 days
        # before, and are told now); they can pick any plan again at once.
        sub.status = lifecycle.transition(sub.status, Event.SCHEDULE_CANCEL)
        _notice(
            sub,
            key=f"student-lapsed:{sub.pk}:{day.isoformat()}",
            kind="student_lapsed",
            context={"plan": sub.plan.name, "date": _local_day(due, sub.user)},
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
        return "renewed"

    carried = sub.postponed_carried or 0
    gross = price + carried
    months = INTERVAL_MONTHS[Interval(interval)]
    start, end = anchor.period(next_offset, months)
    payment = _collect(
        sub,
        f"renewal:{sub.pk}:{day.isoformat()}",
        gross=gross,
        at=at,
        kind=Payment.Kind.RENEWAL,
        plan=plan,
        interval=interval,
        currency=plan.currency,
        period_start=start,
        period_end=end,
        period_offset=next_offset,
        description=_("Includes a postponed payment") if carried else "",
    )
    if payment.status == Payment.Status.SUCCEEDED:
        _advance(sub, plan=plan, interval=interval, value=price, paid=price)
        sub.postpone_offset = sub.postponed_carried = None
        sub.save()
        _record_change(sub, "renewed", due)
        return "renewed"
    _start_dunning(sub, amount=gross, due=due, day=day, code=payment.failure_code, at=at)
    _track(sub.user, "payment_failed", {"kind": "renewal", "code": payment.failure_code})
    return "failed"


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
            _track(sub.user, "payment_failed", {"kind": "final", "code": payment.failure_code})
            return "failed"
    _end_paid(
        sub,
        status=lifecycle.transition(sub.status, Event.PERIOD_END),
        event=event,
        at=due,
    )
    return "ended"


def _failure_context(sub: Subscription, amount: int, code: str) -> dict:
    retry = sub.next_retry_at
    return {
        "amount": format_money(amount, sub.currency),
        "plan": sub.plan.name,
        "reason": decline_message(code),
        "retry_on": _local_day(retry, sub.user) if retry else "",
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
        description=_("Postponed payment collected at the end of the subscription"),
    )


def subscription_retry(
    *,
    subscription_id: int,
    at: datetime | None = None,
    manual_key: str = "",
    method: PaymentMethod | None = None,
    make_default: bool = False,
) -> str:
    """Try an overdue renewal again: on schedule (1, 3, 7 days) or now, when the viewer asks.

    A viewer paying now may use another `method` for this payment; it becomes the default for
    the next charges only with `make_default` (never silently).
    Returns "paid", "failed", "dropped" (retries exhausted: back to Free) or "not_due".
    """
    at = at or clock.now()
    outcome, code = "not_due", ""
    for _attempt in range(len(lifecycle.RETRY_DELAYS) + 1):
        with transaction.atomic():
            sub = _lock_for_task(subscription_id)
            if sub is None or sub.status != State.PAST_DUE:
                break
            if not manual_key and (sub.next_retry_at is None or sub.next_retry_at > at):
                break
            outcome, code = _retry_once(
                sub, at=at, manual_key=manual_key, method=method, make_default=make_default
            )
        if manual_key or outcome != "failed":
            break
    if manual_key and outcome == "failed":
        raise PaymentFailed(code)
    return outcome


def overdue_pay_now(
    *, user, key: str, source: PaymentSource, make_default: bool = False, at: datetime | None = None
) -> str:
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
        return "not_due"
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
) -> tuple[str, str]:
    anchor = anchor_of(sub)
    next_offset = sub.period_offset + sub.interval_months
    day = anchor.date_at(next_offset)
    attempt = sub.retry_count + 1
    default = sub.payment_method
    if method is not None:
        if method.user_id != sub.user_id or method.removed_at is not None:
            raise ValidationError(_("Choose one of your payment methods."))
        sub.payment_method = method  # _collect charges the subscription's method
    plan, interval, price = _renewal_target(sub)
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
            "description": _("Postponed payment collected at the end of the subscription"),
        }
    else:
        fields = {
            "kind": Payment.Kind.RETRY,
            "plan": plan,
            "interval": interval,
            "currency": plan.currency,
            "period_start": start,
            "period_end": end,
            "period_offset": next_offset,
        }
    payment = _collect(sub, key, gross=sub.overdue_amount, at=at, **fields)
    if not (make_default and payment.status == Payment.Status.SUCCEEDED):
        sub.payment_method = default  # a declined card never becomes the default
    if payment.status == Payment.Status.SUCCEEDED:
        if sub.ends_when_paid:
            _end_paid(
                sub,
                status=lifecycle.transition(sub.status, Event.PERIOD_END),
                event="cancelled",
                at=at,
            )
            return "paid", ""
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
        return "paid", ""
    if manual_key:
        sub.save()  # the default changes only if the viewer asked; the scheduled retries go on
        return "failed", payment.failure_code
    sub.retry_count = attempt
    sub.next_retry_at = lifecycle.retry_at(sub.past_due_since, attempt + 1, billing_zone(sub))
    if sub.next_retry_at is None:
        overdue = sub.overdue_amount
        _end_paid(
            sub,
            status=lifecycle.transition(sub.status, Event.RETRIES_EXHAUSTED),
            event="dropped_to_free",
            at=at,
        )
        _notice(
            sub,
            key=f"dropped:{sub.pk}:{day.isoformat()}",
            kind="dropped_to_free",
            context={"amount": format_money(overdue, sub.currency)},
            at=at,
        )
        return "dropped", payment.failure_code
    sub.status = lifecycle.transition(sub.status, Event.RETRY_FAILED)
    sub.save()
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
    return "failed", payment.failure_code


# --- Reminders -----------------------------------------------------------------------------------

REMINDER_LEAD = timedelta(days=3)


def reminders_send(*, at: datetime | None = None) -> int:
    """E-mail each viewer three days before a charge (once per charge date); returns how many."""
    from apps.subscriptions import selectors

    at = at or clock.now()
    sent = 0
    # A cancelled plan can still have a charge: a postponed payment collected when it ends.
    candidates = Subscription.objects.filter(
        status__in=(State.ACTIVE, State.CANCEL_SCHEDULED),
        current_period_end__gt=at,
        current_period_end__lte=at + REMINDER_LEAD,
    ).select_related("user", "plan", "pending_plan")
    for sub in candidates:
        schedule = selectors.schedule_for(sub, count=2)
        charge = schedule.next_charge
        if charge is None or not (at < charge.at <= at + REMINDER_LEAD):
            continue
        with transaction.atomic():
            created = _notice(
                sub,
                key=f"reminder:{sub.pk}:{charge.local_date.isoformat()}",
                kind="reminder",
                context={
                    "amount": format_money(charge.amount, charge.currency),
                    "date": formats.date_format(charge.local_date, "l j F Y"),
                    "plan": sub.plan.name,
                    "final": any(r.code == "final" for r in charge.reasons),
                },
                at=at,
            )
        sent += int(created)
    return sent


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


def student_reminders_send(*, at: datetime | None = None) -> int:
    """E-mail Student subscribers 30 and 7 days before their status lapses (the nearest
    notice only, once each); returns how many were recorded."""
    at = at or clock.now()
    horizon = (at + timedelta(days=max(student.NOTICE_DAYS) + 1)).date()
    candidates = Subscription.objects.filter(
        status=State.ACTIVE,
        plan__requires_verification=True,
        verified_until__isnull=False,
        verified_until__lte=horizon,
        pending_plan__isnull=True,
    ).select_related("user", "plan")
    sent = 0
    for sub in candidates:
        today = at.astimezone(ZoneInfo(time_zone_name(sub.user))).date()
        lead = student.notice_due(sub.verified_until, today=today)
        ends_on = student_plan_ends_on(sub)
        if lead is None or ends_on is None:
            continue
        with transaction.atomic():
            created = _notice(
                sub,
                key=f"student-due:{sub.pk}:{sub.verified_until.isoformat()}:{lead}",
                kind="student_due",
                context={
                    "plan": sub.plan.name,
                    "date": formats.date_format(sub.verified_until, "j F Y"),
                    "ends_on": formats.date_format(ends_on, "j F Y"),
                },
                at=at,
            )
        sent += int(created)
    return sent


def _student_sub(user) -> Subscription:
    sub = _subscription_locked(user)
    if not (sub.is_paid and sub.plan.requires_verification) or sub.ends_when_paid:
        raise ValidationError(_("Only a running Student plan needs your student status."))
    return sub


def _code_hash(check_id: int, code: str) -> str:
    return salted_hmac(
        "subscriptions.student-code", f"{check_id}:{code}", algorithm="sha256"
    ).hexdigest()


def student_check_start(*, user, email: str, at: datetime | None = None) -> StudentCheck:
    """Send a 6-digit code to a student address (at most 3 codes a day, each valid 30 min)."""
    from django.conf import settings

    at = at or clock.now()
    email = (email or "").strip().lower()
    extra = getattr(settings, "SUBSCRIPTIONS_STUDENT_DOMAINS", ())
    if student.academic_domain(email, extra) is None:
        raise ValidationError(
            {
                "email": _(
                    "Use the address your university or school gave you (for example one "
                    "ending in .edu or .ac.uk)."
                )
            }
        )
    with transaction.atomic():
        sub = _student_sub(user)
        today = sub.student_checks.filter(created_at__gt=at - timedelta(days=1)).count()
        if today >= student.MAX_CODES_PER_DAY:
            raise ValidationError(
                _("You asked for %(n)d codes today. Please try again tomorrow.")
                % {"n": student.MAX_CODES_PER_DAY},
                code="throttled",
            )
        check = StudentCheck.objects.create(
            subscription=sub,
            email=email,
            code_hash="",
            created_at=at,
            expires_at=at + timedelta(minutes=student.CODE_MINUTES),
        )
        code = f"{secrets.randbelow(10**student.CODE_DIGITS):0{student.CODE_DIGITS}d}"
        check.code_hash = _code_hash(check.pk, code)
        check.save(update_fields=["code_hash"])
        _notice(
            sub,
            key=f"student-code:{check.pk}",
            kind="student_code",
            context={"code": code, "minutes": student.CODE_MINUTES},
            at=at,
            to=email,
        )
        _track(user, "student_code_sent", {})
    return check


def student_check_confirm(*, user, code: str, at: datetime | None = None) -> Subscription:
    """Enter the code: student status is confirmed for 12 more months (wrong codes count)."""
    at = at or clock.now()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    error = ""
    with transaction.atomic():
        sub = _student_sub(user)
        check = (
            sub.student_checks.select_for_update()
            .filter(confirmed_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if check is None or check.expires_at <= at:
            error = _("This code has expired. Ask for a new one.")
        elif check.attempts >= student.MAX_WRONG_CODES:
            error = _("Too many wrong codes. Ask for a new one.")
        elif not constant_time_compare(_code_hash(check.pk, code), check.code_hash):
            check.attempts += 1
            check.save(update_fields=["attempts"])  # kept: the error is raised after commit
            error = _("That is not the code we sent. Check the e-mail and try again.")
        else:
            check.confirmed_at = at
            check.save(update_fields=["confirmed_at"])
            today = at.astimezone(ZoneInfo(time_zone_name(user))).date()
            base = max(sub.verified_until or today, today)
            sub.verified_until = add_months(base, student.CONFIRMATION_MONTHS)
            sub.save(update_fields=["verified_until", "updated_at"])
            _record_change(sub, "student_confirmed", at)
            _track(user, "student_confirmed", {})
    if error:
        raise ValidationError({"code": error})
    return sub


# --- Changing plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangePreview:
    kind: str  # upgrade (now, prorated) | scheduled (at period end) | same
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
    old_price = sub.plan.amount_for(sub.interval)
    if plan.pk == sub.plan_id and interval == sub.interval:
        kind = "same"
    elif interval == sub.interval and new_price > old_price:
        kind = "upgrade"
    else:
        kind = "scheduled"
        members = sub.memberships.count()
        if members + 1 > plan.max_accounts:
            raise ValidationError(
                _("%(plan)s is for %(n)d account(s). Remove members before switching.")
                % {"plan": plan.name, "n": plan.max_accounts}
            )
    charge = 0
    effective = sub.current_period_end
    if kind == "upgrade":
        charge = proration.upgrade_charge(
            old_amount=old_price,
            new_amount=new_price,
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
        if preview.kind == "same":
            if sub.pending_plan_id:
                sub.pending_plan, sub.pending_interval = None, ""
                sub.save(update_fields=["pending_plan", "pending_interval", "updated_at"])
            return preview
        if preview.kind == "scheduled":
            sub.pending_plan, sub.pending_interval = plan, interval
            sub.save(update_fields=["pending_plan", "pending_interval", "updated_at"])
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
            _record_change(sub, "upgraded", at)
            _track(user, "plan_upgraded", {"plan": plan.code, "charged": preview.pay_now})
    if failure is not None:
        raise failure
    return preview


@transaction.atomic
def pending_change_cancel(*, user) -> Subscription:
    sub = _subscription_locked(user)
    sub.pending_plan, sub.pending_interval = None, ""
    sub.save(update_fields=["pending_plan", "pending_interval", "updated_at"])
    return sub


# --- Postponing ----------------------------------------------------------------------------------


POSTPONE_MESSAGES = {
    "past_due": lambda: _("A payment is overdue: it cannot be postponed. Pay it first."),
    "not_active": lambda: _("Only an active paid subscription has a payment to postpone."),
    "already_postponed": lambda: _("Your next payment is already postponed."),
    "once_a_year": lambda: _("You can postpone a payment once in twelve months."),
    "yearly": lambda: _("Only monthly payments can be postponed by a month."),
}


def postpone_decision(
    *, sub: Subscription, at: datetime, recent: list[datetime] | None = None
) -> lifecycle.Decision:
    """May the next payment be postponed? `recent` (postponements within POSTPONE_WINDOW) saves
    a query when the caller has them. The NEXT charge decides: after a scheduled switch to
    yearly it is the first yearly one, which is never postponed."""
    if recent is None:
        since = at - lifecycle.POSTPONE_WINDOW
        recent = [p.created_at for p in sub.postponements.filter(created_at__gt=since)]
    _plan, interval, _price = _renewal_target(sub) if sub.is_paid else (None, sub.interval, 0)
    return lifecycle.can_postpone(
        sub.status,
        postponed_at=recent,
        now=at,
        pending=sub.postpone_offset is not None,
        interval_months=INTERVAL_MONTHS[Interval(interval)],
        time_zone=billing_zone(sub) if sub.anchor_date else time_zone_name(sub.user),
    )


def subscription_postpone(*, user, at: datetime | None = None) -> Postponement:
    """Move the next payment one period later, collected with that date's charge."""
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        decision = postpone_decision(sub=sub, at=at)
        if not decision.ok:
            raise ValidationError(POSTPONE_MESSAGES[decision.reason](), code=decision.reason)
        anchor = anchor_of(sub)
        offset = sub.period_offset + sub.interval_months
        _plan, interval, price = _renewal_target(sub)
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


# --- Leaving -------------------------------------------------------------------------------------


@transaction.atomic
def subscription_cancel(*, user, at: datetime | None = None) -> Subscription:
    """Cancel at the end of the period: access until then; can be undone until then."""
    at = at or clock.now()
    sub = _subscription_locked(user)
    try:
        sub.status = lifecycle.transition(sub.status, Event.SCHEDULE_CANCEL)
    except lifecycle.TransitionRefused:
        raise ValidationError(_("There is no running subscription to cancel.")) from None
    sub.save(update_fields=["status", "updated_at"])
    _record_change(sub, "cancel_scheduled", at)
    _track(user, "subscription_cancel_scheduled", {"plan": sub.plan.code})
    return sub


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
    return sub


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
        _add_credit(sub, settlement.credit, reason="switch_to_free", at=at)
        _end_paid(
            sub,
            status=lifecycle.transition(sub.status, Event.SWITCH_TO_FREE),
            event="switched_to_free",
            at=at,
        )
    return settlement


@dataclass(frozen=True)
class WithdrawalPreview:
    decision: lifecycle.Decision
    deadline: datetime | None  # the first instant after the period
    paid: int
    kept: int
    refunded: int
    currency: str
    started: bool
    last_day: date | None = None  # the viewer's last local day to withdraw


def withdrawal_preview(*, sub: Subscription, at: datetime) -> WithdrawalPreview:
    """The right of withdrawal of the running contract; `deadline` is the first instant after
    it (local midnight after the last day), so "until" shows the last day."""
    zone = time_zone_name(sub.user)
    decision = lifecycle.can_withdraw(
        sub.status, concluded_at=sub.concluded_at, now=at, time_zone=zone
    )
    deadline = last_day = None
    if sub.concluded_at:
        deadline = lifecycle.withdrawal_deadline(sub.concluded_at, zone)
        last_day = lifecycle.withdrawal_last_day(sub.concluded_at, zone)
    if not decision.ok:
        return WithdrawalPreview(decision, deadline, 0, 0, 0, sub.currency, False, last_day)
    payments = _withdrawable_payments(sub)
    paid = sum(p.amount - p.refunded_amount for p in payments)
    split = withdrawal.split_payments([_withdrawal_part(sub, p, at) for p in payments])
    started = sub.starts_at is not None and sub.starts_at <= at
    return WithdrawalPreview(
        decision, deadline, paid, split.kept, split.refunded, sub.currency, started, last_day
    )


def _withdrawal_part(sub: Subscription, payment: Payment, at: datetime) -> tuple[int, int, int]:
    """(amount, seconds used, seconds paid for) of one payment: an upgrade paid for the time
    from the upgrade to the period end, the first payment for the whole period. Nothing is
    used before the plan starts."""
    start = max(payment.period_start or sub.current_period_start, sub.current_period_start)
    end = payment.period_end or sub.current_period_end
    used, _remaining, total = proration.period_split(period_start=start, period_end=end, at=at)
    return payment.amount - payment.refunded_amount, used, total


def _withdrawable_payments(sub: Subscription) -> list[Payment]:
    """The payments of the running contract: its first payment (made when the viewer pressed
    Pay, which may be before the bank confirmed it and the contract was concluded) and every
    payment since."""
    first = (
        Payment.objects.filter(
            subscription=sub, kind=Payment.Kind.INITIAL, status=Payment.Status.SUCCEEDED
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return list(
        Payment.objects.filter(
            subscription=sub,
            status=Payment.Status.SUCCEEDED,
            created_at__gte=Subquery(first),
            amount__gt=0,
        )
        .select_related("invoice", "payment_method")
        .order_by("-created_at", "-pk")
    )


def subscription_withdraw(
    *, user, expected_refund: int | None = None, at: datetime | None = None
) -> WithdrawalPreview:
    """Exercise the 14-day right of withdrawal: refund (all, or all but the days used) and end."""
    at = at or clock.now()
    with transaction.atomic():
        sub = _subscription_locked(user)
        preview = withdrawal_preview(sub=sub, at=at)
        if not preview.decision.ok:
            raise ValidationError(
                _("The 14-day withdrawal period for this subscription is over."),
                code=preview.decision.reason,
            )
        if expected_refund is not None and expected_refund != preview.refunded:
            raise AmountChanged(preview.refunded)
        payments = {p.pk: p for p in _withdrawable_payments(sub)}
        plan = withdrawal.allocate_refund(
            [(p.pk, p.amount - p.refunded_amount) for p in payments.values()], preview.refunded
        )
        gw = gateway.get_gateway()
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
                reason="withdrawal",
                idempotency_key=key,
                gateway_reference=result.reference,
                created_at=at,
            )
            payment.refunded_amount += amount
            payment.save(update_fields=["refunded_amount"])
            _issue_credit_note(refund, description=_("Refund: right of withdrawal"), at=at)
        _end_paid(
            sub,
            status=lifecycle.transition(sub.status, Event.WITHDRAW),
            event="withdrawn",
            at=at,
        )
        _track(user, "subscription_withdrawn", {"refunded": preview.refunded})
    return preview


# --- Duo and Family ------------------------------------------------------------------------------


def _owner_shared_sub(owner) -> Subscription:
    sub = _subscription_locked(owner)
    if not sub.is_paid or not sub.plan.is_shared:
        raise ValidationError(_("Sharing comes with the Duo and Family plans."))
    return sub


def member_invite(*, owner, email: str, at: datetime | None = None) -> Invitation:
    """Invite someone by e-mail to share the plan (members + invitations stay within the plan)."""
    at = at or clock.now()
    email = (email or "").strip().lower()
    with transaction.atomic():
        sub = _owner_shared_sub(owner)
        if email == owner.email.lower():
            raise ValidationError({"email": _("That is your own address.")})
        if sub.memberships.filter(user__email__iexact=email).exists():
            raise ValidationError({"email": _("This person already shares your plan.")})
        taken = (
            sub.memberships.count()
            + sub.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).count()
        )
        if taken + 1 >= sub.plan.max_accounts:
            raise ValidationError(
                _("%(plan)s is for up to %(n)d accounts, yours included.")
                % {"plan": sub.plan.name, "n": sub.plan.max_accounts}
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    subscription=sub, email=email, token=secrets.token_urlsafe(32), created_at=at
                )
        except IntegrityError:
            raise ValidationError({"email": _("This address already has an invitation.")}) from None
        _track(owner, "member_invited", {"plan": sub.plan.code})
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str, at: datetime | None = None) -> None:
    at = at or clock.now()
    with transaction.atomic():
        _notice(
            invitation.subscription,
            key=f"invite:{invitation.pk}",
            kind="invitation",
            context={
                "owner": invitation.subscription.user.email,
                "plan": invitation.subscription.plan.name,
                "url": accept_url,
            },
            at=at,
            to=invitation.email,
        )


def invitation_accept(*, user, token: str, at: datetime | None = None) -> Membership:
    """The invitee, signed in with the invited address, joins the owner's plan."""
    at = at or clock.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_related("subscription").filter(token=token).first()
        if invitation is None or not invitation.is_open:
            raise ValidationError(_("This invitation is no longer valid."))
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(
                _("This invitation is for %(email)s. Sign in with that address to accept it.")
                % {"email": invitation.email}
            )
        owner_sub = _lock_for_task(invitation.subscription_id)
        if owner_sub.user_id == user.pk:
            raise ValidationError(_("You cannot join your own plan."))
        if not owner_sub.is_paid or not owner_sub.plan.is_shared:
            raise ValidationError(_("This plan is no longer shared."))
        own = Subscription.objects.filter(user=user).first()
        if own is not None and own.is_paid:
            raise ValidationError(
                _("You have your own paid plan. Switch it to Free before joining someone's plan.")
            )
        if Membership.objects.filter(user=user).exists():
            raise ValidationError(_("You already share someone's plan. Leave it first."))
        if owner_sub.memberships.count() + 1 >= owner_sub.plan.max_accounts:
            raise ValidationError(_("This plan is full."))
        membership = Membership.objects.create(subscription=owner_sub, user=user, joined_at=at)
        invitation.accepted_at, invitation.accepted_by = at, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _track(user, "member_joined", {"plan": owner_sub.plan.code})
    return membership


@transaction.atomic
def member_remove(*, owner, membership_id: int) -> None:
    sub = _subscription_locked(owner)
    deleted, _rows = sub.memberships.filter(pk=membership_id).delete()
    if not deleted:
        raise Membership.DoesNotExist


@transaction.atomic
def invitation_revoke(*, owner, invitation_id: int, at: datetime | None = None) -> None:
    sub = _subscription_locked(owner)
    updated = sub.invitations.filter(
        pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=at or clock.now())
    if not updated:
        raise Invitation.DoesNotExist


@transaction.atomic
def membership_leave(*, user) -> None:
    Membership.objects.filter(user=user).delete()


# --- Demo ----------------------------------------------------------------------------------------

DEMO_GOOD_CARD = "4242424242424242"
DEMO_NO_FUNDS_CARD = "4000000000009995"
STUDENT_DEMO_DAYS = 12


def demo_subscription(
    *,
    user,
    plan_code: str,
    interval: str = Interval.MONTH,
    months: int = 3,
    then: str = "",
    at: datetime | None = None,
) -> Subscription:
    """Give a demo persona a paid history through the real services (test cards, real invoices).

    The plan started `months` months ago (at this time of day, minus two hours) and renewed
    since. `then` leaves it "cancel" (cancels at period end), "postponed" (next payment
    postponed), "past_due" (the renewal due two hours ago was declined; retries pending) or
    "student_due" (a Student plan whose status is confirmed for STUDENT_DEMO_DAYS more days:
    the banner shows at once, the 7-day e-mail comes after a few days, and the next renewal
    after that date ends the plan unless the viewer confirms).
    Idempotent: an account that ever paid is left as it is.
    """
    from apps.subscriptions.schedule import add_months, local_instant

    at = at or clock.now()
    existing = Subscription.objects.filter(user=user).first()
    if existing is not None and existing.paid_subscriptions:
        return existing
    tz = ZoneInfo(time_zone_name(user))
    local = (at - timedelta(hours=2)).astimezone(tz)
    step = INTERVAL_MONTHS[Interval(interval)]
    started = local_instant(add_months(local.date(), -months * step), local.time(), tz)
    card = CardDetails(
        number=DEMO_GOOD_CARD,
        exp_month=12,
        exp_year=at.year + 4,
        cvc="123",
        holder=user.email.split("@")[0].title(),
    )
    checkout_pay(
        user=user,
        plan=Plan.objects.get(code=plan_code),
        interval=interval,
        source=card,
        start_now=True,
        key=f"demo-{user.pk}-{plan_code}",
        at=started,
    )
    sub = Subscription.objects.get(user=user)
    if then == "past_due":
        _demo_renew_until(sub.pk, at - timedelta(hours=3))
        bad = payment_method_add(
            user=user, source=CardDetails(**{**card.__dict__, "number": DEMO_NO_FUNDS_CARD}), at=at
        )
        payment_method_make_default(user=user, method=bad)
    _demo_renew_until(sub.pk, at)
    if then == "cancel":
        subscription_cancel(user=user, at=at)
    elif then == "postponed":
        subscription_postpone(user=user, at=at)
    elif then == "student_due":
        today = at.astimezone(tz).date()
        Subscription.objects.filter(pk=sub.pk, plan__requires_verification=True).update(
            verified_until=today + timedelta(days=STUDENT_DEMO_DAYS)
        )
    return Subscription.objects.get(user=user)


def _demo_renew_until(subscription_id: int, until: datetime) -> None:
    """Renew each past boundary at its own date, as beat would have, so every payment and
    invoice carries the date it was due (not the day the demo was seeded)."""
    for _period in range(MAX_CATCH_UP):
        due = (
            Subscription.objects.filter(
                pk=subscription_id, status__in=(State.ACTIVE, State.CANCEL_SCHEDULED)
            )
            .values_list("current_period_end", flat=True)
            .first()
        )
        if due is None or due > until:
            return
        if not subscription_renew(subscription_id=subscription_id, at=due):
            return


def demo_share(*, owner, member, at: datetime | None = None) -> None:
    """Make `member` part of `owner`'s Duo/Family plan (idempotent)."""
    if Membership.objects.filter(user=member).exists():
        return
    invitation = member_invite(owner=owner, email=member.email, at=at)
    invitation_accept(user=member, token=invitation.token, at=at)
