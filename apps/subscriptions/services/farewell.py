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
from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.core.dates import long_date
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import Subscription
from apps.subscriptions.services.core import _notice, _subscription_locked

KIND = "account_deleted"  # in core.FORGET_ADDRESS_KINDS


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
