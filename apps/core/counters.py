"""Counting in the cache: how many times something happened in a window, and keys that never
hold a raw address or IP.

Every limit the site counts in the cache (signed-out contact requests per network, data
downloads, e-mail-change links, tracking batches, watch-party reactions) is the same fixed
window: it starts with the first count and lasts `seconds`; each caller names its key. A
cache that cannot count lets the request through (DESIGN.md: Redis is an accelerator, never a
dependency of a request): `apps.core.cache` answers `incr` with None while Redis is away,
other backends raise.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def digest(value: str) -> str:
    """A key part for a personal value (an address, an IP): the same for the same value
    whatever its case and spaces, and not the value itself."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def window_take(key: str, *, limit: int, seconds: int, amount: int = 1) -> bool:
    """Count `amount` more under `key` in the window begun by its first count; False once
    the window's total passes `limit` (what is refused stays counted: the window is fixed, so
    it ends at the same moment either way). Atomic: simultaneous requests each get their own
    total. True when the cache cannot count."""
    try:
        cache.add(key, 0, timeout=seconds)
        try:
            total = cache.incr(key, amount)
        except ValueError:  # expired between add and incr: this count starts a new window
            cache.add(key, amount, timeout=seconds)
            return amount <= limit
    except Exception:  # noqa: BLE001 (a cache backend that raises: allow, as when it is away)
        return True
    return total is None or total <= limit
