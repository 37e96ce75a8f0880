"""The EU right of withdrawal, in integer minor units (pure).

Within 14 days of the first paid subscription the viewer may withdraw:

* if they did not ask to start at once, the plan has not started yet (we wait out the 14 days
  before giving paid access), nothing was used, and everything is refunded;
* if they ticked "start now" at checkout, we keep the share for the time used and refund the
  rest: kept = floor(amount * used_seconds / period_seconds), refunded = amount - kept.

Each payment is split over the time IT paid for (an upgrade pays for the rest of the period
from the moment of the upgrade, not for the days before it), and the splits are added up.
kept + refunded == amount, to the cent, for every input.

A payment made partly (or wholly) with account credit is split on its whole value, money and
credit together; the days used are paid with the credit first (as at checkout, where credit is
spent before the card), and what is left of the credit goes back to the account's credit, never
lost: kept + refunded + credit_back == money + credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Split:
    kept: int
    refunded: int
    credit_back: int = 0  # account credit that paid for days not used, returned as credit


def split(*, amount: int, used_seconds: int, period_seconds: int) -> Split:
    if amount < 0:
        raise ValueError("amount is never negative")
    period = max(1, period_seconds)
    used = min(period, max(0, used_seconds))
    kept = amount * used // period
    return Split(kept=kept, refunded=amount - kept)


def split_payments(parts: Sequence[tuple[int, int, int]]) -> Split:
    """Add up split() over [(amount, used_seconds, period_seconds)], one per payment."""
    kept = refunded = 0
    for amount, used_seconds, period_seconds in parts:
        one = split(amount=amount, used_seconds=used_seconds, period_seconds=period_seconds)
        kept += one.kept
        refunded += one.refunded
    return Split(kept=kept, refunded=refunded)


def split_credit_first(
    *, amount: int, credit: int, used_seconds: int, period_seconds: int
) -> Split:
    """split() of a payment of `amount` money plus `credit` account credit: the days used come
    out of the credit first, the money is refunded before any credit is kept."""
    if credit < 0:
        raise ValueError("credit is never negative")
    whole = split(amount=amount + credit, used_seconds=used_seconds, period_seconds=period_seconds)
    credit_kept = min(credit, whole.kept)
    money_kept = whole.kept - credit_kept
    return Split(kept=whole.kept, refunded=amount - money_kept, credit_back=credit - credit_kept)


def settle_payments(parts: Sequence[tuple[int, int, int, int]]) -> Split:
    """Add up split_credit_first() over [(amount, credit, used_seconds, period_seconds)]."""
    kept = refunded = credit_back = 0
    for amount, credit, used_seconds, period_seconds in parts:
        one = split_credit_first(
            amount=amount, credit=credit, used_seconds=used_seconds, period_seconds=period_seconds
        )
        kept, refunded = kept + one.kept, refunded + one.refunded
        credit_back += one.credit_back
    return Split(kept=kept, refunded=refunded, credit_back=credit_back)


def allocate_refund(payments: Sequence[tuple[int, int]], refund: int) -> list[tuple[int, int]]:
    """Spread `refund` over payments [(id, refundable amount)], newest first.

    Returns [(id, amount)] with positive amounts summing to `refund` (capped at the total).
    """
    out: list[tuple[int, int]] = []
    left = refund
    for pid, refundable in payments:
        if left <= 0:
            break
        take = min(left, max(0, refundable))
        if take:
            out.append((pid, take))
            left -= take
    return out
