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
        problems = sale_problems(
            code=data.get("code") or self.instance.code,
            currency=data["currency"],
            monthly_amount=monthly,
            yearly_amount=yearly,
            max_streams=data["max_streams"],
            max_profiles=data["max_profiles"],
        )
        fields = {"monthly_amount": "monthly_price", "yearly_amount": "yearly_price"}
        for field, message in problems.items():
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
    """The plan list's editable columns; ticking "offered" there is checked by the formset."""

    class Meta:
        model = Plan
        fields = ["is_active", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The list's inputs sit under a column heading, with no <label>: a screen reader
        # hears "checkbox" or "spin button" and not which plan's (qa13).
        if self.instance.pk:
            for field in self.fields.values():
                field.widget.attrs["aria-label"] = _("%(field)s: %(plan)s") % {
                    "field": field.label,
                    "plan": self.instance.name,
                }


class PlanListFormSet(forms.BaseModelFormSet):
    """The plan list saved as a whole: a plan ticked "offered" there meets the change form's
    rules (it can be sold, and gives at least what every cheaper offered plan gives), checked
    against the plans that will be offered once the whole list is saved, so two plans ticked
    together that contradict each other are both refused and nothing is saved."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        posted = {form.instance.pk: form for form in self.forms if form.instance.pk}
        # Offered after this save: the rows on this page as posted, the rest as they are.
        offered = [form.instance for form in posted.values() if form.cleaned_data.get("is_active")]
        offered += Plan.objects.filter(is_active=True).exclude(pk__in=posted)
        compared = [plan for plan in offered if not plan.requires_verification]
        for form in posted.values():
            if not form.cleaned_data.get("is_active") or "is_active" not in form.changed_data:
                continue
            for message in offer_problems(
                form.instance, [plan for plan in compared if plan.pk != form.instance.pk]
            ):
                form.add_error("is_active", message)


def sale_problems(**fields) -> dict[str, str]:
    """Field name -> the words for every rule in plan_rules.plan_problems the plan breaks."""
    currencies = ", ".join(plan_rules.BILLING_CURRENCIES)
    return {
        field: PLAN_PROBLEMS[problem] % {"currencies": currencies}
        if problem == "currency_not_billed"
        else PLAN_PROBLEMS[problem]
        for field, problem in plan_rules.plan_problems(**fields).items()
    }


def offer_problems(plan: Plan, offered: list[Plan]) -> list[str]:
    """Why `plan` cannot be offered beside the `offered` plans: the words of the rules the
    change form runs (sellable, then value for money; student plans skip the comparison)."""
    problems = list(
        sale_problems(
            code=plan.code,
            currency=plan.currency,
            monthly_amount=plan.monthly_amount,
            yearly_amount=plan.yearly_amount,
            max_streams=plan.max_streams,
            max_profiles=plan.max_profiles,
        ).values()
    )
    if problems or plan.requires_verification:
        return problems
    return _conflict_messages(_plan_offer(plan), [_plan_offer(p) for p in offered], plan.currency)


def _value_problems(plan: plan_rules.Offer, *, pk: int | None, currency: str) -> list[str]:
    offered = Plan.objects.filter(is_active=True, requires_verification=False).exclude(pk=pk)
    return _conflict_messages(plan, [_plan_offer(p) for p in offered], currency)


def _conflict_messages(
    plan: plan_rules.Offer, others: list[plan_rules.Offer], currency: str
) -> list[str]:
    """A dearer plan gives at least the screens and picture of every cheaper offered one
    (student plans, a discount for some, are left out of the comparison)."""
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


def _plan_offer(plan: Plan) -> plan_rules.Offer:
    return _offer(plan.name, plan.monthly_amount, plan.max_streams, plan.max_quality)


def _value_message(template, other: plan_rules.Offer, currency: str) -> str:
    return template % {
        "other": other.name,
        "price": format_money(other.monthly_amount, currency),
        "screens": ngettext("%(n)d screen", "%(n)d screens", other.max_streams)
        % {"n": other.max_streams},
        "quality": Quality(other.max_quality).label,
    }
