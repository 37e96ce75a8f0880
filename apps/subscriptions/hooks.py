"""How subscriptions feeds plan limits to the rest of the site (see apps/accounts/entitlements).

Connected from SubscriptionsConfig.ready(): the provider maps `entitlements_for(user)` to the
accounts app's Limits, and the receivers forget an account's cached limits whenever its own
subscription or its membership of a shared plan changes, so an upgrade applies at once.
"""

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts import cached, entitlements, membership
from apps.accounts.models import User
from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.subscriptions import display
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Membership, Subscription
from apps.subscriptions.money import format_money
from apps.subscriptions.selectors import entitlements_for, schedule_for, subscription_for


def limits(user) -> entitlements.Limits:
    ent = entitlements_for(user)
    return entitlements.Limits(
        max_profiles=ent.max_profiles,
        max_streams=ent.max_streams,
        max_quality=ent.max_quality,
        plan_name=ent.plan_name,
        plans_url=reverse("subscriptions:plans"),
        downloads_per_device=ent.downloads_per_device,
        download_devices=ent.download_devices,
    )


def membership_summary(user) -> membership.Membership:
    """The account page's first lines: plan, next payment (date, amount, method), any problem."""
    manage = reverse("subscriptions:overview")
    sub = subscription_for(user)
    if sub is None or not sub.is_paid:
        # Free, or a Duo/Family plan shared in: the site's cached limits already say which.
        plan_name = entitlements.limits_for(user).plan_name
        return membership.Membership(plan_name=plan_name, manage_url=manage)
    charge = schedule_for(sub).next_charge
    problem, fix = "", ""
    if sub.status == State.PAST_DUE:
        problem = _("We could not collect %(amount)s on %(date)s.") % {
            "amount": format_money(sub.overdue_amount, sub.currency),
            "date": formats.date_format(timezone.localtime(sub.past_due_since), "ABBR_DATE_FORMAT"),
        }
        fix = reverse("subscriptions:pay_now")
    elif sub.payment_method is None and charge is not None:
        problem = _("No payment method is on file for the next payment.")
        fix = reverse("subscriptions:payment_methods")
    plan_name = sub.plan.name
    if sub.starts_at is not None and sub.starts_at > clock.now():
        with timezone.override(viewer_zone_name(user)):
            plan_name = display.plan_starts_text(plan_name, timezone.localdate(sub.starts_at))
    return membership.Membership(
        plan_name=plan_name,
        next_payment_on=charge.local_date if charge is not None else None,
        next_payment_amount=format_money(charge.amount, charge.currency) if charge else "",
        payment_method=str(sub.payment_method) if sub.payment_method is not None else "",
        problem=problem,
        fix_url=fix,
        manage_url=manage,
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
    membership.register(membership_summary)
    for signal in (post_save, post_delete):
        signal.connect(
            _forget_subscription, sender=Subscription, dispatch_uid="subscriptions-limits-sub"
        )
        signal.connect(
            _forget_membership, sender=Membership, dispatch_uid="subscriptions-limits-member"
        )
