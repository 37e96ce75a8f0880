"""The only way to write the event log."""

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.core import clock
from apps.core.bulk import insert_many
from apps.tracking import attribute_rules
from apps.tracking.models import (
    AttributeDefinition,
    AttributeValue,
    ComputedAttributes,
    Event,
)
from apps.tracking.publishing import publish

# Registering what tracking may not read (plan, payments, segments, messages) is part of the
# write side every app may use: apps that may import only these services register from here.
from apps.tracking.registry import (  # noqa: F401
    LIFETIME_PAID,
    PLAN,
    SentMessage,
    register_account_values,
    register_messages,
    register_segments,
)

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


def consent_record(*, consent, profile=None, visitor_id: str = "", device_id=None) -> Event | None:
    """Record a consent choice as an event (None when there is nobody to record it under:
    an anonymous visitor refusing personalization gets no id to record it with)."""
    if profile is None and not visitor_id:
        return None
    return track(
        name="consent_given",
        profile=profile,
        visitor_id="" if profile is not None else visitor_id,
        device_id=device_id,
        properties={
            "version": consent.version,
            "personalization": consent.personalization,
            "marketing": consent.marketing,
            "gpc": consent.gpc,
        },
    )


# --- Customer attributes ------------------------------------------------------------------------


def custom_attribute_set(*, profile, key: str, raw, at: datetime | None = None):
    """Set the profile's value of the custom attribute `key` (validated against its definition;
    a bad value raises ValidationError with the reason and changes nothing). Idempotent."""
    from apps.tracking.attributes import rule_of  # attributes reads models: keep import cheap

    definition = AttributeDefinition.objects.filter(key=key).first()
    if definition is None:
        raise ValidationError(_("There is no custom attribute “%(key)s”.") % {"key": key})
    try:
        value = attribute_rules.check_value(rule_of(definition), raw)
    except attribute_rules.BadValue as exc:
        raise ValidationError({"value": str(exc)}) from exc
    stored, _created = AttributeValue.objects.update_or_create(
        definition=definition,
        profile=profile,
        defaults={"value": value, "updated_at": at or clock.now()},
    )
    return stored


HISTORY_DAYS = 365  # computed attributes read at most this much history


def computed_attributes_refresh(*, profile_ids: list[int], at: datetime | None = None) -> int:
    """Recompute the stored attributes of these profiles from the event log (and, through the
    registry, the account's payments). Re-reads everything, so running it twice is harmless;
    a fixed number of queries per call whatever the batch's size. Returns how many it wrote."""
    from apps.accounts.models import Profile
    from apps.accounts.timezones import viewer_zone
    from apps.catalogue.models import Title
    from apps.tracking import registry

    at = at or clock.now()
    profiles = list(Profile.objects.filter(pk__in=profile_ids).select_related("account"))
    if not profiles:
        return 0
    ids = [p.pk for p in profiles]
    since = at - timedelta(days=HISTORY_DAYS)
    last_active = dict(
        Event.objects.filter(profile_id__in=ids, occurred_at__lte=at)
        .values("profile_id")
        .annotate(last=Max("occurred_at"))
        .values_list("profile_id", "last")
        .order_by()
    )
    plays = list(
        Event.objects.filter(
            profile_id__in=ids, name="play_started", occurred_at__gte=since, occurred_at__lte=at
        ).values_list("profile_id", "occurred_at", "properties__title_id")
    )
    title_ids = {t for _p, _at, t in plays if isinstance(t, int)}
    genres_of: dict[int, list[int]] = defaultdict(list)
    for title_id, genre_id in Title.genres.through.objects.filter(
        title_id__in=title_ids
    ).values_list("title_id", "genre_id"):
        genres_of[title_id].append(genre_id)
    genre_counts: dict[int, Counter] = defaultdict(Counter)
    hours: dict[int, list[int]] = defaultdict(list)
    zones = {p.pk: viewer_zone(p.account) for p in profiles}
    for profile_id, occurred_at, title_id in plays:
        hours[profile_id].append(occurred_at.astimezone(zones[profile_id]).hour)
        genre_counts[profile_id].update(genres_of.get(title_id, ()))
    paid = registry.account_values(registry.LIFETIME_PAID, list({p.account_id for p in profiles}))
    rows = []
    for p in profiles:
        amount, currency = paid.get(p.account_id, (0, ""))
        rows.append(
            ComputedAttributes(
                profile_id=p.pk,
                favourite_genre_ids=attribute_rules.favourite_genres(genre_counts[p.pk]),
                viewing_hours=attribute_rules.hour_histogram(hours[p.pk]),
                last_active=last_active.get(p.pk),
                lifetime_paid=amount,
                lifetime_currency=currency,
                computed_at=at,
            )
        )
    ComputedAttributes.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=[
            "favourite_genre_ids",
            "viewing_hours",
            "last_active",
            "lifetime_paid",
            "lifetime_currency",
            "computed_at",
        ],
    )
    return len(rows)
