"""Why a payment failed reads as words in the admin, in the admin's language: the payment and
checkout lists, their filter and a payment's page showed the gateway's codes
("insufficient_funds") to a French admin. The code stays on the payment's page, small, because
the processor's dashboard and the logs use it."""

import pytest
from django.conf import settings

from apps.core import clock
from apps.subscriptions.models import Checkout, Payment, Plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PAYMENTS = "/admin/subscriptions/payment/"


def _payment(code: str, key: str) -> Payment:
    return Payment.objects.create(
        user=UserFactory(),
        kind=Payment.Kind.RENEWAL,
        status=Payment.Status.FAILED,
        amount=799,
        currency="EUR",
        idempotency_key=key,
        failure_code=code,
        created_at=clock.now(),
    )


@pytest.fixture
def in_french(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return admin_client


def test_the_payment_list_and_its_filter_name_failures_in_french(in_french):
    short = _payment("insufficient_funds", "p1")
    _payment("card_declined", "p2")
    page = in_french.get(PAYMENTS).content.decode()
    assert '<td class="field-failure_reason">Provision insuffisante</td>' in page
    assert '<td class="field-failure_reason">Carte refusée</td>' in page
    assert "insufficient_funds<" not in page and "card_declined<" not in page
    assert 'data-filter-title="motif de l’échec"' in page
    assert "?failure_code=insufficient_funds" in page  # the filter's link, by its label

    filtered = in_french.get(PAYMENTS, {"failure_code": "insufficient_funds"})
    assert list(filtered.context_data["cl"].result_list) == [short]


def test_a_failed_payments_page_gives_the_reason_and_keeps_the_code(in_french):
    payment = _payment("authentication_rejected", "p3")
    page = in_french.get(f"{PAYMENTS}{payment.pk}/change/").content.decode()
    assert "Paiement non approuvé par la banque <code>authentication_rejected</code>" in page
    assert page.count("Motif de l’échec") == 1  # in the code's place, not twice


def test_in_english_the_reason_is_in_english_and_an_unknown_code_shows_as_it_came(admin_client):
    _payment("insufficient_funds", "p4")
    _payment("expired_card", "p5")  # a real processor's code this site has no words for
    page = admin_client.get(PAYMENTS).content.decode()
    assert '<td class="field-failure_reason">Insufficient funds</td>' in page
    assert '<td class="field-failure_reason">expired_card</td>' in page


def test_the_checkout_list_names_its_failures_too(in_french):
    user = UserFactory()

    Checkout.objects.create(
        key="c1",
        user=user,
        plan=Plan.objects.create(code="plus", name="Plus", monthly_amount=799, yearly_amount=7990),
        interval="month",
        amount=799,
        currency="EUR",
        status=Checkout.Status.FAILED,
        failure_code="already_subscribed",
        created_at=clock.now(),
    )
    page = in_french.get("/admin/subscriptions/checkout/").content.decode()
    assert '<td class="field-failure_reason">Déjà abonné</td>' in page
