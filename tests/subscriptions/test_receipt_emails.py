"""QA 3 §4: a receipt e-mail when a plan starts (the contract confirmation with the 14-day right),
when an upgrade is charged and when a withdrawal is refunded: amount and invoice or credit-note
number, in the viewer's language, sent once however often the click or the task repeats."""

import re

import pytest
from django.core import mail
from django.utils import translation

from apps.accounts.models import User
from apps.subscriptions import services, tasks
from apps.subscriptions.models import Invoice, Notice, Plan
from apps.tracking.models import Event
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def _plain(text: str) -> str:
    return re.sub(r"[\xa0\u202f]", " ", text)


@pytest.fixture
def paid(user, now, spy, django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            checkout = subscribe(user, **kwargs)
        assert checkout.status == "succeeded"
        return Invoice.objects.get(user=user, payment=checkout.payment)

    return run


def test_starting_a_plan_sends_one_receipt_with_the_invoice_and_the_withdrawal_right(user, paid):
    invoice = paid()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Welcome to Standard: your receipt for €13.49"
    body = _plain(message.body)
    assert f"Invoice: {invoice.number}" in body
    assert "We charged €13.49 on 10 March 2026." in body
    assert "You asked to start at once: your plan started on 10 March 2026." in body
    assert "withdraw until the end of 24 March 2026" in body
    sent = Event.objects.get(name="message_sent", properties__kind="receipt")
    assert sent.properties["category"] == "billing"


def test_a_plan_that_starts_later_says_when_in_its_receipt(user, paid):
    paid(plan="premium", interval="year", start_now=False)
    body = _plain(mail.outbox[0].body)
    assert "€199.90" in mail.outbox[0].subject
    assert "Your plan starts on 25 March 2026, after your 14-day withdrawal period" in body
    assert "withdraw until the end of 24 March 2026 without giving a reason and get" in body


def test_an_upgrade_sends_one_receipt_even_when_confirmed_twice(
    user, now, paid, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    paid(plan="basic")
    now.advance(days=15, hours=12)
    from apps.subscriptions import selectors

    sub = selectors.subscription_for(user)
    premium = Plan.objects.get(code="premium")
    preview = services.change_preview(sub=sub, plan=premium, interval="month", at=now.value)
    args = {
        "user": user,
        "plan": premium,
        "interval": "month",
        "expected_amount": preview.pay_now,
        "from_plan_id": sub.plan_id,
        "nonce": "n1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_change(**args)
        with pytest.raises(ValidationError):
            services.subscription_change(**args)  # the double click
    invoice = Invoice.objects.filter(user=user).order_by("pk").last()
    receipts = [m for m in mail.outbox if "upgrade" in m.subject]
    assert len(receipts) == 1
    charged = f"€{preview.pay_now / 100:.2f}"
    assert receipts[0].subject == f"Receipt: {charged} for your upgrade to Premium"
    assert f"Invoice: {invoice.number}" in receipts[0].body


def test_a_withdrawal_sends_its_credit_note_in_the_viewers_language(
    user, now, paid, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=user.pk).update(language="fr")
    user.refresh_from_db()
    with translation.override("en"):
        paid()
        now.advance(days=2)
        with django_capture_on_commit_callbacks(execute=True):
            done = services.subscription_withdraw(user=user)
    note = Invoice.objects.get(user=user, kind=Invoice.Kind.CREDIT_NOTE)
    message = mail.outbox[-1]
    amount = f"{done.refunded // 100},{done.refunded % 100:02d} €"
    subject = _plain(message.subject)
    assert subject == f"Remboursement de {amount} : votre rétractation est confirmée"
    body = _plain(message.body)
    assert f"Avoir : {note.number}" in body
    assert "Standard" in body and "Free" in body


def test_a_retried_send_task_sends_a_receipt_once(user, paid):
    paid()
    notice = Notice.objects.get(kind="receipt")
    assert tasks.send_notice(notice.pk) is False  # already claimed and sent
    assert len(mail.outbox) == 1
