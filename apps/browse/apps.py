from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrowseConfig(AppConfig):
    name = "apps.browse"
    label = "browse"
    verbose_name = _("Homepage and My list")
