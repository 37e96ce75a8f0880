"""The kinds of result the subscription services and selectors return (pure).

StrEnum members are strings: templates compare them with "upgrade", tests with plain strings,
and a stored or logged value reads as before; code names the member instead of repeating it.
"""

from enum import StrEnum


class ChangeKind(StrEnum):
    """What confirming a plan change does (ChangePreview.kind)."""

    UPGRADE = "upgrade"  # now, prorated for the rest of the period
    SCHEDULED = "scheduled"  # at the end of the period
    SAME = "same"  # the plan and billing already in place


class RenewalOutcome(StrEnum):
    """What one period boundary of a renewal run did."""

    RENEWED = "renewed"
    FAILED = "failed"  # the charge was declined: dunning started
    ENDED = "ended"  # a cancelled (or lapsed Student) plan ended: back to Free


class RetryOutcome(StrEnum):
    """What retrying an overdue renewal did (subscription_retry, overdue_pay_now)."""

    PAID = "paid"
    FAILED = "failed"
    DROPPED = "dropped"  # retries exhausted: back to Free
    NOT_DUE = "not_due"  # nothing overdue, or the next retry is not due yet


class EntitlementSource(StrEnum):
    """Where an account's entitlements come from (Entitlements.source)."""

    OWN = "own"
    SHARED = "shared"
    FREE = "free"


class PlanAction(StrEnum):
    """What choosing a plan on the plans page does from where the viewer is."""

    SUBSCRIBE = "subscribe"
    UPGRADE = "upgrade"
    SWITCH = "switch"
    FREE = "free"
    CURRENT = "current"
    LOCKED = "locked"  # a plan change waits until the subscription is active again
    RETIRED = "retired"  # the viewer's own plan, no longer offered, on the other period
