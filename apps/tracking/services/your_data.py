"""What a viewer erases or switches off on "Your data": the per-signal switches (`data_use_set`),
one title's every signal (`title_forget`), the onboarding picks, and deleting the account: every
personal row erased or anonymized (`account_data_erase`)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from apps.accounts.recipients import ERASED_DOMAIN, account_deleted
from apps.core import clock
from apps.tracking import data_use
from apps.tracking.models import DataUse, Event
from apps.tracking.retention import events_erase
from apps.tracking.services.events import track


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
    to accounts.Profile and catalogue.Title, so a model added later is covered), except rows
    other profiles' rows hang off: a watch party the profile hosts on the title is a room it
    shares with its guests and their chat, not the profile's own signal (QA15 H2)."""
    from django.apps import apps

    from apps.accounts.models import Profile
    from apps.catalogue.models import Title
    from apps.tracking.personal import shared

    for model in apps.get_models():
        if model._meta.proxy or shared(model):
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
    (progress, rating, My list, downloads, artwork impressions). A watch party on the title
    stays, with its members and chat: it is shared (`_title_rows`). Returns how many rows went.

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


def account_erased(user) -> bool:
    """Whether `account_data_erase` already ran on this account (its tombstone address)."""
    return account_deleted(user)


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
    user.email = f"deleted-{user.pk}-{uuid.uuid4().hex[:12]}@{ERASED_DOMAIN}"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.payment_overdue = False
    user.time_zone = type(user)._meta.get_field("time_zone").default
    user.language = user.country = ""
    user.save()
    transaction.on_commit(lambda: cached.forget_user(user.pk))
    return report
