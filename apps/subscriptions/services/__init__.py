"""Writes for subscriptions: checkout, renewals and retries, plan changes, postponing, leaving,
payment methods, invoices and family sharing.

Every money-moving write runs in one transaction that first locks the account's subscription
row, so two tabs, a double-click or a task running twice are serialised; each gateway call
carries an idempotency key that is also a unique column (Payment.idempotency_key,
Checkout.key), so the second attempt finds the first one's outcome instead of charging again.
The gateway is called inside that transaction: a duplicate waits on the lock, then reads the
outcome; if the process dies after the charge but before the commit, the retry sends the same
key and the processor answers with the original charge.

The package is split by responsibility (core, invoices, payment_methods, checkout, renewals,
reminders, student_status, changes, leaving, sharing); callers import from here. The read-only
previews and quotes live in apps.subscriptions.selectors and are re-exported here too, so
`services.change_preview(...)` keeps working.
"""

from apps.subscriptions.selectors.quotes import (
    MAX_CATCH_UP,
    ChangePreview,
    WithdrawalPreview,
    change_preview,
    checkout_quote,
    free_preview,
    postpone_decision,
    renewal_target,
    student_lapsed,
    student_plan_ends_on,
    withdrawable_payments,
    withdrawal_preview,
)
from apps.subscriptions.services.changes import (
    POSTPONE_MESSAGES,
    pending_change_cancel,
    subscription_change,
    subscription_postpone,
)
from apps.subscriptions.services.checkout import (
    checkout_pay,
    checkout_started,
    new_checkout_key,
    payment_confirm,
)
from apps.subscriptions.services.core import (
    STUDENT_CONFIRMATION_MONTHS,
    AlreadyDone,
    AmountChanged,
    PaymentFailed,
    _notice,
    decline_message,
    free_plan,
    notice_send,
    plans_seed,
)
from apps.subscriptions.services.coupons import coupon_check
from apps.subscriptions.services.coupons import normalize_code as coupon_normalize
from apps.subscriptions.services.farewell import (
    account_deleted_context,
    account_deleted_notice,
    members_losing_plan,
    members_plan_ended_notice,
)
from apps.subscriptions.services.leaving import (
    cancel_reasons_record,
    leaving_alternative_take,
    subscription_cancel,
    subscription_resume,
    subscription_switch_to_free,
    subscription_withdraw,
)
from apps.subscriptions.services.newsletter import (
    newsletter_confirm,
    newsletter_confirmation_send,
    newsletter_request,
    newsletter_unsubscribe,
)
from apps.subscriptions.services.payment_methods import (
    CardDetails,
    PaymentSource,
    SepaDetails,
    payment_method_add,
    payment_method_make_default,
    payment_method_remove,
)
from apps.subscriptions.services.prices import plan_prices_changed
from apps.subscriptions.services.reminders import (
    REMINDER_LEAD,
    reminders_send,
    student_notices_next_moment,
    student_reminders_send,
)
from apps.subscriptions.services.renewals import (
    overdue_pay_now,
    subscription_renew,
    subscription_retry,
)
from apps.subscriptions.services.sharing import (
    invitation_accept,
    invitation_revoke,
    invitation_send,
    member_invite,
    member_remove,
    membership_leave,
)
from apps.subscriptions.services.student_status import (
    student_check_confirm,
    student_check_start,
)
from apps.subscriptions.zones import (
    anchor_of,
    billing_zone,
    local_day,
)

__all__ = [
    "account_deleted_context",
    "account_deleted_notice",
    "members_losing_plan",
    "members_plan_ended_notice",
    "cancel_reasons_record",
    "leaving_alternative_take",
    "AlreadyDone",
    "AmountChanged",
    "CardDetails",
    "ChangePreview",
    "MAX_CATCH_UP",
    "POSTPONE_MESSAGES",
    "PaymentFailed",
    "PaymentSource",
    "REMINDER_LEAD",
    "STUDENT_CONFIRMATION_MONTHS",
    "SepaDetails",
    "WithdrawalPreview",
    "_notice",
    "anchor_of",
    "billing_zone",
    "change_preview",
    "checkout_pay",
    "checkout_started",
    "checkout_quote",
    "coupon_check",
    "coupon_normalize",
    "decline_message",
    "free_plan",
    "free_preview",
    "invitation_accept",
    "invitation_revoke",
    "invitation_send",
    "local_day",
    "member_invite",
    "member_remove",
    "membership_leave",
    "new_checkout_key",
    "newsletter_confirm",
    "newsletter_confirmation_send",
    "newsletter_request",
    "newsletter_unsubscribe",
    "notice_send",
    "overdue_pay_now",
    "payment_confirm",
    "payment_method_add",
    "payment_method_make_default",
    "payment_method_remove",
    "pending_change_cancel",
    "plans_seed",
    "plan_prices_changed",
    "postpone_decision",
    "reminders_send",
    "renewal_target",
    "student_check_confirm",
    "student_check_start",
    "student_lapsed",
    "student_plan_ends_on",
    "student_notices_next_moment",
    "student_reminders_send",
    "subscription_cancel",
    "subscription_change",
    "subscription_postpone",
    "subscription_renew",
    "subscription_resume",
    "subscription_retry",
    "subscription_switch_to_free",
    "subscription_withdraw",
    "withdrawable_payments",
    "withdrawal_preview",
]
