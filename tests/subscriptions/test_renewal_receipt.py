"""QA 7 §12 and §8: a renewal that is paid sends a receipt (plan and period, the days it pays
for, the credit used, a link to the invoice), once per payment however often the job runs; a
receipt the account credit paid in full says so instead of "your receipt for €0.00"."""

import re

import pytest
from django.core import mail

from apps.subscriptions import services, tasks
from apps.subscriptions.models import Invoice, Notice, Payment
from apps.tracking.models import Event
from tests.subscriptions.conftest import DECLINED, OK_CARD, card, sub_of, subscribe

pytestmark = pytest.mark.django_db


def _plain(text: str) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", text)


def _receipts():
    return [m for m in mail.outbox if "receipt" in m.subject or "paid with" in m.subject]


def test_a_paid_renewal_sends_one_receipt_even_when_the_job_runs_again(user, now, spy, beat):
    subscribe(user)
    mail.outbox.clear()
    beat(days=31)  # 10 April: the first renewal
    renewal = Payment.objects.get(user=user, kind=Payment.Kind.RENEWAL)
    invoice = Invoice.objects.get(payment=renewal)
    # The job again, the task retried, and the service called twice: nothing more is sent.
    beat(hours=1)
    with_callbacks = tasks.renew_subscription(sub_of(user).pk)
    assert with_callbacks == 0
    services.subscription_renew(subscription_id=sub_of(user).pk)
    receipts = _receipts()
    assert len(receipts) == 1
    assert Notice.objects.filter(kind="receipt", key=f"receipt:{invoice.number}").count() == 1
    message = receipts[0]
    assert message.subject == "Standard renewed: your receipt for €13.49"
    assert message.to == [user.email]
    body = _plain(message.body)
    assert (
        "Your Standard (monthly) plan renewed on 10 April 2026 and is paid until 10 May 2026. "
        "We charged €13.49."
    ) in body
    assert f"Invoice: {invoice.number}" in body
    assert f"/account/subscription/invoices/{invoice.number}/" in body
    assert "account credit" not in body  # no credit was used: none is named
    # The same days as the invoice's own line (the period ends at the anchor time on 10 May).
    assert "10 April – 10 May 2026" in invoice.lines[0]["description"]


def test_a_renewal_the_credit_pays_in_part_says_so(user, now, spy, beat):
    subscribe(user, plan="premium")
    now.advance(minutes=5)
    services.subscription_switch_to_free(user=user)  # about €19.99 of credit
    credit = sub_of(user).credit_balance
    assert 1349 < credit < 2698
    subscribe(user)  # €13.49 from the credit today; the rest pays part of the renewal
    left = sub_of(user).credit_balance
    mail.outbox.clear()
    beat(days=31)
    (message,) = _receipts()
    charged = 1349 - left
    assert message.subject == f"Standard renewed: your receipt for €{charged / 100:.2f}"
    assert (
        f"Your account credit paid €{left / 100:.2f} of the price; we charged only the rest."
    ) in _plain(message.body)


def test_a_receipt_the_credit_pays_in_full_says_so_in_its_subject(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    """QA 7 §8: "Welcome to Standard: your receipt for €0.00"."""
    subscribe(user, plan="premium")
    now.advance(minutes=5)
    services.subscription_switch_to_free(user=user)  # about €19.99 of credit
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(user, plan="basic")  # €7.99, paid by the credit; so is the first renewal
    started = _receipts()[-1]
    assert started.subject == "Basic started: paid with your credit"
    assert "€0.00" not in started.subject and "We charged €0.00" not in started.body
    assert "Your account credit paid the whole price, €7.99" in _plain(started.body)
    mail.outbox.clear()
    beat(days=31)
    (renewed,) = _receipts()
    assert renewed.subject == "Basic renewed: paid with your credit"
    assert "nothing was charged" in _plain(renewed.body)


def test_a_renewal_paid_on_a_retry_sends_its_receipt(user, now, spy, beat):
    subscribe(user)
    declined = services.payment_method_add(user=user, source=card(DECLINED))
    services.payment_method_make_default(user=user, method=declined)
    beat(days=31)  # declined on 10 April
    good = services.payment_method_add(user=user, source=card(OK_CARD))
    services.payment_method_make_default(user=user, method=good)
    mail.outbox.clear()
    beat(days=1)  # the retry of 11 April pays
    (message,) = _receipts()
    assert message.subject == "Standard renewed: your receipt for €13.49"
    assert "renewed on 11 April 2026 and is paid until 10 May 2026" in _plain(message.body)


def test_the_renewal_receipt_reaches_an_account_without_marketing_consent_like_the_reminder(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    """Billing e-mails are account mail: sent to the account's address without marketing
    consent or e-mail switches, logged once on the grown-ups' profile, never a kids one."""
    from apps.engagement.models import Category, Channel, ChannelPreference
    from tests.factories import ProfileFactory

    grown_up = user.profiles.get()
    ProfileFactory(account=user, is_kids=True)
    for category in Category.values:
        ChannelPreference.objects.create(
            profile=grown_up,
            channel=Channel.EMAIL,
            category=category,
            enabled=False,
            updated_at=now.value,
        )
    subscribe(user)
    mail.outbox.clear()
    beat(days=28)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_charge_reminders() == 1
    beat(days=3)
    kinds = [e.properties["kind"] for e in Event.objects.filter(name="message_sent")]
    assert "reminder" in kinds and "receipt" in kinds
    sent = Event.objects.filter(name="message_sent", properties__kind="receipt")
    assert {e.profile_id for e in sent} == {grown_up.pk}
    assert _receipts()[-1].to == [user.email]


def test_a_french_account_reads_its_renewal_receipt_in_french(user, now, spy, beat):
    from apps.accounts.models import User

    User.objects.filter(pk=user.pk).update(language="fr")
    user.refresh_from_db()
    subscribe(user)
    mail.outbox.clear()
    beat(days=31)
    (message,) = [m for m in mail.outbox if "reçu" in m.subject]
    assert (
        re.sub(r"[\xa0\u202f]", " ", message.subject)
        == "Standard renouvelé : votre reçu de 13,49 €"
    )
    body = _plain(message.body)
    assert "Votre forfait Standard (mensuel) a été renouvelé le 10 avril 2026" in body
    assert "et il est payé jusqu’au 10 mai 2026" in body and "Voir votre facture en ligne :" in body


def test_a_demo_history_laid_out_months_back_sends_no_receipts(user, now, spy):
    """The demo seeds months of renewals at once: nobody paid anything today."""
    from apps.demo.billing import demo_subscription

    demo_subscription(user=user, plan_code="standard", months=3, at=now.value)
    assert Payment.objects.filter(user=user, kind=Payment.Kind.RENEWAL).count() == 3
    assert not Notice.objects.filter(kind="receipt").exists()


def test_receipts_of_periods_a_coupon_pays_in_full_say_so_not_zero(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    """A free first month's receipt said "your receipt for €0.00"; it names the coupon."""
    from apps.subscriptions.models import Coupon, Plan

    Coupon.objects.create(code="TWOFREE", percent_off=100, periods=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_pay(
            user=user,
            plan=Plan.objects.get(code="standard"),
            interval="month",
            source=card(OK_CARD),
            start_now=True,
            key=services.new_checkout_key(),
            coupon_code="TWOFREE",
        )
    (started,) = [m for m in mail.outbox if "Standard" in m.subject]
    assert started.subject == "Welcome to Standard: free with your coupon TWOFREE"
    body = _plain(started.body)
    assert (
        "Your coupon TWOFREE took off the whole price, €13.49, on 10 March 2026: nothing was "
        "charged."
    ) in body
    assert "Your first payment, €13.49, is on 10 May 2026." in body  # after two free months
    assert "€0.00" not in started.subject

    mail.outbox.clear()
    beat(days=31)  # the second free month
    (renewed,) = [m for m in mail.outbox if "renewed" in m.subject]
    assert renewed.subject == "Standard renewed: free with your coupon TWOFREE"
    assert (
        "renewed on 10 April 2026 and is paid until 10 May 2026. Your coupon TWOFREE took off "
        "the whole price, €13.49: nothing was charged."
    ) in _plain(renewed.body)
    assert spy.charges == []


def test_a_french_coupon_receipt_names_the_coupon(
    user, now, spy, django_capture_on_commit_callbacks
):
    from apps.accounts.models import User
    from apps.subscriptions.models import Coupon, Plan

    User.objects.filter(pk=user.pk).update(language="fr")
    user.refresh_from_db()
    Coupon.objects.create(code="OFFERT", percent_off=100, periods=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_pay(
            user=user,
            plan=Plan.objects.get(code="standard"),
            interval="month",
            source=card(OK_CARD),
            start_now=True,
            key=services.new_checkout_key(),
            coupon_code="OFFERT",
        )
    (message,) = [m for m in mail.outbox if "Standard" in m.subject]
    assert _plain(message.subject) == "Bienvenue sur Standard : offert avec votre coupon OFFERT"
    body = _plain(message.body)
    assert "Votre coupon OFFERT a déduit la totalité du prix, 13,49 €, le 10 mars 2026" in body
    assert "Votre premier paiement, 13,49 €, aura lieu le 10 avril 2026." in body
