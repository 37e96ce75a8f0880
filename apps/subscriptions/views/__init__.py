"""Subscription pages. Each view reads through selectors, writes through one service, and shows
money and dates in the viewer's currency and time zone.

Split by what the viewer is doing (account, checkout, changes, leaving, payment_methods,
sharing); urls.py reads every view from here.
"""

from apps.subscriptions.views.account import (
    invoice,
    invoice_download,
    invoice_pdf,
    invoices,
    overview,
    plans,
    schedule,
)
from apps.subscriptions.views.changes import (
    change,
    pending_change_cancel,
    postpone,
    student,
)
from apps.subscriptions.views.checkout import (
    challenge,
    checkout,
    pay_now,
)
from apps.subscriptions.views.leaving import (
    cancel,
    cancel_alternative,
    cancel_options,
    cancelled,
    resume,
    switch_to_free,
    withdraw,
)
from apps.subscriptions.views.payment_methods import (
    payment_method_default,
    payment_method_remove,
    payment_methods,
)
from apps.subscriptions.views.sharing import (
    invitation_revoke,
    join,
    member_remove,
    members,
    membership_leave,
)

__all__ = [
    "cancel",
    "cancel_alternative",
    "cancel_options",
    "cancelled",
    "challenge",
    "change",
    "checkout",
    "invitation_revoke",
    "invoice",
    "invoice_download",
    "invoice_pdf",
    "invoices",
    "join",
    "member_remove",
    "members",
    "membership_leave",
    "overview",
    "pay_now",
    "payment_method_default",
    "payment_method_remove",
    "payment_methods",
    "pending_change_cancel",
    "plans",
    "postpone",
    "resume",
    "schedule",
    "student",
    "switch_to_free",
    "withdraw",
]
