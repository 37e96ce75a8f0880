"""Reading a browser's batch for POST /t/events: size and count limits, the catalogue, the
per-visitor rate limit. The endpoint (views.events) calls these, then one service writes.

A batch is JSON: {"events": [{"name": ..., "properties": {...}, "client_id": "..."}]}.
Every event needs a client id (a retried batch must count once); the whole batch is refused,
with the first problem named, if any event is wrong: nothing is stored half.
"""

import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apps.core import json_input
from apps.core.counters import window_take
from apps.tracking.catalogue import event_problem

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class BatchRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ClientEvent:
    name: str
    properties: dict[str, Any]
    client_id: str


def parse_batch(body: bytes) -> list[ClientEvent]:
    """The batch's events, or BatchRefused (413 too large, 400 anything else) naming why."""
    limit = settings.TRACKING_MAX_BATCH_BYTES
    if len(body) > limit:
        raise BatchRefused(413, f"The batch is larger than {limit} bytes; send fewer events.")
    try:
        payload = json_input.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BatchRefused(400, "The batch is not valid JSON.") from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not events:
        raise BatchRefused(400, 'The batch needs a non-empty "events" list.')
    most = settings.TRACKING_MAX_EVENTS_PER_BATCH
    if len(events) > most:
        raise BatchRefused(400, f"A batch holds at most {most} events; got {len(events)}.")
    parsed = []
    for index, raw in enumerate(events):
        if not isinstance(raw, dict):
            raise BatchRefused(400, f"Event {index}: must be an object.")
        problem = event_problem(raw.get("name"), raw.get("properties", {}))
        if problem:
            raise BatchRefused(400, f"Event {index}: {problem}.")
        client_id = raw.get("client_id")
        if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
            raise BatchRefused(
                400, f"Event {index}: client_id must be 8 to 64 letters, digits or ._:-"
            )
        parsed.append(ClientEvent(raw["name"], raw.get("properties", {}), client_id))
    return parsed


def rate_allows(*, subject: str, count: int, share: int = 1) -> bool:
    """Whether `subject` may send `count` more events this minute (`share` times
    TRACKING_EVENTS_PER_MINUTE).

    A fixed one-minute window counted atomically in the cache. With the cache unreachable the
    batch is allowed: a dead Redis must not silence every visitor (DESIGN.md), and the batch
    and size limits still bound each request.
    """
    return window_take(
        f"t:rate:{subject}:{int(time.time() // 60)}",
        limit=settings.TRACKING_EVENTS_PER_MINUTE * share,
        seconds=120,
        amount=count,
    )
