from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "apps.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        from apps.catalogue import files, versioning

        versioning.connect()
        files.connect()
