"""A price rise and what else reads the price (QA9 item 5): someone switching to the raised
plan at their period end keeps the price they chose it at for the notice like its subscribers;
an upgrade's preview and the admin's MRR use the price a subscriber actually pays."""

import re

import pytest
from django.core import mail

from apps.core import clock
from apps.subscriptions import selectors, services
from apps.subscriptions.models import Plan
from tests.factories import UserFactory
from tests.subscriptions.conftest import sub_of, subscribe
from tests.subscriptions.test_price_rise import _charges, _set_monthly

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _choose(user, code, interval="month"):
    sub = sub_of(user)
    plan = Plan.objects.get(code=code)
    preview = services.change_preview(sub=sub, plan=plan, interval=interval, at=clock.now())
    return services.subscription_change(
        user=user,
        plan=plan,
        interval=interval,
        expected_amount=preview.pay_now,
        from_plan_id=sub.plan_id,
        nonce="n",
    )


def _page(client, user, url="/account/subscription/"):
    viewer = client.__class__()
    viewer.force_login(user)
    return re.sub(r"\s+", " ", viewer.get(url).content.decode()).replace("\xa0", " ")


def test_a_switch_to_a_plan_whose_price_rises_keeps_the_chosen_price_for_the_notice(
    user, staff_client, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user, "premium")  # 10 Mar, €19.99
    now.advance(days=15)
    _choose(user, "standard")  # from the 10 Apr payment, at €13.49 as shown
    now.advance(days=5)  # 30 Mar: the switch is 11 days away
    with django_capture_on_commit_callbacks(execute=True):
        page = _set_monthly(staff_client, "14.99")
    assert "1 subscriber was e-mailed the new price" in page
    assert _charges(user) == [("2026-04-10", 1349), ("2026-05-10", 1499), ("2026-06-10", 1499)]

    body = mail.outbox[-1].body.replace("\xa0", " ")
    assert mail.outbox[-1].subject == "The price of Standard is changing"
    assert "the plan you move to on Friday 10 April 2026, goes from €13.49 to €14.99" in body
    assert "the first payment at €14.99 is on Sunday 10 May 2026" in body
    overview = _page(staff_client, user)
    assert (
        "The price of Standard goes up to €14.99. You chose it at €13.49 and keep that price "
        "until your payment on 10 May 2026." in overview
    )

    beat(days=11, hours=1)  # 10 Apr: the switch, at the price chosen
    assert sub_of(user).plan.code == "standard"
    beat(days=30)  # 10 May: the new price
    assert [c["amount"] for c in spy.charges] == [1999, 1349, 1499]


def test_a_switch_after_the_notice_is_told_its_first_price(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user, "premium", "year")  # next payment 10 Mar 2027
    _choose(user, "standard", "month")
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    assert _charges(user)[0] == ("2027-03-10", 1499)
    body = mail.outbox[-1].body.replace("\xa0", " ")
    assert "the plan you move to on Wednesday 10 March 2027" in body
    assert "Your first payment at €14.99 is on Wednesday 10 March 2027." in body


def test_choosing_the_plan_again_after_the_rise_is_at_its_new_price(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user, "premium")
    _choose(user, "standard")
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    services.pending_change_cancel(user=user)  # "Stay on Premium"
    _choose(user, "standard")  # the plans page showed €14.99
    assert _charges(user)[0] == ("2026-04-10", 1499)


def test_a_subscriber_keeping_their_price_upgrades_from_the_price_they_pay(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)  # Standard €13.49 on 10 Mar
    now.advance(days=20)  # 30 Mar, 11 of the period's 31 days left
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    premium = Plan.objects.get(code="premium")
    preview = services.change_preview(
        sub=sub_of(user), plan=premium, interval="month", at=now.value
    )
    # (19.99 - 13.49) for 11 of 31 days, not (19.99 - 14.99)
    assert preview.charge_now == (1999 - 1349) * 11 // 31 == 230
    page = _page(staff_client, user, "/account/subscription/change/premium/")
    assert "€2.30" in page


def test_the_mrr_chart_counts_the_kept_price_until_the_new_one_is_paid(
    user, staff_client, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user)
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")

    def mrr():
        response = staff_client.get("/admin/subscriptions/subscription/chart/?days=30")
        html = re.sub(r"\s+", " ", response.content.decode()).replace("\xa0", " ")
        return re.search(r"<strong>(€[\d.]+)</strong> monthly recurring revenue", html).group(1)

    beat(days=11, hours=1)  # 10 Apr, renewed at €13.49
    assert selectors.subscription_for(user).current_period_start.day == 10
    assert mrr() == "€13.49"
    beat(days=30)  # 10 May, at €14.99
    assert mrr() == "€14.99"


def test_the_subscription_admin_shows_the_kept_prices_read_only(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user, "premium")
    _choose(user, "standard")
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    url = f"/admin/subscriptions/subscription/{sub_of(user).pk}/change/"
    html = re.sub(r"\s+", " ", staff_client.get(url).content.decode()).replace("\xa0", " ")
    assert "Prices kept after a price rise" in html
    row = html.split("Prices kept after a price rise", 1)[1].split("</table>", 1)[0]
    assert "Standard" in row and "€13.49" in row
    assert "29 Apr 2026" in row  # charges before then keep it: 30 days from the rise
    assert "30 Mar 2026" in row  # when the e-mail went
    assert 'name="price_locks-0-amount"' not in html and "price_locks-0-DELETE" not in html


def test_undoing_a_cancellation_after_a_rise_e_mails_the_new_price_once(
    user, staff_client, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)
    services.subscription_cancel(user=user)
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    # No payment was coming: not e-mailed then.
    assert "The price of Standard is changing" not in [m.subject for m in mail.outbox]
    mail.outbox.clear()
    now.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_resume(user=user)
    (message,) = mail.outbox
    assert message.subject == "The price of Standard is changing"
    assert "the first payment at €14.99 is on Sunday 10 May 2026" in message.body.replace(
        "\xa0", " "
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_cancel(user=user)
        services.subscription_resume(user=user)
    assert len(mail.outbox) == 1  # told once


def test_a_kept_price_goes_once_the_subscriber_has_moved_to_another_plan(
    user, staff_client, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user)
    now.advance(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        _set_monthly(staff_client, "14.99")
    _choose(user, "basic")
    beat(days=11, hours=1)  # 10 Apr: on Basic
    url = f"/admin/subscriptions/subscription/{sub_of(user).pk}/change/"
    assert "€13.49" not in staff_client.get(url).content.decode()
    assert [c["amount"] for c in spy.charges] == [1349, 799]
