"""Issue 15 end to end: a persona on Premium goes through the cancel flow, says it is too
expensive and takes the cheaper plan in one click; the plan is not cancelled."""

import re

import pytest

from apps.demo import billing as demo_billing
from apps.subscriptions import services
from apps.subscriptions.models import Subscription
from apps.tracking.models import Event
from tests.factories import ProfileFactory

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.django_db(transaction=True)
def test_too_expensive_then_the_cheaper_plan_in_one_click(page, shot, sign_in):
    services.plans_seed()
    profile = ProfileFactory(name="Morgan")
    demo_billing.demo_subscription(user=profile.account, plan_code="premium", months=1)
    sign_in(profile)

    page.goto("/account/subscription/")
    page.get_by_role("link", name="Cancel plan").click()
    expect(page.get_by_role("heading", name="Cancel your plan?")).to_be_visible()
    page.get_by_label("It is too expensive").check()
    shot(page, "cancel-reasons")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/cancel/options/\?reason=too_expensive"))
    expect(page.get_by_role("button", name="Cancel anyway")).to_be_visible()
    expect(page.get_by_role("link", name="Keep my plan")).to_be_visible()
    shot(page, "cancel-options")
    page.get_by_role("button", name="Switch to Duo").click()

    expect(
        page.get_by_text(re.compile(r"Done: you move to Duo at your next payment"))
    ).to_be_visible()
    shot(page, "cheaper-plan-taken")
    sub = Subscription.objects.select_related("plan", "pending_plan").get(user=profile.account)
    assert sub.status == "active" and sub.plan.code == "premium"
    assert sub.pending_plan.code == "duo"
    assert Event.objects.filter(
        profile=profile, name="cancel_reason_given", properties__reason="too_expensive"
    ).exists()
