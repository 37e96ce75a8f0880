"""Why a payment or a checkout failed, in words an admin reads (pure; no database).

`Payment.failure_code` and `Checkout.failure_code` keep the code as the gateway (or our own
services) gave it: admins search logs and the processor's dashboard by it. Only what the admin
shows goes through `failure_label`; a code with no label here (a new processor's) shows as is.
"""

from django.utils.translation import gettext_lazy as _

FAILURE_LABELS = {
    # The gateway's decline codes (gateway.ChargeResult.decline_code)
    "card_declined": _("Card declined"),
    "insufficient_funds": _("Insufficient funds"),
    "authentication_rejected": _("Bank did not approve the payment"),
    # Our services' own
    "superseded": _("No longer needed (already paid)"),
    "no_payment_method": _("No payment method on file"),
    "already_subscribed": _("Already subscribed"),
}


def failure_label(code: str) -> str:
    """The failure's label in the active language; the code itself if it has none."""
    return str(FAILURE_LABELS.get(code, code)) if code else ""
