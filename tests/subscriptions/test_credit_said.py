"""QA 7 §2: where account credit pays part of a new plan, the checkout and the receipt say so.

After "Switch to Free" (€19.98 of credit) a new Standard plan cost €0.00 today and €7.00 next
month; the checkout said "The next payment, €7.00, … then every month on the same day" (it is
€13.49 after that) and the receipt said only "We charged €0.00". Credit can cover several
payments (€19.99 toward Basic: €0.00 today, €0.00, then €3.98), so the page does not name the
one after the next.
"""

import re

import pytest
from django.core import mail

from apps.subscriptions import services
from apps.subscriptions.models import Subscription
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db
CHECKOUT = "/account/subscription/checkout/standard/?interval=month"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def with_credit(user, now, plan="premium"):
    subscribe(user, plan)
    services.subscription_switch_to_free(user=user)
    now.advance(minutes=5)
    return Subscription.objects.get(user=user).credit_balance


def test_the_checkout_says_the_reduced_next_payment_is_followed_by_the_full_price(viewer, now):
    credit = with_credit(viewer.user, now)  # about €19.99: €13.49 today, the rest next month
    assert 1349 < credit < 2698
    page = re.sub(r"\s+", " ", viewer.get(CHECKOUT).content.decode())
    rest = f"€{(2698 - credit) // 100}.{(2698 - credit) % 100:02d}"
    assert f"The next payment, {rest}, is taken on" in page
    assert (
        "Your account credit also pays for the next payments until it is used up, so they are "
        "lower; after that each payment is €13.49."
    ) in page


def test_credit_for_more_than_one_payment_is_not_said_to_end_with_the_next(viewer, now):
    with_credit(viewer.user, now)  # about €19.99 toward Basic at €7.99: today, next, and part
    page = re.sub(r"\s+", " ", viewer.get(CHECKOUT.replace("standard", "basic")).content.decode())
    assert "The next payment, €0.00, is taken on" in page
    assert "until it is used up, so they are lower; after that each payment is €7.99." in page


def test_without_credit_the_checkout_says_nothing_about_it(viewer, now):
    page = viewer.get(CHECKOUT).content.decode()
    assert "charge-when" in page and "charge-when-credit" not in page
    assert "Pay €13.49</button>" in page


def test_the_receipt_says_what_the_credit_paid(user, now, spy, django_capture_on_commit_callbacks):
    credit = with_credit(user, now, plan="basic")  # about €7.99
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(user)
    body = re.sub(r"[\s\xa0]+", " ", mail.outbox[-1].body)
    paid = f"€{credit // 100}.{credit % 100:02d}"
    charged = f"€{(1349 - credit) // 100}.{(1349 - credit) % 100:02d}"
    assert f"We charged {charged} on" in body
    assert f"Your account credit paid {paid} of the price; we charged only the rest." in body


def test_a_checkout_the_credit_pays_in_full_does_not_ask_to_pay_nothing(viewer, now):
    """QA 7: the button read "Pay €0.00"."""
    with_credit(viewer.user, now)
    page = re.sub(r"\s+", " ", viewer.get(CHECKOUT).content.decode())
    assert "Start Standard: nothing to pay today</button>" in page and "Pay €0.00" not in page
