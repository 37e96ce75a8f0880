from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "apps.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # Celery autodiscovery imports apps.engagement.tasks only; the channels' sweeper too.
        from apps.engagement.channels import tasks  # noqa: F401
        from apps.engagement.receivers import settle_account_messages, settle_title_messages
        from apps.tracking.publishing import event_recorded

        event_recorded.connect(settle_title_messages, dispatch_uid="engagement-settle-titles")
        event_recorded.connect(settle_account_messages, dispatch_uid="engagement-settle-account")
        _register_quiet_hours()


def _register_quiet_hours() -> None:
    """The account's quiet hours for subscriptions' e-mails (a student reminder waits for
    them to end): those of the profile account messages go to, the grown-ups' first."""
    from apps.accounts.quiet_hours import register_quiet_hours
    from apps.accounts.selectors import grown_ups_profile
    from apps.engagement.models import MessagingSettings  # in ready(): the models are loaded

    def quiet_hours(account):
        profile = grown_ups_profile(account=account)
        row = MessagingSettings.objects.filter(profile=profile).first() if profile else None
        row = row or MessagingSettings()  # unsaved, its defaults are still the strings
        field = MessagingSettings._meta.get_field
        return (
            field("quiet_start").to_python(row.quiet_start),
            field("quiet_end").to_python(row.quiet_end),
        )

    register_quiet_hours(quiet_hours)
