"""A returning subscriber's checkout preselects the default card, not the first saved one
that was declined; both are marked as on Pay now (QA11)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from apps.subscriptions.models import Payment, PaymentMethod, Subscription
from tests.subscriptions.helpers import put_on_plan

pytestmark = pytest.mark.django_db

URL = "/account/subscription/checkout/standard/"


def checked(html):
    return re.findall(r'name="method" value="([^"]+)"[^>]* checked', html)


def label_of(html, last4):
    return re.search(rf'<label class="pay-choice">[^\n]*?ending {last4}.*?</label>', html).group(0)


def declined_card(user, *, last4="0002", days=(5, 6)):
    """A newer saved card (listed first) declined on 5 and 6 February."""
    first = datetime(2026, 2, days[0], 10, tzinfo=UTC)
    method = PaymentMethod.objects.create(
        user=user,
        kind="card",
        token=f"tok_{last4}",
        brand="visa",
        last4=last4,
        exp_month=12,
        exp_year=2030,
        created_at=first - timedelta(hours=1),
    )
    for n, day in enumerate(days):
        Payment.objects.create(
            user=user,
            kind="renewal",
            status="failed",
            amount=1399,
            currency="EUR",
            idempotency_key=f"declined-{last4}-{n}",
            failure_code="card_declined",
            payment_method=method,
            created_at=datetime(2026, 2, day, 10, tzinfo=UTC),
        )
    return method


@pytest.fixture
def returning(viewer_client, plans, now, spy):
    user = viewer_client.profile.account
    now.set(datetime(2026, 1, 10, 9, tzinfo=UTC))
    put_on_plan(user, "standard")
    now.set(datetime(2026, 3, 10, 9, tzinfo=UTC))
    Subscription.objects.filter(user=user).update(status="cancelled")
    viewer_client.good = PaymentMethod.objects.get(user=user, last4="4242")
    viewer_client.bad = declined_card(user)
    return viewer_client


def test_checkout_preselects_the_default_card_and_marks_the_declined_one(returning):
    html = returning.get(URL).content.decode()
    assert html.index("ending 0002") < html.index("ending 4242")  # the declined one is first
    assert checked(html) == [f"saved-{returning.good.pk}"]
    assert "Default" in label_of(html, "4242") and "declined" not in label_of(html, "4242")
    bad = label_of(html, "0002")
    assert "declined on 6 Feb" in bad and "Default" not in bad


def test_a_card_that_paid_since_its_decline_is_no_longer_marked(returning):
    Payment.objects.create(
        user=returning.profile.account,
        kind="initial",
        status="succeeded",
        amount=1399,
        currency="EUR",
        idempotency_key="paid-after",
        payment_method=returning.bad,
        created_at=datetime(2026, 2, 7, 10, tzinfo=UTC),
    )
    html = returning.get(URL).content.decode()
    assert "declined on" not in html


def test_a_declined_default_is_not_preselected(returning):
    Subscription.objects.filter(user=returning.profile.account).update(payment_method=returning.bad)
    html = returning.get(URL).content.decode()
    assert f"saved-{returning.bad.pk}" not in checked(html)
    assert checked(html) == ["card"]
