"""Which events are the viewer's own doing, as opposed to what the site recorded about them
(pure): "inactive for 21 days" and "welcome back" must not count a renewal the billing job
charged, an episode the release job announced or a message the engagement job sent."""

from django.db.models import Q

# Recorded by scheduled jobs or by the site about the viewer, never by what the viewer did.
PASSIVE_PREFIXES = (
    "message_",  # the engagement app's sends, opens and conversions
    "payment_",  # renewals, retries, failures (a viewer's own payment-method change too; rare)
    "subscription_",  # renewals, ends, a cancellation taking effect
    "student_",  # reminders and lapses of the student status
    "plan_",  # plan ending or renewing soon
    "invoice_",
    "notice_",
    "episode_released",  # the release job, for each interested profile
    "title_released",  # the title release job, for each reminded profile
)


def passive(name: str) -> bool:
    return name.startswith(PASSIVE_PREFIXES)


def passive_q(field: str = "name") -> Q:
    """A filter matching the passive events (exclude it to keep the viewer's own)."""
    q = Q()
    for prefix in PASSIVE_PREFIXES:
        q |= Q(**{f"{field}__startswith": prefix})
    return q
