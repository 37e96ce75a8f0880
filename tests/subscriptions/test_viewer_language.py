"""Billing e-mails and invoices speak the viewer's stored language, whoever sends them."""

import pytest
from django.core import mail
from django.utils import translation

from apps.accounts.models import User
from apps.subscriptions import tasks
from apps.subscriptions.models import Invoice
from tests.subscriptions.conftest import DECLINED, subscribe


def _speaks(user, language):
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        (
            "fr",
            "Votre prochain paiement : 13,49 € le vendredi 10 avril 2026",
            "Abonnement · Standard (mensuel)",
        ),
        (
            "en",
            "Your next payment: €13.49 on Friday 10 April 2026",
            "Subscription · Standard (monthly)",
        ),
    ],
)
def test_renewal_reminder_and_invoice_lines_are_in_the_viewers_language(
    user, now, spy, django_capture_on_commit_callbacks, language, subject, line
):
    _speaks(user, language)
    # The worker and the checkout run in English whatever the viewer speaks.
    with translation.override("en"):
        subscribe(user)
        now.advance(days=28, hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_charge_reminders() == 1
    assert _plain(mail.outbox[-1].subject) == subject
    invoice = Invoice.objects.get(user=user)
    assert invoice.lines[0]["description"].startswith(line + " · ")


def test_a_french_viewers_renewal_invoice_and_failure_mail_are_french(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    _speaks(user, "fr")
    with translation.override("en"):
        subscribe(user)
        beat(days=31)  # renewed on 10 April
    renewal = Invoice.objects.filter(user=user).order_by("issued_at", "pk").last()
    assert renewal.lines[0]["description"].startswith("Renouvellement de l’abonnement · ")
    assert renewal.lines[0]["description"].endswith("10 avril – 10 mai 2026")

    from apps.subscriptions import services

    bad = services.payment_method_add(user=user, source=_card(DECLINED))
    services.payment_method_make_default(user=user, method=bad)
    with translation.override("en"):
        beat(days=31)  # 10 May: declined
    failed = mail.outbox[-1]
    assert failed.subject.startswith("Votre paiement de 13,49")
    assert "n’a pas abouti" in failed.subject
    assert "Votre carte a été refusée" in failed.body  # the decline reason, written at record time


def _plain(text: str) -> str:
    """French typography puts (narrow) no-break spaces before colons and currency signs."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _card(number):
    from tests.subscriptions.conftest import card

    return card(number)
