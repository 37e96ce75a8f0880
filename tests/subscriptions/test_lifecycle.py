"""The state machine (pure): allowed and refused moves, retries, postponing, withdrawal."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.subscriptions import lifecycle
from apps.subscriptions.lifecycle import Event, State, TransitionRefused

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        (State.FREE, Event.SUBSCRIBE, State.ACTIVE),
        (State.CANCELLED, Event.SUBSCRIBE, State.ACTIVE),
        (State.ACTIVE, Event.RENEW, State.ACTIVE),
        (State.ACTIVE, Event.SCHEDULE_CANCEL, State.CANCEL_SCHEDULED),
        (State.CANCEL_SCHEDULED, Event.UNDO_CANCEL, State.ACTIVE),
        (State.CANCEL_SCHEDULED, Event.PERIOD_END, State.CANCELLED),
        (State.ACTIVE, Event.RENEWAL_FAILED, State.PAST_DUE),
        (State.PAST_DUE, Event.RETRY_FAILED, State.PAST_DUE),
        (State.PAST_DUE, Event.PAID, State.ACTIVE),
        (State.PAST_DUE, Event.RETRIES_EXHAUSTED, State.FREE),
        (State.ACTIVE, Event.SWITCH_TO_FREE, State.FREE),
        (State.CANCEL_SCHEDULED, Event.SWITCH_TO_FREE, State.FREE),
        (State.ACTIVE, Event.WITHDRAW, State.CANCELLED),
        (State.ACTIVE, Event.POSTPONE, State.ACTIVE),
    ],
)
def test_allowed_transitions(state, event, after):
    assert lifecycle.transition(state, event) == after
    assert lifecycle.allowed(state, event)


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.ACTIVE, Event.SUBSCRIBE),  # no second subscription on top
        (State.FREE, Event.SCHEDULE_CANCEL),
        (State.CANCELLED, Event.UNDO_CANCEL),
        (State.ACTIVE, Event.UNDO_CANCEL),
        (State.PAST_DUE, Event.POSTPONE),
        (State.PAST_DUE, Event.SCHEDULE_CANCEL),
        (State.FREE, Event.SWITCH_TO_FREE),
        (State.CANCELLED, Event.PERIOD_END),
        (State.PAST_DUE, Event.WITHDRAW),
        (State.FREE, Event.RENEW),
    ],
)
def test_refused_transitions(state, event):
    assert not lifecycle.allowed(state, event)
    with pytest.raises(TransitionRefused):
        lifecycle.transition(state, event)


def test_every_state_and_event_is_either_allowed_or_refused_cleanly():
    for state in State:
        for event in Event:
            try:
                assert lifecycle.transition(state, event) in State
            except TransitionRefused as exc:
                assert exc.state == state and exc.event == event


def test_paid_access_lasts_through_cancellation_and_retries():
    assert {s for s in State if lifecycle.has_paid_access(s)} == {
        State.ACTIVE,
        State.CANCEL_SCHEDULED,
        State.PAST_DUE,
    }


def test_retries_after_one_three_and_seven_days_then_none():
    due = NOW
    assert [lifecycle.retry_at(due, n) for n in (1, 2, 3, 4)] == [
        due + timedelta(days=1),
        due + timedelta(days=3),
        due + timedelta(days=7),
        None,
    ]


def test_postponing_once_is_fine():
    assert lifecycle.can_postpone(State.ACTIVE, postponed_at=[], now=NOW, pending=False).ok


def test_postponing_twice_in_twelve_months_is_refused():
    earlier = NOW - timedelta(days=200)
    d = lifecycle.can_postpone(State.ACTIVE, postponed_at=[earlier], now=NOW, pending=False)
    assert (d.ok, d.reason) == (False, "once_a_year")


def test_postponing_again_after_twelve_months_is_fine():
    earlier = NOW - timedelta(days=366)
    assert lifecycle.can_postpone(State.ACTIVE, postponed_at=[earlier], now=NOW, pending=False).ok


@pytest.mark.parametrize(
    ("state", "pending", "reason"),
    [
        (State.PAST_DUE, False, "past_due"),
        (State.CANCEL_SCHEDULED, False, "not_active"),
        (State.FREE, False, "not_active"),
        (State.ACTIVE, True, "already_postponed"),
    ],
)
def test_postponing_is_refused_while_past_due_or_not_running(state, pending, reason):
    d = lifecycle.can_postpone(state, postponed_at=[], now=NOW, pending=pending)
    assert (d.ok, d.reason) == (False, reason)


def test_withdrawal_until_the_end_of_the_fourteenth_local_day():
    """Issue 9 replaced "14 x 24 h after the first payment" (and "first subscription only")
    with Directive 2011/83/EU Art. 9 counted per Regulation 1182/71, for every contract."""
    paris = "Europe/Paris"
    concluded = datetime(2026, 6, 1, 21, 30, tzinfo=UTC)  # Monday 1 June, 23:30 in Paris
    assert lifecycle.withdrawal_last_day(concluded, paris) == date(2026, 6, 15)
    deadline = lifecycle.withdrawal_deadline(concluded, paris)
    assert deadline == datetime(2026, 6, 15, 22, 0, tzinfo=UTC)  # midnight after 15 June
    # 14 x 24 h later (15 June, 23:30) is still inside; the next local day is not.
    late_evening = concluded + timedelta(days=14)
    ok = lifecycle.can_withdraw(
        State.ACTIVE, concluded_at=concluded, now=late_evening, time_zone=paris
    )
    assert ok.ok
    over = lifecycle.can_withdraw(
        State.ACTIVE, concluded_at=concluded, now=deadline, time_zone=paris
    )
    assert (over.ok, over.reason) == (False, "expired")


def test_a_withdrawal_period_ending_on_a_weekend_ends_on_the_monday():
    concluded = datetime(2026, 6, 6, 10, 0, tzinfo=UTC)  # Saturday; +14 days is a Saturday
    assert lifecycle.withdrawal_last_day(concluded, "Europe/Paris") == date(2026, 6, 22)


def test_the_withdrawal_day_is_the_viewers_day():
    concluded = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)  # 2 June in Paris, 1 June in New York
    assert lifecycle.withdrawal_last_day(concluded, "Europe/Paris") == date(2026, 6, 16)
    assert lifecycle.withdrawal_last_day(concluded, "America/New_York") == date(2026, 6, 15)


def test_retries_keep_the_wall_time_across_the_end_of_summer_time():
    due = datetime(2026, 10, 23, 22, 30, tzinfo=UTC)  # 24 October, 00:30 in Paris
    local = [
        lifecycle.retry_at(due, n, "Europe/Paris").astimezone(ZoneInfo("Europe/Paris"))
        for n in (1, 2, 3)
    ]
    assert [(d.day, d.hour, d.minute) for d in local] == [(25, 0, 30), (27, 0, 30), (31, 0, 30)]


def test_postponing_again_waits_twelve_calendar_months_across_february_29():
    earlier = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    leap_day = earlier + timedelta(days=365)  # 29 February 2028
    d = lifecycle.can_postpone(
        State.ACTIVE, postponed_at=[earlier], now=leap_day, pending=False, time_zone="Europe/Paris"
    )
    assert (d.ok, d.reason) == (False, "once_a_year")
    assert lifecycle.can_postpone(
        State.ACTIVE,
        postponed_at=[earlier],
        now=leap_day + timedelta(days=1),
        pending=False,
        time_zone="Europe/Paris",
    ).ok
