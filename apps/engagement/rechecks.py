"""Is a scheduled send still worth sending? Asked again at delivery time (`deliver_due`),
because days can pass between the trigger and the viewer's hour.

Each trigger records in the send's context what it saw (`event_id`: the triggering event);
anything the profile did after that event can make the message pointless.
"""

from __future__ import annotations

from apps.engagement.models import Campaign, Send
from apps.tracking.activity import passive_q
from apps.tracking.models import Event

PLAY_EVENTS = ("play_started", "play_progress", "play_completed")


def _title_abandoned(send: Send) -> str | None:
    ctx = send.context or {}
    after = Event.objects.filter(
        profile_id=send.profile_id,
        name__in=PLAY_EVENTS,
        pk__gt=int(ctx.get("event_id") or 0),
        properties__title_id=ctx.get("title_id"),
    )
    if after.filter(name="play_completed").exists():
        return "finished"
    if after.exists():
        return "watched_again"
    return None


def _checkout_abandoned(send: Send) -> str | None:
    ctx = send.context or {}
    subscribed = Event.objects.filter(
        profile__account_id=send.profile.account_id,
        name="subscription_started",
        pk__gt=int(ctx.get("event_id") or 0),
    ).exists()
    return "subscribed" if subscribed else None


def _inactivity(send: Send) -> str | None:
    """Active again between the trigger and the viewer's hour: no "we miss you"."""
    last = (send.context or {}).get("last_seen_at")
    if not last:
        return None
    active = (
        Event.objects.filter(profile_id=send.profile_id, occurred_at__gt=last)
        .exclude(passive_q())
        .exists()
    )
    return "active_again" if active else None


RECHECKS = {
    Campaign.Trigger.INACTIVITY: _inactivity,
    Campaign.Trigger.TITLE_ABANDONED: _title_abandoned,
    Campaign.Trigger.CHECKOUT_ABANDONED: _checkout_abandoned,
}


def still_relevant(send: Send) -> str | None:
    """Why the send no longer makes sense (a skip reason), or None."""
    check = RECHECKS.get(send.campaign.trigger)
    return check(send) if check is not None else None
