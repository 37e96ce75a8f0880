"""Demo-only billing helpers: give a persona a paid history through the real services.

Nothing outside apps.demo (and tests) calls these; they use test cards, so they only make
sense against the fake gateway.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.timezones import viewer_zone_name
from apps.core import clock
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Interval,
    Membership,
    Plan,
    Subscription,
)
from apps.subscriptions.schedule import add_months, local_instant
from apps.subscriptions.selectors import MAX_CATCH_UP
from apps.subscriptions.services import (
    CardDetails,
    checkout_pay,
    invitation_accept,
    member_invite,
    payment_method_add,
    payment_method_make_default,
    subscription_cancel,
    subscription_postpone,
    subscription_renew,
)

# --- Demo ----------------------------------------------------------------------------------------

DEMO_GOOD_CARD = "4242424242424242"
DEMO_NO_FUNDS_CARD = "4000000000009995"
STUDENT_DEMO_DAYS = 12


def demo_subscription(
    *,
    user,
    plan_code: str,
    interval: str = Interval.MONTH,
    months: int = 3,
    then: str = "",
    at: datetime | None = None,
) -> Subscription:
    """Give a demo persona a paid history through the real services (test cards, real invoices).

    The plan started `months` months ago (at this time of day, minus two hours) and renewed
    since. `then` leaves it "cancel" (cancels at period end), "postponed" (next payment
    postponed), "past_due" (the renewal due two hours ago was declined; retries pending) or
    "student_due" (a Student plan whose status is confirmed for STUDENT_DEMO_DAYS more days:
    the banner shows at once, the 7-day e-mail comes after a few days, and the next renewal
    after that date ends the plan unless the viewer confirms).
    Idempotent: an account that ever paid is left as it is.
    """
    at = at or clock.now()
    existing = Subscription.objects.filter(user=user).first()
    if existing is not None and existing.paid_subscriptions:
        return existing
    tz = ZoneInfo(viewer_zone_name(user))
    local = (at - timedelta(hours=2)).astimezone(tz)
    step = INTERVAL_MONTHS[Interval(interval)]
    started = local_instant(add_months(local.date(), -months * step), local.time(), tz)
    card = CardDetails(
        number=DEMO_GOOD_CARD,
        exp_month=12,
        exp_year=at.year + 4,
        cvc="123",
        holder=user.email.split("@")[0].title(),
    )
    checkout_pay(
        user=user,
        plan=Plan.objects.get(code=plan_code),
        interval=interval,
        source=card,
        start_now=True,
        key=f"demo-{user.pk}-{plan_code}",
        at=started,
        receipt=False,  # history laid out months back: nobody bought anything now
    )
    sub = Subscription.objects.get(user=user)
    if then == "past_due":
        _demo_renew_until(sub.pk, at - timedelta(hours=3))
        bad = payment_method_add(
            user=user, source=CardDetails(**{**card.__dict__, "number": DEMO_NO_FUNDS_CARD}), at=at
        )
        payment_method_make_default(user=user, method=bad)
    _demo_renew_until(sub.pk, at)
    if then == "cancel":
        subscription_cancel(user=user, at=at, confirm=False)  # seeded: no e-mail now
    elif then == "postponed":
        subscription_postpone(user=user, at=at)
    elif then == "student_due":
        today = at.astimezone(tz).date()
        Subscription.objects.filter(pk=sub.pk, plan__requires_verification=True).update(
            verified_until=today + timedelta(days=STUDENT_DEMO_DAYS)
        )
    return Subscription.objects.get(user=user)


def _demo_renew_until(subscription_id: int, until: datetime) -> None:
    """Renew each past boundary at its own date, as beat would have, so every payment and
    invoice carries the date it was due (not the day the demo was seeded)."""
    for _period in range(MAX_CATCH_UP):
        due = (
            Subscription.objects.filter(
                pk=subscription_id, status__in=(State.ACTIVE, State.CANCEL_SCHEDULED)
            )
            .values_list("current_period_end", flat=True)
            .first()
        )
        if due is None or due > until:
            return
        # History laid out months back: no receipt e-mails for it (as checkout_pay's).
        if not subscription_renew(subscription_id=subscription_id, at=due, receipt=False):
            return


def demo_share(*, owner, member, at: datetime | None = None) -> None:
    """Make `member` part of `owner`'s Duo/Family plan (idempotent)."""
    if Membership.objects.filter(user=member).exists():
        return
    invitation = member_invite(owner=owner, email=member.email, at=at)
    invitation_accept(user=member, token=invitation.token, at=at)
