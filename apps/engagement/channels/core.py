"""`Outgoing`, `allowed` (and `unreachable`, its answer for many profiles) and `deliver`: the
contract the sending side calls.

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
from django.db.models import Exists, F, JSONField, OuterRef, Q, Subquery

from apps.accounts.models import Profile
from apps.accounts.recipients import address_deliverable, mail_address
from apps.core import clock
from apps.core.claims import stamp_sent
from apps.engagement.channels import email, events, links, push, vapid
from apps.engagement.channels.consent import consent_from, stored_consent
from apps.engagement.channels.preferences import ALWAYS_ON
from apps.engagement.models import (
    MARKETING_CATEGORIES,
    Category,
    Channel,
    ChannelPreference,
    Message,
    PushSubscription,
)
from apps.tracking.models import Event


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
    topic: str = ""  # a newer in-app message of the same topic replaces this one in the inbox


class _OneProfile:
    """What `refusal` asks about one profile, each fact read only when asked (as before)."""

    def __init__(self, profile):
        self.profile = profile
        self.kids = profile.is_kids

    @property
    def has_email(self) -> bool:
        return bool(mail_address(self.profile.account))

    @property
    def marketing(self) -> bool:
        return stored_consent(self.profile).marketing

    def turned_off(self, channel: str, category: str) -> str | None:
        choice = (
            ChannelPreference.objects.filter(
                profile=self.profile, channel=channel, category=category
            )
            .values_list("enabled", "source")
            .first()
        )
        return choice[1] if choice is not None and not choice[0] else None

    @property
    def push_keys(self) -> bool:
        return vapid.keys() is not None

    @property
    def push_subscribed(self) -> bool:
        return self.profile.push_subscriptions.exists()


@dataclass(frozen=True)
class _Read:
    """The same facts read for many profiles at once (`unreachable`)."""

    kids: bool
    has_email: bool
    marketing: bool
    off: dict  # {(channel, category): source} of the switches turned off
    push_keys: bool  # the site can sign push messages (read once for the batch)
    push_subscribed: bool

    def turned_off(self, channel: str, category: str) -> str | None:
        return self.off.get((channel, category))


def refusal(facts, channel: str, category: str, *, requested: bool = False) -> str | None:
    """The one decision behind `allowed` and `unreachable`, in their order of reasons."""
    if channel not in Channel.values or category not in Category.values:
        return "channel_off"
    if facts.kids and channel != Channel.IN_APP:
        return "channel_off"
    if facts.kids and category == Category.OFFERS:
        # Whatever the campaign (scheduled, segment, event) and the account's consent.
        return "kids_profile"
    if channel == Channel.EMAIL and not facts.has_email:
        return "no_email"
    if category in MARKETING_CATEGORIES and not requested and not facts.marketing:
        return "no_marketing_consent"
    if (channel, category) not in ALWAYS_ON:
        source = facts.turned_off(channel, category)
        if source is not None:
            return "unsubscribed" if source == "unsubscribe" else "category_off"
    if channel == Channel.PUSH:
        if not facts.push_keys:
            return "channel_off"
        if not facts.push_subscribed:
            return "no_push_subscription"
    return None


def allowed(profile, channel: str, category: str, *, requested: bool = False) -> str | None:
    """None when `profile` may get a `category` message on `channel`; else why not.

    `requested`: the viewer asked for this very message ("Remind me"): a service message that
    needs no marketing consent, but their switch for the category and channel still holds.

    Reasons: "channel_off" (an unknown channel, push without keys, e-mail or push for a kids
    profile: the account's address and devices are the grown-ups'), "kids_profile" (an offer
    for a kids profile: never, whatever the consent), "no_email",
    "no_marketing_consent", "unsubscribed" (the e-mail's one-click link), "category_off" (the
    settings page), "no_push_subscription".
    """
    return refusal(_OneProfile(profile), channel, category, requested=requested)


def unreachable(profile_ids, channels: list[str], category: str) -> dict[int, str]:
    """{profile id: why} for the profiles that none of `channels` may carry a `category`
    message to, in one query (a trigger skips them before planning anything). The reason is
    the first channel's, as delivery would record it. Profiles not found are left out."""
    ids = sorted(set(profile_ids))
    if not ids:
        return {}
    wanted = [c for c in channels if c in Channel.values]
    newest_consent = (
        Event.objects.filter(name="consent_given", profile__account_id=OuterRef("account_id"))
        .order_by("-occurred_at", "-pk")
        .values("properties")[:1]
    )
    annotations = {"consent": Subquery(newest_consent, output_field=JSONField())}
    for channel in wanted:
        annotations[f"off_{channel}"] = Subquery(
            ChannelPreference.objects.filter(
                profile_id=OuterRef("pk"), channel=channel, category=category, enabled=False
            ).values("source")[:1]
        )
    if Channel.PUSH in wanted:
        annotations["pushed"] = Exists(PushSubscription.objects.filter(profile_id=OuterRef("pk")))
    push_keys = Channel.PUSH in wanted and vapid.keys() is not None
    rows = (
        Profile.objects.filter(pk__in=ids)
        .annotate(**annotations)
        .values("pk", "is_kids", "account__email", *annotations)
    )
    found = {}
    for row in rows:
        facts = _Read(
            kids=row["is_kids"],
            has_email=address_deliverable(row["account__email"]),
            marketing=consent_from(row["consent"]).marketing,
            off={(c, category): row[f"off_{c}"] for c in wanted if row[f"off_{c}"] is not None},
            push_keys=push_keys,
            push_subscribed=bool(row.get("pushed")),
        )
        reasons = [refusal(facts, channel, category) for channel in channels]
        if reasons and None not in reasons:
            found[row["pk"]] = reasons[0]
        elif not reasons:
            found[row["pk"]] = "no_channel"
    return found


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
                topic=outgoing.topic[:40],
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
    stamp_sent(Message.objects.filter(pk=message.pk), sent_at=message.sent_at, error="")
    events.record(message, "message_delivered")
