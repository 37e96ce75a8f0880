from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # why: cached imports the models, which load only once the registry is ready
        from apps.accounts import cached, sessions

        cached.connect()
        sessions.connect()
