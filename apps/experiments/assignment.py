"""Who is in an experiment and which variant they get (pure; no database).

Assignment is a hash of (experiment key, subject), so it needs no stored state: the same
subject gets the same answer on every request, every process and every device. The subject is
the profile when one is signed in (so a second device that signs in sees the same variant) and
otherwise the anonymous first-party visitor id. Whether a subject enters at all (the traffic
share) and which variant it gets are two independent hashes, so raising the traffic share keeps
everyone already in on their variant.
"""

import hashlib
import uuid
from collections.abc import Sequence

BUCKETS = 10_000  # resolution of the traffic share and the weights: 0.01 %


def subject_of(*, profile_id: int | None, visitor_id: str = "") -> str | None:
    """'p:<profile id>' when signed in, else 'v:<visitor uuid>', None with neither (or junk)."""
    if profile_id:
        return f"p:{profile_id}"
    try:
        return f"v:{uuid.UUID(visitor_id)}" if visitor_id else None
    except ValueError:
        return None


def bucket(salt: str, subject: str) -> int:
    """A uniform, stable number in [0, BUCKETS) for (salt, subject)."""
    digest = hashlib.sha256(f"{salt}|{subject}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def assign(
    *, key: str, subject: str, traffic_percent: float, variants: Sequence[tuple[str, int]]
) -> str | None:
    """The variant key for `subject`, or None when it is outside the traffic share.

    `variants` is (key, weight) in a fixed order; weights are relative (1:1, 9:1, ...).
    """
    total = sum(max(0, weight) for _, weight in variants)
    if total <= 0 or traffic_percent <= 0:
        return None
    if bucket(f"{key}:traffic", subject) >= traffic_percent / 100 * BUCKETS:
        return None
    point = bucket(f"{key}:variant", subject) * total / BUCKETS
    running = 0
    for variant, weight in variants:
        running += max(0, weight)
        if point < running:
            return variant
    return variants[-1][0]
