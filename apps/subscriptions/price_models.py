"""The price a subscriber keeps for a while after an admin raises their plan's price: the old
price until the notice period ends (price_notice.py), then the new one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.subscriptions.models import Interval, Plan, Subscription


class PriceLock(models.Model):
    """Charges for `plan` at `interval` dated before `until` stay at `amount`; later ones are
    at the plan's price. It no longer applies once the subscription is on another plan or
    billing period (a change the viewer chose, at the price they were shown)."""

    subscription = models.OneToOneField(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="price_lock",
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

    def __str__(self) -> str:
        return f"{self.plan.code}/{self.interval} {self.amount} until {self.until:%Y-%m-%d}"
