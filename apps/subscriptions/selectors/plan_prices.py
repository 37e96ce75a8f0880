"""What the subscription and plans pages say about prices: a price rise ahead, and which plans
to show (reads only; the rules behind the price lock are in `price_notice.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apps.subscriptions.selectors.billing import offered_plans, price_lock_for


@dataclass(frozen=True)
class PriceRise:
    """The first payment at a raised price while the old price is kept until then."""

    old: Decimal
    new: Decimal
    date: date  # the first payment at the new price, in the viewer's zone
    # A payment at the old price is still to come before it: "Until then you keep paying …"
    # is said only then (QA13: it was said after the last one).
    kept: bool


def price_rise_ahead(sub, schedule, *, switching: bool = False) -> PriceRise | None:
    """The first scheduled payment at a raised price while the old one is kept: of the plan
    the subscriber is on, or with `switching` of the one they move to at the period end."""
    if sub is None or not sub.is_paid or (switching and sub.pending_plan is None):
        return None
    if switching:
        lock = price_lock_for(
            sub, plan=sub.pending_plan, interval=sub.pending_interval or sub.interval
        )
    else:
        lock = price_lock_for(sub)
    if lock is None:
        return None
    for charge in schedule.charges:
        new = next((r.amount for r in charge.reasons if r.code == "price_change"), None)
        if new is not None:
            kept = charge is not schedule.charges[0]
            return PriceRise(old=lock.amount, new=new, date=charge.local_date, kept=kept)
    return None


def plans_shown(sub) -> list:
    """The offered plans, and a subscriber's own plan where it is no longer offered (QA9: a
    retired plan vanished from its own subscribers' plans page), in the plans' order."""
    plans = offered_plans()
    if sub is not None and sub.is_paid and not sub.plan.is_active:
        plans.append(sub.plan)
        plans.sort(key=lambda p: (p.sort_order, p.monthly_amount, p.pk))
    return plans
