"""Proration, settlements and withdrawal splits (pure): integers to the cent, to the second."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.subscriptions import proration, withdrawal

START = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
END = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)  # 30 days


def test_upgrading_halfway_from_10_to_20_charges_5():
    halfway = START + (END - START) / 2
    assert (
        proration.upgrade_charge(
            old_amount=1000, new_amount=2000, period_start=START, period_end=END, at=halfway
        )
        == 500
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (START - timedelta(days=3), 1000),  # not started yet: the whole difference
        (START, 1000),
        (END, 0),
        (END + timedelta(days=1), 0),
        (START + timedelta(days=10), 666),  # 1000 * 20/30 = 666.67, rounded down
    ],
)
def test_upgrade_charge_is_the_difference_for_the_remaining_seconds_rounded_down(at, expected):
    got = proration.upgrade_charge(
        old_amount=1000, new_amount=2000, period_start=START, period_end=END, at=at
    )
    assert got == expected


def test_an_upgrade_must_cost_more():
    with pytest.raises(ValueError):
        proration.upgrade_charge(
            old_amount=2000, new_amount=1000, period_start=START, period_end=END, at=START
        )


seconds = st.integers(min_value=0, max_value=int((END - START).total_seconds()) + 86400)


@given(old=st.integers(0, 50_000), extra=st.integers(1, 50_000), a=seconds, b=seconds)
def test_upgrade_charges_never_exceed_the_difference_and_shrink_over_time(old, extra, a, b):
    first, second = sorted((a, b))
    charge = lambda s: proration.upgrade_charge(  # noqa: E731
        old_amount=old,
        new_amount=old + extra,
        period_start=START,
        period_end=END,
        at=START + timedelta(seconds=s),
    )
    assert 0 <= charge(second) <= charge(first) <= extra


@given(value=st.integers(0, 100_000), paid=st.integers(0, 100_000), used=seconds)
def test_switching_to_free_settles_to_the_cent(value, paid, used):
    s = proration.settle(
        value=value,
        paid=paid,
        period_start=START,
        period_end=END,
        at=START + timedelta(seconds=used),
    )
    assert paid - s.credit + s.due == s.kept
    assert 0 <= s.kept <= value
    assert s.credit == 0 or s.due == 0


def test_switching_to_free_halfway_gives_half_back_as_credit():
    halfway = START + (END - START) / 2
    s = proration.settle(value=1349, paid=1349, period_start=START, period_end=END, at=halfway)
    assert (s.kept, s.credit, s.due) == (674, 675, 0)


def test_a_postponed_period_left_halfway_owes_the_days_used():
    halfway = START + (END - START) / 2
    s = proration.settle(value=1349, paid=0, period_start=START, period_end=END, at=halfway)
    assert (s.kept, s.credit, s.due) == (674, 0, 674)


@given(amount=st.integers(0, 10_000_000), credit=st.integers(0, 10_000_000))
def test_credit_covers_what_it_can(amount, credit):
    charge, used = proration.apply_credit(amount=amount, credit=credit)
    assert charge + used == amount
    assert used <= credit and charge >= 0


@given(
    amount=st.integers(0, 10_000_000),
    used=st.integers(-(10**7), 10**8),
    period=st.integers(1, 400 * 86400),
)
def test_withdrawal_kept_plus_refunded_is_what_was_paid(amount, used, period):
    split = withdrawal.split(amount=amount, used_seconds=used, period_seconds=period)
    assert split.kept + split.refunded == amount
    assert 0 <= split.kept <= amount
    assert split.kept == amount * min(period, max(0, used)) // period


def test_withdrawal_without_using_anything_refunds_everything():
    assert withdrawal.split(amount=1999, used_seconds=0, period_seconds=2_592_000).refunded == 1999


def test_withdrawal_after_three_days_of_a_30_day_month():
    split = withdrawal.split(amount=1999, used_seconds=3 * 86400, period_seconds=30 * 86400)
    assert (split.kept, split.refunded) == (199, 1800)  # 199.9 rounded down


@given(
    parts=st.lists(
        st.tuples(st.integers(0, 100_000), st.integers(-86400, 10**7), st.integers(1, 10**7)),
        max_size=4,
    )
)
def test_withdrawal_over_several_payments_adds_up_to_what_was_paid(parts):
    split = withdrawal.split_payments(parts)
    assert split.kept + split.refunded == sum(amount for amount, _used, _period in parts)
    assert split.kept >= 0 and split.refunded >= 0


def test_withdrawal_after_an_upgrade_keeps_each_payment_for_its_own_days():
    """Basic (7.99) for 30 days, upgraded on day 1 (12.00 * 29/30 = 11.60 for 29 days), withdrawn
    on day 2: two days of Basic and one day of the upgrade are kept, not two days of both."""
    day = 86400
    split = withdrawal.split_payments([(799, 2 * day, 30 * day), (1160, 1 * day, 29 * day)])
    assert split.kept == 799 * 2 // 30 + 1160 // 29 == 53 + 40
    assert split.refunded == 799 + 1160 - 93


@given(
    payments=st.lists(st.integers(0, 5000), min_size=1, max_size=5),
    wanted=st.integers(0, 30000),
)
def test_a_refund_is_spread_over_payments_newest_first(payments, wanted):
    rows = list(enumerate(payments))
    plan = withdrawal.allocate_refund(rows, wanted)
    assert sum(a for _, a in plan) == min(wanted, sum(payments))
    for pid, amount in plan:
        assert 0 < amount <= payments[pid]
