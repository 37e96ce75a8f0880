"""The state machine (pure): allowed and refused moves, retries, postponing, withdrawal."""

from datetime import UTC, datetime, timedelta

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


def test_withdrawal_within_fourteen_days_of_the_first_paid_subscription():
    paid = NOW - timedelta(days=13, hours=23)
    assert lifecycle.can_withdraw(State.ACTIVE, first_paid_at=paid, now=NOW, is_first=True).ok
    late = NOW - timedelta(days=14)
    assert lifecycle.can_withdraw(
        State.ACTIVE, first_paid_at=late, now=NOW, is_first=True
    ).reason == ("expired")
    assert not lifecycle.can_withdraw(State.ACTIVE, first_paid_at=paid, now=NOW, is_first=False).ok
    assert lifecycle.withdrawal_deadline(paid) == paid + timedelta(days=14)
