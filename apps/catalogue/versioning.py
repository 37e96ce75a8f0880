"""A catalogue version stamp: changes whenever a title, its artwork or its genres change, so
pages cached from catalogue data (the homepage) know they are stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.catalogue.models import ArtworkVariant, Episode, Title
from apps.core import stamps

VERSION_KEY = "catalogue:version"


def catalogue_version() -> int:
    return stamps.read(VERSION_KEY)


def bump_catalogue_version(**_signal_kwargs) -> None:
    stamps.bump(VERSION_KEY)


def connect() -> None:
    for model in (Title, ArtworkVariant, Episode):
        post_save.connect(bump_catalogue_version, sender=model, dispatch_uid=f"cv-save-{model}")
        post_delete.connect(bump_catalogue_version, sender=model, dispatch_uid=f"cv-del-{model}")
    m2m_changed.connect(bump_catalogue_version, sender=Title.genres.through, dispatch_uid="cv-g")
