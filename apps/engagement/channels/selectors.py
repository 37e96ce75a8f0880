"""Reads for the viewer's pages: the bell, the inbox, the settings."""

from django.db.models import Exists, OuterRef, Q

from apps.engagement.models import Channel, ChannelPreference, Message, MessagingSettings

INBOX_LIMIT = 50
PANEL_LIMIT = 5


def _shown():
    return Message.objects.filter(
        channel=Channel.IN_APP, dismissed_at__isnull=True, sent_at__isnull=False
    )


def _inbox(profile):
    """The profile's cards: each in-app message, except one that a newer message on the same
    topic replaces (new episodes of one series are one card, the newest)."""
    replaced = _shown().filter(
        profile_id=OuterRef("profile_id"), topic=OuterRef("topic"), pk__gt=OuterRef("pk")
    )
    return _shown().filter(profile=profile).exclude(Q(topic__gt="") & Exists(replaced))


def unread_count(*, profile) -> int:
    return _inbox(profile).filter(read_at__isnull=True).count()


def inbox(*, profile, limit: int = INBOX_LIMIT) -> list[Message]:
    """The profile's in-app messages, newest first (one query, whatever the history)."""
    return list(_inbox(profile).order_by("-created_at", "-pk")[:limit])


def own_message(*, profile, message_id: int) -> Message | None:
    """One of the profile's own in-app messages (None for anyone else's)."""
    return _inbox(profile).filter(pk=message_id).first()


def stored_preferences(*, profile) -> dict[tuple[str, str], bool]:
    return {
        (channel, category): enabled
        for channel, category, enabled in ChannelPreference.objects.filter(
            profile=profile
        ).values_list("channel", "category", "enabled")
    }


def messaging_settings(*, profile) -> MessagingSettings:
    """The profile's quiet hours (the defaults, unsaved, when it never changed them)."""
    found = MessagingSettings.objects.filter(profile=profile).first()
    return found or MessagingSettings(profile=profile)


def push_subscription_count(*, profile) -> int:
    return profile.push_subscriptions.count()
