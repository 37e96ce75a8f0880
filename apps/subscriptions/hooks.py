"""How subscriptions feeds plan limits to the rest of the site (see apps/accounts/entitlements).

Connected from SubscriptionsConfig.ready(): the provider maps `entitlements_for(user)` to the
accounts app's Limits, and the receivers forget an account's cached limits whenever its own
subscription or its membership of a shared plan changes, so an upgrade applies at once.
"""

from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from apps.accounts import cached, entitlements
from apps.accounts.models import User
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Membership, Subscription
from apps.subscriptions.selectors import entitlements_for


def limits(user) -> entitlements.Limits:
    ent = entitlements_for(user)
    return entitlements.Limits(
        max_profiles=ent.max_profiles,
        max_streams=ent.max_streams,
        max_quality=ent.max_quality,
        plan_name=ent.plan_name,
        plans_url=reverse("subscriptions:plans"),
    )


def _mark_overdue(user_id, overdue: bool) -> None:
    """Keep the account's past-due flag (the site-wide banner) in step: one UPDATE, which
    writes (and forgets the cached user) only when the flag changes."""
    changed = (
        User.objects.filter(pk=user_id)
        .exclude(payment_overdue=overdue)
        .update(payment_overdue=overdue)
    )
    if changed:
        cached.forget_user(user_id)


def _forget_subscription(sender, instance: Subscription, **kwargs) -> None:
    saved = kwargs.get("signal") is post_save
    _mark_overdue(instance.user_id, saved and instance.status == State.PAST_DUE)
    entitlements.forget(instance.user_id)
    if instance.pk is not None:  # a Duo/Family plan's members use it too
        members = Membership.objects.filter(subscription_id=instance.pk)
        for user_id in members.values_list("user_id", flat=True):
            entitlements.forget(user_id)


def _forget_membership(sender, instance: Membership, **kwargs) -> None:
    entitlements.forget(instance.user_id)


def connect() -> None:
    entitlements.register(limits)
    for signal in (post_save, post_delete):
        signal.connect(
            _forget_subscription, sender=Subscription, dispatch_uid="subscriptions-limits-sub"
        )
        signal.connect(
            _forget_membership, sender=Membership, dispatch_uid="subscriptions-limits-member"
        )
