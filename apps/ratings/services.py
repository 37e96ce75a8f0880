"""Thumbs: set, change and clear a profile's rating of a title."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Profile
from apps.catalogue.models import Title
from apps.core import clock
from apps.ratings.models import Rating
from apps.tracking.services import track


@transaction.atomic
def rating_set(
    *, profile: Profile, title: Title, value: int | None, device_id: int | None = None
) -> Rating | None:
    """Make the profile's rating of `title` exactly `value`; None or 0 clears it.

    The caller states the wanted end state, never "toggle", so a repeated request (a double
    click, a retried POST) finds the state already there and writes nothing. Each real change
    records one `rating` event (value 0 when cleared) and queues a refresh of the profile's
    candidates, so the next homepage reflects it without waiting for a retrain.
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
    _refresh_candidates_later(profile)
    return rating


def _change(rating: Rating, value: int) -> bool:
    """Set `value` on an existing rating; False (nothing written) when it already holds."""
    if rating.value == value:
        return False
    rating.value = value
    rating.updated_at = clock.now()
    rating.save(update_fields=["value", "updated_at"])
    return True


def _refresh_candidates_later(profile: Profile) -> None:
    from apps.recommendations.tasks import refresh_profile_candidates

    profile_id = profile.pk
    transaction.on_commit(lambda: refresh_profile_candidates.delay(profile_id))
