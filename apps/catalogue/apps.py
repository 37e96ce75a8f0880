from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "apps.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        # why: these connect receivers to models, which load only once the registry is ready
        from apps.catalogue import files, versioning

        versioning.connect()
        files.connect()
