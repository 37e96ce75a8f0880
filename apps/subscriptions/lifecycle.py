"""The subscription state machine and the rules that guard its moves (pure; no database).

    free ──subscribe──▶ active ──schedule_cancel──▶ cancel_scheduled ──period_end──▶ cancelled
                         ▲  │ ◀────undo_cancel─────────┘                              │
                         │  └─renewal_failed─▶ past_due ─retries_exhausted─▶ free      │
                         └──────── paid ◀──────────┘                                   │
    cancelled ──subscribe──▶ active;  active / cancel_scheduled / past_due ──switch_to_free──▶ free

A failed renewal is retried 1, 3 and 7 LOCAL days after the charge date (at the same wall
time, so a daylight-saving change never moves a retry to another day), with an e-mail each
time; when the last retry fails the account drops to Free. Access continues while retries run.

Periods in days or months are calendar periods in the viewer's time zone, never multiples of
24 hours: "once in 12 months" means 12 calendar months, and the 14-day withdrawal period is
counted the way Regulation 1182/71 counts a period in days for Directive 2011/83/EU (Art. 9):
it starts the day after the contract is concluded and ends at the end of its 14th day, or of
the next working day when that day is a Saturday or a Sunday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from apps.subscriptions.schedule import add_months, local_instant


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
    # A cancelled plan whose last collection (a postponed amount) was declined: dunning, then
    # the plan ends once it is paid.
    (State.CANCEL_SCHEDULED, Event.RENEWAL_FAILED): State.PAST_DUE,
    (State.PAST_DUE, Event.PERIOD_END): State.CANCELLED,
    (State.ACTIVE, Event.WITHDRAW): State.CANCELLED,
    (State.CANCEL_SCHEDULED, Event.WITHDRAW): State.CANCELLED,
}

PAID_STATES = frozenset({State.ACTIVE, State.CANCEL_SCHEDULED, State.PAST_DUE})
RETRY_DAYS = (1, 3, 7)  # local days after the due date
RETRY_DELAYS = tuple(timedelta(days=n) for n in RETRY_DAYS)  # nominal, for copy only
POSTPONE_MONTHS = 12
# A query bound that holds any 12 calendar months (the exact check is can_postpone's).
POSTPONE_WINDOW = timedelta(days=366)
WITHDRAWAL_DAYS = 14
WITHDRAWAL_PERIOD = timedelta(days=WITHDRAWAL_DAYS)  # nominal, for copy only


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


def _days_later(instant: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The same wall time `days` local dates later (one instant per date, see schedule.py)."""
    local = instant.astimezone(tz)
    return local_instant(local.date() + timedelta(days=days), local.time(), tz)


def months_later(instant: datetime, months: int, time_zone: str = "UTC") -> datetime:
    """The same wall time `months` calendar months later in `time_zone` (clamped like billing)."""
    tz = ZoneInfo(time_zone)
    local = instant.astimezone(tz)
    return local_instant(add_months(local.date(), months), local.time(), tz)


def retry_at(due: datetime, attempt: int, time_zone: str = "UTC") -> datetime | None:
    """When retry number `attempt` (1-based) of a renewal due at `due` runs: 1, 3 and 7 local
    days after the due date at its wall time; None after the last."""
    if 1 <= attempt <= len(RETRY_DAYS):
        return _days_later(due, RETRY_DAYS[attempt - 1], ZoneInfo(time_zone))
    return None


class Refusal(StrEnum):
    """Why postponing or withdrawing is refused: a stable code the view words."""

    NONE = ""
    PAST_DUE = "past_due"
    NOT_ACTIVE = "not_active"
    YEARLY = "yearly"
    ALREADY_POSTPONED = "already_postponed"
    ONCE_A_YEAR = "once_a_year"
    NOT_FIRST = "not_first"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: Refusal = Refusal.NONE


def can_postpone(
    state: State | str,
    *,
    postponed_at: Iterable[datetime],
    now: datetime,
    pending: bool,
    interval_months: int = 1,
    time_zone: str = "UTC",
) -> Decision:
    """Postponing the next payment by a month: monthly charges only (`interval_months` is the
    interval of the NEXT charge, which a scheduled switch to yearly changes), once in 12
    calendar months, never while a payment is overdue."""
    state = State(state)
    if state == State.PAST_DUE:
        return Decision(False, Refusal.PAST_DUE)
    if state != State.ACTIVE:
        return Decision(False, Refusal.NOT_ACTIVE)
    if interval_months != 1:
        return Decision(False, Refusal.YEARLY)
    if pending:
        return Decision(False, Refusal.ALREADY_POSTPONED)
    if any(now < months_later(at, POSTPONE_MONTHS, time_zone) for at in postponed_at):
        return Decision(False, Refusal.ONCE_A_YEAR)
    return Decision(True)


def can_withdraw(
    state: State | str,
    *,
    concluded_at: datetime | None,
    now: datetime,
    time_zone: str = "UTC",
    viewer_zone: str = "",
) -> Decision:
    """The EU right of withdrawal: until the end of the 14th local day after the day the
    contract was concluded. Every new subscription is a new distance contract with its own.
    `time_zone`: the zone the contract was made in; `viewer_zone`: the account's zone now
    (see `withdrawal_deadline`)."""
    state = State(state)
    if concluded_at is None:
        return Decision(False, Refusal.NOT_FIRST)
    if state not in (State.ACTIVE, State.CANCEL_SCHEDULED):
        return Decision(False, Refusal.NOT_ACTIVE)
    if now >= withdrawal_deadline(concluded_at, time_zone, viewer_zone):
        return Decision(False, Refusal.EXPIRED)
    return Decision(True)


def withdrawal_last_day(concluded_at: datetime, time_zone: str = "UTC") -> date:
    """The last local day to withdraw: the 14th day after the day of conclusion, moved to the
    following Monday when it is a Saturday or a Sunday (Regulation 1182/71, Art. 3(4))."""
    day = concluded_at.astimezone(ZoneInfo(time_zone)).date() + timedelta(days=WITHDRAWAL_DAYS)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def withdrawal_deadline(
    concluded_at: datetime, time_zone: str = "UTC", viewer_zone: str = ""
) -> datetime:
    """The first instant after the withdrawal period: local midnight after its last day.

    The last day is fixed when the contract is made, in the zone it was made in (`time_zone`:
    the date the confirmation e-mail gives). A viewer whose zone has changed since
    (`viewer_zone`) keeps it until the end of that day in either zone, whichever is later: the
    period never ends before the promised date where the viewer now is (QA18: moving from
    Auckland to Paris ended it a day early, and the weekend rule made that up to three)."""
    next_day = withdrawal_last_day(concluded_at, time_zone) + timedelta(days=1)
    zones = {time_zone, viewer_zone} - {""}
    return max(local_instant(next_day, time(0), ZoneInfo(zone)) for zone in zones)
