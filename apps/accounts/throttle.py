"""Login throttling with atomic counters in the cache.

Each attempt takes a numbered slot *before* its password is checked (an atomic `incr`), so
forty parallel guesses for one account get exactly LOGIN_MAX_FAILURES_PER_ACCOUNT checks and
the rest are refused unchecked. A success frees the account's slots.

Addresses are throttled per (address, account) pair, never as a whole: a burst of failures
from one address must not lock out a person on the same network (an office, a shared
connection, a proxy) who types the right password for their own account. Once an address has
LOGIN_MAX_FAILURES_PER_ADDRESS failures in the window it is treated as suspicious: each
further account gets a single guess from it, which still lets a correct password in and
turns credential stuffing into one guess per account.

The client address is REMOTE_ADDR. Behind a proxy, set REMOTE_ADDR from the proxy's header
only where the proxy is trusted (daphne's `--proxy-headers`, uvicorn's
`--forwarded-allow-ips`); the header is never read here, or anyone could pick a fresh
address per attempt. With the cache unreachable, attempts are allowed (and logged by the
cache): a dead cache must not lock everyone out.
"""

import time

from django.conf import settings
from django.core.cache import cache

from apps.core.counters import digest


def _account(email: str) -> str:
    return f"login:attempts:account:{digest(email)}"


def _pair(email: str, address: str) -> str:
    return f"login:attempts:pair:{digest(address)}:{digest(email)}"


def _address_failures(address: str) -> str:
    return f"login:failures:address:{digest(address)}"


def _lock_key(counter: str) -> str:
    return f"{counter}:locked-until"


def _bump(key: str) -> int | None:
    """Atomically count one more in the window that started with the first count."""
    window = settings.LOGIN_COOLOFF_SECONDS
    now = time.time()
    since = cache.get(f"{key}:since")
    if since is not None and now - since >= window:  # over, though the cache kept it longer
        cache.delete_many([key, f"{key}:since"])
    cache.add(f"{key}:since", now, timeout=window)
    for _ in range(2):
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: start the window again
            continue
    return None


def _lock(counter: str) -> None:
    until = time.time() + settings.LOGIN_COOLOFF_SECONDS
    cache.add(_lock_key(counter), until, timeout=settings.LOGIN_COOLOFF_SECONDS)


def _keys(email: str, address: str) -> list[str]:
    keys = [_account(email)] if email else []
    if email and address:
        keys.append(_pair(email, address))
    return keys


def locked_for(*, email: str, address: str) -> int:
    """Seconds until another attempt for this account from this address is allowed."""
    now = time.time()
    untils = cache.get_many([_lock_key(k) for k in _keys(email, address)]).values()
    return int(max([0.0, *(until - now for until in untils)]) + 0.999)


def checks_left(*, email: str) -> int:
    """How many more checks this account gets in the current window (0: the next one waits)."""
    return max(0, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT - (cache.get(_account(email)) or 0))


def attempt_begin(*, email: str, address: str) -> int:
    """Take a slot for one password check: 0 to go ahead, else seconds to wait (no check)."""
    wait = locked_for(email=email, address=address)
    if wait or not email:
        return wait
    limit = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
    taken = _bump(_account(email))
    if taken is not None and taken > limit:
        _lock(_account(email))
        return settings.LOGIN_COOLOFF_SECONDS
    if address:
        suspicious = (cache.get(_address_failures(address)) or 0) >= (
            settings.LOGIN_MAX_FAILURES_PER_ADDRESS
        )
        pair_limit = 1 if suspicious else limit
        taken = _bump(_pair(email, address))
        if taken is not None and taken > pair_limit:
            _lock(_pair(email, address))
            return settings.LOGIN_COOLOFF_SECONDS
    return 0


def record_failure(*, email: str, address: str) -> None:
    """The checked password was wrong: the slot stays taken; the address counts one more."""
    if address:
        _bump(_address_failures(address))


def record_success(*, email: str, address: str = "") -> None:
    cache.delete_many([k for key in _keys(email, address) for k in (key, f"{key}:since")])


def release(*, email: str, address: str = "") -> None:
    """Forget the counters and lock-outs of this account (and pair): a proven owner unlocks."""
    keys = _keys(email, address)
    cache.delete_many([k for key in keys for k in (key, f"{key}:since", _lock_key(key))])


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
