"""An invitation to a very long (but valid) e-mail address: the members list wraps it instead
of widening the page on a phone (it panned sideways over 3,000 px)."""

import pytest

from apps.demo import billing as demo_billing
from apps.subscriptions import services
from tests.factories import ProfileFactory


@pytest.mark.django_db(transaction=True)
def test_a_long_invited_address_wraps_on_a_phone(page, sign_in):
    services.plans_seed()
    owner = ProfileFactory(name="Alex")
    demo_billing.demo_subscription(user=owner.account, plan_code="family", months=1)
    long_address = "x" * 250 + "@example.com"
    services.member_invite(owner=owner.account, email=long_address)
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/subscription/members/")
    assert page.get_by_text(long_address, exact=False).count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page does not pan sideways"
