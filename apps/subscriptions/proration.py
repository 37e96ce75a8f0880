"""Proration to the second, in integer minor units (pure).

One rounding rule everywhere: the share WE keep or charge is rounded DOWN (floor) and the
viewer gets the remainder, so every split adds up to the cent and rounding never costs the
viewer anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def _seconds(a: datetime, b: datetime) -> int:
    return int((b - a).total_seconds())


def period_split(
    *, period_start: datetime, period_end: datetime, at: datetime
) -> tuple[int, int, int]:
    """(used, remaining, total) whole seconds of the period at `at` (clamped to the period)."""
    total = max(1, _seconds(period_start, period_end))
    used = min(total, max(0, _seconds(period_start, at)))
    return used, total - used, total


def upgrade_charge(
    *, old_amount: int, new_amount: int, period_start: datetime, period_end: datetime, at: datetime
) -> int:
    """What an immediate upgrade costs now: the price difference for the rest of the period.

    floor((new - old) * remaining / total). Halfway from 10.00 to 20.00 is 5.00.
    """
    if new_amount <= old_amount:
        raise ValueError("an upgrade costs more than the current plan")
    _used, remaining, total = period_split(period_start=period_start, period_end=period_end, at=at)
    return (new_amount - old_amount) * remaining // total


@dataclass(frozen=True)
class Settlement:
    """Leaving a paid period early: what the used part is worth, and who owes whom."""

    kept: int  # value of the part used (floor)
    credit: int  # paid but unused: becomes account credit
    due: int  # used but not paid yet (a postponed payment): collected now


def settle(
    *, value: int, paid: int, period_start: datetime, period_end: datetime, at: datetime
) -> Settlement:
    """Switching to Free now. kept = floor(value * used / total); paid - kept is credit (or due).

    Always paid - credit + due == kept.
    """
    used, _remaining, total = period_split(period_start=period_start, period_end=period_end, at=at)
    kept = value * used // total
    diff = paid - kept
    return Settlement(kept=kept, credit=max(0, diff), due=max(0, -diff))


def apply_credit(*, amount: int, credit: int) -> tuple[int, int]:
    """(to charge, credit used): credit covers as much of `amount` as it can."""
    used = max(0, min(credit, amount))
    return amount - used, used
