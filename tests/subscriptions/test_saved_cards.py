"""A card entered again (a second payment, another tab) is the same saved card, not a copy."""

import pytest
from django.db import connection

from apps.subscriptions import services
from apps.subscriptions.models import PaymentMethod
from tests.concurrency import raised, run_at_once
from tests.subscriptions.conftest import OK_CARD, card

pytestmark = pytest.mark.django_db


def saved(user):
    return list(PaymentMethod.objects.filter(user=user, removed_at__isnull=True))


def test_the_same_card_entered_twice_is_saved_once_with_the_newest_expiry(user):
    first = services.payment_method_add(user=user, source=card())
    again = services.payment_method_add(
        user=user,
        source=services.CardDetails(
            number=OK_CARD, exp_month=3, exp_year=2031, cvc="123", holder="Ada Lovelace"
        ),
    )
    assert again.pk == first.pk
    (method,) = saved(user)
    assert (method.exp_month, method.exp_year, method.holder) == (3, 2031, "Ada Lovelace")


def test_another_card_or_another_account_gets_its_own_saved_method(user):
    from tests.factories import ProfileFactory

    services.payment_method_add(user=user, source=card())
    services.payment_method_add(user=user, source=card("5555555555554444"))
    other = ProfileFactory().account
    services.payment_method_add(user=other, source=card())
    assert sorted(m.last4 for m in saved(user)) == ["4242", "4444"]
    assert [m.last4 for m in saved(other)] == ["4242"]


def test_a_removed_card_entered_again_is_saved_again(user):
    method = services.payment_method_add(user=user, source=card("5555555555554444"))
    services.payment_method_add(user=user, source=card())
    services.payment_method_remove(user=user, method=method)
    again = services.payment_method_add(user=user, source=card("5555555555554444"))
    assert again.pk != method.pk
    assert len(saved(user)) == 2


def test_the_same_iban_twice_is_one_mandate(user):
    iban = services.SepaDetails(iban="DE89370400440532013000", holder="Ada Lovelace")
    first = services.payment_method_add(user=user, source=iban)
    assert services.payment_method_add(user=user, source=iban).pk == first.pk


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_the_same_card_at_once_keep_one(user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL (CI runs it)")

    def add(_i):
        return services.payment_method_add(user=user, source=card()).pk

    results = run_at_once(add, n=2)
    assert raised(results) == []
    assert len(set(results)) == 1
    assert len(saved(user)) == 1
