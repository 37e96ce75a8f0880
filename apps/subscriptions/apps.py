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
    from apps.subscriptions.selectors import people  # in ready(): it imports the models

    # Registering is on tracking's write side (services), like recording an event.
    from apps.tracking.services import (
        LIFETIME_PAID,
        PLAN,
        register_account_values,
        register_messages,
        register_segments,
    )  # in ready(): tracking's services import its models

    register_account_values(PLAN, people.plan_names)
    register_account_values(LIFETIME_PAID, people.lifetime_paid)
    register_segments("subscriptions", people.plan_segments)
    register_messages("subscriptions", people.billing_messages)
