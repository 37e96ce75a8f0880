"""VAT on a receipt (pure; no database): prices include VAT, so the tax is taken out of them.

Amounts are integer minor units. The rate is the buyer's country's (settings.VAT_RATES), else
the seller's; the tax is rounded half up to the minor unit and the net is what is left, so
net + VAT is always exactly the total paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal  # percent, e.g. Decimal("20")
    country: str
    net: int
    vat: int
    total: int


def rate_for(country: str, *, rates: dict[str, float], seller_country: str) -> tuple[str, Decimal]:
    """(country the rate is for, rate in percent): the buyer's if known, else the seller's."""
    code = (country or "").upper()
    if code not in rates:
        code = seller_country
    return code, Decimal(str(rates.get(code, 0)))


def breakdown(total: int, *, rate: Decimal, country: str) -> VatBreakdown:
    """Split a VAT-inclusive total (a credit note's may be negative) into net and VAT."""
    sign = -1 if total < 0 else 1
    gross = Decimal(abs(total))
    tax = (gross * rate / (Decimal(100) + rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    vat = int(tax) * sign
    return VatBreakdown(rate=rate, country=country, net=total - vat, vat=vat, total=total)
