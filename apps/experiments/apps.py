from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "apps.experiments"
    label = "experiments"
    verbose_name = _("Experiments")

    def ready(self):
        # In ready(): the receivers import the models, which are not loaded when apps.py is.
        from apps.experiments import receivers  # noqa: F401
        from apps.experiments.selectors import profile_segments
        from apps.tracking import registry

        registry.register_segments("experiments", profile_segments)
