from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybackConfig(AppConfig):
    name = "apps.playback"
    label = "playback"
    verbose_name = _("Playback")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from apps.accounts.downloads_held import register_downloads_held
        from apps.accounts.entitlements import limits_changed
        from apps.playback.selectors import account_downloads_held
        from apps.playback.services import on_limits_changed
        from apps.playback.streams import release_on_sign_out

        limits_changed.connect(on_limits_changed, dispatch_uid="playback-downloads-prune")
        register_downloads_held(account_downloads_held)
        user_logged_out.connect(release_on_sign_out, dispatch_uid="playback-stream-release")
