"""Thumbs: set, change and clear a profile's rating of a title."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Profile
from apps.catalogue.models import Title
from apps.core import clock
from apps.ratings.models import Rating
from apps.tracking.models import Event
from apps.tracking.services import track


@transaction.atomic
def rating_set(
    *, profile: Profile, title: Title, value: int | None, device_id: int | None = None
) -> Rating | None:
    """Make the profile's rating of `title` exactly `value`; None or 0 clears it.

    The caller states the wanted end state, never "toggle", so a repeated request (a double
    click, a retried POST) finds the state already there and writes nothing. Each real change
    records one `rating` event (value 0 when cleared); recommendations hears of it and refreshes
    the profile's candidates, so the next homepage reflects it without waiting for a retrain.
    Returns the rating now held, or None when the title is unrated.
    """
    value = value or None
    if value is not None and value not in Rating.Value.values:
        raise ValidationError(_("A rating is -1 (not for me), 1 (like) or 2 (love)."))
    rating = Rating.objects.select_for_update().filter(profile=profile, title=title).first()
    if value is None:
        if rating is None:
            return None
        rating.delete()
        rating = None
    elif rating is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first rating may win the race
                rating = Rating.objects.create(
                    profile=profile, title=title, value=value, updated_at=clock.now()
                )
        except IntegrityError:
            rating = Rating.objects.select_for_update().get(profile=profile, title=title)
            if not _change(rating, value):
                return rating
    elif not _change(rating, value):
        return rating
    track(
        name="rating",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk, "value": rating.value if rating else 0},
    )
    return rating


class RatedSince(ValidationError):
    """The rating an Undo was for is no longer the one held: the viewer rated the title since."""


@transaction.atomic
def rating_restore(
    *,
    profile: Profile,
    title: Title,
    value: int | None,
    updated_at: datetime | None,
    undoes_at: datetime,
    device_id: int | None = None,
) -> Rating | None:
    """Undo a "Not for me": put back exactly the rating held before (its value and when it was
    given), or no rating. Records one `rating` event when something changed.

    Only the "Not for me" given at `undoes_at` is undone, compared and set in one statement: a
    rating given since (another tab's Love) stays, and RatedSince says so. A repeated Undo
    finds the earlier state already back and writes nothing."""
    if value is not None and value not in Rating.Value.values:
        raise ValidationError(_("A rating is -1 (not for me), 1 (like) or 2 (love)."))
    undone = Rating.objects.filter(
        profile=profile, title=title, value=Rating.Value.NOT_FOR_ME, updated_at=undoes_at
    )
    if value is None:
        changed = undone.delete()[0]
    else:
        changed = undone.update(value=value, updated_at=updated_at)
    rating = Rating.objects.filter(profile=profile, title=title).first()
    if not changed:
        held = (rating.value, rating.updated_at) if rating else (None, None)
        if held == (value, updated_at if value is not None else None):
            return rating  # a repeated Undo: it is back already
        raise RatedSince(_("You have rated it since; nothing was undone."))
    track(
        name="rating",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk, "value": rating.value if rating else 0, "undo": True},
    )
    return rating


def _change(rating: Rating, value: int) -> bool:
    """Set `value` on an existing rating; False (nothing written) when it already holds."""
    if rating.value == value:
        return False
    rating.value = value
    rating.updated_at = clock.now()
    rating.save(update_fields=["value", "updated_at"])
    return True


def ratings_from_events(*, profile_ids=None, batch_size: int = 2000) -> int:
    """Hold, for each (profile, title), the value its newest `rating` event says (0 = none).

    For history written as events without the thumbs themselves (the demo seed, an import);
    idempotent: running it again changes nothing. Returns the number of ratings now held.
    """
    events = Event.objects.filter(name="rating", profile__isnull=False)
    if profile_ids is not None:
        events = events.filter(profile_id__in=list(profile_ids))
    newest: dict[tuple[int, int], tuple[int, object]] = {}
    for profile_id, properties, at in (
        events.order_by("occurred_at", "pk")
        .values_list("profile_id", "properties", "occurred_at")
        .iterator(chunk_size=batch_size)
    ):
        try:
            title_id, value = int(properties["title_id"]), int(properties.get("value") or 0)
        except (KeyError, TypeError, ValueError):
            continue
        newest[(profile_id, title_id)] = (value, at)
    known = set(Title.objects.filter(pk__in={t for _, t in newest}).values_list("pk", flat=True))
    held = [
        Rating(profile_id=p, title_id=t, value=value, updated_at=at)
        for (p, t), (value, at) in newest.items()
        if value in Rating.Value.values and t in known
    ]
    cleared = [(p, t) for (p, t), (value, _at) in newest.items() if value == 0]
    with transaction.atomic():
        Rating.objects.bulk_create(
            held,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["profile", "title"],
            update_fields=["value", "updated_at"],
        )
        for p, t in cleared:
            Rating.objects.filter(profile_id=p, title_id=t).delete()
    return len(held)
