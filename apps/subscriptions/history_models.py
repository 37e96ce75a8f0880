"""What happened to a subscription: postponed payments, billing e-mails and its state after each
change (models of subscriptions, kept apart so models.py stays short)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.subscriptions.models import Interval, Plan, Subscription


class Postponement(models.Model):
    """A postponed payment (at most one in any 12 months)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="postponements"
    )
    period_offset = models.IntegerField()
    skipped_on = models.DateField()  # local date of the charge that moved
    collected_on = models.DateField()  # local date it is collected with that date's charge
    amount = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_offset", "skipped_on"], name="postpone_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.skipped_on} -> {self.collected_on}"


class Notice(models.Model):
    """An e-mail about billing (reminder, failed payment, invitation): the key makes it once only.

    Recorded in the transaction that decides it; a task sends it after commit (one with a
    `send_after` in the future is left to the sweeper, which sends it once that moment is
    past). The sender claims it in the database first (claimed_at, committed before anything
    leaves), sends it with a Message-ID derived from the notice, then stamps sent_at. A
    redelivered task finds the claim and does nothing; a claim that never got its sent_at (the
    worker died) or a notice whose task was lost is picked up again by the sweeper after
    NOTICE_SWEEP_AFTER_SECONDS.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30)
    to = models.EmailField()
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    # Not before this moment (a reminder that waits for the viewer's quiet hours to end); the
    # sweeper sends it then. Empty: at once (receipts, failed payments: never held back).
    send_after = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notice_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a receiver shows a repeated delivery once."""
        return f"<notice-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@streamfront>"


class SubscriptionChange(models.Model):
    """History: the subscription's state after each change (feeds the admin's MRR chart)."""

    class Event(models.TextChoices):
        """What changed; the services record only these (the admin shows the label)."""

        SUBSCRIBED = "subscribed", pgettext_lazy("subscription event", "Subscribed")
        RENEWED = "renewed", pgettext_lazy("subscription event", "Renewed")
        POSTPONED_PERIOD = (
            "postponed_period",
            pgettext_lazy("subscription event", "Renewed with its payment postponed"),
        )
        RENEWAL_FAILED = (
            "renewal_failed",
            pgettext_lazy("subscription event", "Renewal payment failed"),
        )
        RETRY_PAID = "retry_paid", pgettext_lazy("subscription event", "Overdue payment collected")
        POSTPONED = "postponed", pgettext_lazy("subscription event", "Payment postponed")
        CHANGE_SCHEDULED = (
            "change_scheduled",
            pgettext_lazy("subscription event", "Plan change scheduled"),
        )
        UPGRADED = "upgraded", pgettext_lazy("subscription event", "Upgraded")
        STUDENT_CONFIRMED = (
            "student_confirmed",
            pgettext_lazy("subscription event", "Student status confirmed"),
        )
        CANCEL_SCHEDULED = (
            "cancel_scheduled",
            pgettext_lazy("subscription event", "Cancellation scheduled"),
        )
        RESUMED = "resumed", pgettext_lazy("subscription event", "Cancellation undone")
        CANCELLED = "cancelled", pgettext_lazy("subscription event", "Ended after cancellation")
        STUDENT_LAPSED = (
            "student_lapsed",
            pgettext_lazy("subscription event", "Ended: student status not confirmed"),
        )
        DROPPED_TO_FREE = (
            "dropped_to_free",
            pgettext_lazy("subscription event", "Moved to Free after failed payments"),
        )
        SWITCHED_TO_FREE = (
            "switched_to_free",
            pgettext_lazy("subscription event", "Switched to Free"),
        )
        WITHDRAWN = "withdrawn", pgettext_lazy("subscription event", "Withdrawn and refunded")

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    at = models.DateTimeField(_("changed at"))
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    # Copies of the subscription's own: the choices only name them in the admin.
    status = models.CharField(_("status"), max_length=20, choices=Subscription.STATUS_CHOICES)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    interval = models.CharField(_("billing interval"), max_length=8, choices=Interval.choices)
    # Monthly recurring revenue, minor units.
    mrr = models.PositiveIntegerField(_("monthly recurring revenue (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("subscription change")
        verbose_name_plural = _("subscription changes")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["at"], name="subchange_at")]

    def __str__(self) -> str:
        # The admin heads each history row with this: the event's label, not its code.
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_event_display()}"
