"""The account page opens with the plan, the next payment (date, amount, method) and any
payment problem, read from subscriptions (issue 17)."""

import re

import pytest

from apps.demo import billing as demo_billing
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


def membership_panel(client) -> str:
    page = client.get("/account/").content.decode()
    panel = page[page.index('id="acct-heading"') : page.index('id="profiles-heading"')]
    return re.sub(r"\s+", " ", panel)


def test_a_subscriber_sees_plan_next_payment_date_amount_and_card(viewer_client, plans, now, spy):
    subscribe(viewer_client.profile.account, plan="standard")
    panel = membership_panel(viewer_client)
    assert "<strong>Standard</strong>" in panel
    assert "on 10 April 2026" in panel, "a month after the 10 March start"
    assert re.search(r"€\d+\.\d\d on 10 April 2026", panel)
    assert "Visa ending 4242" in panel
    assert "Payment problem" not in panel


def test_a_failed_payment_is_said_with_a_way_to_fix_it(viewer_client, plans, now, spy):
    user = viewer_client.profile.account
    demo_billing.demo_subscription(user=user, plan_code="standard", months=3, then="past_due")
    panel = membership_panel(viewer_client)
    assert "Payment problem" in panel and "We could not collect €" in panel
    assert 'href="/account/subscription/pay-now/"' in panel


def test_a_free_account_sees_its_plan_and_no_payment_lines(viewer_client, plans, now):
    panel = membership_panel(viewer_client)
    assert "<strong>Free</strong>" in panel
    assert "Next payment" not in panel and "Payment problem" not in panel
