from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Site settings")

    def ready(self) -> None:
        from apps.core.converters import IdConverter

        # Registered once, before any URLconf is read; every id route uses `<id:…>`.
        register_converter(IdConverter, "id")
