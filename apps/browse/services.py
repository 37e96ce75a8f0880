"""My list: add and remove, idempotent per (profile, title); an anonymous title view."""

from django.db import IntegrityError, transaction

from apps.browse.models import MyListEntry
from apps.browse.page_cache import bump_list_version
from apps.catalogue.models import Title
from apps.core import clock
from apps.tracking.services import track


@transaction.atomic
def my_list_add(*, profile, title: Title, device_id: int | None = None) -> bool:
    """Add `title`; returns False when it was already there (nothing written)."""
    try:
        with transaction.atomic():
            MyListEntry.objects.create(profile=profile, title=title, added_at=clock.now())
    except IntegrityError:
        return False
    track(
        name="my_list_add",
        profile=profile,
        device_id=device_id,
        properties={"title_id": title.pk},
    )
    transaction.on_commit(lambda: bump_list_version(profile.pk))
    return True


@transaction.atomic
def my_list_remove(*, profile, title: Title, device_id: int | None = None) -> bool:
    deleted, _ = MyListEntry.objects.filter(profile=profile, title=title).delete()
    if deleted:
        track(
            name="my_list_remove",
            profile=profile,
            device_id=device_id,
            properties={"title_id": title.pk},
        )
        transaction.on_commit(lambda: bump_list_version(profile.pk))
    return bool(deleted)


def anonymous_title_view_record(*, title: Title, visitor_id: str) -> None:
    """An anonymous visitor (with personalization consent) opened the title's page.

    The only evidence of taste a visitor has before signing up: kept under the visitor id, it
    joins the profile on sign-up or sign-in (tracking's `visitor_merge`) and counts there as a
    weak signal ("title_viewed", apps/recommendations/interactions.py). Once per visitor, title
    and day (a reload or a burst of visits adds nothing). A signed-in profile's own plays,
    picks and ratings say far more, so its page visits are not recorded this way.
    """
    if not visitor_id:
        return
    day = clock.now().strftime("%Y%m%d")
    track(
        name="title_viewed",
        visitor_id=visitor_id,
        properties={"title_id": title.pk},
        client_id=f"tv:{visitor_id}:{title.pk}:{day}",
    )
