"""What subscriptions tells tracking's customer attributes and profile 360 page about an
account (registered in `apps.tracking.registry` at start-up, see apps.py): its plan, what it
has paid, and the billing e-mails it received."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Q, Sum
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.accounts.language import speaking_to
from apps.core.claims import subject_of
from apps.subscriptions.models import Notice, Payment, Plan, Subscription
from apps.subscriptions.offer_models import NewsletterSignup
from apps.tracking.services import SentMessage


def plan_names(account_ids: list[int]) -> dict[int, str]:
    """{account id: its plan's name}; an account that never subscribed is on the free plan."""
    found = dict(
        Subscription.objects.filter(user_id__in=account_ids).values_list("user_id", "plan__name")
    )
    free = Plan.objects.filter(code=Plan.FREE).values_list("name", flat=True).first()
    return {pk: found.get(pk) or free for pk in account_ids if found.get(pk) or free}


def lifetime_paid(account_ids: list[int]) -> dict[int, tuple[int, str]]:
    """{account id: (minor units charged minus refunded, currency)}, one query. An account
    that paid in several currencies shows the one it paid most in."""
    totals: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        Payment.objects.filter(user_id__in=account_ids, status=Payment.Status.SUCCEEDED)
        .values("user_id", "currency")
        .annotate(net=Sum(F("amount") - F("refunded_amount")))
        .values_list("user_id", "currency", "net")
        .order_by()
    )
    for user_id, currency, net in rows:
        totals[user_id].append((int(net or 0), currency))
    return {pk: max(values) for pk, values in totals.items()}


def plan_segments(profile) -> list[str]:
    name = plan_names([profile.account_id]).get(profile.account_id)
    return [_("Plan: %(plan)s") % {"plan": name}] if name else []


def billing_messages(account, limit: int) -> list[SentMessage]:
    """Billing notices to the account (or about its subscription) and newsletter confirmations
    to its address, newest first; the subject as the viewer read it."""
    notices = Notice.objects.filter(
        Q(to__iexact=account.email) | Q(subscription__user=account)
    ).order_by("-created_at", "-pk")[:limit]
    found = []
    with speaking_to(account):
        for notice in notices:
            body = render_to_string(f"subscriptions/email/{notice.kind}.txt", notice.context)
            found.append(
                SentMessage(
                    at=notice.sent_at,
                    channel=_("e-mail"),
                    subject=subject_of(body),
                    to=notice.to,
                    source=_("billing"),
                )
            )
    for signup in NewsletterSignup.objects.filter(
        email__iexact=account.email, mail_sent_at__isnull=False
    ).order_by("-mail_sent_at")[:limit]:
        found.append(
            SentMessage(
                at=signup.mail_sent_at,
                channel=_("e-mail"),
                subject=_("Newsletter confirmation"),
                to=signup.email,
                source=_("newsletter"),
            )
        )
    return found
