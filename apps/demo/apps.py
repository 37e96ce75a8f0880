from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "apps.demo"
    label = "demo"
    verbose_name = _("Demo")

    def ready(self):
        # The demo's outbox keeps every e-mail sent: the profile 360 page lists the account's.
        from apps.demo.selectors import outbox_messages_to
        from apps.tracking import registry

        registry.register_messages("demo", outbox_messages_to)
