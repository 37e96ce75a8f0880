"""Writes from the viewer's side: read, dismiss, click, open, unsubscribe, settings, push."""

from datetime import datetime, time

from django.db import transaction
from django.db.models import Q

from apps.accounts.models import Profile
from apps.engagement.channels import events
from apps.engagement.channels.preferences import Cell
from apps.engagement.models import (
    MARKETING_CATEGORIES,
    Channel,
    ChannelPreference,
    Message,
    MessagingSettings,
    PushSubscription,
)
from apps.tracking.services import track


def _with_replaced(message: Message):
    """The message and the older ones of its topic that it replaced in the inbox (one card)."""
    same = Message.objects.filter(pk=message.pk)
    if message.topic:
        same = Message.objects.filter(
            profile_id=message.profile_id,
            channel=message.channel,
            topic=message.topic,
            pk__lte=message.pk,
        )
    return same


def message_mark_read(*, message: Message, at: datetime) -> Message:
    if message.read_at is None:
        _with_replaced(message).filter(read_at__isnull=True).update(read_at=at)
        message.read_at = at
    return message


def title_messages_settle(*, profile_id: int, title_id: int, at: datetime) -> int:
    """The viewer played the title: its unread cards are read ("Pick up X where you left off"
    after resuming X, "New episodes of X" after watching X), so the bell stops counting what
    the viewer has already acted on (QA3: the card stayed unread after resuming). They stay
    in the inbox. One UPDATE."""
    return (
        Message.objects.filter(
            profile_id=profile_id,
            channel=Channel.IN_APP,
            read_at__isnull=True,
            sent_at__isnull=False,
        )
        .filter(Q(topic=f"series-{title_id}") | Q(topic__endswith=f"-title-{title_id}"))
        .update(read_at=at)
    )


def account_messages_settle(*, profile_id: int, kinds: tuple[str, ...], at: datetime) -> int:
    """An account notice stopped being true: its unread cards are read ("Your plan ends soon"
    after resuming the plan; "renews soon" and "didn't go through" once the renewal is paid;
    every billing card once the plan ended or after subscribing again: the table is
    `receivers.SETTLING_ACCOUNT_EVENTS`), so the bell stops counting what no longer holds.
    They stay in the inbox. One UPDATE. `kinds` are the notices' kinds as `inbox_topic` names
    them ("billing-<kind>-<date>"); empty: all."""
    cards = Message.objects.filter(
        profile_id=profile_id, channel=Channel.IN_APP, read_at__isnull=True, sent_at__isnull=False
    )
    about = Q(topic__startswith="billing-")
    if kinds:
        about = Q()
        for kind in kinds:
            about |= Q(topic__startswith=f"billing-{kind}-")
    return cards.filter(about).update(read_at=at)


def message_dismiss(*, message: Message, at: datetime) -> None:
    """Dismiss the card: with it the older messages it replaced, so none of them comes back."""
    _with_replaced(message).filter(dismissed_at__isnull=True, read_at__isnull=True).update(
        dismissed_at=at, read_at=at
    )
    _with_replaced(message).filter(dismissed_at__isnull=True).update(dismissed_at=at)


def message_click(*, message: Message, at: datetime, tracked: bool) -> None:
    """The viewer followed the button: the message is read; with consent, `message_clicked`."""
    updates = Message.objects.filter(pk=message.pk)
    updates.filter(read_at__isnull=True).update(read_at=at)
    if not tracked:
        return
    updates.filter(clicked_at__isnull=True).update(clicked_at=at)
    events.record(message, "message_clicked")


def message_open(*, message: Message, at: datetime) -> None:
    """The e-mail's pixel loaded (only e-mails of consenting viewers carry one)."""
    Message.objects.filter(pk=message.pk, opened_at__isnull=True).update(opened_at=at)
    events.record(message, "message_opened")


@transaction.atomic
def category_unsubscribe(*, profile_id: int, category: str, at: datetime) -> bool:
    """Stop e-mails of a marketing `category` for the profile; False when it already was."""
    if category not in MARKETING_CATEGORIES:
        raise ValueError(category)
    profile = Profile.objects.select_for_update().get(pk=profile_id)
    changed = not ChannelPreference.objects.filter(
        profile=profile, channel=Channel.EMAIL, category=category, enabled=False
    ).exists()
    if not changed:
        return False
    ChannelPreference.objects.update_or_create(
        profile=profile,
        channel=Channel.EMAIL,
        category=category,
        defaults={"enabled": False, "source": "unsubscribe", "updated_at": at},
    )
    track(
        name="message_unsubscribed",
        profile=profile,
        properties={"channel": Channel.EMAIL, "category": category},
        at=at,
    )
    return True


@transaction.atomic
def notification_settings_save(
    *,
    profile,
    cells: list[Cell],
    wanted: set[str],
    quiet_start: time,
    quiet_end: time,
    at: datetime,
) -> None:
    """Save the editable cells (on when their field is in `wanted`) and the quiet hours."""
    stored = {
        (row.channel, row.category): row
        for row in ChannelPreference.objects.select_for_update().filter(profile=profile)
    }
    for cell in cells:
        enabled = cell.field in wanted
        row = stored.get((cell.channel, cell.category))
        if row is None:
            if not enabled:  # no row means on
                ChannelPreference.objects.create(
                    profile=profile,
                    channel=cell.channel,
                    category=cell.category,
                    enabled=False,
                    updated_at=at,
                )
        elif row.enabled != enabled:
            row.enabled, row.source, row.updated_at = enabled, "settings", at
            row.save(update_fields=["enabled", "source", "updated_at"])
    MessagingSettings.objects.update_or_create(
        profile=profile, defaults={"quiet_start": quiet_start, "quiet_end": quiet_end}
    )


def push_subscribe(*, profile, endpoint: str, p256dh: str, auth: str, at: datetime) -> bool:
    """Remember this browser's subscription for the profile; True when it is new.

    The endpoint is a secret only its browser knows, so the browser posting it owns it: a browser
    that subscribed under another profile now pushes to this one."""
    _subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"profile": profile, "p256dh": p256dh, "auth": auth},
        create_defaults={
            "profile": profile,
            "p256dh": p256dh,
            "auth": auth,
            "created_at": at,
        },
    )
    return created


def push_unsubscribe(*, profile, endpoint: str) -> int:
    """Forget this browser's subscription (only the profile's own)."""
    deleted, _ = PushSubscription.objects.filter(profile=profile, endpoint=endpoint).delete()
    return deleted
