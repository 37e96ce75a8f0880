"""The reasons to sign up: coupons (codes admins create that take a percentage or an amount off
the first billing periods; the arithmetic is coupons.py), each account's use of one, and the
newsletter with its double opt-in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.subscriptions.coupons import Discount


class Coupon(models.Model):
    """A code that takes a percentage or an amount off the first N billing periods.

    Created by admins. `times_redeemed` only ever grows through a conditional update under the
    limit (services.coupon_redeem), and a check constraint backs it, so concurrent redemptions
    never exceed `max_redemptions`. An account redeems a coupon once (CouponRedemption).
    """

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("What viewers type (any case).")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    percent_off = models.PositiveSmallIntegerField(_("percent off"), default=0)
    amount_off = models.PositiveIntegerField(_("amount off (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    periods = models.PositiveSmallIntegerField(
        _("billing periods"), default=1, help_text=_("How many billing periods it applies to.")
    )
    interval = models.CharField(
        _("billing"),
        max_length=8,
        blank=True,
        choices=[("month", _("Monthly only")), ("year", _("Yearly only"))],
        help_text=_("Empty: monthly or yearly."),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(
        _("redemption limit"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    times_redeemed = models.PositiveIntegerField(_("times redeemed"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.CheckConstraint(
                condition=(Q(percent_off__gte=1, percent_off__lte=100) & Q(amount_off=0))
                | (Q(percent_off=0) & Q(amount_off__gte=1)),
                name="coupon_percent_or_amount",
            ),
            models.CheckConstraint(condition=Q(periods__gte=1), name="coupon_periods_positive"),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True)
                | Q(times_redeemed__lte=models.F("max_redemptions")),
                name="coupon_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    def discount_for(self, interval_months: int) -> Discount:
        return Discount(
            percent_off=self.percent_off,
            amount_off=self.amount_off,
            until_offset=self.periods * interval_months,
        )


class CouponRedemption(models.Model):
    """An account's use of a coupon: once per account and coupon (the unique constraint)."""

    coupon = models.ForeignKey(
        Coupon, verbose_name=_("coupon"), on_delete=models.PROTECT, related_name="redemptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="coupon_redemptions",
    )
    checkout = models.OneToOneField(
        "subscriptions.Checkout",
        verbose_name=_("checkout"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="redemption",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        constraints = [
            models.UniqueConstraint(fields=["coupon", "user"], name="coupon_once_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.coupon} · {self.user}"


class NewsletterSignup(models.Model):
    """An e-mail address asking for the newsletter (double opt-in).

    Nothing counts as subscribed until `confirmed_at`: the address gets a link with `token`
    and only opening it (and pressing Confirm) subscribes. The same token unsubscribes. The
    confirmation e-mail is claimed (`mail_claimed_at`, committed) before it is sent and stamped
    after (`mail_sent_at`), so a task run twice never sends it twice.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    token = models.CharField(_("confirmation token"), max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    mail_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    mail_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmation date"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribe date"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("newsletter sign-up")
        verbose_name_plural = _("newsletter sign-ups")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_once_per_email"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_subscribed(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
