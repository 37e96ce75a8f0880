"""Sending: the decision a trigger makes about one profile (`plan_send`) and the beat task's
delivery of what is due (`deliver_due`).

A send moves once, by a conditional UPDATE, from scheduled to sent or skipped; the channels
then claim each message under its key (`send-<pk>:<channel>`). So a retried or duplicated
delivery task finds nothing left to do, and a message is never sent twice (DESIGN.md: every
outgoing message is claimed before it is sent).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction

from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.engagement import (
    caps,
    channels,
    holdout,
    hours,
    rechecks,
    segments,
    templating,
    timing,
)
from apps.engagement import variants as variant_choice
from apps.engagement.models import (
    MARKETING_CATEGORIES,
    Campaign,
    Category,
    Channel,
    MessagingSettings,
    Send,
)
from apps.tracking.services import EventData, track, track_many

logger = logging.getLogger(__name__)

DELIVER_BATCH = 200
RELEARN_AFTER = timedelta(days=1)  # the preferred hour is recomputed at most daily
SWEEP_AFTER = timedelta(minutes=10)  # a send marked sent with no message this long after
SWEEP_WITHIN = timedelta(days=1)  # ... and not older than this (a day-old message is stale)


def _messaged_last_period(campaign: Campaign, profile_id: int, *, now: datetime) -> bool:
    """Did the profile receive the campaign's message in the control period before `now`'s?"""
    number = holdout.period(now, campaign.control_rotation_days)
    if number is None:
        return False
    return Send.objects.filter(
        campaign=campaign,
        profile_id=profile_id,
        status=Send.Status.SENT,
        sent_at__gte=holdout.period_start(number - 1, campaign.control_rotation_days),
        sent_at__lt=holdout.period_start(number, campaign.control_rotation_days),
    ).exists()


def in_control(campaign: Campaign, profile_id: int, *, now: datetime) -> bool:
    """Is the profile held back by the campaign at `now`? Stable within a control period
    (`holdout.py`, the campaign's `control_rotation_days`); account messages never are."""
    if campaign.category == Category.ACCOUNT:
        return False
    return holdout.held_back(
        key=campaign.key,
        salt=campaign.control_salt,
        percent=campaign.control_percent,
        profile_id=profile_id,
        period=holdout.period(now, campaign.control_rotation_days),
    )


def is_running(campaign: Campaign, now: datetime) -> bool:
    return (
        campaign.status == Campaign.Status.LIVE
        and campaign.starts_at <= now
        and (campaign.ends_at is None or now < campaign.ends_at)
    )


def _event(name: str, send: Send, *, channel: str = "", **extra) -> None:
    properties = {
        "campaign_id": send.campaign_id,
        "variant_id": send.variant_id,
        "send_id": send.pk,
        **({"channel": channel} if channel else {}),
        **extra,
    }
    track(
        name=name,
        profile=send.profile,
        properties=properties,
        client_id=f"eng-{name}-{send.pk}{'-' + channel if channel else ''}"[:64],
    )


def messaging_settings(profile_id: int, *, lock: bool = False) -> MessagingSettings:
    """The profile's MessagingSettings (created with the defaults when missing), locked for the
    current transaction when `lock`."""
    qs = MessagingSettings.objects.all()
    if lock:
        qs = qs.select_for_update()
    row = qs.filter(profile_id=profile_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            MessagingSettings.objects.create(profile_id=profile_id)
    except IntegrityError:
        pass  # a concurrent writer created it
    return qs.get(profile_id=profile_id)


def preferred_hour_learn(*, profile, now: datetime) -> int:
    """The profile's send hour: learned from its plays (refreshed at most daily), else the
    site's most common hour. Stored on its MessagingSettings."""
    row = messaging_settings(profile.pk)
    fresh = row.preferred_hour_updated_at and now - row.preferred_hour_updated_at < RELEARN_AFTER
    if fresh and row.preferred_hour is not None:
        return row.preferred_hour
    tz = viewer_zone(profile.account)
    hour = timing.preferred_hour(hours.play_times(profile_id=profile.pk, now=now), tz=tz, now=now)
    if hour is None:
        return hours.site_hour(now=now)
    MessagingSettings.objects.filter(pk=row.pk).update(
        preferred_hour=hour, preferred_hour_updated_at=now
    )
    return hour


def due_time(*, campaign: Campaign, profile, now: datetime) -> datetime:
    """At the profile's hour outside its quiet hours; account messages as soon as quiet hours
    allow (a failed payment should not wait for the evening, nor wake anyone up)."""
    row = messaging_settings(profile.pk)
    hour = None
    if campaign.category != Category.ACCOUNT:
        hour = preferred_hour_learn(profile=profile, now=now)
    return timing.send_time(
        now,
        tz=viewer_zone(profile.account),
        hour=hour,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
    )


def plan_send(
    *,
    campaign: Campaign,
    profile,
    trigger_key: str,
    context: dict | None = None,
    now: datetime | None = None,
) -> Send | None:
    """Decide about one profile for one trigger: nothing (campaign not running, profile not in
    the audience), a control send (held back, never messaged) or a scheduled send with its
    variant and due time. Once per (campaign, profile, trigger key): a second call returns the
    first decision."""
    now = now or clock.now()
    context = dict(context or {})
    existing = Send.objects.filter(
        campaign=campaign, profile=profile, trigger_key=trigger_key
    ).first()
    if existing is not None:
        return existing
    if not is_running(campaign, now):
        return None
    if campaign.segment_id and not segments.matches(campaign.segment.rules, profile, now=now):
        return None
    fields: dict = {"context": context, "created_at": now}
    held = in_control(campaign, profile.pk, now=now)
    if held and _messaged_last_period(campaign, profile.pk, now=now):
        # Held back all the same, but not counted as the control: last period's message may
        # still be at work, and the "held back" group would blur the uplift (`holdout.py`).
        fields.update(status=Send.Status.SKIPPED, skip_reason="messaged_last_period", due_at=now)
        event = "message_skipped"
    elif held and (capped := caps.control_check(profile_id=profile.pk, campaign=campaign, now=now)):
        # Held back no more often than it would have been messaged (`caps.control_check`).
        fields.update(status=Send.Status.SKIPPED, skip_reason=capped, due_at=now)
        event = "message_skipped"
    elif held:
        fields.update(status=Send.Status.CONTROL, due_at=now)
        event = "message_held_back"
    elif (merged := _merge_into_pending(campaign, profile.pk, context)) is not None:
        fields.update(status=Send.Status.SKIPPED, skip_reason="merged", due_at=now)
        event = "message_skipped"
        context["merged_into"] = merged.pk
    else:
        variant = variant_choice.choose(campaign, profile, context)
        if variant is None:
            fields.update(status=Send.Status.SKIPPED, skip_reason="no_variant", due_at=now)
            event = "message_skipped"
        else:
            due = due_time(campaign=campaign, profile=profile, now=now)
            fields.update(status=Send.Status.SCHEDULED, variant=variant, due_at=due)
            event = "message_scheduled"
    try:
        with transaction.atomic():
            send = Send.objects.create(
                campaign=campaign, profile=profile, trigger_key=trigger_key, **fields
            )
            extra = {"reason": send.skip_reason} if send.skip_reason else {}
            if send.status == Send.Status.SCHEDULED:
                extra["due_at"] = send.due_at.isoformat()
            _event(event, send, **extra)
    except IntegrityError:  # a concurrent trigger run decided first
        return Send.objects.get(campaign=campaign, profile=profile, trigger_key=trigger_key)
    return send


def skip_unreachable(
    *, campaign: Campaign, fired: list[tuple[int, str, dict]], now: datetime
) -> set[tuple[int, str]]:
    """The trigger's first pass over what it found, as (profile id, trigger key, context), none
    decided yet: the profiles in the campaign's audience that none of its channels may reach
    (no marketing consent, unsubscribed, switched off, no address, no push subscription) are
    decided here in bulk (one query finds them, one insert writes their sends, one their
    events) rather than planned one by one (a due time, a variant) only to be skipped at
    delivery. They are skipped (with the first channel's reason) before the control group is
    drawn: the control group holds back profiles the message could have reached, so that it is
    compared with the profiles it did reach. (Drawn among everyone, the win-back journey's
    control group was mostly viewers who had refused marketing, and its uplift compared
    consenting viewers who got an e-mail with mostly non-consenting ones who could not.)
    Returns the (profile id, trigger key) pairs decided."""
    if not fired or not is_running(campaign, now):
        return set()
    why = channels.unreachable({f[0] for f in fired}, campaign.channels, campaign.category)
    if why and campaign.segment_id:
        inside = segments.members(campaign.segment.rules, why, now=now)
        why = {pk: reason for pk, reason in why.items() if pk in inside}
    chosen = [f for f in fired if f[0] in why]
    if not chosen:
        return set()
    Send.objects.bulk_create(
        [
            Send(
                campaign=campaign,
                profile_id=profile_id,
                trigger_key=key,
                context=dict(context or {}),
                status=Send.Status.SKIPPED,
                skip_reason=why[profile_id],
                due_at=now,
                created_at=now,
            )
            for profile_id, key, context in chosen
        ],
        ignore_conflicts=True,  # a concurrent trigger run decided first: its decision stands
    )
    wanted = {(profile_id, key) for profile_id, key, _ in chosen}
    rows = [
        row
        for row in Send.objects.filter(
            campaign=campaign,
            profile_id__in=why,
            trigger_key__in={key for _, key, _ in chosen},
            status=Send.Status.SKIPPED,
        ).values_list("pk", "profile_id", "trigger_key", "skip_reason")
        if (row[1], row[2]) in wanted
    ]
    # Named and shaped as `_event` records them one by one.
    track_many(
        EventData(
            name="message_skipped",
            profile_id=profile_id,
            occurred_at=now,
            properties={
                "campaign_id": campaign.pk,
                "variant_id": None,
                "send_id": pk,
                "reason": reason,
            },
            client_id=f"eng-message_skipped-{pk}",
        )
        for pk, profile_id, _key, reason in rows
    )
    return wanted


@dataclass
class Delivery:
    sent: int = 0
    skipped: int = 0
    messages: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent ({self.messages} messages), {self.skipped} skipped"


def _skip(send: Send, reason: str) -> None:
    Send.objects.filter(pk=send.pk, status=Send.Status.SCHEDULED).update(
        status=Send.Status.SKIPPED, skip_reason=reason
    )
    _event("message_skipped", send, reason=reason)


def _claim(send_id: int, now: datetime) -> tuple[Send | None, list[channels.Outgoing], str]:
    """In one transaction: lock the send and the profile's settings, re-check everything, and
    move the send to sent (returning what to deliver) or skipped (returning the reason)."""
    with transaction.atomic():
        qs = Send.objects.select_related("campaign__segment", "variant", "profile__account")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        send = qs.filter(pk=send_id, status=Send.Status.SCHEDULED).first()
        if send is None:
            return None, [], ""  # another worker has it, or it is no longer due
        campaign, profile = send.campaign, send.profile
        # The lock that makes the cap hold: every delivery to this profile waits here.
        messaging_settings(profile.pk, lock=True)
        reason = None
        if not is_running(campaign, now):
            reason = "campaign_not_live"
        elif send.variant is None:
            reason = "no_variant"
        else:
            reason = rechecks.still_relevant(send, now)
        if (
            reason is None
            and campaign.segment_id
            and not segments.matches(campaign.segment.rules, profile, now=now)
        ):
            reason = "left_segment"
        if reason is None:
            reason = caps.check(profile_id=profile.pk, campaign=campaign, now=now)
        if reason is not None:
            _skip(send, reason)
            return send, [], reason

        outgoing: list[channels.Outgoing] = []
        reasons: list[str] = []
        told = told_today(send, now)
        for channel in campaign.channels:
            if told and channel != Channel.IN_APP:
                # The series' card in the app is updated; the phone buzzes once a day at most.
                reasons.append("told_today")
                _event("message_skipped", send, channel=channel, reason="told_today")
                continue
            item = _outgoing(send, channel, now)
            if isinstance(item, str):
                reasons.append(item)
                _event("message_skipped", send, channel=channel, reason=item)
            else:
                outgoing.append(item)
        if not outgoing:
            reason = reasons[0] if reasons else "no_channel"
            _skip(send, reason)
            return send, [], reason
        moved = Send.objects.filter(pk=send.pk, status=Send.Status.SCHEDULED).update(
            status=Send.Status.SENT, sent_at=now
        )
        if not moved:
            return None, [], ""
        for item in outgoing:
            _event("message_sent", send, channel=item.channel)
        return send, outgoing, ""


def deliver_one(*, send_id: int, now: datetime | None = None) -> Delivery:
    """Deliver one due send (idempotent: a send already sent or skipped does nothing)."""
    now = now or clock.now()
    result = Delivery()
    send, outgoing, reason = _claim(send_id, now)
    if send is None:
        return result
    if reason:
        result.skipped += 1
        return result
    result.sent += 1
    # After the commit that marked the send: each channel claims its Message by key first.
    for item in outgoing:
        try:
            channels.deliver(item)
            result.messages += 1
        except Exception:  # one broken channel must not stop the others
            logger.exception("engagement: %s failed for send %s", item.channel, send.pk)
    return result


def message_topic(campaign: Campaign, context: dict | None) -> str:
    """What a message is about when a newer one should replace it in the inbox: new episodes
    of one series make one card ("2 new episodes of X"), not one card per episode."""
    title_id = str((context or {}).get("title_id") or "")
    if campaign.category == Category.NEW_EPISODES and title_id.isdigit():
        return f"series-{title_id}"
    return ""


def inbox_topic(campaign: Campaign, context: dict | None) -> str:
    """What a card is about in the inbox, where the newest card of a topic replaces the older
    ones: new episodes of one series (`message_topic`), or one campaign's reminders about one
    title ("Pick up X where you left off" sent twice is one card, the newest), or one
    campaign's notices of one kind about one date ("Your Student status ends soon" 30 and 7
    days before the same day is one card; next month's renewal is another). Account notices
    about one payment share a card across campaigns: "Your payment didn't go through" replaces
    "Your plan renews soon" for that same renewal."""
    topic = message_topic(campaign, context)
    title_id = str((context or {}).get("title_id") or "")
    kind = str((context or {}).get("kind") or "")
    day = str((context or {}).get("date") or "")
    if not topic and title_id.isdigit():
        topic = f"c{campaign.pk}-title-{title_id}"
    elif not topic and kind and day:
        about = "billing" if campaign.category == Category.ACCOUNT else f"c{campaign.pk}"
        topic = f"{about}-{kind[:12]}-{day[:10]}"
    return topic[:40]


def _release_day(context: dict | None, zone) -> date | None:
    """The viewer's local day an episode came out (`released_at` in the event), or None."""
    try:
        moment = datetime.fromisoformat(str((context or {}).get("released_at") or ""))
    except ValueError:
        return None
    return moment.astimezone(zone).date() if moment.tzinfo else moment.date()


def _same_topic(campaign: Campaign, profile_id: int, context: dict | None):
    """This campaign's sends to the profile about the same topic (none when it has none)."""
    if not message_topic(campaign, context):
        return Send.objects.none()
    return Send.objects.filter(
        campaign=campaign, profile_id=profile_id, context__title_id=context.get("title_id")
    )


def told_today(send: Send, now: datetime) -> bool:
    """Was the profile already told about an episode of this series that came out the same
    day (its local day)? Then only the in-app card is renewed (it now counts both episodes):
    a second episode out the same day sends no second e-mail or push. Asked under the
    profile's delivery lock (`_claim`), where every send to it moves to sent one at a time."""
    zone = viewer_zone(send.profile.account)
    day = _release_day(send.context, zone)
    if day is None:
        return False
    earlier = (
        _same_topic(send.campaign, send.profile_id, send.context)
        .filter(status=Send.Status.SENT)
        .exclude(pk=send.pk)
        .values_list("context", flat=True)
    )
    return any(_release_day(context, zone) == day for context in earlier)


def _merge_into_pending(campaign: Campaign, profile_id: int, context: dict) -> Send | None:
    """A notice about the same series still waiting for the viewer's hour takes this newer
    event's facts (the count of new episodes, the episode to watch next) instead of a second
    notice being planned. Returns the send that took them, or None (nothing waiting; or it
    left meanwhile: the conditional update finds it no longer scheduled)."""
    pending = (
        _same_topic(campaign, profile_id, context)
        .filter(status=Send.Status.SCHEDULED)
        .order_by("-pk")
        .first()
    )
    if pending is None:
        return None
    moved = Send.objects.filter(pk=pending.pk, status=Send.Status.SCHEDULED).update(context=context)
    return pending if moved else None


def _outgoing(send: Send, channel: str, now: datetime) -> channels.Outgoing | str:
    """What one channel carries for a send (its key `send-<pk>:<channel>`), or why it carries
    nothing (the channel refuses, or the template skips)."""
    campaign, profile = send.campaign, send.profile
    why = channels.allowed(profile, channel, campaign.category)
    if why is not None:
        return why
    rendered = templating.render(
        send.variant, channel=channel, profile=profile, context=send.context, now=now
    )
    if isinstance(rendered, templating.Skipped):
        return rendered.reason
    return channels.Outgoing(
        key=f"send-{send.pk}:{channel}",
        profile_id=profile.pk,
        channel=channel,
        category=campaign.category,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html if channel == "email" else "",
        cta_label=rendered.cta_label,
        cta_url=rendered.cta_url,
        image_url=rendered.image_url,
        send_id=send.pk,
        topic=inbox_topic(campaign, send.context),
    )


def _outgoing_again(send: Send, now: datetime) -> list[channels.Outgoing]:
    """What a sent send's channels carry, rendered again (for the sweep: same keys)."""
    found = (_outgoing(send, channel, now) for channel in send.campaign.channels)
    return [item for item in found if not isinstance(item, str)]


def sends_sweep(*, now: datetime) -> int:
    """Sends marked sent whose worker died before any channel claimed a message (the claim is
    committed first, then the channels run): deliver them now, under the same keys, so each
    message still goes out once. Returns the messages handed to the channels."""
    lost = (
        Send.objects.filter(
            status=Send.Status.SENT,
            sent_at__gt=now - SWEEP_WITHIN,
            sent_at__lte=now - SWEEP_AFTER,
            variant__isnull=False,
        )
        .exclude(messages__isnull=False)
        .select_related("campaign", "variant", "profile__account")
        .order_by("sent_at", "pk")[:DELIVER_BATCH]
    )
    handed = 0
    for send in lost:
        for item in _outgoing_again(send, now):
            try:
                channels.deliver(item)
                handed += 1
            except Exception:
                logger.exception("engagement: %s failed for send %s", item.channel, send.pk)
    return handed


def deliver_due(now: datetime | None = None) -> Delivery:
    """Deliver every scheduled send due by `now`, then sweep up sends a dead worker left
    undelivered (the beat task, every 5 minutes)."""
    now = now or clock.now()
    total = Delivery()
    due = (
        Send.objects.filter(status=Send.Status.SCHEDULED, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:DELIVER_BATCH]
    )
    for send_id in list(due):
        one = deliver_one(send_id=send_id, now=now)
        total.sent += one.sent
        total.skipped += one.skipped
        total.messages += one.messages
    total.messages += sends_sweep(now=now)
    return total


def marketing(campaign: Campaign) -> bool:
    return campaign.category in MARKETING_CATEGORIES
