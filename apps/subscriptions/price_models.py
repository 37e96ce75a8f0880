"""The price a subscriber keeps for a while after an admin raises their plan's price: the old
price until the notice period ends (price_notice.py), then the new one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.subscriptions.models import Interval, Plan, Subscription


class PriceLock(models.Model):
    """Charges for `plan` at `interval` dated before `until` stay at `amount`; later ones are
    at the plan's price. It applies while the subscription is on that plan and period, or is
    switching to them at the period end (billing.price_lock_for); a change the viewer chooses
    afterwards drops it (they chose at the price they were shown). One per plan and period: a
    subscriber switching from a raised plan to another raised plan keeps both until the switch."""

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="price_locks",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    interval = models.CharField(_("billing interval"), max_length=8, choices=Interval.choices)
    amount = models.PositiveIntegerField(_("price kept (minor units)"))
    until = models.DateTimeField(_("kept for charges before"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("price kept after a price rise")
        verbose_name_plural = _("prices kept after a price rise")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "plan", "interval"], name="price_lock_once_per_plan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} ({self.get_interval_display()})"
