"""Coupon arithmetic (pure): the discount itself and the payment schedule that honours it."""

from datetime import date, time

from hypothesis import given
from hypothesis import strategies as st

from apps.subscriptions.coupons import Discount, until_offset
from apps.subscriptions.display import reason_text
from apps.subscriptions.schedule import Anchor, BillingState, PlanChange, Postponement, upcoming

prices = st.integers(min_value=0, max_value=10_000_000)
discounts = st.one_of(
    st.builds(Discount, percent_off=st.integers(1, 100), until_offset=st.integers(0, 36)),
    st.builds(Discount, amount_off=st.integers(1, 100_000), until_offset=st.integers(0, 36)),
)


def test_percent_off_charges_the_floor_so_rounding_never_costs_the_viewer():
    twenty = Discount(percent_off=20, until_offset=3)
    assert twenty.price_at(1349, 0) == 1079  # 10.792 -> 10.79; the viewer saves 2.70
    assert twenty.off(1349) == 270
    assert Discount(percent_off=33, until_offset=1).price_at(1, 0) == 0  # 0.67 cent -> 0
    assert Discount(percent_off=100, until_offset=1).price_at(1999, 0) == 0


def test_an_amount_off_never_makes_a_price_negative():
    five = Discount(amount_off=500, until_offset=1)
    assert five.price_at(1349, 0) == 849
    assert five.price_at(399, 0) == 0 and five.off(399) == 399


def test_only_the_first_n_periods_are_discounted():
    monthly = Discount(percent_off=50, until_offset=until_offset(periods=3, interval_months=1))
    assert [monthly.price_at(1000, offset) for offset in range(5)] == [500, 500, 500, 1000, 1000]
    yearly = Discount(percent_off=50, until_offset=until_offset(periods=1, interval_months=12))
    assert [yearly.price_at(10000, offset) for offset in (0, 12)] == [5000, 10000]


@given(price=prices, discount=discounts, offset=st.integers(0, 48))
def test_price_and_discount_add_up_to_the_cent(price, discount, offset):
    off = discount.off_at(price, offset)
    assert 0 <= off <= price
    assert discount.price_at(price, offset) + off == price
    if offset >= discount.until_offset:
        assert off == 0


def _state(**kwargs):
    base = {
        "anchor": Anchor(day=date(2026, 1, 31), at=time(10, 0), time_zone="Europe/Paris"),
        "interval_months": 1,
        "amount": 1349,
        "currency": "EUR",
        "plan_label": "Standard",
        "next_offset": 1,
    }
    return BillingState(**(base | kwargs))


def test_the_schedule_discounts_the_coupon_periods_and_says_so():
    schedule = upcoming(_state(discount=Discount(percent_off=20, until_offset=3)), count=4)
    assert [c.amount for c in schedule.charges] == [1079, 1079, 1349, 1349]
    first = schedule.charges[0]
    assert [r.code for r in first.reasons] == ["renewal", "discount"]
    assert reason_text(first.reasons[1], "EUR") == "Coupon: €2.70 off"
    assert [r.code for r in schedule.charges[2].reasons] == ["renewal"]


def test_credit_comes_off_the_discounted_price():
    state = _state(discount=Discount(amount_off=500, until_offset=2), credit=1000)
    amounts = [(c.gross, c.amount) for c in upcoming(state, count=3).charges]
    assert amounts == [(849, 0), (1349, 1198), (1349, 1349)]


def test_a_postponed_discounted_period_carries_its_discounted_price():
    state = _state(
        discount=Discount(percent_off=50, until_offset=2),
        postponement=Postponement(skip_offset=1),
    )
    amounts = [c.amount for c in upcoming(state, count=3).charges]
    assert amounts == [0, 674 + 1349, 1349]  # half of 13.49 is 6.74 (floor of what we charge)


def test_a_plan_change_inside_the_coupon_periods_is_discounted_too():
    change = PlanChange(at_offset=2, amount=1999, interval_months=1, plan_label="Premium")
    state = _state(discount=Discount(percent_off=10, until_offset=3), pending_change=change)
    assert [c.amount for c in upcoming(state, count=3).charges] == [1214, 1799, 1999]


@given(discount=discounts, price=st.integers(0, 100_000), credit=st.integers(0, 50_000))
def test_the_schedule_charges_exactly_the_discounted_prices_minus_credit(discount, price, credit):
    state = _state(amount=price, discount=discount, credit=credit)
    schedule = upcoming(state, count=12)
    expected = [discount.price_at(price, offset) for offset in range(1, 13)]
    assert [c.gross for c in schedule.charges] == expected
    assert sum(c.amount for c in schedule.charges) == max(0, sum(expected) - credit)
    assert schedule.credit_left == max(0, credit - sum(expected))
