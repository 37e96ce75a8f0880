from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "apps.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # Celery autodiscovery imports apps.engagement.tasks only; the channels' sweeper too.
        from apps.engagement.channels import tasks  # noqa: F401
