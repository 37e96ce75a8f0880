"""An admin raises a plan's price (QA9: the next payment of everyone on it went up at once,
with nothing said). Subscribers keep their price for the payments due in the next 30 days, are
e-mailed the new price and its first date, and see both on Your plan; a cut applies at once."""

import re

import pytest
from django.core import mail

from apps.subscriptions import selectors
from apps.subscriptions.models import Plan
from tests.factories import ProfileFactory, UserFactory
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _set_monthly(client, price: str):
    plan = Plan.objects.get(code="standard")
    form = {
        "name": plan.name,
        "code": plan.code,
        "tagline": plan.tagline,
        "monthly_price": price,
        "yearly_price": f"{plan.yearly_amount / 100:.2f}",
        "currency": plan.currency,
        "max_streams": plan.max_streams,
        "max_quality": plan.max_quality,
        "max_profiles": plan.max_profiles,
        "downloads_per_device": plan.downloads_per_device,
        "download_devices": plan.download_devices,
        "max_accounts": plan.max_accounts,
        "sort_order": plan.sort_order,
        "is_active": "on",
    }
    if plan.downloads:
        form["downloads"] = "on"
    response = client.post(f"/admin/subscriptions/plan/{plan.pk}/change/", form, follow=True)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def _charges(user):
    sub = selectors.subscription_for(user)
    return [(c.local_date.isoformat(), c.amount) for c in selectors.schedule_for(sub).charges[:3]]


def test_a_rise_waits_thirty_days_and_is_announced(
    user, staff_client, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user)  # Standard €13.49 on 10 Mar 2026: next payments 10 Apr, 10 May
    now.advance(days=20)  # 30 Mar: the 10 Apr payment is 11 days away
    with django_capture_on_commit_callbacks(execute=True):
        page = _set_monthly(staff_client, "14.99")
    assert "1 subscriber was e-mailed the new price" in page
    assert _charges(user) == [("2026-04-10", 1349), ("2026-05-10", 1499), ("2026-06-10", 1499)]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "The price of Standard is changing"
    body = message.body.replace("\xa0", " ")
    assert "goes from €13.49 to €14.99" in body
    assert "the first payment at €14.99 is on Sunday 10 May 2026" in body

    ProfileFactory(account=user)
    user_client = staff_client.__class__()
    user_client.force_login(user)
    overview = re.sub(r"\s+", " ", user_client.get("/account/subscription/").content.decode())
    assert "The price of your plan goes up to €14.99 from your payment on 10 May 2026." in (
        overview.replace("\xa0", " ")
    )
    assert "New price of Standard (monthly)" in overview
    assert "€13.49 a month" in overview and "€14.99 a month" not in overview  # what they pay

    beat(days=11, hours=1)  # 10 Apr: the old price
    beat(days=30)  # 10 May: the new one
    assert [c["amount"] for c in spy.charges] == [1349, 1349, 1499]


def test_a_rise_announced_a_month_ahead_reaches_the_next_payment(
    user, staff_client, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")  # 10 Mar: 10 Apr is 31 days away
    assert _charges(user)[0] == ("2026-04-10", 1499)
    body = mail.outbox[0].body.replace("\xa0", " ")
    assert "Your first payment at €14.99 is on Friday 10 April 2026." in body
    assert "stay at" not in body  # no payment is due before it

    # Your plan says the next payment is the first at the new price (QA12: it showed €14.99
    # as if it had always been the price, the month being paid at €13.49).
    ProfileFactory(account=user)
    user_client = staff_client.__class__()
    user_client.force_login(user)

    def overview():
        page = user_client.get("/account/subscription/").content.decode()
        return re.sub(r"\s+", " ", page).replace("\xa0", " ")

    page = overview()
    assert "up to €14.99 from your next payment, on 10 April 2026 (until then: €13.49)." in page
    assert "New price of Standard (monthly)" in page
    beat(days=31, hours=1)  # 10 Apr: paid at the new price, which is now just the price
    assert spy.charges[-1]["amount"] == 1499
    page = overview()
    assert "goes up to" not in page and "New price of" not in page


def test_a_cut_applies_at_once_without_an_e_mail(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
        _set_monthly(staff_client, "11.99")
    assert _charges(user)[0] == ("2026-04-10", 1199)
    assert len(mail.outbox) == 1  # the rise's, none for the cut


def test_someone_subscribing_after_the_rise_pays_the_new_price(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    subscribe(user)
    assert [c["amount"] for c in spy.charges] == [1499]
    assert _charges(user)[0] == ("2026-04-10", 1499)
    assert not mail.outbox
