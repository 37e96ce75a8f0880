"""Coupons through checkout, renewals, invoices, plan changes, leaving and withdrawal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.subscriptions import selectors, services
from apps.subscriptions.models import (
    Checkout,
    Coupon,
    CouponRedemption,
    Invoice,
    Payment,
    Plan,
    Refund,
)
from tests.factories import ProfileFactory
from tests.subscriptions.conftest import CHALLENGE, DECLINED, OK_CARD, card, sub_of

pytestmark = pytest.mark.django_db


def make_coupon(code="WELCOME20", **fields) -> Coupon:
    fields.setdefault("percent_off", 0 if fields.get("amount_off") else 20)
    return Coupon.objects.create(code=code, **fields)


def pay(user, plan="standard", code="", number=OK_CARD, interval="month", **kwargs):
    return services.checkout_pay(
        user=user,
        plan=Plan.objects.get(code=plan),
        interval=interval,
        source=card(number),
        start_now=kwargs.pop("start_now", True),
        key=services.new_checkout_key(),
        coupon_code=code,
        **kwargs,
    )


def test_a_coupon_takes_its_share_off_the_first_periods_and_then_the_full_price(
    user, now, spy, beat
):
    make_coupon(periods=3)
    checkout = pay(user, code="welcome20")  # any case
    assert checkout.status == Checkout.Status.SUCCEEDED and checkout.amount == 1079
    for _month in range(3):
        beat(days=31)
    assert [c["amount"] for c in spy.charges] == [1079, 1079, 1079, 1349]
    discounts = list(Payment.objects.order_by("created_at").values_list("discount", flat=True))
    assert discounts == [270, 270, 270, 0]


def test_the_invoice_shows_the_price_the_discount_line_and_the_total(user, now, spy):
    make_coupon(percent_off=0, amount_off=500)
    pay(user, code="WELCOME20")
    invoice = Invoice.objects.get()
    amounts = [line["amount"] for line in invoice.lines]
    assert amounts == [1349, -500] and invoice.total == 849 == sum(amounts)
    assert invoice.lines[1]["description"] == "Coupon WELCOME20"


def test_a_free_first_month_charges_nothing_and_still_invoices_the_discount(user, now, spy):
    make_coupon("FIRSTFREE", percent_off=100)
    checkout = pay(user, code="FIRSTFREE")
    assert checkout.status == Checkout.Status.SUCCEEDED and spy.charges == []
    assert sub_of(user).status == "active"
    invoice = Invoice.objects.get()
    assert [line["amount"] for line in invoice.lines] == [1349, -1349] and invoice.total == 0


def test_the_schedule_shows_the_discounted_charges(user, now, spy):
    make_coupon(periods=2)
    pay(user, code="WELCOME20")
    schedule = selectors.schedule_for(sub_of(user), count=3)
    assert [c.amount for c in schedule.charges] == [1079, 1349, 1349]


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({}, "NOPE", "We don't know the code NOPE."),
        ({"is_active": False}, "WELCOME20", "We don't know the code WELCOME20."),
        ({"expires_at": "past"}, "WELCOME20", "The code WELCOME20 has expired."),
        ({"max_redemptions": 1, "times_redeemed": 1}, "WELCOME20", "has been used up"),
    ],
)
def test_a_code_that_cannot_be_used_says_why_and_charges_nothing(
    user, now, spy, fields, code, message
):
    if fields.get("expires_at") == "past":
        fields["expires_at"] = now.value - timedelta(seconds=1)
    make_coupon(**fields)
    with pytest.raises(ValidationError) as error:
        pay(user, code=code)
    assert message in error.value.messages[0]
    assert spy.attempts == [] and not Checkout.objects.exists()
    assert not Payment.objects.exists() and not CouponRedemption.objects.exists()


def test_an_account_uses_a_coupon_once(user, now, spy):
    coupon = make_coupon()
    pay(user, code="WELCOME20")
    services.subscription_switch_to_free(user=user)
    with pytest.raises(ValidationError) as error:
        pay(user, code="WELCOME20")
    assert error.value.messages == ["You have already used the code WELCOME20."]
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1 and CouponRedemption.objects.count() == 1


def test_the_limit_counts_accounts_and_the_next_one_is_told(user, now, spy):
    make_coupon(max_redemptions=1)
    pay(user, code="WELCOME20")
    other = ProfileFactory().account
    with pytest.raises(ValidationError, match="used up"):
        pay(other, code="WELCOME20")


def test_a_declined_card_gives_the_redemption_back(user, now, spy):
    coupon = make_coupon(max_redemptions=1)
    assert pay(user, code="WELCOME20", number=DECLINED).status == Checkout.Status.FAILED
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 0 and not CouponRedemption.objects.exists()
    assert pay(user, code="WELCOME20").amount == 1079


def test_a_rejected_bank_challenge_gives_the_redemption_back(user, now, spy):
    coupon = make_coupon(max_redemptions=1)
    checkout = pay(user, code="WELCOME20", number=CHALLENGE)
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1  # held while the bank asks
    services.payment_confirm(user=user, payment_id=checkout.payment_id, approve=False)
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 0 and not CouponRedemption.objects.exists()


def test_an_approved_bank_challenge_starts_the_discounted_plan(user, now, spy, beat):
    make_coupon(periods=1)
    checkout = pay(user, code="WELCOME20", number=CHALLENGE)
    services.payment_confirm(user=user, payment_id=checkout.payment_id, approve=True)
    beat(days=31)
    assert [c["amount"] for c in spy.charges] == [1079, 1349]


def test_an_upgrade_during_a_coupon_period_prorates_the_discounted_prices(user, now, spy):
    make_coupon(percent_off=50, periods=2)
    pay(user, "basic", code="WELCOME20")  # 3.99 instead of 7.99, 10 March, 31 days
    now.advance(days=10)
    sub = sub_of(user)
    premium = Plan.objects.get(code="premium")
    preview = services.change_preview(sub=sub, plan=premium, interval="month", at=now.value)
    # half of 19.99 is 9.99 (floor): (999 - 399) for 21 of 31 days
    assert preview.charge_now == (999 - 399) * (21 * 86400) // (31 * 86400) == 406
    services.subscription_change(
        user=user,
        plan=premium,
        interval="month",
        expected_amount=preview.pay_now,
        from_plan_id=sub.plan_id,
        nonce="n",
    )
    assert spy.charges[-1]["amount"] == 406


def test_an_amount_off_covering_both_plans_makes_the_upgrade_free(user, now, spy):
    make_coupon(percent_off=0, amount_off=2000)
    pay(user, "basic", code="WELCOME20")
    now.advance(days=3)
    premium = Plan.objects.get(code="premium")
    preview = services.change_preview(
        sub=sub_of(user), plan=premium, interval="month", at=now.value
    )
    assert preview.charge_now == 0


def test_withdrawal_refunds_the_unused_part_of_what_was_paid_after_the_discount(user, now, spy):
    make_coupon()
    pay(user, code="WELCOME20")
    now.advance(days=3)
    done = services.subscription_withdraw(user=user)
    assert done.kept == 1079 * 3 // 31 and done.kept + done.refunded == 1079
    assert Refund.objects.get().amount == done.refunded


def test_switching_to_free_credits_the_unused_part_of_the_discounted_price(user, now, spy):
    make_coupon()
    pay(user, code="WELCOME20")
    now.advance(days=11)
    sub = sub_of(user)
    used = (now.value - sub.current_period_start).total_seconds()
    total = (sub.current_period_end - sub.current_period_start).total_seconds()
    done = services.subscription_switch_to_free(user=user)
    assert done.kept == int(1079 * used) // int(total) and done.credit == 1079 - done.kept
    assert sub_of(user).credit_balance == done.credit
