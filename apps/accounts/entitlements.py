"""What an account's plan allows, as the rest of the site reads it.

Plans live in subscriptions, which depends on accounts; accounts (read by everything) must not
import it back. So subscriptions registers a provider here at start-up, and every app asks
`limits_for(user)`. Without a provider (an install without subscriptions) nothing is limited
beyond the site-wide defaults.

Limits are cached per account for a minute, so a page reads them without a query once warm;
subscriptions calls `forget(user_id)` whenever an account's subscription or membership changes,
so an upgrade applies on the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

SECONDS = 60


@dataclass(frozen=True)
class Limits:
    max_profiles: int
    max_streams: int
    max_quality: str  # sd | hd | uhd
    plan_name: str
    plans_url: str = ""  # where to change plan; "" when there is nothing to change to


DEFAULT = Limits(max_profiles=5, max_streams=4, max_quality="uhd", plan_name="")

Provider = Callable[[object], Limits]
_provider: Provider | None = None


def register(provider: Provider | None) -> None:
    """Make `provider(user) -> Limits` the source of every account's limits (None: defaults)."""
    global _provider
    _provider = provider


def _key(user_id) -> str:
    return f"accounts:limits:{user_id}"


def limits_for(user) -> Limits:
    """The account's limits: cached for a minute, from the registered provider, else defaults."""
    if _provider is None:
        return DEFAULT
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return _provider(user)
    found = cache.get(_key(pk))
    if not isinstance(found, Limits):
        found = _provider(user)
        cache.set(_key(pk), found, timeout=SECONDS)
    return found


def forget(user_id) -> None:
    """Drop the cached limits now and again after commit (a racing reader cannot keep them)."""
    key = _key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
