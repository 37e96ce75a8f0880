"""Picks in progress, and finishing or skipping onboarding: the only writes this app makes."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Device, Profile
from apps.catalogue.models import Title
from apps.core import clock
from apps.onboarding import picks as rules
from apps.onboarding.models import PendingPick
from apps.onboarding.picks import PICKS_NEEDED
from apps.tracking.services import track

# --- Picks in progress (step 1) -------------------------------------------------------------
# Each change locks the profile's row, then reads, changes and writes its picks: two requests
# at once (two tabs, a fast double click on two favourites) take turns, so neither is lost.


def _lock(profile: Profile) -> Profile:
    return Profile.objects.select_for_update().get(pk=profile.pk)


def _pickable(profile: Profile, ids: Iterable[int]) -> set[int]:
    return set(
        Title.objects.for_profile(profile).filter(pk__in=list(ids)).values_list("pk", flat=True)
    )


def _current(profile: Profile) -> list[int]:
    """The profile's picks in the order made, less titles it may no longer pick."""
    ids = list(PendingPick.objects.filter(profile=profile).values_list("title_id", flat=True))
    pickable = _pickable(profile, ids)
    return [pk for pk in ids if pk in pickable]


def _store(profile: Profile, old: Sequence[int], new: Sequence[int]) -> None:
    PendingPick.objects.filter(profile=profile).exclude(title_id__in=list(new)).delete()
    # Created in order, so the rows' order is the picks' order; a row already there stays.
    PendingPick.objects.bulk_create(
        [PendingPick(profile=profile, title_id=pk) for pk in new if pk not in old],
        ignore_conflicts=True,
    )


def pending_picks(*, profile: Profile) -> list[int]:
    """The favourites picked so far, in order (titles the profile may no longer pick left out)."""
    return _current(profile)


@transaction.atomic
def pick_change(*, profile: Profile, title_id: int, want: bool | None = None) -> list[int]:
    """Pick or deselect one title (`rules.toggle`; `want`: what the card asked for) and return
    the picks. Raises PickLimitReached for a fourth pick and ValidationError for a title the
    profile may not pick (nothing changed)."""
    if not _pickable(profile, [title_id]):
        raise ValidationError(_("That title is not available to pick."))
    _lock(profile)
    before = _current(profile)
    after = rules.toggle(before, title_id, want=want)
    _store(profile, before, after)
    return after


@transaction.atomic
def picks_merge(*, profile: Profile, shown: Iterable[int], checked: Iterable[int]) -> list[int]:
    """The checkbox form (`rules.merge_form`): kept when it makes at most three picks (a later
    page can add the rest); returns the merged picks either way."""
    _lock(profile)
    before = _current(profile)
    after = rules.merge_form(before, shown, checked)
    if len(after) <= PICKS_NEEDED:
        _store(profile, before, after)
    return after


def picks_clear(*, profile: Profile) -> None:
    """Start step 1 afresh ("Redo my favourites")."""
    PendingPick.objects.filter(profile=profile).delete()


# --- Finishing --------------------------------------------------------------------------------


def _validated(
    *, profile: Profile, title_ids: Sequence[int], devices: Sequence[str] | None
) -> tuple[list[int], list[str] | None]:
    errors: dict[str, str] = {}
    ids = list(title_ids)
    distinct = all(type(i) is int for i in ids) and len(set(ids)) == len(ids)
    if not distinct or len(ids) != PICKS_NEEDED:
        errors["title_ids"] = _("Pick exactly three different titles.")
    elif Title.objects.for_profile(profile).filter(pk__in=ids).count() != PICKS_NEEDED:
        errors["title_ids"] = _("One of your picks is not available any more. Please pick again.")
    chosen = set(devices or ())
    if devices is None:
        pass  # the viewer skipped the devices step: nothing to check, nothing recorded
    elif not chosen:
        errors["devices"] = _("Choose at least one device you plan to watch on.")
    elif not chosen <= set(Device.Kind.values):
        errors["devices"] = _("Choose devices from the list.")
    if errors:
        raise ValidationError(errors)
    if devices is None:
        return ids, None
    # Canonical order, so the same choice always records the same event.
    return ids, [kind for kind in Device.Kind.values if kind in chosen]


def onboarding_complete(
    *, profile: Profile, title_ids: Sequence[int], devices: Sequence[str] | None
) -> Profile:
    """Record three favourites and the planned devices, mark the profile onboarded.

    `devices=None` is "Skip for now" on the devices step: the three favourites already picked
    are kept (the homepage starts from them) and no devices are recorded.

    Safe to repeat (a double-click): each event has a client id derived from what it records,
    and the first onboarding time is kept.
    """
    ids, kinds = _validated(profile=profile, title_ids=title_ids, devices=devices)
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        for title_id in ids:
            track(
                name="onboarding_pick",
                profile=locked,
                properties={"title_id": title_id},
                client_id=f"onb-pick-{locked.pk}-{title_id}",
            )
        fields = []
        if kinds is not None:
            track(
                name="onboarding_devices",
                profile=locked,
                properties={"devices": kinds},
                client_id=f"onb-devices-{locked.pk}-{'-'.join(kinds)}",
            )
        if kinds is not None and locked.planned_devices != kinds:
            locked.planned_devices = kinds
            fields.append("planned_devices")
        if locked.onboarded_at is None:
            locked.onboarded_at = clock.now()
            fields.append("onboarded_at")
        if fields:
            locked.save(update_fields=fields)
        PendingPick.objects.filter(profile=locked).delete()
    profile.planned_devices, profile.onboarded_at = locked.planned_devices, locked.onboarded_at
    return profile


def onboarding_skip(*, profile: Profile) -> Profile:
    """Mark the profile onboarded without picks; its homepage starts from popularity."""
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        track(name="onboarding_skipped", profile=locked, client_id=f"onb-skipped-{locked.pk}")
        if locked.onboarded_at is None:
            locked.onboarded_at = clock.now()
            locked.save(update_fields=["onboarded_at"])
        PendingPick.objects.filter(profile=locked).delete()
    profile.onboarded_at = locked.onboarded_at
    return profile
