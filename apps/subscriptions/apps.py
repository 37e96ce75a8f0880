from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "apps.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        from apps.subscriptions import hooks  # in ready(): hooks import the models

        hooks.connect()
        _register_with_tracking()


def _register_with_tracking() -> None:
    """Plan, lifetime paid, the plan segment and billing e-mails for customer attributes and
    the profile 360 page (tracking may not import subscriptions; see apps/tracking/registry)."""
    from apps.subscriptions.selectors import people
    from apps.tracking import registry

    registry.register_account_values(registry.PLAN, people.plan_names)
    registry.register_account_values(registry.LIFETIME_PAID, people.lifetime_paid)
    registry.register_segments("subscriptions", people.plan_segments)
    registry.register_messages("subscriptions", people.billing_messages)
