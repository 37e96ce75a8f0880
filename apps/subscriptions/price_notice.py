"""Raising a plan's price for the people already on it, pure.

A subscriber hears of a rise at least NOTICE_DAYS before the first payment at the new price:
payments due before that keep the price they had. A cut applies at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

NOTICE_DAYS = 30


def kept_until(announced_at: datetime) -> datetime:
    """Payments due before this instant keep the old price."""
    return announced_at + timedelta(days=NOTICE_DAYS)


def price_due(
    *, plan_price: int, kept: int | None, until: datetime | None, due_at: datetime
) -> int:
    """The price of the period starting `due_at`: the kept price (never above the plan's)
    while the notice runs, the plan's price after."""
    if kept is None or until is None or due_at >= until:
        return plan_price
    return min(kept, plan_price)


def notice_key(*, subscription_id: int, plan_id: int, interval: str, new: int, at: datetime) -> str:
    """The e-mail of one rise to one subscriber, once (the rise is stamped with its instant)."""
    return f"{notice_key_prefix(subscription_id, plan_id, interval)}{new}:{at:%Y%m%d%H%M%S}"


def notice_key_prefix(subscription_id: int, plan_id: int, interval: str) -> str:
    return f"price-change:{subscription_id}:{plan_id}:{interval}:"
