"""The plan admin's forms: prices typed in euros, and a plan refused (with a message naming the
field or the other plan) when it cannot be sold or gives less than a cheaper offered plan
(the rules are in plan_rules; kept apart so admin.py stays short)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.subscriptions import (
    plan_rules,
)
from apps.subscriptions.models import (
    Plan,
    Quality,
)
from apps.subscriptions.money import format_money

PLAN_PROBLEMS = {
    "currency_not_billed": _("The site only bills in %(currencies)s."),
    "no_screen": _("A plan lets at least one screen watch at a time."),
    "no_profile": _("A plan has at least one profile."),
    "free_has_price": _("The Free plan costs nothing: leave this at 0."),
    "paid_without_price": _("A paid plan needs a price above 0."),
}


class PlanForm(forms.ModelForm):
    """Prices are typed in euros ("7.99") and stored in cents; a plan that cannot be sold is
    refused with a message on the field (plan_rules), and nothing is saved."""

    monthly_price = forms.DecimalField(
        label=_("Monthly price"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("In euros, for example 7.99."),
    )
    yearly_price = forms.DecimalField(
        label=_("Yearly price"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("In euros, for example 79.90."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in plan_rules.BILLING_CURRENCIES]
    )

    class Meta:
        model = Plan
        fields = [  # the amounts in cents are set from the prices typed in euros
            "name",
            "code",
            "tagline",
            "currency",
            "max_streams",
            "max_quality",
            "max_profiles",
            "downloads",
            "downloads_per_device",
            "download_devices",
            "watch_party_extras",
            "max_accounts",
            "requires_verification",
            "is_active",
            "sort_order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["monthly_price"] = plan_rules.from_minor_units(
                self.instance.monthly_amount
            )
            self.initial["yearly_price"] = plan_rules.from_minor_units(self.instance.yearly_amount)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        monthly = plan_rules.to_minor_units(data["monthly_price"])
        yearly = plan_rules.to_minor_units(data["yearly_price"])
        problems = plan_rules.plan_problems(
            code=data.get("code") or self.instance.code,
            currency=data["currency"],
            monthly_amount=monthly,
            yearly_amount=yearly,
            max_streams=data["max_streams"],
            max_profiles=data["max_profiles"],
        )
        fields = {"monthly_amount": "monthly_price", "yearly_amount": "yearly_price"}
        currencies = ", ".join(plan_rules.BILLING_CURRENCIES)
        for field, problem in problems.items():
            message = PLAN_PROBLEMS[problem]
            if problem == "currency_not_billed":
                message = message % {"currencies": currencies}
            self.add_error(fields.get(field, field), message)
        self.instance.monthly_amount, self.instance.yearly_amount = monthly, yearly
        if not problems:
            self._refuse_poor_value(data, monthly)
        return data

    def _refuse_poor_value(self, data, monthly: int) -> None:
        if data.get("requires_verification"):
            return
        plan = _offer(data["name"], monthly, data["max_streams"], data["max_quality"])
        for problem in _value_problems(plan, pk=self.instance.pk, currency=data["currency"]):
            self.add_error(None, problem)


class PlanListForm(forms.ModelForm):
    """The plan list's editable columns: ticking "offered" there meets the same value rule."""

    class Meta:
        model = Plan
        fields = ["is_active", "sort_order"]

    def clean(self):
        data = super().clean()
        plan = self.instance
        if (
            data.get("is_active")
            and "is_active" in self.changed_data
            and not plan.requires_verification
        ):
            offer = _offer(plan.name, plan.monthly_amount, plan.max_streams, plan.max_quality)
            for problem in _value_problems(offer, pk=plan.pk, currency=plan.currency):
                self.add_error("is_active", problem)
        return data


def _value_problems(plan: plan_rules.Offer, *, pk: int | None, currency: str) -> list[str]:
    """A dearer plan gives at least the screens and picture of every cheaper offered one
    (student plans, a discount for some, are left out of the comparison)."""
    offered = Plan.objects.filter(is_active=True, requires_verification=False).exclude(pk=pk)
    others = [_offer(p.name, p.monthly_amount, p.max_streams, p.max_quality) for p in offered]
    cheaper, dearer = plan_rules.value_conflicts(plan, others)
    problems = []
    if cheaper is not None:
        problems.append(_value_message(PLAN_GIVES_LESS, cheaper, currency))
    if dearer is not None:
        problems.append(_value_message(PLAN_GIVES_MORE, dearer, currency))
    return problems


PLAN_GIVES_LESS = _(
    "“%(other)s” costs less (%(price)s a month) and gives more (%(screens)s, %(quality)s): "
    "a dearer plan needs at least as many screens and as good a picture."
)
PLAN_GIVES_MORE = _(
    "“%(other)s” costs more (%(price)s a month) and would give less than this plan "
    "(%(screens)s, %(quality)s): a cheaper plan cannot give more screens or a better picture."
)


def _offer(name: str, monthly: int, streams: int, quality: str) -> plan_rules.Offer:
    return plan_rules.Offer(
        name=name, monthly_amount=monthly, max_streams=streams, max_quality=quality
    )


def _value_message(template, other: plan_rules.Offer, currency: str) -> str:
    return template % {
        "other": other.name,
        "price": format_money(other.monthly_amount, currency),
        "screens": ngettext("%(n)d screen", "%(n)d screens", other.max_streams)
        % {"n": other.max_streams},
        "quality": Quality(other.max_quality).label,
    }
