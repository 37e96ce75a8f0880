"""A cache that degrades speed, not answers, when Redis is gone.

DESIGN.md: "Redis is an accelerator, never a dependency of a request". Every call that
fails to reach the server is logged (at most once a minute) and answered as a miss: reads
return the default, writes do nothing, `add` and `incr` return None. Callers already treat
a miss as "load from the database"; the few that count in the cache (login throttling, the
artwork impression buffer) handle None themselves. When Redis comes back, the next call
simply works: nothing is remembered about the outage but the time of the last log line.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_WRAPPED = (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "touch",
    "delete",
    "delete_many",
    "has_key",
    "incr",
    "decr",
    "clear",
)
_last_failure = 0.0
_logged_at = 0.0


def last_failure_age() -> float | None:
    """Seconds since a call last failed in this process (None if none ever did)."""
    return None if not _last_failure else time.monotonic() - _last_failure


def _failed(name: str, exc: BaseException) -> None:
    global _last_failure, _logged_at
    _last_failure = now = time.monotonic()
    if now - _logged_at > 60:
        _logged_at = now
        logger.warning("cache unreachable (%s in %s); serving from the database", exc, name)


def _fail_safe(name: str, method):
    def miss(args, kwargs):
        if name == "get":
            return kwargs.get("default", args[1] if len(args) > 1 else None)
        if name == "get_many":
            return {}
        if name == "has_key":
            return False
        if name == "set_many":
            return list(args[0]) if args else []
        return None

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            _failed(name, exc)
            return miss(args, kwargs)

    return wrapper


class FailSafeRedisCache(RedisCache):
    """Django's Redis cache, answering a miss instead of raising when Redis is unreachable."""


for _name in _WRAPPED:
    setattr(FailSafeRedisCache, _name, _fail_safe(_name, getattr(RedisCache, _name)))
