"""`Outgoing`, `allowed` and `deliver`: the contract the sending side calls.

Every message is claimed before it leaves (DESIGN.md): `deliver` commits the `Message` row under
its unique key with `claimed_at`, then sends, then stamps `sent_at` (or `error`). A second call
with the same key finds the row and sends nothing. A sender that died between claim and stamp
leaves a stale claim that `resend` (the sweeper, `tasks.sweep_unsent_messages`) sends again, at
most CHANNEL_MAX_ATTEMPTS times in all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from apps.core import clock
from apps.engagement.channels import email, events, links, push, vapid
from apps.engagement.channels.consent import stored_consent
from apps.engagement.channels.preferences import ALWAYS_ON
from apps.engagement.models import (
    MARKETING_CATEGORIES,
    Category,
    Channel,
    ChannelPreference,
    Message,
)


@dataclass(frozen=True)
class Outgoing:
    key: str  # unique idempotency key, e.g. f"send-{send.pk}:{channel}"
    profile_id: int
    channel: str  # Channel.IN_APP | EMAIL | PUSH
    category: str  # Category value
    subject: str
    text: str
    html: str  # html only for e-mail ("" otherwise)
    cta_label: str
    cta_url: str  # site-relative, e.g. /watch/12/?t=734
    image_url: str  # site-relative artwork URL or ""
    send_id: int | None = None


def allowed(profile, channel: str, category: str, *, requested: bool = False) -> str | None:
    """None when `profile` may get a `category` message on `channel`; else why not.

    `requested`: the viewer asked for this very message ("Remind me"): a service message that
    needs no marketing consent, but their switch for the category and channel still holds.

    Reasons: "channel_off" (an unknown channel, push without keys, e-mail or push for a kids
    profile: the account's address and devices are the grown-ups'), "no_email",
    "no_marketing_consent", "unsubscribed" (the e-mail's one-click link), "category_off" (the
    settings page), "no_push_subscription".
    """
    if channel not in Channel.values or category not in Category.values:
        return "channel_off"
    if profile.is_kids and channel != Channel.IN_APP:
        return "channel_off"
    if channel == Channel.EMAIL and not profile.account.email:
        return "no_email"
    if category in MARKETING_CATEGORIES and not requested and not stored_consent(profile).marketing:
        return "no_marketing_consent"
    if (channel, category) not in ALWAYS_ON:
        choice = (
            ChannelPreference.objects.filter(profile=profile, channel=channel, category=category)
            .values_list("enabled", "source")
            .first()
        )
        if choice is not None and not choice[0]:
            return "unsubscribed" if choice[1] == "unsubscribe" else "category_off"
    if channel == Channel.PUSH:
        if vapid.keys() is None:
            return "channel_off"
        if not profile.push_subscriptions.exists():
            return "no_push_subscription"
    return None


def deliver(outgoing: Outgoing) -> Message:
    """Claim, send, stamp; idempotent by `outgoing.key` (a repeat returns the row, sends nothing).
    Call it outside a transaction, so the claim is committed before anything leaves."""
    existing = Message.objects.filter(key=outgoing.key).first()
    if existing is not None:
        return existing
    now = clock.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=outgoing.key,
                send_id=outgoing.send_id,
                profile_id=outgoing.profile_id,
                channel=outgoing.channel,
                category=outgoing.category,
                subject=outgoing.subject[:200],
                text=outgoing.text,
                html=outgoing.html if outgoing.channel == Channel.EMAIL else "",
                cta_label=outgoing.cta_label[:60],
                cta_url=outgoing.cta_url[:300],
                image_url=links.site_relative(outgoing.image_url)[:300],  # this site only
                created_at=now,
                claimed_at=now,
            )
    except IntegrityError:  # a concurrent call claimed it first
        return Message.objects.get(key=outgoing.key)
    _carry(message)
    return message


def resend(*, message_id: int, at: datetime | None = None) -> bool:
    """Send again a message whose sender died or failed, once its claim is stale (the sweeper)."""
    at = at or clock.now()
    claimed = (
        Message.objects.filter(
            pk=message_id, sent_at__isnull=True, attempts__lt=settings.CHANNEL_MAX_ATTEMPTS
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stale(at)))
        .update(claimed_at=at, attempts=F("attempts") + 1, error="")
    )
    if not claimed:
        return False
    _carry(Message.objects.get(pk=message_id))
    return True


def unsent(*, at: datetime | None = None, limit: int = 500) -> list[int]:
    """Messages claimed long ago and never stamped, with attempts left (for the sweeper)."""
    at = at or clock.now()
    return list(
        Message.objects.filter(sent_at__isnull=True, attempts__lt=settings.CHANNEL_MAX_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stale(at)))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def _stale(at: datetime) -> datetime:
    return at - timedelta(seconds=settings.CHANNEL_SWEEP_AFTER_SECONDS)


def _carry(message: Message) -> None:
    """Hand the claimed message to its channel, then stamp the outcome."""
    if message.channel == Channel.EMAIL:
        error = email.send(message)
    elif message.channel == Channel.PUSH:
        error = push.send(message)
    else:
        error = ""  # in-app: the row is the delivery; the bell reads it
    if error:
        message.error = error[:200]
        Message.objects.filter(pk=message.pk).update(error=message.error)
        return
    message.sent_at = clock.now()
    Message.objects.filter(pk=message.pk).update(sent_at=message.sent_at, error="")
    events.record(message, "message_delivered")
