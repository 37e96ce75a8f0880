"""Invoices and credit notes: gapless numbers per year, written with the payment they record."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from apps.accounts.language import speaking_to
from apps.accounts.timezones import viewer_zone_name
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.models import (
    Checkout,
    CreditEntry,
    Invoice,
    InvoiceCounter,
    Payment,
    Refund,
)
from apps.subscriptions.zones import anchor_of, local_period

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
    return local_period(payment.period_start, payment.period_end, user)


def _issue_invoice(payment: Payment, *, at: datetime) -> Invoice | None:
    """The invoice of a successful payment: the price, then a coupon's discount and the account
    credit as negative lines, so the lines add up to the total charged. Its lines are written
    in the account's language (an invoice is a document: it is not re-translated later)."""
    if payment.gross + payment.discount <= 0 or payment.status != Payment.Status.SUCCEEDED:
        return None
    if Invoice.objects.filter(payment=payment).exists():
        return payment.invoice
    with speaking_to(payment.user):
        return _write_invoice(payment, at=at)


def _write_invoice(payment: Payment, *, at: datetime) -> Invoice:
    user = payment.user
    plan_text = ""
    if payment.plan is not None:
        plan_text = plan_with_period(payment.plan.name, payment.interval)
    what = {
        Payment.Kind.INITIAL: _("Subscription"),
        Payment.Kind.RENEWAL: _("Subscription renewal"),
        Payment.Kind.RETRY: _("Subscription renewal"),
        Payment.Kind.UPGRADE: _("Upgrade for the rest of the period"),
        Payment.Kind.SETTLEMENT: _("Days used of a postponed period"),
    }[Payment.Kind(payment.kind)]
    description = " · ".join(p for p in (what, plan_text, _period_text(payment, user)) if p)
    lines = [{"description": description, "amount": payment.gross + payment.discount}]
    if payment.carried and payment.subscription is not None and payment.period_offset:
        # A renewal that also collects the month postponed before it: that month is its own
        # line, with its dates (QA10: one line named only the new month for twice its price).
        start, end = anchor_of(payment.subscription).period(payment.period_offset - 1, 1)
        earlier = " · ".join(
            p
            for p in (
                _("Days used of a postponed period"),
                plan_text,
                local_period(start, end, user),
            )
            if p
        )
        lines = [
            {"description": earlier, "amount": payment.carried},
            {"description": description, "amount": lines[0]["amount"] - payment.carried},
        ]
    if payment.discount:
        coupon = _coupon_text(payment)
        lines.append({"description": coupon, "amount": -payment.discount})
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
        country=user.country,
        issued_at=at,
        issued_on=_issued_on(user, at),
    )


def _issued_on(user, at: datetime):
    """The issue day in the zone the document's period lines are written in (`local_period`)."""
    return at.astimezone(ZoneInfo(viewer_zone_name(user))).date()


def _coupon_text(payment: Payment) -> str:
    sub = payment.subscription
    code = sub.coupon.code if sub is not None and sub.coupon_id else ""
    if payment.kind == Payment.Kind.INITIAL:
        checkout = Checkout.objects.filter(payment=payment).select_related("coupon").first()
        if checkout is not None and checkout.coupon is not None:
            code = checkout.coupon.code
    if code:
        return _("Coupon %(code)s") % {"code": code}
    return _("Coupon")


def _issue_credit_note(refund: Refund, *, description: str, at: datetime) -> Invoice:
    """A credit note in the account's language (pass `description` lazily translated)."""
    with speaking_to(refund.payment.user):
        return _write_credit_note(refund, description=str(description), at=at)


def _write_credit_note(refund: Refund, *, description: str, at: datetime) -> Invoice:
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
        country=user.country,
        issued_at=at,
        issued_on=_issued_on(user, at),
    )


def _issue_credit_to_account(
    entry: CreditEntry | None, *, description, payments: list[Payment], at: datetime
) -> Invoice | None:
    """A credit note for money already invoiced that became account credit instead of a refund
    (Switch to Free, a withdrawal's credit back): the Invoices page shows where the credit came
    from. `description` is lazily translated; `payments` are those it refers to."""
    if entry is None or entry.amount <= 0:
        return None
    with speaking_to(entry.subscription.user):
        invoices = Invoice.objects.filter(payment__in=payments).order_by("pk")
        numbers = list(invoices.values_list("number", flat=True))
        text = str(description)
        if numbers:
            text += " · " + _("refers to invoice %(n)s") % {"n": ", ".join(numbers)}
        year, seq, number = _next_invoice_number(at)
        user = entry.subscription.user
        return Invoice.objects.create(
            user=user,
            kind=Invoice.Kind.CREDIT_NOTE,
            number=number,
            year=year,
            sequence=seq,
            credit_entry=entry,
            lines=[{"description": text, "amount": -entry.amount}],
            total=-entry.amount,
            currency=entry.subscription.currency,
            billed_to=user.email,
            country=user.country,
            issued_at=at,
            issued_on=_issued_on(user, at),
        )
