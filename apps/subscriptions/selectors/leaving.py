"""Reads for the cancel flow: the alternatives a viewer may take for their reasons, and the
reasons given over time (the admin's chart)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count

from apps.accounts.downloads_held import downloads_held
from apps.subscriptions import leaving_reasons, lifecycle
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import CancelReason, Plan, Subscription
from apps.subscriptions.outcomes import ChangeKind
from apps.subscriptions.selectors.quotes import change_preview, free_preview, postpone_decision


@dataclass(frozen=True)
class Option:
    """One alternative the viewer can take in one click (kind: leaving_reasons.ALTERNATIVES)."""

    kind: str
    plan: Plan | None = None  # the cheaper plan
    price: int = 0  # its price per interval, or the credit of pausing (minor units)
    starts: datetime | None = None  # when the cheaper plan starts


def downloads_lost(*, user, plan: Plan) -> int:
    """How many of the account's downloads a switch to `plan` removes: all it holds when the plan
    includes no downloads (playback removes them once the account's limits say so), else 0."""
    if plan.downloads and plan.downloads_per_device > 0 and plan.download_devices > 0:
        return 0
    return downloads_held(user)


def cheaper_plan(sub: Subscription) -> Plan | None:
    """The closest step down from the subscription's plan at the same interval: the dearest
    offered paid plan that costs less, is open to everyone (no student check) and fits the
    subscription's members."""
    price = sub.plan.amount_for(sub.interval)
    members = sub.memberships.count()
    plans = [
        p
        for p in Plan.objects.offered()
        if not p.is_free
        and not p.requires_verification
        and p.pk != sub.plan_id
        and p.amount_for(sub.interval) < price
        and p.max_accounts >= members + 1
    ]
    return max(plans, key=lambda p: (p.amount_for(sub.interval), -p.pk), default=None)


def leaving_options(*, sub: Subscription, keys, at: datetime) -> list[Option]:
    """The alternatives that answer the reasons and that this subscription can take now, best
    fits first; "what you'd miss" when nothing else is left (it asks nothing)."""
    options: list[Option] = []
    for kind in leaving_reasons.alternatives_for(tuple(keys)):
        option = _option(sub, kind, at)
        if option is not None:
            options.append(option)
    return options or [Option(leaving_reasons.MISS)]


def _option(sub: Subscription, kind: str, at: datetime) -> Option | None:
    if sub.status != State.ACTIVE:
        return None
    if kind == leaving_reasons.CHEAPER:
        plan = cheaper_plan(sub)
        if plan is None:
            return None
        try:
            preview = change_preview(sub=sub, plan=plan, interval=sub.interval, at=at)
        except ValidationError:
            return None
        if preview.kind != ChangeKind.SCHEDULED:
            return None
        return Option(kind, plan, plan.amount_for(sub.interval), sub.current_period_end)
    if kind == leaving_reasons.POSTPONE:
        return Option(kind) if postpone_decision(sub=sub, at=at).ok else None
    if kind == leaving_reasons.PAUSE:
        if not lifecycle.allowed(sub.status, lifecycle.Event.SWITCH_TO_FREE) or sub.ends_when_paid:
            return None
        return Option(kind, price=free_preview(sub=sub, at=at).credit)
    return Option(kind)


def cancel_reason_counts(*, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """(key, label, how many) of every reason given in (start, end] (one query)."""
    counts = dict(
        CancelReason.objects.filter(given_at__gt=start, given_at__lte=end)
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
        .order_by()
    )
    return leaving_reasons.count_rows(counts)
