"""The only way to write the event log, and the write side every app may use.

Split by responsibility: writing events (`events`), a visitor's history joining a profile
(`identity_merge`), consent choices (`consent_choices`), "Your data" switches and erasure
(`your_data`) and customer attributes (`customer_attributes`). Every app records events through
`track`, `track_many` and `EventData`, imported from here; the few callers of the other writes
import them from their module.
"""

# Registering what tracking may not read (plan, payments, segments, messages) is part of the
# write side every app may use: apps that may import only these services register from here.
from apps.tracking.registry import (
    LIFETIME_PAID,
    PLAN,
    SentMessage,
    register_account_values,
    register_messages,
    register_segments,
)
from apps.tracking.services.events import EventData, track, track_many

__all__ = [
    "LIFETIME_PAID",
    "PLAN",
    "EventData",
    "SentMessage",
    "register_account_values",
    "register_messages",
    "register_segments",
    "track",
    "track_many",
]
