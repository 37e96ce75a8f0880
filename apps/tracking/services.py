"""The only way to write the event log."""

import hashlib
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from apps.core import clock
from apps.core.bulk import insert_many
from apps.tracking import attribute_rules, data_use, selectors
from apps.tracking.consent import Consent
from apps.tracking.identity import ACCOUNT_OWNED_EVENTS, canonical_visitor_id, junk_reason
from apps.tracking.models import (
    AttributeDefinition,
    AttributeValue,
    ComputedAttributes,
    DataUse,
    Event,
    VisitorLink,
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
from apps.tracking.retention import events_erase

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


@dataclass(frozen=True)
class MergeResult:
    """What `visitor_merge` did: `moved` events attached, or `refused` with the reason."""

    moved: int = 0
    refused: str = ""


def visitor_merge(*, profile, visitor_id: str, device_id: int | None = None) -> MergeResult:
    """Attach an anonymous visitor's history to the profile that signed in on that browser.

    Called when a profile is chosen after sign-up or sign-in. Idempotent: a retry, a second
    tab or a double submit finds nothing left to move and records nothing. Guards:

    * a missing id (no personalization consent) merges nothing and says nothing;
    * a kids profile receives nothing: the browsing waits for an adult profile of the account;
    * a junk id ("anonymous", "null", "0", malformed...) is refused, logged on the profile;
    * an id already tied to another account (`VisitorLink`, or that account's own events
      carry it) is never merged: logged on the signing-in profile, the other person's data
      untouched;
    * the account's own values win: only events move (never an account or profile field), and
      choices the account makes for itself (`identity.ACCOUNT_OWNED_EVENTS`) stay behind.

    A merge that moved events, or linked the id for the first time, records `identity_merged`
    (published, so recommendations refresh the profile's candidates with what it looked at).
    """
    reason = junk_reason(visitor_id)
    if reason == "missing":
        return MergeResult(refused=reason)
    if reason:
        return _merge_refused(profile, reason, visitor_id, device_id)
    if profile.is_kids:
        # What a shared browser looked at before a kids profile was chosen is a grown-up's
        # browsing as often as the child's: it waits for an adult profile of the account.
        return MergeResult(refused="kids_profile")
    vid = canonical_visitor_id(visitor_id)
    with transaction.atomic():
        link = VisitorLink.objects.select_for_update().filter(visitor_id=vid).first()
        created = False
        if link is None:
            if _used_by_another_account(vid, profile.account_id):
                return _merge_refused(profile, "another_person", vid, device_id)
            link, created = _link_create(vid, profile)
        if link.account_id != profile.account_id:
            return _merge_refused(profile, "another_person", vid, device_id)
        changes = {"profile_id": profile.pk}
        if device_id is not None:
            changes["device_id"] = device_id
        moved = (
            Event.objects.filter(visitor_id=vid, profile__isnull=True)
            .exclude(name__in=ACCOUNT_OWNED_EVENTS)
            .update(**changes)
        )
        if not (moved or created):
            return MergeResult()
        VisitorLink.objects.filter(pk=link.pk).update(last_merged_at=clock.now())
        track(
            name="identity_merged",
            profile=profile,
            device_id=device_id,
            properties={"visitor_id": vid, "events": moved, "first_link": created},
        )
    return MergeResult(moved=moved)


def _used_by_another_account(visitor_id: str, account_id: int) -> bool:
    # Accounts created before links were kept carry the id on their own events.
    return (
        Event.objects.filter(visitor_id=visitor_id, profile__isnull=False)
        .exclude(profile__account_id=account_id)
        .exists()
    )


def _link_create(visitor_id: str, profile) -> tuple[VisitorLink, bool]:
    now = clock.now()
    try:
        with transaction.atomic():  # a second tab may be linking the same id right now
            link = VisitorLink.objects.create(
                visitor_id=visitor_id,
                account_id=profile.account_id,
                profile=profile,
                first_linked_at=now,
                last_merged_at=now,
            )
            return link, True
    except IntegrityError:
        return VisitorLink.objects.select_for_update().get(visitor_id=visitor_id), False


def _merge_refused(profile, reason: str, raw: str, device_id: int | None) -> MergeResult:
    """Log a refused merge once per profile, id and reason (a retry logs nothing new)."""
    shown = str(raw)[:64]
    track(
        name="identity_merge_refused",
        profile=profile,
        device_id=device_id,
        properties={"reason": reason, "visitor_id": shown},
        client_id=namespaced_client_id(f"p{profile.pk}", f"merge-refused|{reason}|{shown}"),
    )
    return MergeResult(refused=reason)


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
        properties=_consent_properties(consent),
    )


def _consent_properties(consent, **extra) -> dict:
    """A `consent_given` event's properties: the choice, its version and the GPC signal."""
    return {
        "version": consent.version,
        "personalization": consent.personalization,
        "marketing": consent.marketing,
        "gpc": consent.gpc,
        **extra,
    }


def account_consent(account_id: int) -> Consent | None:
    """The account's own choice (`selectors.account_consent`), for the sign-in: accounts records
    tracking events but reads none of tracking's selectors."""
    return selectors.account_consent(account_id)


def account_has_consent(account_id: int) -> bool:
    """Whether the account recorded a choice of its own: its newest `consent_given` (any of its
    profiles) is of the current CONSENT_VERSION (an older one counts as none, as in the banner)."""
    return selectors.account_consent(account_id) is not None


def consent_adopt(*, profile, consent, device_id: int | None = None) -> Event | None:
    """The browser's choice becomes the account's when the account has none of its own.

    Called when a profile is chosen after sign-up or sign-in, for an account with no choice of
    its own (one with a choice brings it to this browser instead: `consent.settle`): the
    banner's choice was recorded under the visitor id (or, refused, only in the cookie), and
    workers read only the account's events, so without this a new viewer's "Accept all" (or
    "Necessary only") would be dropped. An account's own choice always wins (nothing is
    recorded then); a browser that made no choice changes nothing; a kids profile never makes
    the account's choice. Recorded like a choice made on the privacy page (`consent_record`),
    once per account and consent version. Returns the event recorded, or None."""
    if not consent.chosen or profile.is_kids or account_has_consent(profile.account_id):
        return None
    return track(
        name="consent_given",
        profile=profile,
        device_id=device_id,
        properties=_consent_properties(consent, from_browser=True),
        client_id=namespaced_client_id(
            f"a{profile.account_id}", f"consent-adopted|{consent.version}"
        ),
    )


# --- "Your data": the per-signal switches and erasing one title or the onboarding picks -------


@transaction.atomic
def data_use_set(*, profile, signal: str, in_use: bool, device_id: int | None = None):
    """Turn one switch ("viewing_history", "ratings" or "traits") on or off for the profile.

    Recorded as a `data_use_changed` event, which refreshes the profile's candidates
    (recommendations' strong-signal receiver). Setting a switch to what it is records nothing.
    """
    if signal not in data_use.SWITCHES:
        raise ValidationError("Unknown data switch.")
    field = f"use_{signal}"
    row, _ = DataUse.objects.select_for_update().get_or_create(
        profile=profile, defaults={"updated_at": clock.now()}
    )
    if getattr(row, field) == in_use:
        return row
    setattr(row, field, in_use)
    row.updated_at = clock.now()
    row.save(update_fields=[field, "updated_at"])
    track(
        name="data_use_changed",
        profile=profile,
        device_id=device_id,
        properties={"signal": signal, "in_use": in_use},
    )
    return row


def _title_rows(profile, title_id: int):
    """Every row of any app that ties this profile to this title (found by their foreign keys
    to accounts.Profile and catalogue.Title, so a model added later is covered)."""
    from django.apps import apps

    from apps.accounts.models import Profile
    from apps.catalogue.models import Title

    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fks = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
        profile_fk = next((f for f in fks if f.related_model is Profile), None)
        title_fk = next((f for f in fks if f.related_model is Title), None)
        if profile_fk is not None and title_fk is not None:
            yield model._default_manager.filter(
                **{profile_fk.name: profile, title_fk.name: title_id}
            )


@transaction.atomic
def title_forget(*, profile, title_id: int, device_id: int | None = None) -> int:
    """Erase every signal this profile gave about one title: its events naming the title
    (plays, progress, ratings, picks, saves, cards seen) and every row tying the profile to it
    (progress, rating, My list, artwork impressions). Returns how many rows went.

    The action is recorded without the title (that would be a signal about it again).
    """
    from apps.catalogue.models import Title

    named = Q(properties__title_id=title_id) | Q(properties__title_id=str(title_id))
    # Its pages opened too: the title page (by its address) and the player's.
    named |= Q(properties__path__startswith=f"/watch/title/{title_id}/")
    title = Title.objects.filter(pk=title_id).first()
    if title is not None:
        named |= Q(properties__path__startswith=title.get_absolute_url())
    erased = events_erase(Event.objects.filter(named, profile=profile))
    for rows in _title_rows(profile, title_id):
        erased += rows.delete()[0]
    track(
        name="data_use_changed",
        profile=profile,
        device_id=device_id,
        properties={"signal": "title", "in_use": False},
    )
    return erased


@transaction.atomic
def onboarding_picks_clear(*, profile, device_id: int | None = None) -> int:
    """Erase the favourites the profile picked at onboarding; returns how many."""
    erased = events_erase(Event.objects.filter(profile=profile, name="onboarding_pick"))
    if not erased:
        return 0  # nothing was picked: nothing changed, nothing to record
    track(
        name="data_use_changed",
        profile=profile,
        device_id=device_id,
        properties={"signal": "onboarding_picks", "in_use": False},
    )
    return erased


# --- Deleting an account: every personal row erased or anonymized ---------------------------


@transaction.atomic
def account_data_erase(*, user) -> dict[str, int]:
    """Erase or anonymize everything personal about the account (apps/tracking/personal.py).

    Its profiles' events become anonymous daily counts; billing records accounting must keep
    stay, scrubbed, tied to the account row, which is anonymized (no address, no password, no
    sign-in); every other personal row (profiles and all that hangs off them, devices, payment
    methods, sign-ups, invitations, ...) is deleted, and every session signed out. The caller
    cancels the subscription first (apps.yourdata). Returns rows affected per model.
    """
    from django.contrib.auth import get_user_model

    from apps.accounts import cached
    from apps.tracking.personal import (
        KEPT_FOR_ACCOUNTING,
        holders,
        scrub_kept_rows,
        sessions_end,
        strings_to_scrub,
        visitor_ids,
    )

    # The account row itself (a request's user is a lazy wrapper), locked for the erasure.
    user = get_user_model()._base_manager.select_for_update().get(pk=user.pk)
    visitors = visitor_ids(user)
    # The profiles' ids as a subquery, not a join: an OR across a join is an outer join, which
    # PostgreSQL will not lock rows of (and it scans the whole log).
    profile_ids = type(user).profiles.rel.related_model._base_manager.filter(account=user)
    mine = Q(profile_id__in=profile_ids.values("pk")) | Q(visitor_id__in=sorted(visitors))
    report = {"tracking.Event": events_erase(Event.objects.filter(mine))}
    secrets = strings_to_scrub(user)
    for holder in holders():
        if holder.model is type(user):
            continue
        if holder.label in KEPT_FOR_ACCOUNTING:
            report[holder.label] = scrub_kept_rows(holder, user, secrets)
    for holder in holders():
        if holder.model is type(user) or holder.label in KEPT_FOR_ACCOUNTING:
            continue
        deleted = holder.rows(user, visitors).delete()[1]
        for label, n in deleted.items():
            report[label] = report.get(label, 0) + n
    report["sessions.Session"] = sessions_end(user)
    user.email = f"deleted-{user.pk}-{uuid.uuid4().hex[:12]}@deleted.invalid"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.payment_overdue = False
    user.time_zone = type(user)._meta.get_field("time_zone").default
    user.language = user.country = ""
    user.save()
    transaction.on_commit(lambda: cached.forget_user(user.pk))
    return report


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
