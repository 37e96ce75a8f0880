"""The subscription state machine and the rules that guard its moves (pure; no database).

    free ──subscribe──▶ active ──schedule_cancel──▶ cancel_scheduled ──period_end──▶ cancelled
                         ▲  │ ◀────undo_cancel─────────┘                              │
                         │  └─renewal_failed─▶ past_due ─retries_exhausted─▶ free      │
                         └──────── paid ◀──────────┘                                   │
    cancelled ──subscribe──▶ active;  active / cancel_scheduled / past_due ──switch_to_free──▶ free

A failed renewal is retried 1, 3 and 7 days after the charge date, with an e-mail each time;
when the last retry fails the account drops to Free. Access continues while retries run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class State(StrEnum):
    FREE = "free"
    ACTIVE = "active"
    CANCEL_SCHEDULED = "cancel_scheduled"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"


class Event(StrEnum):
    SUBSCRIBE = "subscribe"
    RENEW = "renew"
    CHANGE_PLAN = "change_plan"
    POSTPONE = "postpone"
    SCHEDULE_CANCEL = "schedule_cancel"
    UNDO_CANCEL = "undo_cancel"
    PERIOD_END = "period_end"
    RENEWAL_FAILED = "renewal_failed"
    RETRY_FAILED = "retry_failed"
    PAID = "paid"
    RETRIES_EXHAUSTED = "retries_exhausted"
    SWITCH_TO_FREE = "switch_to_free"
    WITHDRAW = "withdraw"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.FREE, Event.SUBSCRIBE): State.ACTIVE,
    (State.CANCELLED, Event.SUBSCRIBE): State.ACTIVE,
    (State.ACTIVE, Event.RENEW): State.ACTIVE,
    (State.ACTIVE, Event.CHANGE_PLAN): State.ACTIVE,
    (State.ACTIVE, Event.POSTPONE): State.ACTIVE,
    (State.ACTIVE, Event.SCHEDULE_CANCEL): State.CANCEL_SCHEDULED,
    (State.CANCEL_SCHEDULED, Event.UNDO_CANCEL): State.ACTIVE,
    (State.CANCEL_SCHEDULED, Event.PERIOD_END): State.CANCELLED,
    (State.ACTIVE, Event.RENEWAL_FAILED): State.PAST_DUE,
    (State.PAST_DUE, Event.RETRY_FAILED): State.PAST_DUE,
    (State.PAST_DUE, Event.PAID): State.ACTIVE,
    (State.PAST_DUE, Event.RETRIES_EXHAUSTED): State.FREE,
    (State.ACTIVE, Event.SWITCH_TO_FREE): State.FREE,
    (State.CANCEL_SCHEDULED, Event.SWITCH_TO_FREE): State.FREE,
    (State.PAST_DUE, Event.SWITCH_TO_FREE): State.FREE,
    (State.ACTIVE, Event.WITHDRAW): State.CANCELLED,
    (State.CANCEL_SCHEDULED, Event.WITHDRAW): State.CANCELLED,
}

PAID_STATES = frozenset({State.ACTIVE, State.CANCEL_SCHEDULED, State.PAST_DUE})
RETRY_DELAYS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
POSTPONE_WINDOW = timedelta(days=365)
WITHDRAWAL_PERIOD = timedelta(days=14)


class TransitionRefused(Exception):
    """The move is not allowed from this state (the message says why, for the viewer)."""

    def __init__(self, state: State, event: Event):
        super().__init__(f"{event.value} is not allowed while {state.value}")
        self.state, self.event = state, event


def transition(state: State | str, event: Event | str) -> State:
    state, event = State(state), Event(event)
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise TransitionRefused(state, event) from None


def allowed(state: State | str, event: Event | str) -> bool:
    return (State(state), Event(event)) in TRANSITIONS


def has_paid_access(state: State | str) -> bool:
    """Paid entitlements hold while active, until a scheduled cancellation, and during retries."""
    return State(state) in PAID_STATES


def retry_at(due: datetime, attempt: int) -> datetime | None:
    """When retry number `attempt` (1-based) of a renewal due at `due` runs; None after the last."""
    if 1 <= attempt <= len(RETRY_DELAYS):
        return due + RETRY_DELAYS[attempt - 1]
    return None


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: str = ""  # a stable code the view words: past_due, already_postponed, not_active


def can_postpone(
    state: State | str,
    *,
    postponed_at: Iterable[datetime],
    now: datetime,
    pending: bool,
    interval_months: int = 1,
) -> Decision:
    """Postponing the next payment by a month: monthly plans only, once in any 12 months,
    never while a payment is overdue."""
    state = State(state)
    if state == State.PAST_DUE:
        return Decision(False, "past_due")
    if state != State.ACTIVE:
        return Decision(False, "not_active")
    if interval_months != 1:
        return Decision(False, "yearly")
    if pending:
        return Decision(False, "already_postponed")
    if any(now - at < POSTPONE_WINDOW for at in postponed_at):
        return Decision(False, "once_a_year")
    return Decision(True)


def can_withdraw(
    state: State | str, *, first_paid_at: datetime | None, now: datetime, is_first: bool
) -> Decision:
    """The EU right of withdrawal: 14 days from the first paid subscription."""
    state = State(state)
    if not is_first or first_paid_at is None:
        return Decision(False, "not_first")
    if state not in (State.ACTIVE, State.CANCEL_SCHEDULED):
        return Decision(False, "not_active")
    if now >= first_paid_at + WITHDRAWAL_PERIOD:
        return Decision(False, "expired")
    return Decision(True)


def withdrawal_deadline(first_paid_at: datetime) -> datetime:
    return first_paid_at + WITHDRAWAL_PERIOD
