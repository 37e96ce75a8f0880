"""The e-mail confirming that an account was deleted (apps.yourdata.services.account_delete).

It is transactional (sent whatever the account's e-mail settings were) and goes out like every
billing e-mail: a Notice recorded in the deleting transaction under the key
`account_deleted:<account id>`, sent after commit by `send_notice`, claimed in the database
first, so a double-submitted form, a redelivered task or the sweeper sends it once.

The account's address is gone from the account row by then, so the notice carries it in `to`
until it has left; `notice_send` then blanks it (core.FORGET_ADDRESS_KINDS). The context names no
one: the language, the dates, the plan's name and the help page's address.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.language import speaking_to, user_language
from apps.accounts.models import User
from apps.accounts.recipients import mail_address
from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.core.dates import long_date
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Membership, Subscription
from apps.subscriptions.services.core import _notice, _subscription_locked

KIND = "account_deleted"  # in core.FORGET_ADDRESS_KINDS
MEMBERS_KIND = "shared_plan_ended"


def account_deleted_context(*, user, at: datetime | None = None) -> dict:
    """What the e-mail says, worked out before the account is erased (its language, time zone
    and plan are erased with it). Call it after the plan is cancelled."""
    at = at or clock.now()
    language = user_language(user) or translation.get_language() or settings.LANGUAGE_CODE
    sub = Subscription.objects.select_related("plan").filter(user=user).first()
    with speaking_to(user), timezone.override(viewer_zone_name(user)):
        context = {
            "language": language,
            "deleted_on": long_date(timezone.localdate(at)),
            "help_url": settings.SITE_URL.rstrip("/") + reverse("support:index"),
            # The account is gone: the contact form takes signed-out requests, or write to us.
            "contact_url": settings.SITE_URL.rstrip("/") + reverse("support:contact"),
            "support_email": settings.SUPPORT_EMAIL,
            "plan": "",
            "paid_until": "",
            "unpaid": False,
        }
        if sub is not None and sub.is_paid:
            context["plan"] = sub.plan.name
            if sub.status == State.PAST_DUE:
                context["unpaid"] = True
            elif sub.current_period_end:
                context["paid_until"] = long_date(timezone.localdate(sub.current_period_end))
    return context


def account_deleted_notice(*, user, to: str, context: dict, at: datetime | None = None) -> bool:
    """Record the e-mail to `to` (the address the account had) once per account; it goes out
    after commit. Call it after the erasure, which deletes every notice to that address."""
    if not to:
        return False
    at = at or clock.now()
    sub = _subscription_locked(user)  # the kept (scrubbed) row; a Free one if it had none
    return _notice(sub, key=f"{KIND}:{user.pk}", kind=KIND, context=context, at=at, to=to)


def members_losing_plan(*, user) -> list[dict]:
    """Who shares the account's Duo or Family plan (another account each), read before the
    erasure deletes their memberships: they lose the plan at once with the owner's account.
    Each is {"membership": id, "user": id, "plan": the plan's name}."""
    return [
        {"membership": m.pk, "user": m.user_id, "plan": m.subscription.plan.name}
        for m in Membership.objects.filter(subscription__user=user).select_related(
            "subscription__plan"
        )
    ]


def members_plan_ended_notice(*, user, members: list[dict], at: datetime | None = None) -> int:
    """One e-mail to each member (`members_losing_plan`) saying the plan they shared ended with
    its owner's account and they are on Free now, in the member's language (their own
    account's, at send time). It names nobody. Recorded after the erasure (which deletes the
    owner's notices), once per membership. Returns how many were recorded."""
    at = at or clock.now()
    sub = _subscription_locked(user)
    accounts = User.objects.in_bulk([m["user"] for m in members])
    recorded = 0
    for member in members:
        to = mail_address(accounts.get(member["user"]))
        if to and _notice(
            sub,
            key=f"{MEMBERS_KIND}:{member['membership']}",
            kind=MEMBERS_KIND,
            context={"plan": member["plan"]},
            at=at,
            to=to,
        ):
            recorded += 1
    return recorded
