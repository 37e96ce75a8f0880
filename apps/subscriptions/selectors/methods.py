"""Which saved card or account a payment form offers, marks and preselects (checkout, Pay now,
upgrade): the default is picked unless it cannot pay or was declined; a declined one is marked."""

from __future__ import annotations

from datetime import date, datetime

from apps.subscriptions.models import Payment, PaymentMethod
from apps.subscriptions.selectors.billing import payment_methods_for


def usable(method: PaymentMethod | None, today: date) -> bool:
    """Saved, and (a card) not expired: something a payment could go to."""
    if method is None or method.removed_at is not None:
        return False
    if method.exp_year and method.exp_month:
        return (method.exp_year, method.exp_month) >= (today.year, today.month)
    return True


def last_declined(user) -> dict[int, datetime]:
    """Saved methods whose latest settled payment was declined -> when (one query)."""
    declined: dict[int, datetime] = {}
    for method_id, status, at in (
        Payment.objects.filter(
            user=user,
            payment_method__isnull=False,
            status__in=[Payment.Status.SUCCEEDED, Payment.Status.FAILED],
        )
        .order_by("created_at", "pk")
        .values_list("payment_method_id", "status", "created_at")
    ):
        if status == Payment.Status.FAILED:
            declined[method_id] = at
        else:  # it paid since: no longer "declined"
            declined.pop(method_id, None)
    return declined


def pay_choices(
    user, *, default_id: int | None, declined: dict[int, datetime], today: date
) -> tuple[list[dict], str]:
    """(the saved methods as choices, the one preselected or ""): the default when it can pay
    and was not declined; never a declined one."""
    methods = list(payment_methods_for(user))
    choices = [
        {
            "value": f"saved-{m.pk}",
            "method": m,
            "is_default": m.pk == default_id,
            "declined_on": declined.get(m.pk),
        }
        for m in methods
    ]
    default = next((m for m in methods if m.pk == default_id), None)
    ok = usable(default, today) and default.pk not in declined
    return choices, (f"saved-{default.pk}" if ok else "")
