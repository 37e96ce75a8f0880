"""The payment schedule: when each charge falls and how much it is (pure; no database, no clock).

Dates follow the ANCHOR the way card processors do it:

* Period boundaries are whole months after the anchor (the local date and time the paid
  subscription started). Boundary n is computed from the anchor every time, never from the
  previous boundary, and its day is min(anchor day, days in that month). So an anchor on the
  31st bills Jan 31, Feb 28 (29 in leap years), Mar 31, Apr 30 and never drifts to the 28th
  for good; a yearly plan started on Feb 29 bills Feb 28 in other years and Feb 29 again in
  leap years.
* Those are LOCAL dates in the viewer's time zone: midnight there decides the day. A charge
  falls at the anchor's local time of day on its local date, turned into UTC with zoneinfo
  (`local_instant`). If that wall time is skipped by a daylight-saving jump we take the
  reading that keeps the same local date; if it happens twice we take the first. Every date
  maps to exactly one instant and consecutive charges are strictly increasing in UTC, so a
  DST change never skips or doubles a charge.

The anchor's zone is the one the plan started in and stays put when the account moves to
another zone, so renewals and the schedule always agree and periods tile exactly; the dates
a viewer sees (`Charge.local_date`, `ends_on`, postponement dates) are read in the zone they
view from (`BillingState.view_time_zone`).

`upcoming` turns a subscription's billing state (anchor, price, and the events that change
charges: a scheduled plan change, a postponed payment, a scheduled cancellation, account
credit, an overdue amount) into the next charges.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from apps.subscriptions.coupons import NO_DISCOUNT, Discount


def add_months(anchor: date, months: int) -> date:
    """The anchor moved `months` calendar months, clamped to the month's last day."""
    years, month0 = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + years, month0 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on local date `day` in `tz` (one per date, always)."""
    naive = datetime.combine(day, at.replace(tzinfo=None))
    for fold in (0, 1):
        instant = naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if instant.astimezone(tz).date() == day:
            return instant
    # The whole local day does not exist (a zone that skipped a date): the next instant.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_date_of(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


@dataclass(frozen=True)
class Anchor:
    """Where billing counts from: a local date and time of day in a time zone."""

    day: date
    at: time
    time_zone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @classmethod
    def from_instant(cls, instant: datetime, time_zone: str) -> Anchor:
        local = instant.astimezone(ZoneInfo(time_zone))
        return cls(day=local.date(), at=local.time().replace(tzinfo=None), time_zone=time_zone)

    def date_at(self, offset_months: int) -> date:
        return add_months(self.day, offset_months)

    def instant_at(self, offset_months: int) -> datetime:
        return local_instant(self.date_at(offset_months), self.at, self.tz)

    def period(self, offset_months: int, interval_months: int) -> tuple[datetime, datetime]:
        """[start, end) in UTC of the period starting `offset_months` after the anchor."""
        return self.instant_at(offset_months), self.instant_at(offset_months + interval_months)


@dataclass(frozen=True)
class PlanChange:
    """A change that takes effect at a period boundary (a downgrade or an interval switch)."""

    at_offset: int
    amount: int
    interval_months: int
    plan_label: str


@dataclass(frozen=True)
class Postponement:
    """The charge at `skip_offset` moves to the following charge date.

    Before the skip date passes, `carried` is None (the skipped amount is that date's price);
    afterwards it is the amount carried, which the next charge collects on top of its own.
    """

    skip_offset: int
    carried: int | None = None


@dataclass(frozen=True)
class Overdue:
    """A failed renewal being retried: `amount` is tried again at `retry_at` (UTC)."""

    amount: int
    retry_at: datetime


@dataclass(frozen=True)
class BillingState:
    anchor: Anchor
    interval_months: int
    amount: int
    currency: str
    plan_label: str
    next_offset: int  # months after the anchor at which the next period (and charge) starts
    pending_change: PlanChange | None = None
    postponement: Postponement | None = None
    cancel_at_offset: int | None = None  # no period starts at or after this boundary
    credit: int = 0
    overdue: Overdue | None = None
    view_time_zone: str = ""  # the viewer's zone for the dates shown (default: the anchor's)
    discount: Discount = NO_DISCOUNT  # a coupon's first periods (coupons.py)
    # A price rise reaching this subscriber after its notice (price_notice.py): from this
    # offset on, the same plan at `amount`. It is the rise of the plan `pending_change`
    # switches to when it falls after that change; a change applied earlier replaces it.
    new_price: PlanChange | None = None


@dataclass(frozen=True)
class Reason:
    """Why a charge is what it is; `code` is stable (JSON), the view words it."""

    # renewal | plan_change | postponed | postponed_in | credit | retry | final | discount
    code: str
    amount: int = 0
    plan: str = ""
    other_date: date | None = None


@dataclass(frozen=True)
class Charge:
    local_date: date
    at: datetime  # UTC
    amount: int  # what will actually be collected (after credit)
    gross: int
    currency: str
    reasons: tuple[Reason, ...] = ()

    @property
    def credit_applied(self) -> int:
        return self.gross - self.amount


@dataclass(frozen=True)
class Schedule:
    charges: tuple[Charge, ...]
    ends_on: date | None = None  # local date a scheduled cancellation takes effect
    credit_left: int = 0
    currency: str = "EUR"
    notes: tuple[Reason, ...] = field(default=())

    @property
    def next_charge(self) -> Charge | None:
        return next((c for c in self.charges if c.amount > 0), None)

    @property
    def final_charge(self) -> Charge | None:
        """What is still collected when a cancelled plan ends (a postponed amount owed for days
        already used), or None when nothing is: the pages' "nothing more is charged" hangs on it."""
        return next(
            (c for c in self.charges if c.amount > 0 and any(r.code == "final" for r in c.reasons)),
            None,
        )


def upcoming(state: BillingState, *, count: int = 12) -> Schedule:
    """The next `count` charge dates (some may be 0: postponed or covered by credit).

    A cancellation ends the list: no charge at or after it, except that a postponed amount
    still owed is collected on the end date (leaving never forgives what was used).
    """
    tz = state.anchor.tz
    view_tz = ZoneInfo(state.view_time_zone) if state.view_time_zone else tz

    def shown(day: date) -> date:
        """The viewer's date of the anchor-zone boundary falling on `day`."""
        if view_tz == tz:
            return day
        return local_date_of(local_instant(day, state.anchor.at, tz), view_tz)

    charges: list[Charge] = []
    credit = max(0, state.credit)
    currency = state.currency

    def apply_credit(gross: int) -> tuple[int, int]:
        nonlocal credit
        used = min(credit, gross)
        credit -= used
        return gross - used, used

    if state.overdue is not None and state.overdue.amount > 0:
        amount, used = apply_credit(state.overdue.amount)
        reasons = [Reason("retry", amount=state.overdue.amount)]
        if used:
            reasons.append(Reason("credit", amount=used))
        charges.append(
            Charge(
                local_date=local_date_of(state.overdue.retry_at, view_tz),
                at=state.overdue.retry_at,
                amount=amount,
                gross=state.overdue.amount,
                currency=currency,
                reasons=tuple(reasons),
            )
        )

    offset = state.next_offset
    price, interval, plan = state.amount, state.interval_months, state.plan_label
    change_applied = False
    price_raised = False
    post = state.postponement
    carried = post.carried if post is not None and post.skip_offset < offset else 0
    carried = carried or 0
    carried_from: date | None = (
        shown(state.anchor.date_at(post.skip_offset)) if post is not None and carried else None
    )
    ends_on: date | None = None
    guard = 0
    while len(charges) < count and guard < count * 24:
        guard += 1
        reasons: list[Reason] = []
        if (
            state.pending_change is not None
            and not change_applied
            and offset >= state.pending_change.at_offset
        ):
            change = state.pending_change
            price, interval, plan = change.amount, change.interval_months, change.plan_label
            change_applied = True
            reasons.append(Reason("plan_change", amount=price, plan=plan))
        if (
            state.new_price is not None
            and not price_raised
            and offset >= state.new_price.at_offset
            and (not change_applied or state.new_price.at_offset > state.pending_change.at_offset)
        ):
            price, price_raised = state.new_price.amount, True
            reasons.append(Reason("price_change", amount=price, plan=plan))
        day = state.anchor.date_at(offset)
        at = local_instant(day, state.anchor.at, tz)
        if state.cancel_at_offset is not None and offset >= state.cancel_at_offset:
            ends_on = shown(day)
            day = ends_on
            if carried:
                amount, used = apply_credit(carried)
                reasons = [
                    Reason("final"),
                    Reason("postponed_in", carried, other_date=carried_from),
                ]
                if used:
                    reasons.append(Reason("credit", amount=used))
                charges.append(Charge(day, at, amount, carried, currency, tuple(reasons)))
            break
        day = shown(day)
        off = state.discount.off_at(price, offset)
        period_price = price - off
        if post is not None and post.skip_offset == offset:
            next_day = shown(state.anchor.date_at(offset + interval))
            reasons.append(Reason("postponed", amount=period_price, plan=plan, other_date=next_day))
            charges.append(Charge(day, at, 0, 0, currency, tuple(reasons)))
            carried, carried_from = period_price, day
            offset += interval
            continue
        if not reasons:
            reasons.append(Reason("renewal", amount=price, plan=plan))
        if off:
            reasons.append(Reason("discount", amount=off))
        gross = period_price
        if carried:
            reasons.append(Reason("postponed_in", amount=carried, other_date=carried_from))
            gross += carried
            carried, carried_from = 0, None
        amount, used = apply_credit(gross)
        if used:
            reasons.append(Reason("credit", amount=used))
        charges.append(Charge(day, at, amount, gross, currency, tuple(reasons)))
        offset += interval
    return Schedule(charges=tuple(charges), ends_on=ends_on, credit_left=credit, currency=currency)
