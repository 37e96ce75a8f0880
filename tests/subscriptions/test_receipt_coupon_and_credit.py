"""A period a coupon and the account credit pay together, nothing charged: the receipt names
both (it used to say the credit paid the whole price, the coupon unsaid)."""

import re

import pytest
from django.core import mail

from apps.subscriptions import services
from apps.subscriptions.models import Coupon, Payment, Plan
from tests.subscriptions.conftest import OK_CARD, card, sub_of, subscribe

pytestmark = pytest.mark.django_db


def _plain(text: str) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", text)


def _money(cents: int, language: str = "en") -> str:
    if language == "fr":
        return f"{cents // 100},{cents % 100:02d} €"
    return f"€{cents // 100}.{cents % 100:02d}"


def _half_price_with_credit(user, django_capture_on_commit_callbacks, now):
    subscribe(user, plan="premium")
    now.advance(minutes=5)
    services.subscription_switch_to_free(user=user)  # about €19.99 of account credit
    Coupon.objects.create(code="HALF", percent_off=50, periods=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_pay(
            user=user,
            plan=Plan.objects.get(code="standard"),
            interval="month",
            source=card(OK_CARD),
            start_now=True,
            key=services.new_checkout_key(),
            coupon_code="HALF",
        )
    payment = Payment.objects.get(user=user, plan__code="standard", kind=Payment.Kind.INITIAL)
    assert payment.amount == 0 and payment.discount and payment.credit_applied
    (message,) = [m for m in mail.outbox if "Standard" in m.subject]
    return payment, message


def test_the_first_receipt_names_the_coupon_and_the_credit(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    payment, started = _half_price_with_credit(user, django_capture_on_commit_callbacks, now)
    assert started.subject == "Standard started: paid with your coupon HALF and your credit"
    body = _plain(started.body)
    assert (
        f"Your coupon HALF took off {_money(payment.discount)} and your account credit paid "
        f"the rest, {_money(payment.credit_applied)}, on 10 March 2026: nothing was charged."
    ) in body
    assert "paid the whole price" not in body and "we charged only the rest" not in body

    assert sub_of(user).credit_balance >= payment.credit_applied  # enough for the renewal too
    mail.outbox.clear()
    beat(days=31)
    (renewed,) = [m for m in mail.outbox if "renewed" in m.subject]
    renewal = Payment.objects.get(user=user, kind=Payment.Kind.RENEWAL)
    assert renewal.amount == 0 and renewal.discount and renewal.credit_applied
    assert renewed.subject == "Standard renewed: paid with your coupon HALF and your credit"
    assert (
        f"Your coupon HALF took off {_money(renewal.discount)} and your account credit paid "
        f"the rest, {_money(renewal.credit_applied)}: nothing was charged."
    ) in _plain(renewed.body)


def test_a_french_account_reads_both_named_in_french(
    user, now, spy, django_capture_on_commit_callbacks
):
    from apps.accounts.models import User

    User.objects.filter(pk=user.pk).update(language="fr")
    user.refresh_from_db()
    payment, started = _half_price_with_credit(user, django_capture_on_commit_callbacks, now)
    assert _plain(started.subject) == (
        "Standard a commencé : payé avec votre coupon HALF et votre crédit"
    )
    assert (
        f"Votre coupon HALF a déduit {_money(payment.discount, 'fr')} et le crédit de votre "
        f"compte a payé le reste, {_money(payment.credit_applied, 'fr')}"
    ) in _plain(started.body)
