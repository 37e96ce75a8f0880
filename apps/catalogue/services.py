"""Writes to the catalogue: artwork variants (with their files), publishing, releases."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from PIL import Image

from apps.catalogue import images
from apps.catalogue.files import delete_files
from apps.catalogue.models import ArtworkVariant, Episode, Title
from apps.catalogue.versioning import bump_catalogue_version

logger = logging.getLogger(__name__)

# --- Artwork variants -------------------------------------------------------------------------


def artwork_variant_save(
    *, variant: ArtworkVariant, upload: IO[bytes] | None = None
) -> ArtworkVariant:
    """Save a variant; with an upload, validate it, store it and build its renditions.

    One call, one transaction. A bad image raises ValidationError before anything is written
    (every check, including a full decode, runs first). If storage or the database fails
    after that, the row rolls back and files this call created are removed; files at the
    variant's existing names are overwritten in place and left. Without an upload, a variant
    that has an original but no renditions gets them rebuilt from it.
    """
    image: Image.Image | None = None
    upload_bytes = b""
    if upload is not None:
        images.validate_artwork_upload(upload)
        upload.seek(0)
        upload_bytes = upload.read()
        image = images.open_artwork(upload)

    previous = {"original": "", "renditions": {}}
    if variant.pk is not None:
        previous = (
            ArtworkVariant.objects.filter(pk=variant.pk).values("original", "renditions").first()
            or previous
        )
    has_original = bool(variant.original and variant.original.name) or previous["original"]
    if image is None and not has_original:
        raise ValidationError({"original": _("Choose an image for this artwork.")})
    existing = {previous["original"], *images.rendition_files(previous["renditions"] or {})}

    planned: list[str] = []
    try:
        with transaction.atomic():
            if image is not None:
                # The upload is stored under our own name below; keep the field from saving the
                # raw upload under the client's file name (and extension) on this first save.
                variant.original = previous["original"]
            variant.save()
            if image is None and (variant.renditions or not variant.original):
                return variant
            planned = images.planned_files(title_id=variant.title_id, variant_id=variant.pk)
            if image is not None:
                ext = images.detected_extension(image)
                path = images.original_path(
                    title_id=variant.title_id, variant_id=variant.pk, ext=ext
                )
                planned.append(path)
                variant.original.name = images.storage_overwrite(path, upload_bytes)
            else:  # renditions missing: rebuild them from the stored original
                with default_storage.open(variant.original.name, "rb") as fh:
                    image = Image.open(fh, formats=images.ACCEPTED_FORMATS)
                    image.load()
            images.store_renditions(variant, image)
            variant.save(update_fields=["original", "renditions"])
            stale = previous["original"]
            if stale and stale != variant.original.name:
                transaction.on_commit(lambda: delete_files([stale]))
    except Exception:
        delete_files(p for p in planned if p not in existing)
        raise
    return variant


def artwork_variant_delete(*, variant: ArtworkVariant) -> None:
    """Delete a variant and, once that is committed, its files (apps/catalogue/files.py)."""
    variant.delete()


# --- Publishing -------------------------------------------------------------------------------


def _set_published(titles: QuerySet[Title] | Iterable[Title], published: bool) -> int:
    ids = (
        list(titles.values_list("pk", flat=True))
        if isinstance(titles, QuerySet)
        else [t.pk for t in titles]
    )
    with transaction.atomic():
        changed = (
            Title.objects.filter(pk__in=ids)
            .exclude(is_published=published)
            .update(is_published=published)
        )
        if changed:
            # update() sends no post_save: tell cached pages the catalogue moved.
            transaction.on_commit(bump_catalogue_version)
    return changed


def titles_publish(*, titles: QuerySet[Title] | Iterable[Title]) -> int:
    """Publish titles; returns how many changed (already published ones are left alone)."""
    return _set_published(titles, True)


def titles_unpublish(*, titles: QuerySet[Title] | Iterable[Title]) -> int:
    """Unpublish titles; returns how many changed."""
    return _set_published(titles, False)


# --- Releases ---------------------------------------------------------------------------------


def episode_release_claim(*, episode_id: int, at) -> bool:
    """Mark an episode's release as announced; True only for the one caller that did it.

    A conditional UPDATE: of two tasks racing for the same episode, the second matches no row
    (PostgreSQL re-checks the condition after the first commits). Call it inside the
    transaction that records the announcement, so a failure releases the claim too."""
    claimed = Episode.objects.filter(pk=episode_id, released_announced_at__isnull=True).update(
        released_announced_at=at
    )
    if claimed:
        transaction.on_commit(bump_catalogue_version)  # cached pages now list the episode
    return bool(claimed)
