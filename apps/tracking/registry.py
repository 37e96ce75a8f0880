"""What tracking shows about a person but may not read itself: plan and payments
(subscriptions), segments (artwork, experiments, subscriptions) and messages sent (billing
notices, the demo outbox).

Tracking is "written by all and talks to nobody" (.importlinter), so those apps register a
provider here from their AppConfig.ready(), the same inversion as `accounts.activity`. Without a
provider an attribute is simply unknown and a list empty. Import-light: no models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# account ids -> {account id: value}; one call per batch, so a provider costs a query or two.
AccountValues = Callable[[list[int]], dict[int, Any]]
# profile -> labels ("Holdout: personalized"); each provider is one source
Segments = Callable[[Any], list[str]]


@dataclass(frozen=True)
class SentMessage:
    """A message the account received, as the profile 360 page lists it."""

    at: datetime | None  # when it was sent (None: recorded, not sent yet)
    channel: str  # "e-mail", "in-app", ...
    subject: str
    to: str
    source: str  # who recorded it: "billing", "demo outbox", ...


Messages = Callable[[Any, int], list[SentMessage]]  # (account, limit) -> newest first

PLAN = "plan"  # {account id: plan name}
LIFETIME_PAID = "lifetime_paid"  # {account id: (minor units paid minus refunded, currency)}

_account_values: dict[str, AccountValues] = {}
_segments: dict[str, Segments] = {}
_messages: dict[str, Messages] = {}


def register_account_values(key: str, provider: AccountValues | None) -> None:
    if provider is None:
        _account_values.pop(key, None)
    else:
        _account_values[key] = provider


def account_values(key: str, account_ids: list[int]) -> dict[int, Any]:
    provider = _account_values.get(key)
    return provider(list(account_ids)) if provider is not None and account_ids else {}


def register_segments(source: str, provider: Segments | None) -> None:
    if provider is None:
        _segments.pop(source, None)
    else:
        _segments[source] = provider


def segments_for(profile) -> list[tuple[str, str]]:
    """(source, segment label) for every registered source, sources in name order."""
    return [
        (source, label)
        for source, provider in sorted(_segments.items())
        for label in provider(profile)
    ]


def register_messages(source: str, provider: Messages | None) -> None:
    if provider is None:
        _messages.pop(source, None)
    else:
        _messages[source] = provider


def messages_for(account, *, limit: int = 50) -> list[SentMessage]:
    """Every source's messages to the account, newest first, at most `limit`."""
    found = [m for provider in _messages.values() for m in provider(account, limit)]
    found.sort(key=lambda m: (m.at is None, m.at), reverse=True)
    return found[:limit]
