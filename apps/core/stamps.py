"""Version stamps: one number in the cache per thing a cached page was built from.

A stamp changes whenever its thing changes (the catalogue, a profile's progress, its list, its
candidates), so a page cached under a key that includes the stamps is never served stale.
Stamps live only in the cache, like the pages they guard: with the cache empty or unreachable
(apps/core/cache.py answers a miss) every stamp reads as 0 or absent, and pages are rendered
afresh from the database. Writers call `bump` (or `put_many` for stamps that are a known time)
from their services, usually on commit; readers call `read` or `read_many`.
"""

import time
from collections.abc import Iterable

from django.core.cache import cache


def read(key: str) -> float:
    """The stamp's value, 0 when it was never bumped (or the cache forgot it)."""
    return cache.get(key, 0)


def read_many(keys: Iterable[str]) -> dict[str, float]:
    """Several stamps in one cache round trip; stamps the cache does not hold are absent."""
    return cache.get_many(list(keys))


def bump(key: str, **_signal_kwargs) -> None:
    """Say the stamped thing changed (a new, larger value; it never expires)."""
    cache.set(key, time.time_ns(), timeout=None)


def put_many(values: dict[str, float], *, timeout: int | None = None) -> None:
    """Set stamps whose value is a known time (when candidates were computed)."""
    cache.set_many(values, timeout=timeout)
