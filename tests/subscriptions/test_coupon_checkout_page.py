"""The checkout page with a coupon code: what the viewer sees and what is charged."""

import re
from datetime import timedelta

import pytest

from apps.subscriptions.models import Coupon, Payment, Subscription

pytestmark = pytest.mark.django_db
URL = "/account/subscription/checkout/standard/"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def pay(client, coupon, amount, **extra):
    html = client.get(f"{URL}?interval=month&coupon={coupon}").content.decode()
    data = {
        "key": re.search(r'name="key" value="([^"]+)"', html).group(1),
        "amount": amount,
        "interval": "month",
        "coupon": coupon,
        "method": "card",
        "card-holder": "Ada Lovelace",
        "card-number": "4242 4242 4242 4242",
        "card-expiry": "12/30",
        "card-cvc": "123",
        "start_now": "on",
        **extra,
    }
    return client.post(URL, data)


def test_applying_a_code_shows_the_discount_and_the_lower_total(viewer):
    Coupon.objects.create(code="WELCOME20", percent_off=20, periods=3)
    page = text(viewer.get(f"{URL}?interval=month&coupon=welcome20"))
    assert re.search(r'Coupon WELCOME20</dt><dd id="discount">[^<]*€2\.70<', page)
    assert 'id="due-today">€10.79<' in page
    assert "The coupon applies to your first 3 months." in page
    assert 'name="amount" value="1079"' in page and 'name="coupon" value="WELCOME20"' in page


def test_an_unknown_code_is_named_and_the_price_stays(viewer):
    page = text(viewer.get(f"{URL}?interval=month&coupon=NOPE"))
    assert "We don&#x27;t know the code NOPE." in page
    assert 'id="due-today">€13.49<' in page


def test_paying_with_a_code_charges_the_discounted_amount(viewer, spy):
    Coupon.objects.create(code="WELCOME20", percent_off=20)
    response = pay(viewer, "WELCOME20", 1079)
    assert response.status_code == 302
    assert [c["amount"] for c in spy.charges] == [1079]


def test_a_code_that_expired_while_the_form_was_open_charges_nothing(viewer, spy, now):
    Coupon.objects.create(code="SOON", percent_off=20, expires_at=now.value + timedelta(minutes=5))
    html = viewer.get(f"{URL}?interval=month&coupon=SOON").content.decode()
    assert 'name="amount" value="1079"' in html
    now.advance(minutes=10)
    response = pay(viewer, "SOON", 1079)
    page = text(response)
    assert response.status_code == 200 and "The code SOON has expired." in page
    assert spy.attempts == [] and not Payment.objects.exists()
    assert not Subscription.objects.filter(user=viewer.user, status="active").exists()
    assert 'id="due-today">€13.49<' in page  # shown again without the code
