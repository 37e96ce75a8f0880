"""An anonymous visitor's history joining the profile that signed in on that browser
(`visitor_merge`), with every guard against merging another person's browsing."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from apps.core import clock
from apps.tracking.identity import ACCOUNT_OWNED_EVENTS, canonical_visitor_id, junk_reason
from apps.tracking.models import Event, VisitorLink
from apps.tracking.services.events import namespaced_client_id, track


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
