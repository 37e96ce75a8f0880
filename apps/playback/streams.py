"""Simultaneous streams: which players of an account are watching now, and who may start.

A stream is one browser's player (its id lives in the browser's session, so a reload, another
title or a second tab in the same browser is the same stream). Each player page and each
progress report touches it; it counts as active for WINDOW after its last touch. An account may
have `max_streams` active streams (its plan's limit); the oldest active ones keep their place,
so after a downgrade the newest are the ones refused.

The bookkeeping is a small dict per account in the cache (shared by every web process when the
cache is Redis), changed under a short cache lock. `decide` is the rule, over plain data.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache

WINDOW = timedelta(seconds=90)
KEEP_SECONDS = 60 * 60  # how long the cache keeps an account's table (entries expire by WINDOW)
SESSION_STREAM = "playback_stream"


@dataclass(frozen=True)
class Stream:
    key: str
    profile_name: str
    device_kind: str  # accounts.Device.Kind value
    device_label: str  # "Chrome on Android", or ""
    started: float  # timestamps (demo clock)
    last_seen: float


@dataclass(frozen=True)
class Decision:
    allowed: bool
    others: tuple[Stream, ...]  # the other active streams, oldest first


def active(streams: dict[str, Stream], now: float) -> list[Stream]:
    """Streams touched less than WINDOW ago, oldest start first.

    One touched "in the future" (the demo clock was moved back) counts until it is WINDOW ahead.
    """
    window = WINDOW.total_seconds()
    live = [s for s in streams.values() if abs(now - s.last_seen) < window]
    return sorted(live, key=lambda s: (s.started, s.key))


def decide(streams: dict[str, Stream], key: str, now: float, max_streams: int) -> Decision:
    """May stream `key` play now? Yes if it holds one of the `max_streams` oldest places, or if
    it is new and a place is free."""
    live = active(streams, now)
    others = tuple(s for s in live if s.key != key)
    if any(s.key == key for s in live):
        allowed = [s.key for s in live[: max(0, max_streams)]]
        return Decision(allowed=key in allowed, others=others)
    return Decision(allowed=len(live) < max_streams, others=others)


def stream_key(session) -> str:
    """This browser's stream id (made on first use and kept in its session).

    Made from the session's own key, so two requests that read the session before either
    saved it (a double click on Play or Join, two tabs opened at once) get the same id: a
    random one each took two screens, and the one left out of the saved session was refused
    as "too many" until the other expired."""
    key = session.get(SESSION_STREAM)
    if not isinstance(key, str) or not key:
        own = getattr(session, "session_key", None)
        if own:
            key = hashlib.sha256(f"playback-stream:{own}".encode()).hexdigest()[:32]
        else:
            key = uuid.uuid4().hex
        session[SESSION_STREAM] = key
    return key


def _cache_key(account_id: int) -> str:
    return f"playback:streams:{account_id}"


@contextmanager
def _lock(name: str) -> Iterator[None]:
    """A short best-effort mutex (cache.add is atomic in Redis and in the local-memory cache)."""
    token = secrets.token_hex(8)
    lock = f"{name}:lock"
    for _ in range(40):
        if cache.add(lock, token, timeout=5):
            break
        time.sleep(0.025)
    try:
        yield
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)


def touch(
    *,
    account_id: int,
    key: str,
    profile_name: str,
    device_kind: str,
    device_label: str,
    max_streams: int,
    at: datetime,
) -> Decision:
    """Record that stream `key` is watching at `at` if it may; nothing changes if it may not."""
    now = at.timestamp()
    name = _cache_key(account_id)
    with _lock(name):
        table = cache.get(name) or {}
        decision = decide(table, key, now, max_streams)
        if decision.allowed:
            kept = {s.key: s for s in active(table, now)}
            previous = kept.get(key)
            kept[key] = Stream(
                key=key,
                profile_name=profile_name,
                device_kind=device_kind,
                device_label=device_label,
                started=previous.started if previous else now,
                last_seen=now,
            )
            cache.set(name, kept, timeout=KEEP_SECONDS)
    return decision


def release(*, account_id: int, key: str) -> None:
    """Stream `key` stopped watching for good (its browser signed out): its screen is free now,
    not WINDOW later (QA17: signing in again in the same browser, as a refused player asks,
    met "Too many people are watching" on a one-screen plan)."""
    name = _cache_key(account_id)
    with _lock(name):
        table = cache.get(name) or {}
        if key in table:
            table = {k: s for k, s in table.items() if k != key}
            cache.set(name, table, timeout=KEEP_SECONDS)


def release_on_sign_out(sender, request, user, **kwargs) -> None:
    """`user_logged_out` receiver: the signing-out browser's stream frees its screen."""
    session = getattr(request, "session", None)
    key = session.get(SESSION_STREAM) if session is not None else None
    if user is not None and isinstance(key, str) and key:
        release(account_id=user.pk, key=key)
