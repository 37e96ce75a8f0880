"""Checkout, renewals, retries, changes, leaving, invoices and sharing, through the services."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.demo import billing as demo_billing
from apps.subscriptions import selectors, services, tasks
from apps.subscriptions.models import (
    Checkout,
    CreditEntry,
    Invoice,
    Notice,
    Payment,
    PaymentMethod,
    Plan,
    Refund,
)
from apps.tracking.models import Event
from tests.subscriptions.conftest import (
    CHALLENGE,
    DECLINED,
    NO_FUNDS,
    OK_CARD,
    card,
    sub_of,
    subscribe,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


# --- Plans and entitlements ------------------------------------------------------------------


def test_plans_are_seeded_and_seeding_again_adds_nothing():
    assert set(Plan.objects.values_list("code", flat=True)) >= {
        "free",
        "basic",
        "standard",
        "premium",
        "duo",
        "family",
        "student",
    }
    assert services.plans_seed() == 0
    assert Plan.objects.get(code="family").max_accounts == 6
    assert Plan.objects.get(code="duo").max_accounts == 2
    assert Plan.objects.get(code="student").requires_verification


def test_a_new_account_is_entitled_to_free(user, now):
    ent = selectors.entitlements_for(user)
    assert (ent.plan_code, ent.max_streams, ent.max_quality, ent.downloads) == (
        "free",
        1,
        "sd",
        False,
    )
    assert not ent.watch_party_extras and not ent.is_paid


# --- Checkout --------------------------------------------------------------------------------


def test_paying_with_a_good_card_starts_the_plan(user, now, spy):
    checkout = subscribe(user, "premium")
    assert checkout.status == Checkout.Status.SUCCEEDED
    sub = sub_of(user)
    assert (sub.status, sub.plan.code, sub.interval) == ("active", "premium", "month")
    assert sub.current_period_start == now.value
    # 10:00 in Paris, a month later: 08:00 UTC once summer time has started.
    assert sub.current_period_end == datetime(2026, 4, 10, 8, 0, tzinfo=now.value.tzinfo)
    assert [c["amount"] for c in spy.charges] == [1999]
    invoice = Invoice.objects.get(user=user)
    assert invoice.number == "2026-000001" and invoice.total == 1999
    ent = selectors.entitlements_for(user)
    assert (ent.plan_code, ent.max_quality, ent.watch_party_extras) == ("premium", "uhd", True)
    assert Event.objects.filter(name="subscription_started").count() == 1


def test_only_the_token_brand_last4_and_expiry_are_stored(user, now, spy):
    subscribe(user)
    method = PaymentMethod.objects.get(user=user)
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "visa",
        "4242",
        12,
        2030,
    )
    values = [str(v) for v in PaymentMethod.objects.values_list().get()]
    assert OK_CARD not in " ".join(values)
    # The CVC ("123") is no column's value, and the token is the gateway's opaque id (random
    # hex may contain "123" by chance: a substring check failed one run in ~300).
    assert "123" not in values
    assert re.fullmatch(r"tok_ok_[0-9a-f]{16}", method.token)


@pytest.mark.parametrize(
    ("number", "code"), [(DECLINED, "card_declined"), (NO_FUNDS, "insufficient_funds")]
)
def test_a_declined_card_leaves_no_subscription(user, now, spy, number, code):
    checkout = subscribe(user, number=number)
    assert (checkout.status, checkout.failure_code) == (Checkout.Status.FAILED, code)
    assert not sub_of(user).is_paid
    assert not Invoice.objects.exists()
    assert selectors.entitlements_for(user).plan_code == "free"


def test_the_same_key_twice_is_one_checkout_and_one_charge(user, now, spy):
    first = subscribe(user, key="double-click-key")
    second = subscribe(user, key="double-click-key")
    assert first.pk == second.pk
    assert len(spy.charges) == 1 and Payment.objects.count() == 1


def test_a_second_tab_cannot_subscribe_twice(user, now, spy):
    subscribe(user)
    other = subscribe(user, "premium")
    assert (other.status, other.failure_code) == (Checkout.Status.FAILED, "already_subscribed")
    assert len(spy.charges) == 1


def test_a_card_that_needs_the_bank_waits_for_approval(user, now, spy):
    checkout = subscribe(user, number=CHALLENGE)
    assert checkout.status == Checkout.Status.REQUIRES_ACTION
    assert not sub_of(user).is_paid
    payment = services.payment_confirm(user=user, payment_id=checkout.payment_id, approve=True)
    assert payment.status == Payment.Status.SUCCEEDED
    assert sub_of(user).status == "active"
    again = services.payment_confirm(user=user, payment_id=checkout.payment_id, approve=False)
    assert again.status == Payment.Status.SUCCEEDED  # answering twice changes nothing


def test_rejecting_the_bank_challenge_leaves_no_subscription(user, now, spy):
    checkout = subscribe(user, number=CHALLENGE)
    payment = services.payment_confirm(user=user, payment_id=checkout.payment_id, approve=False)
    assert payment.failure_code == "authentication_rejected"
    assert not sub_of(user).is_paid and not Invoice.objects.exists()


def test_without_start_now_the_plan_starts_after_the_withdrawal_period(user, now, spy):
    subscribe(user, "premium", start_now=False)  # Tuesday 10 March, 10:00 in Paris
    sub = sub_of(user)
    # The withdrawal period ends at the end of 24 March in Paris (issue 9: not 14 x 24 h).
    assert sub.starts_at == datetime(2026, 3, 24, 23, 0, tzinfo=now.value.tzinfo)
    assert selectors.entitlements_for(user).plan_code == "free"
    now.advance(days=14)
    assert selectors.entitlements_for(user).plan_code == "free"
    now.set(sub.starts_at)
    assert selectors.entitlements_for(user).plan_code == "premium"
    # The first payment covers the month from the start: the next one is a month after it.
    assert sub.current_period_end == datetime(2026, 4, 24, 22, 0, tzinfo=now.value.tzinfo)


def test_sepa_direct_debit_is_another_way_to_pay(user, now, spy):
    checkout = services.checkout_pay(
        user=user,
        plan=Plan.objects.get(code="basic"),
        interval="year",
        source=services.SepaDetails(iban="DE89370400440532013000", holder="A B"),
        start_now=True,
        key="sepa-key-1",
    )
    assert checkout.status == Checkout.Status.SUCCEEDED
    assert spy.charges[0]["amount"] == 7990
    assert str(sub_of(user).payment_method) == "SEPA debit ending 3000"


# --- Renewals --------------------------------------------------------------------------------


def test_renewal_charges_once_per_period_even_when_the_task_runs_twice(user, now, spy, beat):
    subscribe(user)
    beat(days=31)
    beat()
    tasks.renew_subscription(sub_of(user).pk)
    renewals = Payment.objects.filter(kind="renewal")
    assert renewals.count() == 1
    assert renewals.get().idempotency_key == f"renewal:{sub_of(user).pk}:2026-04-10"
    assert len(spy.charges) == 2
    assert sub_of(user).current_period_end == datetime(2026, 5, 10, 8, 0, tzinfo=now.value.tzinfo)


def test_a_late_renewal_run_catches_up_from_the_anchor(user, now, spy, beat):
    now.set(datetime(2026, 1, 30, 23, 30, tzinfo=now.value.tzinfo))  # 31 January in Paris
    subscribe(user)
    beat(days=100)
    keys = list(
        Payment.objects.filter(kind="renewal")
        .order_by("pk")
        .values_list("idempotency_key", flat=True)
    )
    pk = sub_of(user).pk
    assert keys == [
        f"renewal:{pk}:2026-02-28",
        f"renewal:{pk}:2026-03-31",
        f"renewal:{pk}:2026-04-30",
    ]
    invoices = list(Invoice.objects.order_by("sequence").values_list("number", flat=True))
    assert invoices == ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]
    end = sub_of(user).current_period_end.astimezone(PARIS)
    assert (end.date(), end.hour, end.minute) == (date(2026, 5, 31), 0, 30)


def test_a_failed_renewal_retries_after_1_3_and_7_days_then_drops_to_free(user, now, spy, beat):
    subscribe(user)
    sub = sub_of(user)
    bad = services.payment_method_add(user=user, source=card(NO_FUNDS))
    services.payment_method_make_default(user=user, method=bad)
    due = sub.current_period_end
    beat(days=31)
    sub = sub_of(user)
    assert (sub.status, sub.next_retry_at) == ("past_due", due + timedelta(days=1))
    assert selectors.entitlements_for(user).plan_code == "standard"  # access during retries
    assert len(mail.outbox) == 1 and "did not go through" in mail.outbox[0].subject
    now.set(due + timedelta(days=1, minutes=1))
    beat()
    assert sub_of(user).next_retry_at == due + timedelta(days=3)
    now.set(due + timedelta(days=3, minutes=1))
    beat()
    assert sub_of(user).next_retry_at == due + timedelta(days=7)
    assert len(mail.outbox) == 3
    now.set(due + timedelta(days=7, minutes=1))
    beat()
    sub = sub_of(user)
    assert (sub.status, sub.plan.code) == ("free", "free")
    assert selectors.entitlements_for(user).plan_code == "free"
    assert "moved to Free" in mail.outbox[-1].subject
    assert Payment.objects.filter(kind="retry").count() == 3
    beat(days=30)
    assert Payment.objects.filter(kind="retry").count() == 3


def test_paying_an_overdue_renewal_by_hand_with_another_card(user, now, spy, beat):
    subscribe(user)
    bad = services.payment_method_add(user=user, source=card(NO_FUNDS))
    services.payment_method_make_default(user=user, method=bad)
    beat(days=31)
    good = PaymentMethod.objects.filter(user=user, last4="4242").get()
    with pytest.raises(services.PaymentFailed):
        services.subscription_retry(subscription_id=sub_of(user).pk, manual_key="k1", method=bad)
    assert (
        services.subscription_retry(
            subscription_id=sub_of(user).pk, manual_key="k2", method=good, make_default=True
        )
        == "paid"
    )
    sub = sub_of(user)
    assert sub.status == "active" and sub.payment_method_id == good.pk
    assert sub.current_period_start == datetime(2026, 4, 10, 8, 0, tzinfo=now.value.tzinfo)


def test_reminder_three_days_before_each_charge_once(
    user, now, spy, django_capture_on_commit_callbacks
):
    subscribe(user)
    now.advance(days=27)  # 6 April: the charge on 10 April is more than three days away
    assert tasks.send_charge_reminders() == 0
    now.advance(days=1, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_charge_reminders() == 1
        assert tasks.send_charge_reminders() == 0
    assert len(mail.outbox) == 1
    assert "€13.49" in mail.outbox[0].subject and "10 April 2026" in mail.outbox[0].subject


def test_a_postponed_payment_collected_when_a_cancelled_plan_ends_gets_a_reminder(
    user, now, spy, beat, django_capture_on_commit_callbacks
):
    subscribe(user)
    services.subscription_postpone(user=user)
    beat(days=31)  # 10 April passes without a charge; the amount is carried to 10 May
    services.subscription_cancel(user=user)
    assert [c.amount for c in selectors.schedule_for(sub_of(user)).charges] == [1349]
    now.set(datetime(2026, 5, 7, 12, 0, tzinfo=now.value.tzinfo))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_charge_reminders() == 1
    reminder = mail.outbox[-1]
    assert "€13.49" in reminder.subject and "10 May 2026" in reminder.subject
    assert "ends on Sunday 10 May 2026" in reminder.body and "you postponed" in reminder.body
    beat(days=4)
    assert spy.charges[-1]["amount"] == 1349 and sub_of(user).status == "cancelled"


# --- Changing plan ---------------------------------------------------------------------------


def test_an_upgrade_charges_exactly_the_previewed_amount(user, now, spy):
    subscribe(user, "basic")  # 7.99
    sub = sub_of(user)
    now.set(sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2)
    premium = Plan.objects.get(code="premium")
    preview = services.change_preview(sub=sub, plan=premium, interval="month", at=now.value)
    assert (preview.kind, preview.charge_now) == ("upgrade", (1999 - 799) // 2)
    with pytest.raises(services.AmountChanged):
        services.subscription_change(
            user=user,
            plan=premium,
            interval="month",
            expected_amount=preview.pay_now + 1,
            from_plan_id=sub.plan_id,
            nonce="n1",
        )
    args = {
        "user": user,
        "plan": premium,
        "interval": "month",
        "expected_amount": preview.pay_now,
        "from_plan_id": sub.plan_id,
        "nonce": "n2",
    }
    services.subscription_change(**args)
    with pytest.raises(ValidationError):  # the same confirmation again: the plan already changed
        services.subscription_change(**args)
    assert spy.charges[-1]["amount"] == 600
    assert Payment.objects.filter(kind="upgrade").count() == 1
    sub = sub_of(user)
    assert (sub.plan.code, sub.period_value, sub.period_paid) == ("premium", 1399, 1399)
    assert selectors.schedule_for(sub).charges[0].amount == 1999


def test_a_downgrade_waits_for_the_period_end_and_can_be_undone(user, now, spy, beat):
    subscribe(user, "premium")
    sub = sub_of(user)
    basic = Plan.objects.get(code="basic")
    services.subscription_change(
        user=user,
        plan=basic,
        interval="month",
        expected_amount=0,
        from_plan_id=sub.plan_id,
        nonce="x",
    )
    assert sub_of(user).pending_plan == basic
    first = selectors.schedule_for(sub_of(user)).charges[0]
    assert (first.amount, first.reasons[0].code) == (799, "plan_change")
    services.pending_change_cancel(user=user)
    assert selectors.schedule_for(sub_of(user)).charges[0].amount == 1999
    services.subscription_change(
        user=user,
        plan=basic,
        interval="month",
        expected_amount=0,
        from_plan_id=sub.plan_id,
        nonce="y",
    )
    beat(days=31)
    sub = sub_of(user)
    assert (sub.plan.code, sub.pending_plan) == ("basic", None)
    assert spy.charges[-1]["amount"] == 799


# --- Postponing ------------------------------------------------------------------------------


def test_postponing_moves_the_next_payment_onto_the_following_one(user, now, spy, beat):
    subscribe(user)
    services.subscription_postpone(user=user)
    charges = selectors.schedule_for(sub_of(user), count=3).charges
    assert [(c.local_date, c.amount) for c in charges] == [
        (date(2026, 4, 10), 0),
        (date(2026, 5, 10), 2698),
        (date(2026, 6, 10), 1349),
    ]
    beat(days=31)
    assert len(spy.charges) == 1  # nothing collected on 10 April
    assert selectors.entitlements_for(user).plan_code == "standard"
    beat(days=30)
    assert spy.charges[-1]["amount"] == 2698
    sub = sub_of(user)
    assert sub.postpone_offset is None and sub.postponed_carried is None
    assert selectors.schedule_for(sub).charges[0].amount == 1349


def test_the_renewal_that_collects_a_postponed_month_invoices_both_months(user, now, spy, beat):
    """QA10: the renewal collecting €26.98 had one invoice line, "10 May – 10 June", for twice
    the month's price; the postponed month it also paid for was named nowhere."""
    from apps.subscriptions.models import Invoice

    subscribe(user)
    services.subscription_postpone(user=user)
    beat(days=61)  # 10 April carried, 10 May collects both
    invoice = Invoice.objects.get(payment__kind="renewal")
    assert invoice.total == 2698
    assert [(line["description"], line["amount"]) for line in invoice.lines] == [
        ("Days used of a postponed period · Standard (monthly) · 10 April – 10 May 2026", 1349),
        ("Subscription renewal · Standard (monthly) · 10 May – 10 June 2026", 1349),
    ]
    assert sum(line["amount"] for line in invoice.lines) == invoice.total


def test_a_retry_that_collects_a_postponed_month_invoices_both_months_too(user, now, spy, beat):
    """QA10: when the renewal collecting a postponed month was declined, the retry that paid it
    had one invoice line naming the new month for twice its price, as the renewal once had."""
    from apps.subscriptions.models import Invoice

    subscribe(user)
    services.subscription_postpone(user=user)
    bad = services.payment_method_add(user=user, source=card(NO_FUNDS))
    services.payment_method_make_default(user=user, method=bad)
    beat(days=61)  # 10 April carried, 10 May declined for both months
    assert sub_of(user).status == "past_due" and not Invoice.objects.filter(payment__kind="retry")
    good = PaymentMethod.objects.get(user=user, last4="4242")
    services.subscription_retry(subscription_id=sub_of(user).pk, manual_key="k1", method=good)
    invoice = Invoice.objects.get(payment__kind="retry")
    assert invoice.total == 2698
    assert [(line["description"], line["amount"]) for line in invoice.lines] == [
        ("Days used of a postponed period · Standard (monthly) · 10 April – 10 May 2026", 1349),
        ("Subscription renewal · Standard (monthly) · 10 May – 10 June 2026", 1349),
    ]


def test_pay_now_after_a_declined_retry_invoices_the_postponed_month_on_its_own_line(
    user, now, spy, beat
):
    """QA11 (HIGH): the renewal collecting a postponed month and its first retry were declined,
    then Pay now with another card: the invoice had one line, the new month for twice its price."""
    from apps.subscriptions.models import Invoice

    subscribe(user)
    services.subscription_postpone(user=user)
    bad = services.payment_method_add(user=user, source=card(NO_FUNDS))
    services.payment_method_make_default(user=user, method=bad)
    beat(days=61)  # 10 April carried, 10 May declined for both months
    beat(days=1, hours=2)  # 11 May: the first retry, declined too
    assert Payment.objects.filter(subscription=sub_of(user), kind="retry", status="failed")
    assert sub_of(user).status == "past_due"
    good = PaymentMethod.objects.get(user=user, last4="4242")
    services.overdue_pay_now(user=user, key="pay-1", source=good)
    invoice = Invoice.objects.get(payment__kind="retry", payment__status="succeeded")
    assert invoice.total == 2698
    assert [(line["description"], line["amount"]) for line in invoice.lines] == [
        ("Days used of a postponed period · Standard (monthly) · 10 April – 10 May 2026", 1349),
        ("Subscription renewal · Standard (monthly) · 10 May – 10 June 2026", 1349),
    ]


def test_postponing_twice_in_twelve_months_is_refused(user, now, spy, beat):
    subscribe(user)
    services.subscription_postpone(user=user)
    beat(days=62)
    with pytest.raises(ValidationError, match="once in twelve months"):
        services.subscription_postpone(user=user)
    now.advance(days=365)
    beat()
    services.subscription_postpone(user=user)


def test_postponing_is_refused_while_a_payment_is_overdue(user, now, spy, beat):
    subscribe(user)
    bad = services.payment_method_add(user=user, source=card(NO_FUNDS))
    services.payment_method_make_default(user=user, method=bad)
    beat(days=31)
    with pytest.raises(ValidationError, match="overdue"):
        services.subscription_postpone(user=user)


# --- Leaving ---------------------------------------------------------------------------------


def test_cancel_at_period_end_keeps_access_until_then_and_can_be_undone(user, now, spy, beat):
    subscribe(user)
    services.subscription_cancel(user=user)
    assert selectors.schedule_for(sub_of(user)).charges == ()
    services.subscription_resume(user=user)
    services.subscription_cancel(user=user)
    now.advance(days=30)
    assert selectors.entitlements_for(user).plan_code == "standard"
    beat(days=1)
    sub = sub_of(user)
    assert (sub.status, sub.plan.code) == ("cancelled", "free")
    assert len(spy.charges) == 1
    with pytest.raises(ValidationError):
        services.subscription_resume(user=user)


def test_switching_to_free_turns_the_unused_part_into_credit_used_by_the_next_checkout(
    user, now, spy
):
    subscribe(user, "premium")
    sub = sub_of(user)
    now.set(sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2)
    done = services.subscription_switch_to_free(user=user)
    assert (done.kept, done.credit) == (999, 1000)
    sub = sub_of(user)
    assert (sub.status, sub.credit_balance) == ("free", 1000)
    assert selectors.entitlements_for(user).plan_code == "free"
    assert list(CreditEntry.objects.values_list("amount", flat=True)) == [1000]
    checkout = subscribe(user, "basic")
    assert checkout.amount == 0 and spy.charges[-1]["amount"] == 1999  # no new gateway charge
    assert sub_of(user).credit_balance == 201
    invoice = Invoice.objects.get(payment=checkout.payment)
    assert invoice.total == 0 and invoice.lines[1]["amount"] == -799


def test_switching_to_free_during_a_postponed_period_collects_the_days_used(user, now, spy, beat):
    subscribe(user)
    services.subscription_postpone(user=user)
    beat(days=31)
    sub = sub_of(user)
    now.set(sub.current_period_start + (sub.current_period_end - sub.current_period_start) / 2)
    done = services.subscription_switch_to_free(user=user)
    assert (done.credit, done.due) == (0, 674)
    assert spy.charges[-1]["amount"] == 674


def test_withdrawal_after_starting_now_keeps_the_days_used(user, now, spy):
    subscribe(user, "premium")
    now.advance(days=3)
    preview = services.withdrawal_preview(sub=sub_of(user), at=now.value)
    assert preview.decision.ok and preview.started
    done = services.subscription_withdraw(user=user, expected_refund=preview.refunded)
    assert done.kept + done.refunded == 1999
    assert done.kept == 1999 * (3 * 86400) // (31 * 86400)
    refund = Refund.objects.get()
    assert refund.amount == done.refunded and len(spy.refunds) == 1
    note = Invoice.objects.get(kind="credit_note")
    assert note.total == -done.refunded and note.number == "2026-000002"
    assert sub_of(user).status == "cancelled"


def test_withdrawal_after_an_upgrade_only_keeps_the_days_each_payment_paid_for(user, now, spy):
    subscribe(user, "basic")  # 7.99 on 10 March, a 31-day period
    now.advance(days=1)
    sub = sub_of(user)
    premium = Plan.objects.get(code="premium")
    upgrade = services.change_preview(sub=sub, plan=premium, interval="month", at=now.value)
    services.subscription_change(
        user=user,
        plan=premium,
        interval="month",
        expected_amount=upgrade.pay_now,
        from_plan_id=sub.plan_id,
        nonce="u",
    )
    now.advance(days=1)
    preview = services.withdrawal_preview(sub=sub_of(user), at=now.value)
    # Two days of Basic and one day of the upgrade: 51 + 38 cents, not 2/31 of everything paid.
    assert preview.paid == 799 + upgrade.pay_now == 1960
    assert preview.kept == 799 * 2 // 31 + upgrade.pay_now * 1 // 30 == 51 + 38
    done = services.subscription_withdraw(user=user, expected_refund=preview.refunded)
    assert sum(r["amount"] for r in spy.refunds) == done.refunded == 1960 - 89


def test_withdrawal_without_start_now_refunds_everything(user, now, spy):
    subscribe(user, "premium", start_now=False)
    now.advance(days=13)
    done = services.subscription_withdraw(user=user)
    assert (done.kept, done.refunded) == (0, 1999)


def test_no_withdrawal_after_the_period_but_a_new_subscription_has_its_own(user, now, spy):
    """Issue 9: each new distance contract carries its own right (this test used to pin
    "never for a second subscription", and 14 x 24 h)."""
    subscribe(user)  # Tuesday 10 March, 10:00 in Paris: the right lasts until the end of 24 March
    now.set(datetime(2026, 3, 24, 22, 59, tzinfo=now.value.tzinfo))
    assert services.withdrawal_preview(sub=sub_of(user), at=now.value).decision.ok
    now.set(datetime(2026, 3, 24, 23, 0, tzinfo=now.value.tzinfo))
    with pytest.raises(ValidationError):
        services.subscription_withdraw(user=user)
    services.subscription_switch_to_free(user=user)
    subscribe(user)
    preview = services.withdrawal_preview(sub=sub_of(user), at=now.value)
    assert preview.decision.ok and preview.last_day == date(2026, 4, 8)


# --- Invoices --------------------------------------------------------------------------------


def test_invoice_numbers_are_gapless_per_year_across_accounts(now, spy, beat):
    from tests.factories import ProfileFactory

    users = [ProfileFactory().account for _ in range(3)]
    for u in users:
        subscribe(u)
    subscribe(ProfileFactory().account, number=DECLINED)  # a failed payment gets no number
    while now.value < datetime(2027, 2, 1, tzinfo=now.value.tzinfo):
        beat(days=5)
    rows = list(
        Invoice.objects.order_by("year", "sequence").values_list("year", "sequence", "number")
    )
    for year in (2026, 2027):
        numbers = [(seq, number) for y, seq, number in rows if y == year]
        assert [seq for seq, _ in numbers] == list(range(1, len(numbers) + 1))
        assert all(number == f"{year}-{seq:06d}" for seq, number in numbers)
    assert sum(1 for y, *_ in rows if y == 2026) == 3 * 10  # March to December
    assert sum(1 for y, *_ in rows if y == 2027) == 3  # 10 January


# --- Duo and Family --------------------------------------------------------------------------


def test_family_owner_invites_and_members_get_the_plan(user, now, spy):
    from tests.factories import ProfileFactory

    subscribe(user, "duo")
    guest = ProfileFactory().account
    third = ProfileFactory().account
    invitation = services.member_invite(owner=user, email=guest.email.upper())
    with pytest.raises(ValidationError):  # Duo: owner + 1
        services.member_invite(owner=user, email=third.email)
    with pytest.raises(ValidationError, match="Sign in with that address"):
        services.invitation_accept(user=third, token=invitation.token)
    services.invitation_accept(user=guest, token=invitation.token)
    ent = selectors.entitlements_for(guest)
    assert (ent.plan_code, ent.source) == ("duo", "shared")
    with pytest.raises(ValidationError):
        services.invitation_accept(user=guest, token=invitation.token)
    services.subscription_switch_to_free(user=user)
    assert selectors.entitlements_for(guest).plan_code == "free"


def test_a_family_plan_holds_six_accounts(user, now, spy):
    from tests.factories import ProfileFactory

    subscribe(user, "family")
    for _ in range(5):
        guest = ProfileFactory().account
        inv = services.member_invite(owner=user, email=guest.email)
        services.invitation_accept(user=guest, token=inv.token)
    with pytest.raises(ValidationError, match="up to 6 accounts"):
        services.member_invite(owner=user, email="one-more@example.com")
    assert sub_of(user).memberships.count() == 5
    downgrade = Plan.objects.get(code="standard")
    with pytest.raises(ValidationError, match="Remove members"):
        services.change_preview(sub=sub_of(user), plan=downgrade, interval="month", at=now.value)


def test_invitation_email_is_sent_once(user, now, spy, django_capture_on_commit_callbacks):
    subscribe(user, "family")
    inv = services.member_invite(owner=user, email="friend@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(invitation=inv, accept_url="http://testserver/x")
        services.invitation_send(invitation=inv, accept_url="http://testserver/x")
    sent = [m for m in mail.outbox if m.to == ["friend@example.com"]]
    assert len(sent) == 1 and "http://testserver/x" in sent[0].body
    assert Notice.objects.filter(kind="invitation").count() == 1


# --- Demo personas ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("then", "status", "postponed"),
    [
        ("", "active", False),
        ("cancel", "cancel_scheduled", False),
        ("postponed", "active", True),
        ("past_due", "past_due", False),
    ],
)
def test_demo_subscriptions_have_a_real_history(user, now, spy, then, status, postponed):
    sub = demo_billing.demo_subscription(user=user, plan_code="premium", months=4, then=then)
    assert sub.status == status
    assert (sub.postpone_offset is not None) == postponed
    paid = Payment.objects.filter(user=user, status="succeeded").count()
    assert paid == (4 if then == "past_due" else 5)  # the first payment and the renewals
    assert Invoice.objects.filter(user=user).count() == paid
    # Each invoice is dated the day its payment was due, one a month, not all on seeding day.
    issued = [
        i.astimezone(PARIS).date() for i in Invoice.objects.values_list("issued_at", flat=True)
    ]
    assert len({(d.year, d.month) for d in issued}) == paid
    again = demo_billing.demo_subscription(user=user, plan_code="basic", months=1)
    assert again.plan.code == "premium" and Payment.objects.filter(user=user).count() >= paid


def test_demo_family_sharing(user, now, spy):
    from tests.factories import ProfileFactory

    demo_billing.demo_subscription(user=user, plan_code="family", months=2)
    member = ProfileFactory().account
    demo_billing.demo_share(owner=user, member=member)
    demo_billing.demo_share(owner=user, member=member)
    assert selectors.entitlements_for(member).source == "shared"


def test_postponing_after_cancelling_says_when_the_plan_ends(user, now, spy, beat):
    """QA17: a stale Postpone tab after cancelling said "Only an active paid subscription has a
    payment to postpone", which read as "you have no plan"."""
    subscribe(user)
    services.subscription_cancel(user=user)
    ends = selectors.schedule_for(sub_of(user)).ends_on
    with pytest.raises(ValidationError) as refused:
        services.subscription_postpone(user=user)
    assert refused.value.messages == [
        f"Your plan ends on {ends.day} {ends:%B} {ends.year}: there is no next payment to postpone."
    ]
    assert not sub_of(user).postponements.exists()
