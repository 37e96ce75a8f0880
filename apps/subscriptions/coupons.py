"""Coupon arithmetic (pure; no database, no clock).

A coupon takes a percentage or a fixed amount off the price of the first N billing periods
of the subscription it starts. The rule that decides the cent: the price WE charge is rounded
DOWN (floor), like every split in proration.py, so a discount never costs the viewer a cent
and `price == discounted + off` always holds. An amount off never makes a price negative.

Which periods: a subscription's periods start `offset` months after its anchor. A coupon
for N periods of an interval of M months covers the periods starting before N * M months
(`until_offset`). It follows the calendar, not the count of charges, so a postponed or
changed plan does not stretch it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a viewer can type from a poster and share in a message: letters A-Z, digits, and
# single hyphens between them (SPRING-25). Codes are stored upper-case.
CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


def code_is_typable(code: str) -> bool:
    return bool(CODE.fullmatch(code))


@dataclass(frozen=True)
class Discount:
    percent_off: int = 0  # 0..100
    amount_off: int = 0  # minor units, in the plan's currency
    until_offset: int = 0  # periods starting before this many months after the anchor

    def applies_at(self, offset: int) -> bool:
        return offset < self.until_offset and (self.percent_off > 0 or self.amount_off > 0)

    def off(self, price: int) -> int:
        """How much is taken off `price` (never more than the price)."""
        if price <= 0:
            return 0
        if self.percent_off:
            percent = min(100, max(0, self.percent_off))
            return price - price * (100 - percent) // 100
        return min(price, max(0, self.amount_off))

    def off_at(self, price: int, offset: int) -> int:
        """What comes off the price of the period starting `offset` months after the anchor."""
        return self.off(price) if self.applies_at(offset) else 0

    def price_at(self, price: int, offset: int) -> int:
        return price - self.off_at(price, offset)


NO_DISCOUNT = Discount()


def until_offset(*, periods: int, interval_months: int) -> int:
    """The months after the anchor that `periods` billing periods of this interval cover."""
    return max(0, periods) * interval_months
