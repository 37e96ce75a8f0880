"""An experiment changed (admin, seeding): the next request reads its definition afresh."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from apps.experiments.models import Experiment, Variant
from apps.experiments.services import definitions_forget


@receiver(post_save, sender=Experiment)
@receiver(post_delete, sender=Experiment)
@receiver(post_save, sender=Variant)
@receiver(post_delete, sender=Variant)
@receiver(m2m_changed, sender=Experiment.excluded_profiles.through)
def _experiment_changed(sender, **kwargs) -> None:
    definitions_forget()
    transaction.on_commit(definitions_forget)
