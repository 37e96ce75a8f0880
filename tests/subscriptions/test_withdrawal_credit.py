"""QA 7 §1: withdrawing from a plan paid with account credit gives that credit back.

A viewer who switched to Free (the unused part became credit) and subscribed again paid the
new plan partly or wholly with that credit. Withdrawing used to refund only the money and drop
the credit: "You paid €0.00 … Refunded to you €0.00" and the €13.49 of credit was gone.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.subscriptions import services, withdrawal
from apps.subscriptions.models import Invoice, Refund, Subscription
from tests.subscriptions.conftest import subscribe

WITHDRAW = "/account/subscription/withdraw/"
DAY = 86400


@given(
    amount=st.integers(0, 10**6),
    credit=st.integers(0, 10**6),
    used=st.integers(-DAY, 40 * DAY),
    period=st.integers(1, 31 * DAY),
)
def test_a_withdrawal_never_loses_money_or_credit(amount, credit, used, period):
    one = withdrawal.split_credit_first(
        amount=amount, credit=credit, used_seconds=used, period_seconds=period
    )
    assert one.kept + one.refunded + one.credit_back == amount + credit
    assert 0 <= one.refunded <= amount and 0 <= one.credit_back <= credit


def test_the_days_used_come_out_of_the_credit_before_the_money():
    # €7.00 by card and €6.49 of credit for a 31-day Standard month, 14 days used: the days
    # cost €6.09, all out of the credit; the card gets its €7.00 back and €0.40 of credit stays.
    one = withdrawal.split_credit_first(
        amount=700, credit=649, used_seconds=14 * DAY, period_seconds=31 * DAY
    )
    assert (one.kept, one.refunded, one.credit_back) == (609, 700, 40)


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def on_credit(user, now):
    """Standard paid by card, switched to Free at once (€13.49 of credit), then Standard again
    to start after the withdrawal period: paid wholly with the credit."""
    subscribe(user)
    services.subscription_switch_to_free(user=user)
    now.advance(minutes=5)
    subscribe(user, start_now=False)
    sub = Subscription.objects.get(user=user)
    assert sub.credit_balance == 0
    return sub


def test_withdrawing_a_plan_paid_with_credit_gives_the_credit_back(viewer, now, spy):
    on_credit(viewer.user, now)
    page = re.sub(r"\s+", " ", viewer.get(WITHDRAW).content.decode())
    assert "Paid with account credit</dt><dd>€13.49" in page
    assert 'id="credit-back-amount">€13.49' in page
    assert "Withdraw and get €13.49 of credit back" in page

    response = viewer.post(WITHDRAW, {"token": "withdraw", "amount": "0"}, follow=True)

    assert "You have withdrawn. €13.49 is back on your account credit." in response.content.decode()
    sub = Subscription.objects.get(user=viewer.user)
    assert (sub.plan.code, sub.credit_balance) == ("free", 1349)
    assert not Refund.objects.filter(payment__subscription=sub).exists()
    # No refund's credit note (nothing was refunded); the credit back has its own document.
    assert not Invoice.objects.filter(kind="credit_note", refund__isnull=False).exists()
    back = Invoice.objects.filter(kind="credit_note").order_by("pk").last()
    assert back.to_credit and back.total == -1349


def test_a_plan_paid_partly_with_credit_refunds_the_money_first(viewer, now, spy):
    user = viewer.user
    subscribe(user, "basic")
    credit = services.subscription_switch_to_free(user=user).credit  # about €7.99
    now.advance(minutes=5)
    subscribe(user)  # Standard, €13.49: the credit first, the rest by card
    money = 1349 - credit
    now.advance(days=3)
    sub = Subscription.objects.get(user=user)

    preview = services.withdrawal_preview(sub=sub, at=now.value)
    assert (preview.paid, preview.credit_paid) == (money, credit)
    done = services.subscription_withdraw(user=user, expected_refund=preview.refunded)

    # Three days of a 31-day month (€1.30) come out of the credit: all the money comes back.
    assert (done.kept, done.refunded, done.credit_back) == (130, money, credit - 130)
    assert sum(r["amount"] for r in spy.refunds[-1:]) == money
    sub.refresh_from_db()
    assert (sub.plan.code, sub.credit_balance) == ("free", credit - 130)
