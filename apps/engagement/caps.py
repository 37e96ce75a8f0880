"""Frequency caps: how often a profile may get a marketing message.

Two caps, both over rolling windows and counted in sends (one send on in-app and push is one
message to the viewer, not two):

- across campaigns, marketing categories only: at most `ENGAGEMENT_CAP_PER_DAY` in any 24 hours
  and `ENGAGEMENT_CAP_PER_WEEK` in any 7 days;
- the campaign's own cap: at most `cap_count` of its messages per `cap_days`.

Account (billing) messages are service mail: never capped, and they do not use up the cap.

A capped send is **skipped** with reason `frequency_cap` (or `campaign_cap`), not postponed: the
message it would have carried (a new episode, a reminder) is about a moment, and postponed
messages would pile up behind the cap and go out in a burst the day it frees. Skips are counted
in the campaign report, so a cap that bites too often shows.

A profile in the control group is held back no more often than it could have been messaged:
`control_check` counts the campaign's earlier control decisions for the profile as if they had
been sent (QA12: a daily campaign capped at one a week messaged each viewer weekly but recorded
a held-back viewer every day, so the control group counted one person seven times a week and
its conversion rate was mostly that person's daily viewing).

The check and the send's move to "sent" happen in one transaction that first locks the
profile's `MessagingSettings` row (`services.deliver_due`), so two workers delivering two
campaigns to one profile at once cannot both pass a cap of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from apps.engagement.models import MARKETING_CATEGORIES, Campaign, Send

DAY = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Limits:
    per_day: int
    per_week: int


def limits() -> Limits:
    return Limits(
        per_day=int(getattr(settings, "ENGAGEMENT_CAP_PER_DAY", 1)),
        per_week=int(getattr(settings, "ENGAGEMENT_CAP_PER_WEEK", 3)),
    )


def cap_reason(
    *,
    marketing_sent: Sequence[datetime],
    campaign_sent: Sequence[datetime],
    now: datetime,
    limits: Limits,
    campaign_cap: tuple[int, int],
) -> str | None:
    """Pure: why one more marketing message at `now` would break a cap, or None.

    `marketing_sent`: when this profile's marketing sends went out (any campaign);
    `campaign_sent`: the same for this campaign; `campaign_cap`: (count, days)."""
    if sum(1 for at in marketing_sent if now - DAY < at <= now) >= limits.per_day:
        return "frequency_cap"
    if sum(1 for at in marketing_sent if now - WEEK < at <= now) >= limits.per_week:
        return "frequency_cap"
    count, days = campaign_cap
    if sum(1 for at in campaign_sent if now - timedelta(days=days) < at <= now) >= count:
        return "campaign_cap"
    return None


def _held_back_at(*, profile_id: int, campaign: Campaign, since: datetime) -> list[datetime]:
    return list(
        Send.objects.filter(
            profile_id=profile_id,
            campaign=campaign,
            status=Send.Status.CONTROL,
            due_at__gt=since,
        ).values_list("due_at", flat=True)
    )


def control_check(*, profile_id: int, campaign: Campaign, now: datetime) -> str | None:
    """`check` for a profile the campaign holds back: its earlier control decisions count as
    this campaign's sends, so the control group is held back at the rate it would be messaged."""
    return check(profile_id=profile_id, campaign=campaign, now=now, control=True)


def check(
    *, profile_id: int, campaign: Campaign, now: datetime, control: bool = False
) -> str | None:
    """The cap reason for one more send of `campaign` to the profile (None: may send).

    Call it inside the transaction that marks the send, after locking the profile's
    MessagingSettings row."""
    if campaign.category not in MARKETING_CATEGORIES:
        return None
    since = now - max(WEEK, timedelta(days=campaign.cap_days))
    rows = Send.objects.filter(
        profile_id=profile_id,
        status=Send.Status.SENT,
        sent_at__gt=since,
        campaign__category__in=MARKETING_CATEGORIES,
    ).values_list("campaign_id", "sent_at")
    marketing, own = [], []
    for campaign_id, sent_at in rows:
        marketing.append(sent_at)
        if campaign_id == campaign.pk:
            own.append(sent_at)
    if control:
        held = _held_back_at(profile_id=profile_id, campaign=campaign, since=since)
        marketing.extend(held)
        own.extend(held)
    return cap_reason(
        marketing_sent=marketing,
        campaign_sent=own,
        now=now,
        limits=limits(),
        campaign_cap=(campaign.cap_count, campaign.cap_days),
    )
