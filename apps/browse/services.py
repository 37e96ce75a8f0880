"""My list: add and remove, idempotent per (profile, title)."""

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
