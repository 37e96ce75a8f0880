"""Plans, subscriptions, payment methods, payments, refunds, invoices and family sharing.

Money is always an integer amount in minor units plus an ISO currency code. Timestamps are UTC;
the billing anchor is a LOCAL date and time of day, read in the account's time zone (see
schedule.py). Everything a retry could repeat is pinned by a unique key.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.entitlements import QUALITY_LABELS
from apps.subscriptions.coupons import Discount
from apps.subscriptions.lifecycle import State
from apps.subscriptions.money import format_money


class Interval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


INTERVAL_MONTHS = {Interval.MONTH: 1, Interval.YEAR: 12}


class Quality(models.TextChoices):
    # The labels are the ones every page uses (accounts.entitlements).
    SD = "sd", QUALITY_LABELS["sd"]
    HD = "hd", QUALITY_LABELS["hd"]
    UHD = "uhd", QUALITY_LABELS["uhd"]


class PlanQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(is_active=True).order_by("sort_order", "monthly_amount", "pk")


class Plan(models.Model):
    """A plan and what it entitles to; curated in the admin (seeded by services.plans_seed)."""

    FREE = "free"

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    monthly_amount = models.PositiveIntegerField(_("monthly price (minor units)"), default=0)
    yearly_amount = models.PositiveIntegerField(_("yearly price (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    max_streams = models.PositiveSmallIntegerField(_("simultaneous streams"), default=1)
    max_quality = models.CharField(
        _("best quality"), max_length=8, choices=Quality.choices, default=Quality.SD
    )
    max_profiles = models.PositiveSmallIntegerField(_("profiles"), default=1)
    downloads = models.BooleanField(_("downloads"), default=False)
    downloads_per_device = models.PositiveSmallIntegerField(
        _("downloads per device"), default=25, help_text=_("When the plan includes downloads.")
    )
    download_devices = models.PositiveSmallIntegerField(
        _("devices with downloads"),
        default=2,
        help_text=_("How many of the account's devices may hold downloads at once."),
    )
    watch_party_extras = models.BooleanField(_("watch-party extras"), default=False)
    max_accounts = models.PositiveSmallIntegerField(
        _("accounts sharing the plan"), default=1, help_text=_("2 for Duo, up to 6 for Family.")
    )
    requires_verification = models.BooleanField(
        _("needs yearly re-verification"), default=False, help_text=_("Student plans.")
    )
    is_active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "monthly_amount", "pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_accounts__gte=1) & Q(max_accounts__lte=6),
                name="plan_accounts_1_to_6",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.code == self.FREE

    @property
    def is_shared(self) -> bool:
        return self.max_accounts > 1

    def amount_for(self, interval: str) -> int:
        return self.yearly_amount if interval == Interval.YEAR else self.monthly_amount


class SubscriptionQuerySet(models.QuerySet):
    def due_for_renewal(self, now):
        paid = [State.ACTIVE, State.CANCEL_SCHEDULED]
        return self.filter(status__in=paid, current_period_end__lte=now)

    def due_for_retry(self, now):
        return self.filter(status=State.PAST_DUE, next_retry_at__lte=now)


class Subscription(models.Model):
    """One per account (the owner): its plan, state and billing position.

    The current period is [current_period_start, current_period_end); `period_offset` is how
    many months after the anchor it starts. `period_value` is what the period is worth (its
    price plus any upgrade) and `period_paid` what has been collected for it (credit counts).
    """

    STATUS_CHOICES = [
        (State.FREE.value, _("Free")),
        (State.ACTIVE.value, _("Active")),
        (State.CANCEL_SCHEDULED.value, _("Cancels at period end")),
        (State.PAST_DUE.value, _("Payment overdue")),
        (State.CANCELLED.value, _("Cancelled")),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="subscription",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    interval = models.CharField(
        _("billing interval"), max_length=8, choices=Interval.choices, default=Interval.MONTH
    )
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=State.FREE.value
    )
    anchor_date = models.DateField(_("anchor date"), null=True, blank=True)
    anchor_time = models.TimeField(_("anchor time"), null=True, blank=True)
    period_offset = models.IntegerField(_("period number"), default=0)
    current_period_start = models.DateTimeField(_("current period start"), null=True, blank=True)
    current_period_end = models.DateTimeField(_("current period end"), null=True, blank=True)
    starts_at = models.DateTimeField(
        _("paid access starts at"),
        null=True,
        blank=True,
        help_text=_("Paid access starts (after the withdrawal period)."),
    )
    period_value = models.PositiveIntegerField(_("current period price (minor units)"), default=0)
    period_paid = models.PositiveIntegerField(
        _("paid for the current period (minor units)"), default=0
    )
    credit_balance = models.PositiveIntegerField(_("credit balance (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    pending_plan = models.ForeignKey(
        Plan,
        verbose_name=_("next plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pending_interval = models.CharField(
        _("next billing interval"), max_length=8, choices=Interval.choices, blank=True
    )
    postpone_offset = models.IntegerField(_("postponed period number"), null=True, blank=True)
    postponed_carried = models.PositiveIntegerField(
        _("postponed amount (minor units)"), null=True, blank=True
    )
    overdue_amount = models.PositiveIntegerField(_("overdue amount (minor units)"), default=0)
    past_due_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    retry_count = models.PositiveSmallIntegerField(_("payment retries"), default=0)
    next_retry_at = models.DateTimeField(_("next retry at"), null=True, blank=True)
    payment_method = models.ForeignKey(
        "PaymentMethod",
        verbose_name=_("payment method"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    billing_time_zone = models.CharField(
        _("billing time zone"),
        max_length=64,
        blank=True,
        help_text=_("The zone the anchor is read in (the account's zone when the plan started)."),
    )
    concluded_at = models.DateTimeField(
        _("concluded at"),
        null=True,
        blank=True,
        help_text=_("When the current contract was concluded (paid)."),
    )
    paid_subscriptions = models.PositiveIntegerField(_("paid plans bought"), default=0)
    start_now = models.BooleanField(_("start at once"), default=False)
    ends_when_paid = models.BooleanField(
        _("ends when paid"),
        default=False,
        help_text=_("Past due after the plan ended: the overdue amount is for days used."),
    )
    verified_until = models.DateField(
        _("verified until"),
        null=True,
        blank=True,
        help_text=_("Student status confirmed until (inclusive)."),
    )
    # The coupon's terms when the plan started (an admin's later edit changes nothing here).
    coupon = models.ForeignKey(
        "Coupon",
        verbose_name=_("coupon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    discount_percent = models.PositiveSmallIntegerField(_("discount (%)"), default=0)
    discount_amount = models.PositiveIntegerField(_("discount (minor units)"), default=0)
    # Months after the anchor.
    discount_until_offset = models.IntegerField(_("discount until period number"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [
            models.Index(fields=["status", "current_period_end"], name="sub_due"),
            models.Index(fields=["status", "next_retry_at"], name="sub_retry"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan} ({self.get_status_display()})"

    @property
    def state(self) -> State:
        return State(self.status)

    @property
    def interval_months(self) -> int:
        return INTERVAL_MONTHS[Interval(self.interval)]

    @property
    def is_paid(self) -> bool:
        return self.status in {State.ACTIVE, State.CANCEL_SCHEDULED, State.PAST_DUE}

    @property
    def discount(self) -> Discount:
        return Discount(self.discount_percent, self.discount_amount, self.discount_until_offset)


class PaymentMethod(models.Model):
    """A card or a SEPA mandate: the gateway's token and what a viewer recognises it by."""

    class Kind(models.TextChoices):
        CARD = "card", _("Card")
        SEPA = "sepa", _("SEPA direct debit")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="payment_methods",
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    token = models.CharField(_("gateway token"), max_length=80, unique=True)
    brand = models.CharField(_("card brand"), max_length=20, blank=True)
    last4 = models.CharField(_("last 4 digits"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"), null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(_("expiry year"), null=True, blank=True)
    holder = models.CharField(_("holder"), max_length=120, blank=True)
    # The gateway's fingerprint of the card number or IBAN: one saved method per card.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint"],
                condition=Q(removed_at__isnull=True) & ~Q(fingerprint=""),
                name="one_saved_method_per_card",
            )
        ]
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")

    def __str__(self) -> str:
        if self.kind == self.Kind.SEPA:
            return _("SEPA debit ending %(last4)s") % {"last4": self.last4}
        return _("%(brand)s ending %(last4)s") % {
            "brand": self.brand_label,
            "last4": self.last4,
        }

    @property
    def brand_label(self) -> str:
        return {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}.get(
            self.brand, _("Card")
        )


class Checkout(models.Model):
    """One press of "Pay": its idempotency key makes a double-click or a retry one checkout."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        REQUIRES_ACTION = "requires_action", _("Waiting for your bank")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="checkouts",
    )
    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    interval = models.CharField(_("billing interval"), max_length=8, choices=Interval.choices)
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    start_now = models.BooleanField(_("start at once"), default=False)
    payment_method = models.ForeignKey(
        PaymentMethod,
        verbose_name=_("payment method"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment = models.ForeignKey(
        "Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    coupon = models.ForeignKey(
        "Coupon",
        verbose_name=_("coupon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discount = models.PositiveIntegerField(_("discount (minor units)"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")

    def __str__(self) -> str:
        return f"checkout {self.key} ({self.status})"


class Payment(models.Model):
    """One charge attempt through the gateway; `idempotency_key` is unique, so never twice."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("First payment")
        RENEWAL = "renewal", _("Renewal")
        RETRY = "retry", _("Renewal retry")
        UPGRADE = "upgrade", _("Upgrade")
        SETTLEMENT = "settlement", _("Settlement")

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        REQUIRES_ACTION = "requires_action", _("Waiting for your bank")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="payments",
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    interval = models.CharField(
        _("billing interval"), max_length=8, choices=Interval.choices, blank=True
    )
    amount = models.PositiveIntegerField(
        _("amount (minor units)"), help_text=_("Charged through the gateway.")
    )
    credit_applied = models.PositiveIntegerField(_("credit applied (minor units)"), default=0)
    # A coupon's, off the price (not amount).
    discount = models.PositiveIntegerField(_("discount (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    refunded_amount = models.PositiveIntegerField(_("refunded (minor units)"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=80, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True)
    payment_method = models.ForeignKey(
        PaymentMethod,
        verbose_name=_("payment method"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period_start = models.DateTimeField(_("period start"), null=True, blank=True)
    period_end = models.DateTimeField(_("period end"), null=True, blank=True)
    period_offset = models.IntegerField(_("period number"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Of the amount, a postponed month's price collected with this renewal (its own invoice line).
    carried = models.IntegerField(_("postponed amount included"), default=0)
    created_at = models.DateTimeField(_("date"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["user", "-created_at"], name="payment_user_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")),
                name="payment_refund_within_amount",
            )
        ]

    def __str__(self) -> str:
        # Shown in the admin (the refund list's payment column): money as the site writes it.
        amount = format_money(self.amount, self.currency)
        return f"{self.get_kind_display()} {amount} ({self.get_status_display()})"

    @property
    def gross(self) -> int:
        return self.amount + self.credit_applied


class Refund(models.Model):
    class Reason(models.TextChoices):
        WITHDRAWAL = "withdrawal", pgettext_lazy("refund reason", "Withdrawal")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.CharField(_("reason"), max_length=40, choices=Reason.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("date"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"refund {format_money(self.amount, self.currency)} of payment {self.payment_id}"


class InvoiceCounter(models.Model):
    """The last invoice number used in a year; locked while the next one is allocated."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Invoice(models.Model):
    """An invoice (for a payment) or a credit note (for a refund); numbers are gapless per year."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    payment = models.OneToOneField(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice",
    )
    refund = models.OneToOneField(
        Refund,
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_note",
    )
    # A credit note whose amount went to the account credit, not back as money (Switch to Free).
    credit_entry = models.OneToOneField(
        "CreditEntry", verbose_name=_("account credit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="credit_note",
    )  # fmt: skip
    lines = models.JSONField(_("lines"), default=list)  # [{"description": str, "amount": int}]
    total = models.IntegerField(_("total (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    billed_to = models.CharField(_("billed to"), max_length=254)
    # The buyer's country when issued: its VAT and address stay, whatever the account says later.
    country = models.CharField(_("billed country"), max_length=2, blank=True, default="")
    issued_at = models.DateTimeField(_("issued at"))
    # Its date, in the zone its lines were written in: never redrawn after a move (QA18).
    issued_on = models.DateField(_("issue date"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_gapless_year_seq"),
            models.CheckConstraint(
                condition=Q(payment__isnull=False)
                | Q(refund__isnull=False)
                | Q(credit_entry__isnull=False),
                name="invoice_has_source",
            ),
        ]
        indexes = [models.Index(fields=["user", "-issued_at"], name="invoice_user_recent")]

    def __str__(self) -> str:
        return self.number

    @property
    def issue_day(self):  # the date the document gives (a row without one: the UTC day)
        return self.issued_on or self.issued_at.astimezone(UTC).date()

    @property
    def to_credit(self) -> bool:
        return self.credit_entry_id is not None


class CreditEntry(models.Model):
    """The account-credit ledger (Subscription.credit_balance is its running total)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="credit_entries"
    )
    amount = models.IntegerField()  # + added, - used
    reason = models.CharField(max_length=40)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.amount:+d} ({self.reason})"


# A subscription's history (postponements, billing e-mails, changes), the household sharing it,
# coupons, the newsletter, student checks and cancel reasons have their own modules (this one
# stays short); imported here so `apps.subscriptions.models` still names every model.
from apps.subscriptions.history_models import Notice, Postponement, SubscriptionChange  # noqa: E402, F401, I001
from apps.subscriptions.household_models import Invitation, Membership  # noqa: E402, F401, I001
from apps.subscriptions.offer_models import Coupon, CouponRedemption, NewsletterSignup  # noqa: E402, F401, I001
from apps.subscriptions.student_models import StudentCheck  # noqa: E402, F401, I001
from apps.subscriptions.leaving_models import CancelReason  # noqa: E402, F401, I001
from apps.subscriptions.price_models import PriceLock  # noqa: E402, F401, I001
