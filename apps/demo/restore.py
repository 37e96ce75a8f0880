"""Restoring the demo: every persona back to its seeded state, and the demo clock reset."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import translation
from django.utils.translation import gettext_noop

from apps.accounts.models import Profile, User
from apps.artwork.models import Impression, PolicySnapshot
from apps.artwork.services import impressions_flush, policy_refresh, profile_taste_refresh
from apps.catalogue.models import Title
from apps.core import clock
from apps.core import services as clock_services
from apps.demo import after_seed
from apps.demo.engagement import campaigns_seed
from apps.demo.models import OutboxMessage
from apps.demo.personas import PASSWORD, PERSONAS
from apps.demo.releases import releases_reschedule
from apps.demo.services import history_write
from apps.demo.world import titles as world_titles
from apps.demo.world.store import (
    accounts_ensure,
    catalogue_index,
    event_data,
    no_progress,
    persona_history,
    persona_plans,
    profiles_with_events,
)
from apps.ratings.services import ratings_from_events
from apps.recommendations.services import candidates_refresh, global_lists_refresh
from apps.tracking.services import EventData

RESTORE_STEPS = 9


def _seeded_catalogue() -> tuple[int, int]:
    """(seed, number of titles) of the first demo seed in the database (the personas' one)."""
    first = (
        Title.objects.filter(external_id__startswith="demo:")
        .order_by("pk")
        .values_list("external_id", flat=True)
        .first()
    )
    if first is None:
        raise ValueError("The demo is not seeded: run manage.py seed_demo first.")
    seed = int(first.split(":")[1])
    return seed, Title.objects.filter(external_id__startswith=f"demo:{seed}:").count()


def _purge(queryset) -> int:
    """Delete the rows and everything that depends on them, records that PROTECT their rows
    (invoices, refunds) first; returns how many rows went."""
    deleted = 0
    for _attempt in range(20):
        try:
            with transaction.atomic():
                deleted += queryset.delete()[0]
            return deleted
        except (ProtectedError, RestrictedError) as exc:
            blockers = getattr(exc, "protected_objects", None) or exc.restricted_objects
            by_model: dict[type, list[int]] = defaultdict(list)
            for obj in blockers:
                by_model[type(obj)].append(obj.pk)
            for model, pks in by_model.items():
                deleted += _purge(model._default_manager.filter(pk__in=pks))
    raise RuntimeError("Could not delete the persona accounts: too many protected records.")


def _sessions_end(user_ids: set[int], *, keep: str | None) -> int:
    """Sign the personas out everywhere except in `keep` (the QA's own browser)."""
    ended = 0
    wanted = {str(pk) for pk in user_ids}
    for session in Session.objects.filter(expire_date__gt=clock.real_now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) in wanted:
            SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


def _seeded_impressions(users: Sequence[User]) -> list[tuple[str, str, dict]]:
    """The personas' seeded artwork impressions, to give back to their new profiles:
    (e-mail, profile name, row values)."""
    names = {
        p.pk: (p.account.email, p.name.lower())
        for p in Profile.objects.filter(account__in=users).select_related("account")
    }
    rows = Impression.objects.filter(profile_id__in=list(names), batch_id__startswith="seed")
    kept = []
    for values in rows.values():
        email, name = names[values.pop("profile_id")]
        values.pop("id")
        values["play_event_id"] = None  # the event goes with the old profile
        kept.append((email, name, values))
    return kept


def demo_restore(*, progress: Callable[[str, int, int], None], keep_session: str = "") -> dict:
    """`_demo_restore` in the site's language, as the seed command and beat's worker run: the
    e-mails it sends (Jordan's failed payment) speak each persona's language, a persona who
    chose none the site's, never that of whoever pressed Restore (QA11: a French session
    re-sent Jordan's e-mail in French). The progress labels are msgids, shown in the page's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _demo_restore(progress=progress, keep_session=keep_session)


def _demo_restore(*, progress: Callable[[str, int, int], None], keep_session: str = "") -> dict:
    """Put every persona back to its seeded state and reset the demo clock.

    The persona accounts go with everything that hangs off them (profiles, history, ratings,
    My list, progress, subscriptions, payments, invoices, devices, sessions but `keep_session`),
    then the persona phase of the seed runs again: accounts, scripted histories, resume points,
    subscriptions, thumbs, artwork tastes and recommendations. The seed is deterministic, so
    they come back as seeded (relative to now). Synthetic viewers and the catalogue stay.
    """
    started = time.perf_counter()
    total = RESTORE_STEPS
    progress(gettext_noop("resetting the demo clock"), 0, total)
    clock_services.clock_reset()
    now = clock.now()
    releases_reschedule(now=now)  # the new episodes are to come again, and news again
    seed, n_titles = _seeded_catalogue()
    emails = [p.email for p in PERSONAS]
    users = list(User.objects.filter(email__in=emails))
    by_email = {p.email: p for p in PERSONAS}
    # When each persona was seeded: its impressions move forward by as much as its history.
    seeded_at = {
        u.email: u.date_joined + timedelta(days=by_email[u.email].joined_days_ago, hours=1)
        for u in users
    }
    impressions = _seeded_impressions(users)

    progress(gettext_noop("signing the personas out and removing their accounts"), 1, total)
    # Impressions still buffered in the cache point at the old profiles: write them now, so
    # they go with the accounts instead of failing a later flush.
    impressions_flush()
    _sessions_end({u.pk for u in users}, keep=keep_session or None)
    _purge(User.objects.filter(pk__in=[u.pk for u in users]))
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m in OutboxMessage.objects.only("pk", "recipients") if _to_persona(m)]
    ).delete()

    progress(gettext_noop("re-creating the persona accounts"), 2, total)
    plans = [p for p in persona_plans(now, make_password(PASSWORD)) if p.email in by_email]
    with transaction.atomic():
        profiles, devices, created, _ = accounts_ensure(
            plans, now=now, progress=no_progress, phase="personas"
        )

    progress(gettext_noop("writing their histories"), 3, total)
    index = catalogue_index(
        specs=world_titles.catalogue(n_titles=n_titles, seed=seed), seed=seed, now=now
    )

    def histories() -> Iterator[list[EventData]]:
        for persona in PERSONAS:
            for i, pid in enumerate(profiles[persona.email]):
                events = persona_history(persona, i, index=index, now=now)
                yield list(event_data(events, pid, devices))

    history_write(histories())
    profile_ids = [pid for pids in profiles.values() for pid in pids]

    progress(gettext_noop("resume points"), 4, total)
    after_seed.personas_resume_points(log=lambda m: None)
    progress(gettext_noop("subscriptions and payments"), 5, total)
    after_seed.personas_subscriptions(log=lambda m: None)
    after_seed.homepage_holdout(log=lambda m: None)  # the re-created personas stay out of it
    campaigns_seed(log=lambda m: None)  # journeys live again; no new persona held back
    progress(gettext_noop("ratings"), 6, total)
    ratings_from_events(profile_ids=profile_ids)
    after_seed.attributes(log=lambda m: None, profile_ids=profile_ids)  # segments count them

    progress(gettext_noop("artwork tastes"), 7, total)
    new_profile = {
        (p.account.email, p.name.lower()): p.pk
        for p in Profile.objects.filter(pk__in=profile_ids).select_related("account")
    }
    rows = []
    for email, name, values in impressions:
        pid = new_profile.get((email, name))
        if pid is None:
            continue
        shift = now - seeded_at[email]
        values["shown_at"] += shift
        if values["taken_at"] is not None:
            values["taken_at"] += shift
        rows.append(Impression(profile_id=pid, **values))
    Impression.objects.bulk_create(rows, batch_size=1000)
    for pid in sorted(profiles_with_events(profile_ids)):  # as the seed: those with a history
        profile_taste_refresh(profile_id=pid)
    # A clock jump ran the policy job at the jumped time: its snapshot is dated in the future
    # and would stay the newest. Drop those and relearn at the restored clock.
    PolicySnapshot.objects.filter(computed_at__gt=now).delete()
    policy_refresh(now=now)

    progress(gettext_noop("recommendations"), 8, total)
    # Trending is "plays in the last week" as of the last run of its job: after a jump of a
    # week or more it was computed empty (the generated viewers do not play in demo time) and
    # dated in the future. Recompute it at the restored clock, before the personas' pages.
    global_lists_refresh()
    for profile in Profile.objects.filter(pk__in=profile_ids):
        candidates_refresh(profile=profile)
    after_seed.personas_weekly_mix(log=lambda m: None)  # the re-created personas' mixes
    progress(gettext_noop("done"), total, total)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "personas": created,
        "profiles": len(profile_ids),
    }


def _to_persona(message) -> bool:
    emails = {p.email.lower() for p in PERSONAS}
    return any(a in emails for a in message.recipients.strip("|").split("|"))
