"""A failed payment is said on every signed-in page, not only on the plan page (issue 9)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.demo import billing as demo_billing
from apps.subscriptions.models import PaymentMethod
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db

BANNER = "Your last payment failed — update your payment to keep watching."
PAY_NOW = 'href="/account/subscription/pay-now/"'


@pytest.fixture
def jordan(viewer_client, plans, now, spy):
    user = viewer_client.profile.account
    demo_billing.demo_subscription(user=user, plan_code="standard", months=3, then="past_due")
    viewer_client.user = user
    return viewer_client


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", ["/", "/search/", "/ratings/", "/account/", "/profiles/"])
def test_every_signed_in_page_says_the_payment_failed(jordan, url):
    page = html(jordan, url)
    assert BANNER in page and PAY_NOW in page


def test_paying_takes_the_banner_off_the_cached_homepage_at_once(jordan):
    assert BANNER in html(jordan, "/") and BANNER in html(jordan, "/")  # cached page
    key = re.search(r'name="key" value="([^"]+)"', html(jordan, "/account/subscription/pay-now/"))
    good = PaymentMethod.objects.get(user=jordan.user, last4="4242")
    jordan.post(
        "/account/subscription/pay-now/", {"key": key.group(1), "method": f"saved-{good.pk}"}
    )
    html(jordan, "/account/subscription/")  # shows (and so uses up) the "thank you" message
    assert BANNER not in html(jordan, "/")
    assert BANNER not in html(jordan, "/search/")


def test_the_cached_homepage_still_costs_no_query_with_the_banner(jordan):
    html(jordan, "/")
    with CaptureQueriesContext(connection) as ctx:
        page = html(jordan, "/")
    assert BANNER in page
    assert len(ctx.captured_queries) == 0


def test_a_kids_profile_gets_a_neutral_line_without_the_billing_link(jordan):
    kid = signed_in(ProfileFactory(account=jordan.user, is_kids=True, name="Kiddo"))
    page = html(kid, "/search/")
    assert BANNER not in page and PAY_NOW not in page
    assert "Ask an adult to have a look." in page


def test_a_healthy_account_sees_no_banner(plans, now, spy):
    client = signed_in(ProfileFactory())
    assert BANNER not in html(client, "/search/")
