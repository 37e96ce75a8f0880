"""Issue 9: billing right to the cent and the day, EU law included (through the services, with
explicit times and zones)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.accounts.services import account_time_zone_set
from apps.subscriptions import selectors, services
from apps.subscriptions.models import Invoice, Payment, PaymentMethod, Plan
from tests.subscriptions.conftest import CHALLENGE, NO_FUNDS, card, sub_of, subscribe

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def use_card(user, number):
    method = services.payment_method_add(user=user, source=card(number))
    services.payment_method_make_default(user=user, method=method)
    return method


def change(user, plan_code, interval):
    sub = sub_of(user)
    return services.subscription_change(
        user=user,
        plan=Plan.objects.get(code=plan_code),
        interval=interval,
        expected_amount=0,
        from_plan_id=sub.plan_id,
        nonce="n",
    )


# --- Withdrawal ------------------------------------------------------------------------------


def test_withdrawing_a_subscription_paid_with_a_bank_confirmed_card_refunds_the_unused_days(
    user, now, spy
):
    checkout = subscribe(user, number=CHALLENGE)  # paid 10 March 09:00 UTC
    now.advance(minutes=4)  # the viewer approves on the bank's page: the contract is concluded
    services.payment_confirm(user=user, payment_id=checkout.payment_id, approve=True)
    now.advance(days=2)
    sub = sub_of(user)
    total = int((sub.current_period_end - sub.current_period_start).total_seconds())
    preview = services.withdrawal_preview(sub=sub, at=now.value)
    assert preview.paid == 1349
    assert preview.kept == 1349 * 2 * 86400 // total
    done = services.subscription_withdraw(user=user, expected_refund=preview.refunded)
    assert done.refunded == 1349 - preview.kept > 0
    assert sum(r["amount"] for r in spy.refunds) == done.refunded
    assert sub_of(user).status == "cancelled"


def test_a_new_subscription_after_a_withdrawal_has_its_own_withdrawal_right(user, now, spy):
    subscribe(user)
    now.advance(days=1)
    services.subscription_withdraw(user=user)
    now.advance(days=20)  # Tuesday 31 March
    subscribe(user, "premium")
    preview = services.withdrawal_preview(sub=sub_of(user), at=now.value)
    assert preview.decision.ok and preview.last_day == date(2026, 4, 14)


def test_the_withdrawal_period_is_counted_in_the_viewers_days(user, now, spy):
    account_time_zone_set(account=user, time_zone="America/New_York")
    now.set(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))  # Tuesday 10 March, 23:00 in New York
    subscribe(user)
    deadline = datetime(2026, 3, 25, 4, 0, tzinfo=UTC)  # midnight after 24 March, New York
    now.set(deadline - timedelta(seconds=1))
    assert services.withdrawal_preview(sub=sub_of(user), at=now.value).decision.ok
    now.set(deadline)
    with pytest.raises(ValidationError):
        services.subscription_withdraw(user=user)


# --- Postponing ------------------------------------------------------------------------------


def test_the_first_yearly_charge_cannot_be_postponed_and_is_collected_on_its_date(
    user, now, spy, beat
):
    subscribe(user)
    change(user, "standard", "year")  # from 10 April, yearly
    with pytest.raises(ValidationError, match="monthly"):
        services.subscription_postpone(user=user)
    beat(days=31)
    assert spy.charges[-1]["amount"] == 13490
    assert sub_of(user).interval == "year"


def test_a_postponed_monthly_payment_keeps_a_switch_to_yearly_for_later(user, now, spy, beat):
    subscribe(user)
    services.subscription_postpone(user=user)
    with pytest.raises(ValidationError, match="postponed"):
        change(user, "standard", "year")
    charges = selectors.schedule_for(sub_of(user), count=2).charges
    assert [(c.local_date, c.amount) for c in charges] == [
        (date(2026, 4, 10), 0),
        (date(2026, 5, 10), 2698),  # one month deferred, not a year
    ]
    beat(days=31)  # the postponed date has passed: now the switch may be scheduled
    change(user, "standard", "year")
    beat(days=30)
    assert spy.charges[-1]["amount"] == 13490 + 1349


def test_postponing_again_needs_twelve_calendar_months_across_february_29(user, now, spy, beat):
    now.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))  # 10:00 in Paris
    subscribe(user)
    services.subscription_postpone(user=user)
    now.set(datetime(2028, 2, 29, 9, 30, tzinfo=UTC))  # 365 days later, a leap year
    beat()
    with pytest.raises(ValidationError, match="once in twelve months"):
        services.subscription_postpone(user=user)
    now.set(datetime(2028, 3, 1, 9, 30, tzinfo=UTC))
    beat()
    services.subscription_postpone(user=user)


def test_a_declined_postponed_payment_at_a_cancelled_plans_end_stays_owed(user, now, spy, beat):
    subscribe(user)
    services.subscription_postpone(user=user)
    beat(days=31)  # 10 April passes without a charge; the amount is carried to 10 May
    services.subscription_cancel(user=user)
    use_card(user, NO_FUNDS)
    due = sub_of(user).current_period_end
    now.set(due + timedelta(minutes=5))
    beat()
    sub = sub_of(user)
    assert (sub.status, sub.overdue_amount) == ("past_due", 1349)
    assert selectors.entitlements_for(user).plan_code == "free"  # the plan itself has ended
    assert "did not go through" in mail.outbox[-1].subject
    assert "has ended" in mail.outbox[-1].body and "11 May 2026" in mail.outbox[-1].body
    charges = selectors.schedule_for(sub).charges
    assert [(c.local_date, c.amount) for c in charges] == [(date(2026, 5, 11), 1349)]
    with pytest.raises(ValidationError):
        services.subscription_switch_to_free(user=user)
    good = PaymentMethod.objects.get(user=user, last4="4242")
    services.payment_method_make_default(user=user, method=good)
    beat(days=1)
    sub = sub_of(user)
    assert (sub.status, sub.plan.code, sub.overdue_amount) == ("cancelled", "free", 0)
    assert spy.charges[-1]["amount"] == 1349
    settled = Payment.objects.filter(kind="settlement", status="succeeded").get()
    assert Invoice.objects.filter(payment=settled, total=1349).exists()


# --- Time zones and daylight saving ----------------------------------------------------------


def test_after_a_time_zone_change_the_schedule_and_the_renewal_agree(user, now, spy, beat):
    subscribe(user)  # 10:00 in Paris on 10 March
    first_end = sub_of(user).current_period_end
    account_time_zone_set(account=user, time_zone="America/New_York")
    shown = selectors.schedule_for(sub_of(user), count=2).charges
    assert shown[0].at == first_end
    assert shown[0].local_date == first_end.astimezone(ZoneInfo("America/New_York")).date()
    now.set(first_end)
    beat()
    sub = sub_of(user)
    renewal = Payment.objects.get(kind="renewal")
    assert renewal.created_at == shown[0].at
    assert sub.current_period_start == first_end == renewal.period_start  # no gap, no overlap
    assert sub.current_period_end == shown[1].at == renewal.period_end


def test_dunning_retries_land_1_3_and_7_local_days_after_the_due_date_across_dst(
    user, now, spy, beat
):
    now.set(datetime(2026, 9, 23, 22, 30, tzinfo=UTC))  # 24 September, 00:30 in Paris
    subscribe(user)
    use_card(user, NO_FUNDS)
    due = sub_of(user).current_period_end  # 24 October 00:30; summer time ends on the 25th
    local_retry_days = []
    now.set(due)
    beat()
    for _attempt in range(3):
        retry = sub_of(user).next_retry_at.astimezone(PARIS)
        local_retry_days.append((retry.date(), retry.hour, retry.minute))
        now.set(sub_of(user).next_retry_at)
        beat()
    assert local_retry_days == [
        (date(2026, 10, 25), 0, 30),
        (date(2026, 10, 27), 0, 30),
        (date(2026, 10, 31), 0, 30),
    ]
    assert sub_of(user).status == "free"


def test_a_sign_up_in_the_repeated_hour_is_not_billed_for_the_hour_before_it(user, now, spy):
    now.set(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 in Paris, the second time
    subscribe(user)
    sub = sub_of(user)
    assert sub.current_period_start == now.value
    total = int((sub.current_period_end - sub.current_period_start).total_seconds())
    now.advance(days=1)
    preview = services.withdrawal_preview(sub=sub, at=now.value)
    assert preview.kept == 1349 * 86400 // total
    settlement = services.free_preview(sub=sub, at=now.value)
    assert settlement.kept == 1349 * 86400 // total


# --- E-mails after a clock jump --------------------------------------------------------------


def test_a_clock_jump_past_several_retries_sends_only_what_is_still_true(user, now, spy, beat):
    subscribe(user)
    use_card(user, NO_FUNDS)
    due = sub_of(user).current_period_end  # 10 April
    now.set(due + timedelta(days=4))  # past the retries of 11 and 13 April
    beat()
    beat()  # the next beat finds nothing more to do or to say
    sub = sub_of(user)
    assert sub.retry_count == 2 and Payment.objects.filter(kind="retry").count() == 2
    failed = [m for m in mail.outbox if "did not go through" in m.subject]
    assert len(failed) == 1
    assert "try again on 17 April 2026" in failed[0].body
