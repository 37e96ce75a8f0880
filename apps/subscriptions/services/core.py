"""The billing core shared by the services modules: locking the account's subscription, charging
through the gateway once per idempotency key, account credit, the change history, e-mail notices
and the errors the views show.

The underscored helpers are internal to apps.subscriptions.services; other apps call the public
functions the package exports.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.language import speaking_to, user_language
from apps.accounts.models import User
from apps.accounts.recipients import address_deliverable, mail_address
from apps.accounts.selectors import grown_ups_profile
from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.core.claims import claim, email_send, stamp_sent
from apps.core.dates import long_date
from apps.core.queue import delay_on_commit
from apps.subscriptions import gateway, proration, student
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import (
    CreditEntry,
    Interval,
    Invoice,
    Notice,
    Payment,
    PaymentMethod,
    Plan,
    Subscription,
    SubscriptionChange,
)
from apps.subscriptions.money import format_money
from apps.subscriptions.plan_catalogue import PLANS
from apps.subscriptions.selectors.billing import price_paid_now
from apps.subscriptions.services.invoices import _issue_invoice
from apps.subscriptions.zones import local_period
from apps.tracking.services import track

log = logging.getLogger(__name__)
STUDENT_CONFIRMATION_MONTHS = student.CONFIRMATION_MONTHS
# Notice kinds whose address is blanked once sent: the account it belonged to is deleted
# (services/farewell.py).
FORGET_ADDRESS_KINDS = frozenset({"account_deleted"})


# --- Errors the views show ----------------------------------------------------------------------


class PaymentFailed(ValidationError):
    """The gateway declined; `code` is the decline code (card_declined, insufficient_funds...)."""

    def __init__(self, code: str):
        self.code_name = code
        super().__init__(decline_message(code), code=code)


class AlreadyDone(ValidationError):
    """An identical earlier request (a double-click, Back and submit) already did this; the
    message says its outcome, for the page to show instead of a refusal."""


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


def _track(
    user, name: str, properties: dict, *, client_id: str | None = None, at: datetime | None = None
) -> None:
    # The grown-ups' profile: a billing event starts the account messages (payment failed,
    # plan ending), which must never land in a kids profile's inbox.
    profile = grown_ups_profile(account=user)
    if profile is not None:
        track(name=name, profile=profile, properties=properties, client_id=client_id, at=at)


def _mrr(sub: Subscription) -> int:
    """What the subscriber pays a month: the kept price while a rise's notice runs."""
    if not sub.is_paid:
        return 0
    price = price_paid_now(sub)
    return price if sub.interval == Interval.MONTH else price // 12


# The changes that paid for the plan's next period (charged on the due date, or an overdue
# payment collected by a retry or Pay now): tracked as `renewal_paid`, on which engagement
# reads the billing cards about it ("Your plan renews soon", "Your payment didn't go through").
PAID_CHANGES = frozenset({"renewed", "retry_paid"})


def _record_change(sub: Subscription, event: str, at: datetime) -> None:
    if event in PAID_CHANGES:
        _track(sub.user, "renewal_paid", {"plan": sub.plan.code})
    SubscriptionChange.objects.create(
        subscription=sub,
        at=at,
        # A code without a label would show raw in the admin: refused here, so a test finds it.
        event=SubscriptionChange.Event(event),
        status=sub.status,
        plan=sub.plan,
        interval=sub.interval,
        mrr=_mrr(sub),
        currency=sub.plan.currency,
    )


def _notice(
    sub: Subscription,
    *,
    key: str,
    kind: str,
    context: dict,
    at: datetime,
    to: str = "",
    send_after: datetime | None = None,
) -> bool:
    """Record an e-mail once per key (False if it already was); it goes out after commit, or
    from the sweeper once `send_after` is past when that is later than `at`.

    Nothing is recorded when there is no one to send it to: a deleted account's stand-in
    (accounts.recipients), whose deletion e-mail was its last."""
    to = to or mail_address(sub.user)
    if not address_deliverable(to):
        return False
    if Notice.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                subscription=sub,
                key=key,
                kind=kind,
                to=to,
                context=context,
                created_at=at,
                send_after=send_after if send_after is not None and send_after > at else None,
            )
    except IntegrityError:
        return False
    if notice.send_after is not None:
        return True  # held back: the sweeper sends it once send_after is past
    from apps.subscriptions import tasks  # in the function: tasks imports these services

    delay_on_commit(tasks.send_notice, notice.pk)
    return True


def _receipt(
    sub: Subscription,
    *,
    kind: str,
    documents: list[Invoice],
    amount: int,
    at: datetime,
    extra: dict | None = None,
) -> bool:
    """E-mail a receipt (kind: started | upgrade | renewal | refund) naming its invoice or
    credit-note numbers, once: the first document's number is the key, so a retried task or a
    repeated click that issued no new document sends nothing more. Dates and `*_amount`s in
    `extra` are written in the viewer's language."""
    if not documents:
        return False
    user = sub.user
    link = reverse("subscriptions:invoice", args=[documents[0].number])
    with speaking_to(user), timezone.override(viewer_zone_name(user)):
        context = {
            "kind": kind,
            "plan": sub.plan.name,
            "amount": format_money(amount, documents[0].currency),
            # Nothing charged: what paid it all (the credit, a coupon, or both together) is
            # said, in the subject too, never "€0.00".
            **_paid_without_charge(amount, extra or {}),
            "numbers": ", ".join(d.number for d in documents),
            "count": len(documents),
            "date": long_date(documents[0].issue_day),
            "invoice_url": settings.SITE_URL.rstrip("/") + link,
            **{k: _extra_text(k, v, documents[0].currency) for k, v in (extra or {}).items()},
        }
    return _notice(
        sub, key=f"receipt:{documents[0].number}", kind="receipt", context=context, at=at
    )


def _settlement_receipt(sub: Subscription, payment: Payment, *, at: datetime) -> None:
    """The receipt of a postponed payment collected when the plan ends (on its last day or on
    a retry) or when it moves to Free now: once per payment, keyed by its invoice."""
    invoice = Invoice.objects.filter(payment=payment).first()
    with speaking_to(sub.user):
        period = (
            local_period(payment.period_start, payment.period_end, sub.user)
            if payment.period_start and payment.period_end
            else ""
        )
    _receipt(
        sub,
        kind="settlement",
        documents=[invoice] if invoice is not None else [],
        amount=payment.amount,
        at=at,
        extra={
            "plan_period": plan_with_period(payment.plan.name, payment.interval),
            "period": period,
            **({"credit_amount": payment.credit_applied} if payment.credit_applied else {}),
        },
    )


def _paid_without_charge(amount: int, extra: dict) -> dict[str, bool]:
    """Which of the receipt's "nothing was charged" wordings applies (at most one)."""
    credit, coupon = bool(extra.get("credit_amount")), bool(extra.get("coupon_amount"))
    free = amount == 0
    return {
        "by_credit": free and credit and not coupon,
        "by_coupon": free and coupon and not credit,
        "by_coupon_and_credit": free and coupon and credit,
    }


def _coupon_extra(sub: Subscription, payment) -> dict:
    """A receipt's coupon: what it took off and its code (nothing without a discount)."""
    if not payment.discount:
        return {}
    return {"coupon_amount": payment.discount, "coupon": sub.coupon.code if sub.coupon else ""}


def _extra_text(key: str, value, currency: str):
    """A receipt's extra value as the viewer reads it: dates written out, `*_amount` as money."""
    if isinstance(value, date):
        return long_date(value)
    if key.endswith("_amount") and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, currency)
    return value


def notice_send(*, notice_id: int, at: datetime | None = None) -> bool:
    """Send one recorded e-mail at most once from the viewer's point of view.

    The claim is committed before the message leaves: a second worker (a redelivered or
    duplicated task) finds it claimed and does nothing. If the sender dies after claiming,
    the sweeper sends it again once the claim is NOTICE_SWEEP_AFTER_SECONDS old, with the same
    Message-ID. Returns True if this call sent it.
    """
    at = at or clock.now()
    stale = at - timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    due = Notice.objects.filter(pk=notice_id).filter(
        Q(send_after__isnull=True) | Q(send_after__lte=at)
    )
    to = Notice.objects.filter(pk=notice_id).values_list("to", flat=True).first()
    if not address_deliverable(to):
        # Recorded before its account was deleted (or its address already blanked): never sent.
        Notice.objects.filter(pk=notice_id, sent_at__isnull=True).delete()
        return False
    if not claim(due, at=at, stale_before=stale):
        return False
    notice = Notice.objects.select_related("subscription__user").get(pk=notice_id)
    with _speaking(notice):
        body = render_to_string(f"subscriptions/email/{notice.kind}.txt", notice.context)
    email_send(body, to=notice.to, message_id=notice.message_id)
    stamp_sent(Notice.objects.filter(pk=notice_id), sent_at=clock.now())
    if notice.kind in FORGET_ADDRESS_KINDS:
        # Its account is deleted: the address is kept only until the e-mail has left.
        Notice.objects.filter(pk=notice_id).update(to="")
    _message_logged(notice)
    return True


def _speaking(notice: Notice):
    """The notice's language: the one its context names (an account deleted since, whose
    language went with it), else its recipient's, else the site's. Never the language active
    where it happens to be sent: an eager task runs in the request that queued it (QA11: a
    demo Restore from a French session sent Jordan's e-mail in French; he chose none)."""
    language = notice.context.get("language") if isinstance(notice.context, dict) else None
    language = language or user_language(_recipient(notice)) or settings.LANGUAGE_CODE
    return translation.override(language)


def _message_logged(notice: Notice) -> None:
    """Every message a viewer receives goes into the one event log (`message_sent`, on the
    account's main profile); its client id makes a re-send by the sweeper count once."""
    profile = (
        notice.subscription.user.profiles.order_by("is_kids", "pk").first()
        if notice.to == notice.subscription.user.email
        else None
    )
    if profile is None:
        return  # an invitee's or a student address: not this account's viewer
    track(
        name="message_sent",
        profile=profile,
        properties={"channel": "email", "category": "billing", "kind": notice.kind},
        client_id=f"notice-{notice.pk}",
    )


def _recipient(notice: Notice):
    """Whose language the e-mail is in: the account it is addressed to, else the subscriber's
    (an invitee or a student address without an account reads the sender's language)."""
    account = User.objects.filter(email__iexact=notice.to).first()
    return account or notice.subscription.user


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


def _add_credit(sub: Subscription, amount: int, *, reason: str, at: datetime) -> CreditEntry | None:
    if amount <= 0:
        return None
    sub.credit_balance += amount
    return CreditEntry.objects.create(subscription=sub, amount=amount, reason=reason, created_at=at)


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


def _forget_method(method: PaymentMethod, *, at: datetime) -> None:
    method.removed_at = at
    method.save(update_fields=["removed_at"])


def _end_paid(
    sub: Subscription, *, status: State, event: str, at: datetime, about: dict | None = None
) -> None:
    """Back to Free entitlements: no period, no pending changes, members lose the plan.

    `about` adds to the `subscription_ended` event (a dropped plan's payment kind and due date,
    so its in-app card replaces the failure card about that payment)."""
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
    _track(sub.user, "subscription_ended", {"reason": event, **(about or {})})


def _lock_for_task(subscription_id: int) -> Subscription | None:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("user", "plan", "pending_plan", "payment_method")
        .filter(pk=subscription_id)
        .first()
    )
