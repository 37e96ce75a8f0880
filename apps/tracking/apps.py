from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "apps.tracking"
    label = "tracking"
    verbose_name = _("Tracking")

    def ready(self):
        # In ready(): selectors import the models, which are not loaded when apps.py is.
        from apps.accounts import activity
        from apps.tracking.selectors import account_play_history

        activity.register_play_history(account_play_history)
