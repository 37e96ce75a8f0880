"""What makes a plan sellable (pure; no database).

The admin form words the codes; the rules live here so a plan that cannot be sold (a currency
the site does not bill in, no screen, no profile, a paid plan at zero) is never saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The currencies the gateway, VAT and invoices handle today. Add one here only with them.
BILLING_CURRENCIES: tuple[str, ...] = ("EUR",)
FREE_CODE = "free"


def to_minor_units(amount: Decimal, exponent: int = 2) -> int:
    """Decimal("7.99") -> 799: what an admin types in euros, stored in cents."""
    return int((amount * (10**exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, exponent: int = 2) -> Decimal:
    return Decimal(int(amount)).scaleb(-exponent)


def plan_problems(
    *,
    code: str,
    currency: str,
    monthly_amount: int,
    yearly_amount: int,
    max_streams: int,
    max_profiles: int,
) -> dict[str, str]:
    """Field name -> problem code for every rule the plan breaks ({} when it can be sold)."""
    problems: dict[str, str] = {}
    if currency not in BILLING_CURRENCIES:
        problems["currency"] = "currency_not_billed"
    if max_streams < 1:
        problems["max_streams"] = "no_screen"
    if max_profiles < 1:
        problems["max_profiles"] = "no_profile"
    if code == FREE_CODE:
        if monthly_amount:
            problems["monthly_amount"] = "free_has_price"
        if yearly_amount:
            problems["yearly_amount"] = "free_has_price"
    else:
        if monthly_amount <= 0:
            problems["monthly_amount"] = "paid_without_price"
        if yearly_amount <= 0:
            problems["yearly_amount"] = "paid_without_price"
    return problems


# Picture quality from worst to best (the Quality choices' values).
QUALITY_ORDER: tuple[str, ...] = ("sd", "hd", "uhd")


@dataclass(frozen=True)
class Offer:
    """What a plan costs a month and what that buys, for comparing plans."""

    name: str
    monthly_amount: int
    max_streams: int
    max_quality: str


def gives_less(dearer: Offer, cheaper: Offer) -> bool:
    """Whether `dearer` costs more than `cheaper` yet has fewer screens or a worse picture."""
    if dearer.monthly_amount <= cheaper.monthly_amount:
        return False
    worse_picture = QUALITY_ORDER.index(dearer.max_quality) < QUALITY_ORDER.index(
        cheaper.max_quality
    )
    return dearer.max_streams < cheaper.max_streams or worse_picture


def value_conflicts(plan: Offer, offered: list[Offer]) -> tuple[Offer | None, Offer | None]:
    """(a cheaper offered plan that gives more than `plan`, a dearer one that gives less), the
    first of each or None: a dearer plan should give at least as many screens and as good a
    picture as every cheaper one, or nobody would choose it (QA9: "Ultra, €29.99, SD")."""
    cheaper = next((o for o in offered if gives_less(plan, o)), None)
    dearer = next((o for o in offered if gives_less(o, plan)), None)
    return cheaper, dearer
