"""Admin: plans are curated here; subscriptions, payments, refunds and invoices are read-only
records (they change through services, which keep the ledger, invoices and events in step).
The subscription list links to a chart of active subscriptions and monthly recurring revenue."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from apps.core import clock
from apps.core.admin_filters import code_beside_label, labelled_values_filter
from apps.core.admin_inlines import NamedCellsTabularInline
from apps.core.admin_readonly import ReadOnlyAdmin
from apps.subscriptions import (
    coupons,
    leaving_reasons,
    metrics,
    plan_rules,
    price_notice,
    selectors,
    services,
)
from apps.subscriptions.failures import failure_label
from apps.subscriptions.models import (
    CancelReason,
    Checkout,
    Coupon,
    CouponRedemption,
    Invoice,
    NewsletterSignup,
    Payment,
    PaymentMethod,
    Plan,
    PriceLock,
    Quality,
    Refund,
    Subscription,
    SubscriptionChange,
)
from apps.subscriptions.money import format_money
from apps.subscriptions.plan_forms import PLAN_PROBLEMS, PlanForm, PlanListForm, PlanListFormSet

FailureFilter = labelled_values_filter("failure_code", _("failure reason"), failure_label)


class FailureReasonMixin(code_beside_label("failure_code", _("failure reason"), failure_label)):
    """A failed payment or checkout says why in words (list, filter, detail); the detail keeps
    the gateway's code beside them, since logs and the processor's dashboard use it."""

    @admin.display(description=_("failure reason"), ordering="failure_code")
    def failure_reason(self, obj) -> str:
        return failure_label(obj.failure_code)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    # The form's model fields, with the two prices (typed in euros) after the tagline.
    fields = [*PlanForm.Meta.fields[:3], "monthly_price", "yearly_price", *PlanForm.Meta.fields[3:]]
    # The editable "offered" and "order" beside the name: last, they sat past the edge of a
    # 1280 px window with the filters open, reachable only by scrolling sideways (qa13). The
    # columns that compare plans have one-word headings and the code is on the plan's page
    # (still searched), so the whole list fits beside the sidebar and the filters (qa15: it
    # was 997 px wide in a 631 px area, 1032 in French).
    list_display = [
        "name",
        "is_active",
        "sort_order",
        "monthly_price",
        "yearly_price",
        "streams",
        "quality",
        "accounts",
    ]
    list_editable = ["is_active", "sort_order"]
    # No bulk delete, and so no checkbox column: a plan with subscribers cannot be deleted
    # (PROTECT), and one is withdrawn by unticking "offered" here; its page still deletes one.
    actions = None
    list_filter = ["is_active", "max_quality", "max_accounts"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    class Media:
        css = {"all": ["css/admin.css"]}  # room for an error in the list's "offered" column

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=PlanListForm, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=PlanListFormSet, **kwargs)

    def get_changeform_initial_data(self, request):
        # A new plan is offered only once an admin ticks "offered" (seeded plans keep theirs);
        # it starts at Full HD (SD is the Free plan's) and last in the list (QA9: a new plan
        # defaulted to SD and order 0, listed second, after Free).
        last = Plan.objects.aggregate(last=Max("sort_order"))["last"]
        return {
            "is_active": False,
            "max_quality": Quality.HD,
            "sort_order": 0 if last is None else last + 10,
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request, obj, form, change):
        old = Plan.objects.filter(pk=obj.pk).values("monthly_amount", "yearly_amount").first()
        super().save_model(request, obj, form, change)
        if not old or (old["monthly_amount"], old["yearly_amount"]) == (
            obj.monthly_amount,
            obj.yearly_amount,
        ):
            return
        # A rise reaches current subscribers only after notice (price_notice.py).
        told = services.plan_prices_changed(
            plan=obj, old_monthly=old["monthly_amount"], old_yearly=old["yearly_amount"]
        )
        if told:
            self.message_user(
                request,
                ngettext(
                    "%(n)d subscriber was e-mailed the new price; they keep their price for "
                    "payments due in the next %(days)d days.",
                    "%(n)d subscribers were e-mailed the new price; they keep their price for "
                    "payments due in the next %(days)d days.",
                    told,
                )
                % {"n": told, "days": price_notice.NOTICE_DAYS},
                messages.INFO,
            )

    @admin.display(description=_("monthly"), ordering="monthly_amount")
    def monthly_price(self, obj: Plan) -> str:
        return format_money(obj.monthly_amount, obj.currency)

    @admin.display(description=_("yearly"), ordering="yearly_amount")
    def yearly_price(self, obj: Plan) -> str:
        return format_money(obj.yearly_amount, obj.currency)

    @admin.display(description=pgettext_lazy("plan list column", "streams"), ordering="max_streams")
    def streams(self, obj: Plan) -> int:
        return obj.max_streams

    @admin.display(description=pgettext_lazy("plan list column", "quality"), ordering="max_quality")
    def quality(self, obj: Plan) -> str:
        return obj.get_max_quality_display()

    @admin.display(
        description=pgettext_lazy("plan list column", "accounts"), ordering="max_accounts"
    )
    def accounts(self, obj: Plan) -> int:
        return obj.max_accounts


class ChangeInline(NamedCellsTabularInline):
    model = SubscriptionChange
    fields = ["at", "event", "status", "plan", "interval", "mrr"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-at"]

    def has_add_permission(self, request, obj=None):
        return False


class PriceLockInline(NamedCellsTabularInline):
    """Prices kept after a rise, to read only: they follow from the plan's prices and the
    notice rule (services.plan_prices_changed), never from a hand edit."""

    model = PriceLock
    fields = ["plan", "interval", "kept_price", "until", "notice_sent"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]
    verbose_name = _("price kept after a price rise")
    verbose_name_plural = _("prices kept after a price rise")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")

    @admin.display(description=_("price kept"))
    def kept_price(self, obj: PriceLock) -> str:
        return format_money(obj.amount, obj.plan.currency)

    @admin.display(description=_("notice sent"))
    def notice_sent(self, obj: PriceLock) -> str:
        notice = selectors.price_lock_notice(obj)
        if notice is None:
            return _("Not e-mailed (no payment was due on this plan)")
        if notice.sent_at is None:
            return _("Waiting to be sent")
        return date_format(localtime(notice.sent_at), "DATETIME_FORMAT")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    change_list_template = "subscriptions/admin/subscription_changelist.html"
    list_display = [
        "user",
        "plan",
        "interval",
        "status",
        "current_period_end",
        "credit",
        "payment_method",
    ]
    list_filter = ["status", "plan", "interval", "start_now"]
    search_fields = ["user__email"]
    list_select_related = ["user", "plan", "payment_method"]
    inlines = [PriceLockInline, ChangeInline]
    date_hierarchy = "created_at"

    @admin.display(description=_("credit"), ordering="credit_balance")
    def credit(self, obj: Subscription) -> str:
        return format_money(obj.credit_balance, obj.currency)

    def get_urls(self):
        urls = [
            path(
                "chart/",
                self.admin_site.admin_view(self.chart_view),
                name="subscriptions_subscription_chart",
            )
        ]
        return urls + super().get_urls()

    def chart_view(self, request):
        """Active paid subscriptions and MRR per day, as two server-rendered SVG charts."""
        # admin_view only asks for staff: revenue is for those who may view subscriptions.
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", 90))
        except ValueError:
            days = 90
        days = days if days in (30, 90, 365) else 90
        end = clock.now().date()
        start = end - timedelta(days=days - 1)
        series = selectors.mrr_series(start=start, end=end)
        active = metrics.line_chart([p.active for p in series])
        mrr = metrics.line_chart([p.mrr for p in series])
        # A phone's drawing, about as wide as a phone's screen, so its words keep their size.
        narrow = {"width": 300}
        last = series[-1] if series else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Active subscriptions and monthly recurring revenue"),
            "opts": self.model._meta,
            "series": series,
            "active": active,
            "mrr": mrr,
            "active_narrow": metrics.line_chart([p.active for p in series], **narrow),
            "mrr_narrow": metrics.line_chart([p.mrr for p in series], **narrow),
            "ticks": metrics.date_ticks(start, end, width=active.width),
            "ticks_narrow": metrics.date_ticks(start, end, **narrow),
            "active_grid": [(y, _count_label(v)) for y, v in active.gridlines],
            "mrr_grid": [(y, format_money(round(v))) for y, v in mrr.gridlines],
            "last": last,
            "last_mrr": format_money(last.mrr) if last else "",
            "days": days,
            "ranges": (30, 90, 365),
            "start": start,
            "end": end,
            "changelist": reverse("admin:subscriptions_subscription_changelist"),
        }
        return TemplateResponse(request, "subscriptions/admin/chart.html", context)


@admin.register(Payment)
class PaymentAdmin(FailureReasonMixin, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "user",
        "kind",
        "status",
        "failure_reason",  # beside the status it explains (the last column scrolled out of view)
        "amount_display",
        "credit_display",
        "refunded_display",
    ]
    list_filter = ["status", FailureFilter, "kind", "currency", "created_at"]
    search_fields = ["user__email", "idempotency_key", "gateway_reference"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Payment) -> str:
        return format_money(obj.amount, obj.currency)

    @admin.display(description=_("credit applied"), ordering="credit_applied")
    def credit_display(self, obj: Payment) -> str:
        return format_money(obj.credit_applied, obj.currency)

    @admin.display(description=_("refunded"), ordering="refunded_amount")
    def refunded_display(self, obj: Payment) -> str:
        return format_money(obj.refunded_amount, obj.currency)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "payment", "amount_display", "reason"]
    list_filter = ["reason", "created_at"]
    search_fields = ["payment__user__email", "idempotency_key"]
    list_select_related = ["payment"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Refund) -> str:
        return format_money(obj.amount, obj.currency)


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "issued_at", "user", "kind", "total_display"]
    list_filter = ["kind", "year", "currency"]
    search_fields = ["number", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "issued_at"

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: Invoice) -> str:
        return format_money(obj.total, obj.currency)


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "brand", "last4", "exp_month", "exp_year", "removed_at"]
    list_filter = ["kind", "brand"]
    search_fields = ["user__email", "last4"]
    exclude = ["token"]


@admin.register(Checkout)
class CheckoutAdmin(FailureReasonMixin, ReadOnlyAdmin):
    list_display = ["created_at", "user", "plan", "interval", "amount", "status", "failure_reason"]
    list_filter = ["status", FailureFilter, "plan"]
    search_fields = ["user__email", "key"]


@admin.register(CancelReason)
class CancelReasonAdmin(ReadOnlyAdmin):
    """The reasons viewers give on the cancel page, as a bar chart over a chosen period (the
    list itself is the chart: each row is anonymous, one reason at one time)."""

    def changelist_view(self, request, extra_context=None):
        try:
            days = int(request.GET.get("days", 90))
        except ValueError:
            days = 90
        days = days if days in (30, 90, 365) else 90
        end = clock.now()
        start = end - timedelta(days=days)
        rows = selectors.cancel_reason_counts(start=start, end=end)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Why viewers cancel"),
            "opts": self.model._meta,
            "rows": rows,
            "total": sum(n for _k, _l, n in rows),
            "chart": leaving_reasons.bar_chart(rows),
            "narrow_chart": leaving_reasons.bar_chart(rows, width=340, left=2, label_room=16),
            "days": days,
            "ranges": (30, 90, 365),
            "start": start,
            "end": end,
        }
        return TemplateResponse(request, "subscriptions/admin/cancel_reasons.html", context)


def _count_label(value: float) -> str:
    """A gridline's count, exact, in the viewer's number format: 5, 2.5 or 1.25 (1,25 in
    French)."""
    places = next(p for p in (0, 1, 2) if value * 10**p == int(value * 10**p))
    return number_format(value, decimal_pos=places)


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = [
            "code",
            "description",
            "percent_off",
            "amount_off",
            "currency",
            "periods",
            "interval",
            "expires_at",
            "max_redemptions",
            "is_active",
        ]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not coupons.code_is_typable(code):
            raise forms.ValidationError(
                _(
                    "A code is letters A-Z, digits and hyphens (e.g. SPRING-25): what a viewer "
                    "can type from a poster and share in a message."
                )
            )
        taken = Coupon.objects.filter(code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another coupon has this code."))
        return code

    def clean(self):
        # Each rule's message sits on its field; a field with an error also keeps the database
        # constraint on it from adding its raw name ("Constraint … is violated").
        data = super().clean()
        percent, amount = data.get("percent_off") or 0, data.get("amount_off") or 0
        if percent > 100:
            self.add_error("percent_off", _("At most 100 percent."))
        if percent and amount:
            self.add_error("amount_off", _("Give either a percentage or an amount off, not both."))
        elif not percent and not amount:
            self.add_error("amount_off", _("Give a percentage or an amount off."))
        if "periods" in data and data["periods"] < 1:
            self.add_error("periods", _("At least one billing period."))
        if data.get("currency") and data["currency"] not in plan_rules.BILLING_CURRENCIES:
            self.add_error(
                "currency",
                PLAN_PROBLEMS["currency_not_billed"]
                % {"currencies": ", ".join(plan_rules.BILLING_CURRENCIES)},
            )
        limit = data.get("max_redemptions")
        if limit is not None and limit < self.instance.times_redeemed:
            self.add_error(
                "max_redemptions",
                _("Already redeemed %(count)s times: the limit cannot be lower.")
                % {"count": self.instance.times_redeemed},
            )
        return data


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    """Admins create coupons; how often one was used is counted by checkout, never typed."""

    form = CouponForm
    list_display = [
        "code",
        "discount_display",
        "periods",
        "expires_at",
        "times_redeemed",
        "max_redemptions",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["code", "description"]
    readonly_fields = ["times_redeemed", "created_at"]

    @admin.display(description=_("discount"))
    def discount_display(self, obj: Coupon) -> str:
        if obj.percent_off:
            return f"{obj.percent_off} %"
        return format_money(obj.amount_off, obj.currency)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.redemptions.exists()  # used codes stay on record


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "coupon", "user", "checkout"]
    search_fields = ["coupon__code", "user__email"]
    list_select_related = ["coupon", "user", "checkout"]


@admin.register(NewsletterSignup)
class NewsletterSignupAdmin(ReadOnlyAdmin):
    """Who asked and who confirmed (only confirmed, not unsubscribed addresses get mail)."""

    list_display = ["email", "requested_at", "confirmed_at", "unsubscribed_at", "language"]
    list_filter = ["confirmed_at", "unsubscribed_at"]
    search_fields = ["email"]
    exclude = ["token"]
