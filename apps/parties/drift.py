"""Client-side sync policy, written down once: what a member's player does about drift, and how
it estimates its clock's offset to the server's. party.js applies the same numbers (the page
hands them over in data attributes); these functions are the rule and its tests.

Drift correction after SyncPlay: under IGNORE_BELOW the player is left alone (a nudge would
be audible and pointless); up to SEEK_ABOVE it changes its playback rate so it drifts back
within CATCH_UP_SECONDS, never faster or slower than MAX_RATE_CHANGE; beyond that it seeks.

Clock offset as NTP does it: for a ping sent at client time t0, answered at server time s and
received at t1, the server's clock read s at about (t0 + t1) / 2, so offset = s - (t0 + t1) / 2
with an error of at most half the round trip; the sample with the shortest round trip wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

IGNORE_BELOW = 0.06  # seconds
SEEK_ABOVE = 3.0  # seconds
CATCH_UP_SECONDS = 2.0  # a rate nudge aims to close the gap in this long
MAX_RATE_CHANGE = 0.5  # so the rate stays within 0.5x-1.5x
PING_EVERY = 30  # seconds between offset measurements after the ones at join
PINGS_AT_JOIN = 5

NONE, RATE, SEEK = "none", "rate", "seek"


@dataclass(frozen=True)
class Correction:
    action: str  # none | rate | seek
    rate: float = 1.0  # for "rate": the playback rate to use until back in sync
    target: float | None = None  # for "seek": where to go


def correction(local_position: float, group_position: float) -> Correction:
    """What a member's player does, given where it is and where the group is."""
    drift = group_position - local_position  # > 0: this player is behind
    size = abs(drift)
    if size < IGNORE_BELOW:
        return Correction(NONE)
    if size <= SEEK_ABOVE:
        change = max(-MAX_RATE_CHANGE, min(MAX_RATE_CHANGE, drift / CATCH_UP_SECONDS))
        return Correction(RATE, rate=round(1.0 + change, 4))
    return Correction(SEEK, target=group_position)


@dataclass(frozen=True)
class Offset:
    offset: float  # server clock minus client clock, seconds
    round_trip: float  # of the sample it came from; the error is at most half of it


def offset_sample(t0: float, server: float, t1: float) -> Offset:
    """One ping: sent at client time t0, stamped by the server at `server`, back at t1."""
    if t1 < t0:
        raise ValueError("A pong cannot arrive before its ping was sent.")
    return Offset(offset=server - (t0 + t1) / 2, round_trip=t1 - t0)


def estimate_offset(samples: Iterable[tuple[float, float, float]]) -> Offset | None:
    """The offset from the ping with the shortest round trip (None without any ping)."""
    best: Offset | None = None
    for t0, server, t1 in samples:
        found = offset_sample(t0, server, t1)
        if best is None or found.round_trip < best.round_trip:
            best = found
    return best
