from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self):
        # why: cached imports the models, which load only once the registry is ready
        from apps.accounts import cached, sessions

        cached.connect()
        sessions.connect()
