"""Reads for subscriptions. `entitlements_for(user)` is what the rest of the site checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet, prefetch_related_objects

from apps.accounts import activity
from apps.accounts.entitlements import quality_label
from apps.accounts.timezones import viewer_zone_name
from apps.catalogue.models import Title
from apps.core import clock
from apps.core.claims import unclaimed
from apps.subscriptions import lifecycle, metrics, price_notice, student
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.lifecycle import State
from apps.subscriptions.models import (
    INTERVAL_MONTHS,
    Interval,
    Invitation,
    Invoice,
    Membership,
    Notice,
    Payment,
    PaymentMethod,
    Plan,
    PriceLock,
    StudentCheck,
    Subscription,
    SubscriptionChange,
)
from apps.subscriptions.outcomes import EntitlementSource
from apps.subscriptions.plan_catalogue import PLANS
from apps.subscriptions.schedule import (
    Anchor,
    BillingState,
    Charge,
    Overdue,
    PlanChange,
    Postponement,
    Schedule,
    upcoming,
)
from apps.subscriptions.zones import billing_zone

# --- Entitlements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entitlements:
    """What an account may do right now, from its own plan, a shared plan, or Free."""

    plan_code: str
    plan_name: str
    max_streams: int
    max_quality: str  # sd | hd | uhd
    max_profiles: int
    downloads: bool
    watch_party_extras: bool
    source: EntitlementSource
    downloads_per_device: int = 0
    download_devices: int = 0

    @property
    def is_paid(self) -> bool:
        return self.source != EntitlementSource.FREE

    @property
    def quality_label(self) -> str:
        return quality_label(self.max_quality)

    @classmethod
    def of(cls, plan: Plan, source: EntitlementSource) -> Entitlements:
        return cls(
            plan_code=plan.code,
            plan_name=plan.name,
            max_streams=plan.max_streams,
            max_quality=plan.max_quality,
            max_profiles=plan.max_profiles,
            downloads=plan.downloads,
            watch_party_extras=plan.watch_party_extras,
            source=source,
            downloads_per_device=plan.downloads_per_device if plan.downloads else 0,
            download_devices=plan.download_devices if plan.downloads else 0,
        )


def _free_entitlements() -> Entitlements:
    plan = Plan.objects.filter(code=Plan.FREE).first()
    if plan is None:  # before plans are seeded: the catalogue's Free
        plan = Plan(**next(p for p in PLANS if p["code"] == Plan.FREE))
    return Entitlements.of(plan, EntitlementSource.FREE)


def _grants(sub: Subscription | None, now: datetime) -> bool:
    return (
        sub is not None
        and lifecycle.has_paid_access(sub.status)
        and not sub.ends_when_paid  # the plan ended; only a debt for days used is left
        and sub.starts_at is not None
        and sub.starts_at <= now
    )


def entitlements_for(user) -> Entitlements:
    """The ONE check for plan limits (streams, quality, profiles, downloads, party extras).

    An account's own running plan wins; otherwise a Duo/Family plan it is a member of;
    otherwise Free. Paid access lasts through a scheduled cancellation and payment retries,
    and starts when the plan starts (after the withdrawal period unless started at once).
    At most three queries.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return _free_entitlements()
    now = clock.now()
    own = Subscription.objects.select_related("plan").filter(user=user).first()
    if _grants(own, now):
        return Entitlements.of(own.plan, EntitlementSource.OWN)
    membership = Membership.objects.select_related("subscription__plan").filter(user=user).first()
    if membership is not None:
        shared = membership.subscription
        if _grants(shared, now) and shared.plan.is_shared:
            return Entitlements.of(shared.plan, EntitlementSource.SHARED)
    return _free_entitlements()


# --- The subscription and its schedule -----------------------------------------------------------


def subscription_for(user) -> Subscription | None:
    return (
        Subscription.objects.select_related("user", "plan", "pending_plan", "payment_method")
        .filter(user=user)
        .first()
    )


def anchor_for(sub: Subscription) -> Anchor:
    return Anchor(day=sub.anchor_date, at=sub.anchor_time, time_zone=billing_zone(sub))


def billing_state(
    sub: Subscription,
    *,
    postpone_next: bool = False,
    pending: tuple[Plan, str] | None = None,
    upgraded_to: Plan | None = None,
    cancel: bool = False,
) -> BillingState | None:
    """The subscription as schedule.py sees it; `postpone_next`, `pending` (a change at the
    period end), `upgraded_to` (an upgrade now, which drops any pending change) and `cancel`
    (a cancellation at the period end) preview a change."""
    if not sub.is_paid or sub.anchor_date is None:
        return None
    current = upgraded_to or sub.plan
    anchor = anchor_for(sub)
    months = sub.interval_months
    next_offset = sub.period_offset + months
    overdue = None
    cancelling = cancel or sub.status == State.CANCEL_SCHEDULED
    cancel_at = sub.period_offset + months if cancelling else None
    if sub.status == State.PAST_DUE and sub.next_retry_at is not None:
        overdue = Overdue(amount=sub.overdue_amount, retry_at=sub.next_retry_at)
        if sub.ends_when_paid:
            cancel_at = next_offset  # the plan already ended: only the debt is left
        else:
            next_offset += months
    pending_plan = pending or (
        (sub.pending_plan, sub.pending_interval or sub.interval)
        if sub.pending_plan and upgraded_to is None
        else None
    )
    change = new_price = None
    if pending_plan is not None:
        plan, interval = pending_plan
        change, new_price = _switch(sub, anchor, plan, interval, preview=pending is not None)
    if (
        sub.status == State.ACTIVE
        and not cancel
        and current.requires_verification
        and pending_plan is None
    ):
        # Without a confirmed student status the plan ends at the first boundary after it.
        offset = next_offset
        for _n in range(36):
            if student.lapsed(sub.verified_until, charge_day=anchor.date_at(offset)):
                cancel_at = offset
                break
            offset += months
    plan_price = current.amount_for(sub.interval)
    amount = plan_price
    # While a switch is pending, no charge is at the current plan's price.
    lock = price_lock_for(sub) if upgraded_to is None and change is None else None
    if lock is not None and lock.amount < plan_price:
        # The old price for the charges the notice covers, then the plan's price.
        first_new = next(
            (
                offset
                for offset in range(next_offset, next_offset + 24 * months, months)
                if anchor.instant_at(offset) >= lock.until
            ),
            None,
        )
        if first_new != next_offset:
            amount = lock.amount
        # The first payment at the new price is named as such, also when the notice ran out
        # before the next payment (QA12: the page then showed the new price as if it had
        # always been the price); once a payment at the new price is made, it is just the price.
        paid_at_old = anchor.instant_at(next_offset - months) < lock.until
        if first_new is not None and (first_new != next_offset or paid_at_old):
            new_price = PlanChange(
                at_offset=first_new,
                amount=plan_price,
                interval_months=months,
                plan_label=plan_with_period(current.name, sub.interval),
            )
    postponement = None
    if sub.postpone_offset is not None:
        postponement = Postponement(skip_offset=sub.postpone_offset, carried=sub.postponed_carried)
    elif postpone_next:
        postponement = Postponement(skip_offset=sub.period_offset + months)
    return BillingState(
        anchor=anchor,
        interval_months=months,
        amount=amount,
        currency=sub.currency,
        plan_label=plan_with_period(current.name, sub.interval),
        next_offset=next_offset,
        pending_change=change,
        postponement=postponement,
        cancel_at_offset=cancel_at,
        credit=sub.credit_balance,
        overdue=overdue,
        view_time_zone=viewer_zone_name(sub.user),
        discount=sub.discount,
        new_price=new_price,
    )


def _switch(
    sub: Subscription, anchor: Anchor, plan: Plan, interval: str, *, preview: bool
) -> tuple[PlanChange, PlanChange | None]:
    """The change at the period end to `plan`/`interval`, and the rise of its price reaching
    this subscriber later when it rose after they chose it (they keep the price they were
    shown until the notice has run, as the plan's own subscribers do)."""
    at_offset = sub.period_offset + sub.interval_months
    months = INTERVAL_MONTHS[Interval(interval)]
    label = plan_with_period(plan.name, interval)
    plan_price = plan.amount_for(interval)
    lock = None if preview else price_lock_for(sub, plan=plan, interval=interval)
    if lock is None or lock.amount >= plan_price:
        return PlanChange(at_offset, plan_price, months, label), None
    first_new = next(
        (
            offset
            for offset in range(at_offset, at_offset + 24 * months, months)
            if anchor.instant_at(offset) >= lock.until
        ),
        None,
    )
    if first_new == at_offset:
        return PlanChange(at_offset, plan_price, months, label), None
    rise = None if first_new is None else PlanChange(first_new, plan_price, months, label)
    return PlanChange(at_offset, lock.amount, months, label), rise


def price_lock_for(sub: Subscription, *, plan: Plan | None = None, interval: str = ""):
    """The old price `sub` keeps on `plan`/`interval` (default: its own) after a rise of that
    plan's price, if it still applies: while `sub` is on them or switching to them at the
    period end. One query per subscription object (prefetched, then read from there)."""
    plan_id = plan.pk if plan is not None else sub.plan_id
    interval = interval or sub.interval
    if (plan_id, interval) not in (
        (sub.plan_id, sub.interval),
        (sub.pending_plan_id, sub.pending_interval or sub.interval),
    ):
        return None
    if "price_locks" not in getattr(sub, "_prefetched_objects_cache", {}):
        prefetch_related_objects([sub], "price_locks")
    return next(
        (
            lock
            for lock in sub.price_locks.all()
            if (lock.plan_id, lock.interval) == (plan_id, interval)
        ),
        None,
    )


def price_lock_notice(lock: PriceLock) -> Notice | None:
    """The e-mail that announced the rise `lock` keeps the old price through (None when the
    subscriber was not e-mailed: a cancelled plan, or one they are leaving)."""
    prefix = price_notice.notice_key_prefix(lock.subscription_id, lock.plan_id, lock.interval)
    return (
        Notice.objects.filter(
            subscription_id=lock.subscription_id,
            key__startswith=prefix,
            key__endswith=f":{lock.created_at:%Y%m%d%H%M%S}",
        )
        .order_by("-created_at")
        .first()
    )


def price_locks_changed(sub: Subscription) -> None:
    """Forget the prefetched kept prices after writing them."""
    getattr(sub, "_prefetched_objects_cache", {}).pop("price_locks", None)


def price_paid_now(sub: Subscription) -> int:
    """The price of the period `sub` is in: the kept price while a rise's notice ran when the
    period started, the plan's price otherwise (MRR and an upgrade's preview read this)."""
    plan_price = sub.plan.amount_for(sub.interval)
    lock = price_lock_for(sub)
    if lock is None or sub.current_period_start is None:
        return plan_price
    return price_notice.price_due(
        plan_price=plan_price, kept=lock.amount, until=lock.until, due_at=sub.current_period_start
    )


def schedule_for(sub: Subscription | None, *, count: int = 12, **preview) -> Schedule:
    state = billing_state(sub, **preview) if sub is not None else None
    if state is None:
        currency = sub.currency if sub is not None else "EUR"
        credit = sub.credit_balance if sub is not None else 0
        return Schedule(charges=(), credit_left=credit, currency=currency)
    return upcoming(state, count=count)


def final_charge_for(sub: Subscription | None) -> Charge | None:
    """The charge still collected when the plan ends at this period's end (a postponed amount
    owed), whether it is cancelled already or only about to be; None if nothing is."""
    if sub is None or sub.status not in (State.ACTIVE, State.CANCEL_SCHEDULED):
        return None
    return schedule_for(sub, count=3, cancel=True).final_charge


# --- Student status ------------------------------------------------------------------------------

STUDENT_BANNER_DAYS = max(student.NOTICE_DAYS)


def student_check_open(sub: Subscription, *, at: datetime) -> StudentCheck | None:
    """The code sent last, while it can still be entered."""
    return (
        sub.student_checks.filter(confirmed_at__isnull=True, expires_at__gt=at)
        .order_by("-created_at", "-pk")
        .first()
    )


def student_confirmation_due(sub: Subscription | None, *, at: datetime) -> bool:
    """Show the "confirm your student status" banner: a running Student plan whose status
    lapses within 30 days (no query)."""
    if sub is None or sub.status != State.ACTIVE or not sub.plan.requires_verification:
        return False
    if sub.pending_plan_id is not None or sub.verified_until is None:
        return sub.pending_plan_id is None
    today = at.astimezone(ZoneInfo(viewer_zone_name(sub.user))).date()
    return (sub.verified_until - today).days <= STUDENT_BANNER_DAYS


# --- Pages ---------------------------------------------------------------------------------------


@dataclass
class Overview:
    subscription: Subscription | None
    entitlements: Entitlements
    schedule: Schedule
    methods: list[PaymentMethod]
    invoices: list[Invoice]
    invoice_count: int
    members: list[Membership]
    invitations: list[Invitation]
    shared_from: Membership | None
    recent_postponements: list[datetime]
    pending_checkout_payment: Payment | None
    # When the paid plan ended because its payment failed to the last try (on Free since).
    dropped_unpaid_at: datetime | None = None


RECENT_INVOICES = 5


def overview(*, user, at: datetime) -> Overview:
    """Everything the subscription page shows, in a fixed number of queries."""
    sub = subscription_for(user)
    members: list[Membership] = []
    invitations: list[Invitation] = []
    postponed: list[datetime] = []
    if sub is not None:
        members = list(sub.memberships.select_related("user"))
        invitations = list(
            sub.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        )
        postponed = list(
            sub.postponements.filter(created_at__gt=at - lifecycle.POSTPONE_WINDOW).values_list(
                "created_at", flat=True
            )
        )
    shared_from = (
        Membership.objects.select_related("subscription__plan", "subscription__user")
        .filter(user=user)
        .first()
    )
    invoices = list(invoices_for(user)[: RECENT_INVOICES + 1])
    waiting = (
        Payment.objects.filter(user=user, status=Payment.Status.REQUIRES_ACTION)
        .order_by("-created_at")
        .first()
    )
    dropped = None
    if sub is not None and not sub.is_paid:
        last = sub.changes.order_by("-at", "-pk").values("event", "at").first()
        if last is not None and last["event"] == SubscriptionChange.Event.DROPPED_TO_FREE:
            dropped = last["at"]
    if sub is not None and _grants(sub, at):
        ent = Entitlements.of(sub.plan, EntitlementSource.OWN)
    elif shared_from is not None and _grants(shared_from.subscription, at):
        ent = Entitlements.of(shared_from.subscription.plan, EntitlementSource.SHARED)
    else:
        ent = _free_entitlements()
    return Overview(
        subscription=sub,
        entitlements=ent,
        schedule=schedule_for(sub),
        methods=list(payment_methods_for(user)),
        invoices=invoices[:RECENT_INVOICES],
        invoice_count=len(invoices),
        members=members,
        invitations=invitations,
        shared_from=shared_from,
        recent_postponements=postponed,
        pending_checkout_payment=waiting,
        dropped_unpaid_at=dropped,
    )


def payment_methods_for(user) -> QuerySet[PaymentMethod]:
    return PaymentMethod.objects.filter(user=user, removed_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def payment_method_for(user, method_id) -> PaymentMethod | None:
    """The user's payment method with this id; None for another user's or a malformed id."""
    if not str(method_id).isdigit():
        return None
    return payment_methods_for(user).filter(pk=method_id).first()


def declined_methods(sub: Subscription) -> dict[int, datetime]:
    """Saved methods declined for the payment now overdue -> when each last was."""
    if sub.past_due_since is None:
        return {}
    declined: dict[int, datetime] = {}
    for method_id, at in (
        Payment.objects.filter(
            subscription=sub,
            status=Payment.Status.FAILED,
            payment_method__isnull=False,
            # The first failure is recorded at the due moment, a moment around past_due_since.
            created_at__gte=sub.past_due_since - timedelta(days=1),
        )
        .order_by("created_at")
        .values_list("payment_method_id", "created_at")
    ):
        declined[method_id] = at
    return declined


def invoices_for(user) -> QuerySet[Invoice]:
    return Invoice.objects.filter(user=user).order_by("-issued_at", "-pk")


def invoice_for(user, number: str) -> Invoice | None:
    return (
        Invoice.objects.select_related("payment__payment_method", "refund")
        .filter(user=user, number=number)
        .first()
    )


def payment_for(user, payment_id) -> Payment | None:
    return (
        Payment.objects.select_related("plan", "payment_method")
        .filter(user=user, pk=payment_id)
        .first()
    )


def offered_plans() -> list[Plan]:
    return list(Plan.objects.offered())


def plan_by_code(code: str) -> Plan | None:
    return Plan.objects.filter(code=code, is_active=True).first()


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("subscription__user", "subscription__plan")
        .filter(token=token)
        .first()
    )


# --- Retention: what they are in the middle of ---------------------------------------------------

RETENTION_LOOKBACK = timedelta(days=90)


def titles_in_progress(*, user, at: datetime, limit: int = 3) -> list[str]:
    """Names of titles the account's profiles started and have not finished (newest first).

    Read from the event log (play_started / play_completed with properties.title_id) through
    apps.accounts.activity: subscriptions does not read tracking (DESIGN.md). Only a
    kind reminder on the cancel page: any problem here yields an empty list, never an error.
    """
    try:
        events = activity.play_history(
            account=user, since=at - RETENTION_LOOKBACK, until=at, limit=300
        )
        ids = metrics.in_progress_title_ids(events, limit=limit)
        names = dict(Title.objects.filter(pk__in=ids).values_list("pk", "name"))
        return [names[i] for i in ids if i in names]
    except Exception:  # noqa: BLE001 - optional and never blocking
        return []


# --- Admin: active subscriptions and MRR over time ------------------------------------------------


def mrr_series(*, start: date, end: date, currency: str = "EUR") -> list[metrics.Point]:
    """Daily active paid subscriptions and monthly recurring revenue, from the change history.

    One query over the history up to `end` (the admin chart covers a few months).
    """
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    changes: Iterable[tuple[int, datetime, str, int]] = (
        SubscriptionChange.objects.filter(at__lt=until, currency=currency)
        .order_by("at", "pk")
        .values_list("subscription_id", "at", "status", "mrr")
    )
    return metrics.daily_series(changes, start=start, end=end)


def notices_unsent(*, at: datetime | None = None, limit: int = 500) -> list[int]:
    """Notices whose task was lost (Redis restarted) or whose sender died mid-send, and those
    held back until a moment now past (`send_after`: no task was queued for them)."""
    at = at or clock.now()
    stale = at - timedelta(seconds=settings.NOTICE_SWEEP_AFTER_SECONDS)
    return list(
        Notice.objects.filter(sent_at__isnull=True)
        .filter(
            Q(send_after__isnull=True, created_at__lt=stale)
            | Q(send_after__isnull=False, send_after__lte=at)
        )
        .filter(unclaimed(stale_before=stale))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
