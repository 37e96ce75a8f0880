from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ArtworkConfig(AppConfig):
    name = "apps.artwork"
    label = "artwork"
    verbose_name = _("Artwork personalization")

    def ready(self) -> None:
        # why: models (and receivers, which import them) load only once the registry is ready
        from apps.artwork import receivers
        from apps.tracking.models import Event

        post_save.connect(receivers.event_saved, sender=Event, dispatch_uid="artwork-event-saved")

        from apps.artwork.selectors import profile_segments
        from apps.tracking import registry

        registry.register_segments("artwork", profile_segments)
