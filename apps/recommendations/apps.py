from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        # Here, not at module level: receivers import tasks and models, loaded only once apps are.
        from django.db.models.signals import post_save

        from apps.accounts.models import Profile
        from apps.recommendations.receivers import (
            refresh_on_audience_change,
            refresh_on_strong_signal,
        )
        from apps.tracking.publishing import event_recorded

        event_recorded.connect(refresh_on_strong_signal, dispatch_uid="recommendations-refresh")
        post_save.connect(
            refresh_on_audience_change, sender=Profile, dispatch_uid="recommendations-audience"
        )
