"""An artwork variant's files go when its row goes: deleted on its own, in the admin, or with
its title (a cascade, which calls no service), once the delete is committed."""

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete

from apps.catalogue import images
from apps.catalogue.models import ArtworkVariant

logger = logging.getLogger(__name__)


def delete_files(paths) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:  # already gone, or storage hiccup: an orphan file is harmless
            logger.warning("could not delete artwork file %s", path)


def _variant_deleted(sender, instance, **kwargs) -> None:
    paths = [instance.original.name] if instance.original else []
    paths += images.rendition_files(instance.renditions or {})
    # A rolled-back delete keeps its images.
    transaction.on_commit(lambda: delete_files(paths))


def connect() -> None:
    post_delete.connect(_variant_deleted, sender=ArtworkVariant, dispatch_uid="catalogue-files")
