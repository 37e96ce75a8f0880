"""Is a scheduled send still worth sending? Asked again at delivery time (`deliver_due`),
because days can pass between the trigger and the viewer's hour.

Each trigger records in the send's context what it saw (`event_id`: the triggering event);
anything the profile did after that event can make the message pointless.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime

from apps.engagement.models import Campaign, Send
from apps.tracking.activity import passive_q
from apps.tracking.models import Event

PLAY_EVENTS = ("play_started", "play_progress", "play_completed")
# After its newest play, the viewer can let a title go: "Not for me" (the homepage's Continue
# watching drops a title rated down, whenever it was rated) or "Remove from Continue watching"
# (until it is played again, or the removal is undone). No reminder then, planned or due.
SHELF_EVENTS = ("continue_watching_remove", "continue_watching_restore")
NOT_FOR_ME = -1
# A play reported at or past this share is a title watched to the end, whatever the event's
# name (the player's last progress report lands after its completion): playback.resume's
# WATCHED_PERCENT, kept equal by a test.
WATCHED_PERCENT = 90
# Continue watching drops an entry untouched for this many days, a film barely started (under
# FORGOTTEN_SAMPLE_PERCENT) sooner (playback.resume's SHELF_DAYS, SAMPLE_SHELF_DAYS and
# SAMPLE_PERCENT, kept equal by a test): no reminder then, planned or due.
FORGOTTEN_DAYS = 90
FORGOTTEN_SAMPLE_DAYS = 30
FORGOTTEN_SAMPLE_PERCENT = 15


def forgotten(age: timedelta, *, film: bool, share: tuple[int, int]) -> bool:
    """Whether Continue watching has let go of a play left `age` ago (a film barely started
    goes sooner). Counted from `now`, not the viewer's day as the homepage does: the reminder
    stops a few hours before the row drops the title, never after."""
    position, duration = share
    sample = film and duration > 0 and position * 100 < duration * FORGOTTEN_SAMPLE_PERCENT
    return age > timedelta(days=FORGOTTEN_SAMPLE_DAYS if sample else FORGOTTEN_DAYS)


def watched_to_the_end(position: int, duration: int) -> bool:
    return duration > 0 and position * 100 >= duration * WATCHED_PERCENT


def ratings_now(profile_ids, title_ids) -> dict[tuple[int, int], int]:
    """Each (profile, title)'s rating as it stands: the value of its newest `rating` event
    (0 once cleared). One query over those profiles' rating events."""
    wanted = {str(t) for t in title_ids} | {int(t) for t in title_ids}
    now_: dict[tuple[int, int], int] = {}
    rows = (
        Event.objects.filter(name="rating", profile_id__in=set(profile_ids))
        .order_by("occurred_at", "pk")
        .values_list("profile_id", "properties")
    )
    for profile_id, props in rows:
        title_id = (props or {}).get("title_id")
        if title_id in wanted:
            now_[(profile_id, int(title_id))] = int(props.get("value") or 0)
    return now_


def _title_abandoned(send: Send, now: datetime) -> str | None:
    ctx = send.context or {}
    left_at = parse_datetime(str(ctx.get("left_at") or ""))
    share = (int(ctx.get("position_seconds") or 0), int(ctx.get("duration_seconds") or 0))
    if left_at and forgotten(now - left_at, film=not ctx.get("episode_id"), share=share):
        # Planned hours before the limit, due after it: the row no longer offers the title.
        return "forgotten"
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
    title_id = int(ctx.get("title_id") or 0)
    if ratings_now([send.profile_id], [title_id]).get((send.profile_id, title_id)) == NOT_FOR_ME:
        return "not_for_me"
    shelf = (
        Event.objects.filter(
            profile_id=send.profile_id,
            name__in=SHELF_EVENTS,
            pk__gt=int(ctx.get("event_id") or 0),
            properties__title_id=ctx.get("title_id"),
        )
        .order_by("-occurred_at", "-pk")
        .values_list("name", flat=True)
        .first()
    )
    if shelf == "continue_watching_remove":
        return "removed"
    return None


def _checkout_abandoned(send: Send, now: datetime) -> str | None:
    ctx = send.context or {}
    subscribed = Event.objects.filter(
        profile__account_id=send.profile.account_id,
        name="subscription_started",
        pk__gt=int(ctx.get("event_id") or 0),
    ).exists()
    return "subscribed" if subscribed else None


def _inactivity(send: Send, now: datetime) -> str | None:
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


def still_relevant(send: Send, now: datetime) -> str | None:
    """Why the send no longer makes sense at `now` (a skip reason), or None."""
    check = RECHECKS.get(send.campaign.trigger)
    return check(send, now) if check is not None else None
