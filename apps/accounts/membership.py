"""The plan and payment lines the account page opens with.

Like `entitlements`, the facts live in subscriptions, which depends on accounts; so
subscriptions registers a provider here at start-up and the account page asks
`membership_for(user)`. Without a provider (an install without subscriptions) the page shows
no plan lines rather than invented ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Membership:
    plan_name: str
    next_payment_on: date | None = None  # the viewer's local date of the next charge
    next_payment_amount: str = ""  # already in words: "€13.49"
    payment_method: str = ""  # "Visa ending 4242"; "" when none is on file
    problem: str = ""  # a payment problem in one sentence; "" when all is well
    fix_url: str = ""  # where to fix the problem
    manage_url: str = ""  # the plan and billing page


Provider = Callable[[object], Membership | None]
_provider: Provider | None = None


def register(provider: Provider | None) -> None:
    global _provider
    _provider = provider


def membership_for(user) -> Membership | None:
    """The account's plan, next payment and payment problem, or None without a provider."""
    return _provider(user) if _provider is not None else None
