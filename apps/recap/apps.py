from django.apps import AppConfig


class RecapConfig(AppConfig):
    name = "apps.recap"
    label = "recap"
