from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecapConfig(AppConfig):
    name = "apps.recap"
    label = "recap"
    verbose_name = _("Year in review")
