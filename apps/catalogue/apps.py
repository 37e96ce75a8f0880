from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "apps.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        # why: these connect receivers to models, which load only once the registry is ready
        from apps.catalogue import files, versioning

        versioning.connect()
        files.connect()
