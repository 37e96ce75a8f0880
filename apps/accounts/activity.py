"""What an account's profiles have been watching, for apps that may not read the event log.

The event log belongs to tracking, which only recommendations, engagement and recap read
(DESIGN.md). The subscriptions cancel page still says "you are in the middle of ...": tracking
registers a provider here at start-up (it may import accounts; accounts never imports it back),
the same inversion as `entitlements`, and subscriptions asks `play_history(...)`. Without a
provider the history is empty, and the page simply says nothing about it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

# provider(account=, since=, until=, limit=) -> [(event name, properties)], newest first
PlayHistory = Callable[..., list[tuple[str, dict]]]
_provider: PlayHistory | None = None


def register_play_history(provider: PlayHistory | None) -> None:
    global _provider
    _provider = provider


def play_history(
    *, account, since: datetime, until: datetime, limit: int
) -> list[tuple[str, dict]]:
    """The account's play_started / play_completed events in [since, until], newest first."""
    if _provider is None:
        return []
    return _provider(account=account, since=since, until=until, limit=limit)
