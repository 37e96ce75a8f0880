from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArtworkConfig(AppConfig):
    name = "apps.artwork"
    label = "artwork"
    verbose_name = _("Artwork personalization")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from apps.artwork import receivers
        from apps.tracking.models import Event

        post_save.connect(receivers.event_saved, sender=Event, dispatch_uid="artwork-event-saved")
