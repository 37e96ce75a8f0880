"""Deleting the account cancels the plan without a refund: inside the 14-day withdrawal period
the delete page says so and offers to withdraw first (QA8: it only said "nothing is
refunded", with 13 days of the right left)."""

import pytest

from tests.factories import signed_in
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db
OFFER = "You are still within your 14-day withdrawal period"


def _page(user):
    response = signed_in(user.profiles.get()).get("/account/delete/")
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def test_inside_the_period_the_delete_page_offers_the_refund_first(user, now, spy):
    subscribe(user)  # Standard, €13.49, started now
    now.advance(days=2)
    html = _page(user)
    assert OFFER in html and "/account/subscription/withdraw/" in html
    assert "deleting the account now gives that up" in html
    assert "€" in html.split(OFFER)[1].split("</p>")[0]  # the amount back


def test_past_the_period_or_without_a_plan_it_says_nothing_of_it(user, now, spy):
    assert OFFER not in _page(user)  # on Free
    subscribe(user)
    now.advance(days=16)
    assert OFFER not in _page(user)
