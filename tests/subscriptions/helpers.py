"""Putting an account on a plan the way a viewer does (checkout with the test card)."""

from apps.subscriptions import services
from apps.subscriptions.models import Plan


def put_on_plan(user, code: str):
    """Subscribe `user` to the paid plan `code`, starting at once; returns the checkout."""
    services.plans_seed()
    checkout = services.checkout_pay(
        user=user,
        plan=Plan.objects.get(code=code),
        interval="month",
        source=services.CardDetails(
            number="4242424242424242", exp_month=12, exp_year=2030, cvc="123", holder="A B"
        ),
        start_now=True,
        key=services.new_checkout_key(),
    )
    assert checkout.status == "succeeded", checkout.failure_code
    return checkout
