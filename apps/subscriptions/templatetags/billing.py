from django import template

from apps.subscriptions import plan_catalogue, selectors
from apps.subscriptions.display import plan_with_period
from apps.subscriptions.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    """{{ 1349|money:"EUR" }} -> €13.49"""
    if amount is None or amount == "":
        return ""
    return format_money(int(amount), currency or "EUR")


@register.filter
def negate(amount):
    return -int(amount or 0)


@register.filter
def tagline(plan):
    """{{ plan|tagline }}: the plan's description in the viewer's language (see plan_catalogue)."""
    return plan_catalogue.tagline(plan)


@register.filter
def with_period(plan_name, interval):
    """{{ plan.name|with_period:"month" }} -> "Standard (monthly)" (display.plan_with_period)."""
    return plan_with_period(str(plan_name), str(interval))


@register.simple_tag
def signup_offer():
    """{% signup_offer as offer %}: the welcome coupon the call to action may name (or None)."""
    return selectors.signup_offer()
