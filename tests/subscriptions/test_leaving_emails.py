"""QA4 H1 / QA3 M7: a viewer who postponed a payment and then cancelled was charged that payment
when the plan ended with no e-mail at all but the reminder. Every charge sends one receipt, a
cancellation is confirmed by e-mail (the end date, what is still charged), and the end of a
cancelled plan says "Your account has moved to Free", each once however often jobs run."""

import re

import pytest
from django.core import mail

from apps.accounts.models import User
from apps.subscriptions import services, tasks
from apps.subscriptions.models import Invoice, Notice, Payment
from tests.subscriptions.conftest import DECLINED, OK_CARD, card, sub_of, subscribe

pytestmark = pytest.mark.django_db


def _plain(text: str) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", text)


def _subjects() -> list[str]:
    return [_plain(m.subject) for m in mail.outbox]


def _postponed_then_cancelled(user, beat, capture):
    """Basic from 10 March (start now), the 10 April payment postponed to 10 May, the beat
    through 10 April (access goes on unpaid), then Cancel on 15 April."""
    subscribe(user, plan="basic")
    services.subscription_postpone(user=user)
    beat(days=31, hours=1)  # 10 April 10:00: the postponed period starts, nothing charged
    assert not Payment.objects.filter(user=user, kind=Payment.Kind.RENEWAL).exists()
    beat(days=5)  # 15 April
    mail.outbox.clear()
    with capture(execute=True):
        services.subscription_cancel(user=user)


def test_cancelling_a_postponed_plan_confirms_it_and_names_what_is_still_charged(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    _postponed_then_cancelled(user, beat, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "Your Basic plan is cancelled: it ends on 10 May 2026"
    body = _plain(message.body)
    assert "You keep it until 10 May 2026; that day your account moves to Free" in body
    assert "On 10 May 2026 we still collect €7.99, the payment you postponed" in body
    assert "Resume your plan any time before 10 May 2026" in body
    # A double-click is refused and sends nothing; undoing and cancelling again neither.
    with pytest.raises(Exception):  # noqa: B017 - the form's ValidationError
        services.subscription_cancel(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_resume(user=user)
        services.subscription_cancel(user=user)
    assert len(mail.outbox) == 1


def test_the_postponed_payment_taken_at_the_end_sends_one_receipt_and_the_move_to_free(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    _postponed_then_cancelled(user, beat, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    beat(days=25)  # 10 May 10:00: the plan ends, the postponed €7.99 is collected
    settlement = Payment.objects.get(user=user, kind=Payment.Kind.SETTLEMENT)
    assert settlement.amount == 799 and settlement.status == Payment.Status.SUCCEEDED
    invoice = Invoice.objects.get(payment=settlement)
    # The job again, the task retried, the service called twice: nothing more is sent.
    beat(hours=1)
    tasks.renew_subscription(sub_of(user).pk)
    services.subscription_renew(subscription_id=sub_of(user).pk)
    assert sorted(_subjects()) == [
        "Receipt: €7.99, the payment you postponed for Basic",
        "Your account has moved to Free",
    ]
    receipt = next(m for m in mail.outbox if m.subject.startswith("Receipt"))
    body = _plain(receipt.body)
    assert (
        "We charged €7.99 on 10 May 2026, the payment you postponed for your Basic (monthly) "
        "plan, for 10 April – 10 May 2026."
    ) in body
    assert f"Invoice: {invoice.number}" in body
    moved = next(m for m in mail.outbox if m.subject == "Your account has moved to Free")
    assert "As you asked, your Basic plan ended on 10 May 2026" in _plain(moved.body)
    assert "We tried several times" not in moved.body
    # The invoice line says which days the charge pays for (QA4 L5).
    assert invoice.lines[0]["description"] == (
        "Days used of a postponed period · Basic (monthly) · 10 April – 10 May 2026"
    )
    assert sub_of(user).plan.code == "free"


def test_a_postponed_payment_declined_at_the_end_then_paid_now_sends_one_receipt(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    _postponed_then_cancelled(user, beat, django_capture_on_commit_callbacks)
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    beat(days=25)  # 10 May: declined, still owed
    assert not Payment.objects.filter(
        user=user, kind=Payment.Kind.SETTLEMENT, status=Payment.Status.SUCCEEDED
    ).exists()
    mail.outbox.clear()
    for _click in range(2):  # a double-click on Pay now
        with django_capture_on_commit_callbacks(execute=True):
            services.overdue_pay_now(user=user, key="pay-1", source=card(OK_CARD))
    beat(days=1)  # the scheduled retry finds nothing owed
    assert sorted(_subjects()) == [
        "Receipt: €7.99, the payment you postponed for Basic",
        "Your account has moved to Free",
    ]
    assert Notice.objects.filter(kind="receipt").count() == 2  # Basic's start, then this


def test_moving_to_free_now_during_a_postponed_period_sends_the_receipt_of_the_days_used(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user, plan="basic")
    services.subscription_postpone(user=user)
    beat(days=31, hours=1)  # 10 April 10:00
    now.advance(days=15)  # 25 April: half the period used
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_switch_to_free(user=user)
    settlement = Payment.objects.get(user=user, kind=Payment.Kind.SETTLEMENT)
    assert settlement.amount > 0
    (message,) = [m for m in mail.outbox if m.subject.startswith("Receipt")]
    assert _plain(message.subject) == (
        f"Receipt: €{settlement.amount / 100:.2f}, the payment you postponed for Basic"
    )
    assert "for 10–25 April 2026" in _plain(message.body)


def test_a_plain_cancelled_plan_confirms_nothing_more_is_charged_and_says_when_it_moves_to_free(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_cancel(user=user)
    (message,) = mail.outbox
    assert message.subject == "Your Standard plan is cancelled: it ends on 10 April 2026"
    assert "Nothing more is charged." in message.body
    assert "we still collect" not in message.body
    mail.outbox.clear()
    beat(days=31)  # 10 April: the plan ends
    beat(days=1)
    assert _subjects() == ["Your account has moved to Free"]
    assert not Payment.objects.filter(user=user).exclude(kind=Payment.Kind.INITIAL).exists()


def test_the_cancellation_emails_are_in_the_viewers_language(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=user.pk).update(language="fr")
    _postponed_then_cancelled(user, beat, django_capture_on_commit_callbacks)
    (cancelled,) = mail.outbox
    assert _plain(cancelled.subject) == (
        "Votre forfait Basic est résilié : il se termine le 10 mai 2026"
    )
    assert "7,99 €" in _plain(cancelled.body)
    mail.outbox.clear()
    beat(days=25)
    assert sorted(_subjects()) == [
        "Reçu : 7,99 €, le paiement reporté de votre forfait Basic",
        "Votre compte est passé au forfait Free",
    ]
