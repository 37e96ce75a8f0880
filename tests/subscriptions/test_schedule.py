"""The payment schedule (pure): month ends follow the anchor, local midnight decides the day,
DST never skips or doubles a charge, and the events that change charges show up."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.subscriptions.schedule import (
    Anchor,
    BillingState,
    Overdue,
    PlanChange,
    Postponement,
    add_months,
    local_instant,
    upcoming,
)

PARIS = ZoneInfo("Europe/Paris")
ZONES = [
    "Europe/Paris",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # half-hour DST
    "America/Santiago",  # DST changes at midnight
    "America/Havana",  # DST changes at midnight
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
]


def state(anchor, **kw):
    defaults = {
        "anchor": anchor,
        "interval_months": 1,
        "amount": 1349,
        "currency": "EUR",
        "plan_label": "Standard",
        "next_offset": 1,
    }
    defaults.update(kw)
    return BillingState(**defaults)


def dates(schedule):
    return [c.local_date for c in schedule.charges]


def test_an_anchor_on_the_31st_bills_the_last_day_of_short_months_and_comes_back():
    anchor = date(2026, 1, 31)
    got = [add_months(anchor, n) for n in range(1, 8)]
    assert got == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
        date(2026, 7, 31),
        date(2026, 8, 31),
    ]


def test_february_29_in_a_leap_year():
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2028, 1, 30), 1) == date(2028, 2, 29)


def test_a_yearly_plan_started_on_february_29_bills_february_28_then_29_again():
    anchor = date(2028, 2, 29)
    assert [add_months(anchor, 12 * n) for n in range(1, 5)] == [
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_the_schedule_never_drifts_to_the_28th():
    a = Anchor(date(2026, 1, 31), time(20, 15), "Europe/Paris")
    got = dates(upcoming(state(a), count=12))
    assert got[0] == date(2026, 2, 28)
    assert got[1] == date(2026, 3, 31)
    assert got[11] == date(2027, 1, 31)


@given(
    anchor=st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)),
    n=st.integers(min_value=0, max_value=240),
)
def test_add_months_is_computed_from_the_anchor(anchor, n):
    got = add_months(anchor, n)
    months = (got.year - anchor.year) * 12 + got.month - anchor.month
    assert months == n
    nxt = add_months(anchor, n + 1)
    assert nxt > got
    # The day is the anchor's day whenever the month has it, otherwise the month's last day.
    last = (date(got.year + got.month // 12, got.month % 12 + 1, 1) - timedelta(days=1)).day
    assert got.day == min(anchor.day, last)


def test_local_midnight_decides_the_day():
    # 23:30 UTC on 30 January is 00:30 on 31 January in Paris: the anchor is the 31st.
    a = Anchor.from_instant(datetime(2026, 1, 30, 23, 30, tzinfo=UTC), "Europe/Paris")
    assert a.day == date(2026, 1, 31)
    charges = upcoming(state(a), count=3).charges
    assert [c.local_date for c in charges] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    # The charge for 28 February happens at 00:30 Paris time, still 27 February in UTC.
    assert charges[0].at == datetime(2026, 2, 27, 23, 30, tzinfo=UTC)
    # The same instant is 30 January for a viewer in New York: anchor on the 30th.
    assert Anchor.from_instant(
        datetime(2026, 1, 30, 23, 30, tzinfo=UTC), "America/New_York"
    ).day == (date(2026, 1, 30))


def test_spring_forward_keeps_the_day_and_moves_the_skipped_hour():
    # 29 March 2026: Paris jumps from 02:00 to 03:00. An anchor at 02:30 still bills that day.
    a = Anchor(date(2026, 1, 29), time(2, 30), "Europe/Paris")
    charges = upcoming(state(a), count=3).charges
    march = charges[1]
    assert march.local_date == date(2026, 3, 29)
    assert march.at.astimezone(PARIS).date() == date(2026, 3, 29)
    assert march.at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_fall_back_charges_once_at_the_first_occurrence():
    # 25 October 2026: 02:30 happens twice in Paris; the charge takes the first one.
    a = Anchor(date(2026, 8, 25), time(2, 30), "Europe/Paris")
    charges = upcoming(state(a), count=3).charges
    october = charges[1]
    assert october.local_date == date(2026, 10, 25)
    assert october.at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert len({c.local_date for c in charges}) == 3


def test_a_midnight_anchor_survives_a_zone_that_skips_midnight():
    # Santiago moves clocks from 00:00 to 01:00 in September: 00:00 does not exist that day.
    day = date(2026, 9, 6)
    instant = local_instant(day, time(0, 0), ZoneInfo("America/Santiago"))
    assert instant.astimezone(ZoneInfo("America/Santiago")).date() == day


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    anchor=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
    yearly=st.booleans(),
)
def test_every_charge_falls_on_its_local_date_once_and_in_order(zone, anchor, yearly):
    """Across DST changes in many zones: one instant per period, on the intended local date,
    strictly increasing (nothing skipped, nothing doubled)."""
    a = Anchor(anchor.date(), anchor.time(), zone)
    months = 12 if yearly else 1
    charges = upcoming(state(a, interval_months=months, next_offset=months), count=12).charges
    assert len(charges) == 12
    tz = ZoneInfo(zone)
    for n, charge in enumerate(charges, start=1):
        assert charge.local_date == add_months(a.day, n * months)
        assert charge.at.astimezone(tz).date() == charge.local_date
    instants = [c.at for c in charges]
    assert instants == sorted(instants) and len(set(instants)) == len(instants)


def test_a_postponed_payment_moves_to_the_next_date_on_top_of_its_charge():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    before = upcoming(state(a), count=3)
    after = upcoming(state(a, postponement=Postponement(skip_offset=1)), count=3)
    assert [c.amount for c in before.charges] == [1349, 1349, 1349]
    assert [c.amount for c in after.charges] == [0, 2698, 1349]
    assert dates(after) == dates(before)
    skipped, doubled = after.charges[0], after.charges[1]
    assert skipped.reasons[0].code == "postponed"
    assert skipped.reasons[0].other_date == date(2026, 3, 15)
    assert [r.code for r in doubled.reasons] == ["renewal", "postponed_in"]
    assert doubled.reasons[1].other_date == date(2026, 2, 15)


def test_a_carried_amount_is_collected_with_the_next_charge():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    s = upcoming(state(a, next_offset=2, postponement=Postponement(1, carried=1349)), count=2)
    assert [c.amount for c in s.charges] == [2698, 1349]


def test_credit_is_used_by_the_next_charges_until_it_runs_out():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    s = upcoming(state(a, credit=2000), count=3)
    assert [c.amount for c in s.charges] == [0, 698, 1349]
    assert [c.credit_applied for c in s.charges] == [1349, 651, 0]
    assert s.credit_left == 0
    assert s.next_charge.local_date == date(2026, 3, 15)


def test_a_scheduled_cancellation_stops_the_charges():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    s = upcoming(state(a, cancel_at_offset=1), count=12)
    assert s.charges == ()
    assert s.ends_on == date(2026, 2, 15)
    assert s.next_charge is None


def test_a_postponed_amount_is_still_collected_when_the_plan_ends():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    s = upcoming(
        state(a, next_offset=2, cancel_at_offset=2, postponement=Postponement(1, 1349)), count=12
    )
    assert [c.amount for c in s.charges] == [1349]
    assert s.charges[0].reasons[0].code == "final"
    assert s.ends_on == date(2026, 3, 15)


def test_a_scheduled_plan_change_applies_from_its_boundary():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    change = PlanChange(at_offset=1, amount=799, interval_months=1, plan_label="Basic")
    s = upcoming(state(a, pending_change=change), count=3)
    assert [c.amount for c in s.charges] == [799, 799, 799]
    assert s.charges[0].reasons[0].code == "plan_change"
    assert s.charges[1].reasons[0].code == "renewal"


def test_a_switch_keeps_the_price_it_was_chosen_at_until_the_rise_reaches_it():
    """A rise of the plan being switched to, after the switch: its kept price, then the new."""
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    change = PlanChange(at_offset=1, amount=1349, interval_months=1, plan_label="Standard")
    rise = PlanChange(at_offset=2, amount=1499, interval_months=1, plan_label="Standard")
    s = upcoming(state(a, amount=1999, pending_change=change, new_price=rise), count=3)
    assert [c.amount for c in s.charges] == [1349, 1499, 1499]
    assert [c.reasons[0].code for c in s.charges] == ["plan_change", "price_change", "renewal"]


def test_switching_to_yearly_at_the_boundary_keeps_the_anchor_day():
    a = Anchor(date(2026, 1, 31), time(10, 0), "Europe/Paris")
    change = PlanChange(at_offset=1, amount=13490, interval_months=12, plan_label="Standard yearly")
    s = upcoming(state(a, pending_change=change), count=3)
    assert dates(s) == [date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_an_overdue_payment_comes_first_with_its_retry_date():
    a = Anchor(date(2026, 1, 15), time(10, 0), "Europe/Paris")
    retry = datetime(2026, 2, 16, 9, 0, tzinfo=UTC)
    s = upcoming(state(a, next_offset=2, overdue=Overdue(1349, retry)), count=3)
    assert s.charges[0].local_date == date(2026, 2, 16)
    assert s.charges[0].reasons[0].code == "retry"
    assert dates(s)[1:] == [date(2026, 3, 15), date(2026, 4, 15)]


def test_a_viewer_in_another_zone_sees_the_same_instants_on_their_own_dates():
    anchor = Anchor(day=date(2026, 1, 31), at=time(0, 30), time_zone="Europe/Paris")
    billed = upcoming(state(anchor), count=3)
    seen = upcoming(state(anchor, view_time_zone="America/New_York"), count=3)
    assert [c.at for c in seen.charges] == [c.at for c in billed.charges]
    assert dates(billed) == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert dates(seen) == [date(2026, 2, 27), date(2026, 3, 30), date(2026, 4, 29)]
