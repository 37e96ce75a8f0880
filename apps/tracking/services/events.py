"""Writing the event log: one event (`track`, published to the apps that subscribe), many at
once (`track_many`, seeders and importers), and a browser's batch (`client_events_record`)."""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from apps.core import clock
from apps.core.bulk import insert_many
from apps.tracking.models import Event
from apps.tracking.publishing import publish

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


@dataclass(frozen=True)
class EventData:
    """An event to write in bulk (the seeders and importers use this)."""

    name: str
    occurred_at: datetime
    profile_id: int | None = None
    visitor_id: str = ""
    device_id: int | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    client_id: str | None = None


def _validate(name: str, client_id: str | None, has_subject: bool) -> None:
    if not _NAME.match(name or ""):
        raise ValidationError("Event names are lower_snake_case, 2 to 64 characters.")
    if client_id is not None and not _CLIENT_ID.match(client_id):
        raise ValidationError("A client event id is 8 to 64 letters, digits or ._:-")
    if not has_subject:
        raise ValidationError("An event needs a profile or an anonymous visitor id.")


def track(
    *,
    name: str,
    profile=None,
    visitor_id: str = "",
    device=None,
    device_id: int | None = None,
    properties: dict[str, Any] | None = None,
    client_id: str | None = None,
    at: datetime | None = None,
) -> Event:
    """Append one event; with a client_id, a retry returns the event already written.

    `device` or `device_id` (what a view has in the session) says which device it came from.
    Every call is published to the apps that subscribe (`publishing.event_recorded`).
    """
    _validate(name, client_id, profile is not None or bool(visitor_id))
    event, created = _record(
        name=name,
        profile=profile,
        visitor_id=visitor_id,
        device_id=device.pk if device is not None else device_id,
        properties=properties,
        client_id=client_id,
        at=at,
    )
    publish(event, created=created)
    return event


def _record(
    *,
    name: str,
    profile,
    visitor_id: str,
    device_id: int | None,
    properties: dict[str, Any] | None,
    client_id: str | None,
    at: datetime | None,
) -> tuple[Event, bool]:
    """Write the event; (event, False) when a client_id retry finds it already written."""
    if client_id is not None:
        existing = Event.objects.filter(client_id=client_id).first()
        if existing is not None:
            return existing, False
    try:
        # A savepoint, so a concurrent duplicate does not break the caller's transaction.
        with transaction.atomic():
            event = Event.objects.create(
                name=name,
                profile=profile,
                visitor_id=visitor_id or "",
                device_id=device_id,
                properties=properties or {},
                client_id=client_id,
                occurred_at=at or clock.now(),
            )
            return event, True
    except IntegrityError:
        if client_id is None:
            raise
        return Event.objects.get(client_id=client_id), False


def track_many(events: Iterable[EventData], *, batch_size: int = 5000) -> int:
    """Append many events in batches (seeders, importers); duplicates by client_id are skipped.

    Each batch is one `core.bulk.insert_many` (plain executemany, not bulk_create).
    Returns how many events were offered.
    """
    columns = (
        "name",
        "profile_id",
        "visitor_id",
        "device_id",
        "properties",
        "client_id",
        "occurred_at",
    )
    prepare_json = Event._meta.get_field("properties").get_db_prep_save
    prepare_time = Event._meta.get_field("occurred_at").get_db_prep_save
    count = 0
    batch: list[tuple] = []

    for data in events:
        _validate(data.name, data.client_id, data.profile_id is not None or bool(data.visitor_id))
        batch.append(
            (
                data.name,
                data.profile_id,
                data.visitor_id,
                data.device_id,
                prepare_json(data.properties, connection),
                data.client_id,
                prepare_time(data.occurred_at, connection),
            )
        )
        if len(batch) >= batch_size:
            insert_many(Event, columns, batch)
            count += len(batch)
            batch = []
    if batch:
        insert_many(Event, columns, batch)
        count += len(batch)
    return count


def client_events_record(
    *,
    events,
    profile_id: int | None,
    visitor_id: str,
    device_id: int | None,
    at: datetime | None = None,
) -> int:
    """Append a browser's validated batch (`collect.ClientEvent`s) in one insert.

    Client ids are namespaced by who sent them, so one visitor cannot suppress another's
    events by reusing their ids; a retried batch (same ids) is skipped by the unique
    constraint. Times are the server's: a browser's clock is not evidence. Publishes nothing
    (like `track_many`): page views and cards seen are read from the log, not reacted to.
    """
    subject = f"p{profile_id}" if profile_id is not None else f"v{visitor_id}"
    when = at or clock.now()
    return track_many(
        EventData(
            name=event.name,
            occurred_at=when,
            profile_id=profile_id,
            visitor_id="" if profile_id is not None else visitor_id,
            device_id=device_id,
            properties=event.properties,
            client_id=namespaced_client_id(subject, event.client_id),
        )
        for event in events
    )


def namespaced_client_id(subject: str, client_id: str) -> str:
    digest = hashlib.sha256(f"{subject}|{client_id}".encode()).hexdigest()[:40]
    return f"c:{digest}"
