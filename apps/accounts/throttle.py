"""Login throttling: count failures per account and per client address in the cache.

After LOGIN_MAX_FAILURES_PER_ACCOUNT failures for one e-mail (or ..._PER_ADDRESS from one
address) within the cool-off window, further attempts are refused without checking the
password until the window has passed. A success clears the account's counter.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def _failures(key: str) -> list[float]:
    now = time.time()
    window = settings.LOGIN_COOLOFF_SECONDS
    return [t for t in cache.get(key, []) if now - t < window]


def locked_for(*, email: str, address: str) -> int:
    """Seconds until another attempt is allowed (0 = allowed now)."""
    now = time.time()
    window = settings.LOGIN_COOLOFF_SECONDS
    waits = [0.0]
    for kind, value, limit in (
        ("account", email, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        ("address", address, settings.LOGIN_MAX_FAILURES_PER_ADDRESS),
    ):
        if not value:
            continue
        failures = _failures(_key(kind, value))
        if len(failures) >= limit:
            waits.append(window - (now - failures[-limit]))
    return int(max(waits) + 0.999)


def record_failure(*, email: str, address: str) -> None:
    now = time.time()
    for kind, value in (("account", email), ("address", address)):
        if value:
            key = _key(kind, value)
            cache.set(key, [*_failures(key), now][-100:], timeout=settings.LOGIN_COOLOFF_SECONDS)


def record_success(*, email: str) -> None:
    cache.delete(_key("account", email))


def client_address(request) -> str:
    # Behind the documented proxy, REMOTE_ADDR is set from X-Forwarded-For by the proxy config;
    # we never trust the header directly, or anyone could pick a fresh address per attempt.
    return request.META.get("REMOTE_ADDR", "")
