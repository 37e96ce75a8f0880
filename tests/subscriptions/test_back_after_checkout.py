"""Back after paying lands on something true, never on a change that changes nothing (issue 9)."""

import re

import pytest

from tests.subscriptions.test_views import checkout_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_back_after_a_yearly_checkout_shows_the_plan_not_a_confirm_button(viewer, spy):
    url = "/account/subscription/checkout/premium/?interval=year"
    data = {
        **checkout_form(viewer, "premium", "year"),
        "method": "card",
        "card-holder": "Ada Lovelace",
        "card-number": "4242 4242 4242 4242",
        "card-expiry": "12/30",
        "card-cvc": "123",
        "start_now": "on",
    }
    assert viewer.post(url, data).status_code == 302
    back = viewer.get(url, follow=True)
    page = text(back)
    assert back.redirect_chain[-1][0] == "/account/subscription/"
    assert "Premium is your plan." in page
    assert "Nothing changes." not in page and ">Confirm<" not in page
    assert len(spy.charges) == 1


def test_the_change_page_for_your_own_plan_and_billing_offers_no_confirm(viewer):
    from tests.subscriptions.conftest import subscribe

    subscribe(viewer.user, plan="premium", interval="year")
    page = text(viewer.get("/account/subscription/change/premium/?interval=year"))
    assert "Change to Premium" not in page
    assert "You are on Premium, paid yearly, already: there is nothing to change." in page
    assert 'type="submit">Confirm' not in page and 'name="token"' not in page
    assert 'href="/account/subscription/"' in page
    # Another billing period of the same plan is a real change, with its confirmation.
    monthly = text(viewer.get("/account/subscription/change/premium/?interval=month"))
    assert "Pay Premium monthly" in monthly and 'name="token"' in monthly
