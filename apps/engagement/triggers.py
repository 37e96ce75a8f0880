"""Triggers: find who a live campaign is about right now and ask `services.plan_send` once per
(campaign, profile, trigger key). Run by beat every few minutes; idempotent, because the key
names what fired (the event's id, the abandonment's last play, the schedule's period) and a
send is unique per key.

Everything reads the event log (engagement never imports playback or subscriptions):

- **event**: each `trigger_event` (for example `episode_released`, recorded once per interested
  profile) since the campaign started, within the last EVENT_LOOKBACK. Instead of a stored
  watermark, the lookback plus the unique key: a watermark breaks when the demo clock is set
  back, and an event a day old that a crashed beat missed is still news.
- **title_abandoned**: the newest play event of a (profile, title) is a start or a progress
  report, not a completion, and it is `trigger_days` old (up to ABANDON_LOOKBACK older: beyond
  that it is stale, not a reminder), and Continue watching still shows it (`rechecks.forgotten`;
  not rated "Not for me", not removed from the row since). A play reported at 90 % or more is
  a title watched to the end, and a title reminded of in the last REMIND_AGAIN_DAYS is not
  reminded of again. Re-checked at delivery (`rechecks.py`): finished, played again, rated
  "Not for me" or removed from the row meanwhile, or let go by Continue watching between the
  plan and the viewer's hour.
- **checkout_abandoned**: the profile's newest `checkout_started` (recorded by subscriptions'
  checkout page) is `trigger_days` old and no `subscription_started` came after it.
- **inactivity**: the profile's newest own event (not one the site recorded about it: a message,
  a renewal, an announced episode; `tracking/activity.py`) is `trigger_days` old. Re-checked at
  delivery.
- **schedule**: every `schedule_every_days` from the campaign's start, the whole audience once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from apps.accounts.models import Profile
from apps.catalogue.models import ArtworkVariant, Title
from apps.core import clock
from apps.engagement import segments, services
from apps.engagement.models import Campaign, Send
from apps.engagement.progress_image import progress_card_url
from apps.engagement.rechecks import (
    NOT_FOR_ME,
    PLAY_EVENTS,
    SHELF_EVENTS,
    forgotten,
    ratings_now,
    watched_to_the_end,
)
from apps.tracking.activity import passive_q
from apps.tracking.models import Event

EVENT_LOOKBACK = timedelta(days=3)
ABANDON_LOOKBACK = timedelta(days=2)
# A play left before this share of the title is a sample, not a title left unfinished: the
# player itself starts such a title over (playback.resume.RESUME_MIN_PERCENT, kept equal by a
# test), so "pick up where you left off" would point at nothing (an autoplayed next episode
# left after 3 seconds was reminded as "0% of the way through").
ABANDON_MIN_PERCENT = 5
# Nor a title the homepage has forgotten (`rechecks.forgotten`, asked again at delivery).
# One reminder per title per REMIND_AGAIN_DAYS: the reminder's own Resume button starts the
# player, and leaving it after a minute is a new "left unfinished" that would bring the same
# reminder back a few days later (QA3: twice in 12 days for one title).
REMIND_AGAIN_DAYS = 30
SCHEDULE_MAX_PROFILES = 5000


@dataclass(frozen=True)
class Fired:
    profile_id: int
    key: str
    context: dict


# --- Context the templates can use --------------------------------------------------------------


def _title_facts(title_ids: set[int]) -> tuple[dict[int, dict], dict[int, tuple[int, str]]]:
    """Name, page and artwork of the titles a batch of triggers is about (two queries), and
    each title's card artwork as (artwork id, storage path)."""
    if not title_ids:
        return {}, {}
    facts = {
        title.pk: {"title": title.name, "title_url": title.get_absolute_url()}
        for title in Title.objects.filter(pk__in=title_ids).only("pk", "name", "slug")
    }
    cards: dict[int, tuple[int, str]] = {}
    for artwork_id, title_id, renditions in (
        ArtworkVariant.objects.filter(title_id__in=title_ids, is_active=True)
        .order_by("-pinned", "pk")
        .values_list("pk", "title_id", "renditions")
    ):
        if title_id in facts and title_id not in cards:
            path = ((renditions or {}).get("card") or {}).get("jpeg")
            if path:
                cards[title_id] = (artwork_id, path)
                facts[title_id]["image_url"] = f"{settings.MEDIA_URL}{path}"
    return facts, cards


def resume_url(*, title_id: int, episode_id: int | None, position: int) -> str:
    """The player at the second the viewer left (`?t=`), for the reminder's button."""
    if episode_id:
        path = reverse("playback:watch_episode", args=[episode_id])
    else:
        path = reverse("playback:watch_title", args=[title_id])
    return f"{path}?t={max(0, int(position))}"


def _enrich(fired: list[Fired]) -> list[Fired]:
    ids = {int(f.context["title_id"]) for f in fired if str(f.context.get("title_id")).isdigit()}
    facts, cards = _title_facts(ids)
    out = []
    for f in fired:
        title_id = str(f.context.get("title_id"))
        extra = dict(facts.get(int(title_id)) or {}) if title_id.isdigit() else {}
        card = cards.get(int(title_id)) if title_id.isdigit() else None
        if card is not None and "percent" in f.context:
            # An unfinished title: its card with how far the viewer got drawn on it.
            extra["image_url"] = progress_card_url(
                card_path=card[1], artwork_id=card[0], percent=f.context["percent"]
            )
        out.append(Fired(f.profile_id, f.key, {**extra, **f.context}))
    return out


# --- Finders ----------------------------------------------------------------------------------


def _not_sent(campaign: Campaign, qs, prefix: str):
    """Events of `qs` whose key `<prefix><event pk>` has no send of this campaign yet."""
    key = Concat(Value(prefix), Cast(OuterRef("pk"), CharField()), output_field=CharField())
    done = Send.objects.filter(
        campaign=campaign, profile_id=OuterRef("profile_id"), trigger_key=key
    )
    return qs.annotate(done=Exists(done)).filter(done=False)


def event_fired(campaign: Campaign, now: datetime) -> Iterator[Fired]:
    if not campaign.trigger_event:
        return
    since = max(campaign.starts_at, now - EVENT_LOOKBACK)
    events = Event.objects.filter(
        name=campaign.trigger_event,
        occurred_at__gte=since,
        occurred_at__lte=now,
        profile__isnull=False,
    ).exclude(
        # An episode the viewer asked to be reminded of ("Remind me"): its own notice is the
        # message about it (`requested.py`); a campaign's would tell them twice. (has_key
        # first: for an event without the key the comparison is NULL, and NOT NULL drops it.)
        Q(properties__has_key="reminded") & Q(properties__reminded=True)
    )
    rows = _not_sent(campaign, events, "event-").values_list("pk", "profile_id", "properties")
    for pk, profile_id, props in rows.order_by("pk"):
        yield Fired(profile_id, f"event-{pk}", {**(props or {}), "event_id": pk})


def abandoned_titles(
    rows: list[tuple[int, int, str, dict, datetime]], *, now: datetime, days: int
) -> list[Fired]:
    """Pure: from play and Continue-watching events (pk, profile id, name, properties, time) in
    time order, the (profile, title) pairs whose newest play is an unfinished one left `days`
    days ago and still on the viewer's Continue watching (not removed from it since)."""
    latest: dict[tuple[int, int], tuple[int, str, dict, datetime]] = {}
    removed: set[tuple[int, int]] = set()  # taken out of Continue watching since its last play
    for pk, profile_id, name, props, at in rows:
        title_id = (props or {}).get("title_id")
        if not title_id:
            continue
        pair = (profile_id, int(title_id))
        if name == "continue_watching_remove":
            removed.add(pair)
            continue
        removed.discard(pair)  # played again, or the removal undone
        if name in PLAY_EVENTS:
            latest[pair] = (pk, name, props, at)
    newest_ok = now - timedelta(days=days)
    oldest_ok = newest_ok - ABANDON_LOOKBACK
    fired = []
    for (profile_id, title_id), (pk, name, props, at) in sorted(latest.items()):
        if name == "play_completed" or not (oldest_ok < at <= newest_ok):
            continue
        if (profile_id, title_id) in removed:
            continue
        position = int(props.get("position_seconds") or 0)
        duration = int(props.get("duration_seconds") or 0)
        if position <= 0 or (duration and position * 100 < duration * ABANDON_MIN_PERCENT):
            continue
        if watched_to_the_end(position, duration):
            continue  # the player's last report, after the completion (QA3: "100 % of the way")
        if forgotten(now - at, film=not props.get("episode_id"), share=(position, duration)):
            continue
        episode_id = props.get("episode_id")
        fired.append(
            Fired(
                profile_id,
                f"title-{title_id}-{pk}",
                {
                    "event_id": pk,
                    "title_id": title_id,
                    "episode_id": episode_id,
                    "position_seconds": position,
                    "duration_seconds": duration,
                    "percent": (position * 100 // duration) if duration else 0,
                    "resume_url": resume_url(
                        title_id=title_id, episode_id=episode_id, position=position
                    ),
                    "left_at": at.isoformat(),
                },
            )
        )
    return fired


def title_abandoned_fired(campaign: Campaign, now: datetime) -> list[Fired]:
    newest_ok = now - timedelta(days=campaign.trigger_days)
    # Plays since the oldest abandonment still in range, up to now (a later completion or
    # replay of the same title makes it not abandoned).
    rows = (
        Event.objects.filter(
            name__in=PLAY_EVENTS + SHELF_EVENTS,
            occurred_at__gt=newest_ok - ABANDON_LOOKBACK,
            occurred_at__lte=now,
            profile__isnull=False,
        )
        .order_by("occurred_at", "pk")
        .values_list("pk", "profile_id", "name", "properties", "occurred_at")
    )
    fired = abandoned_titles(list(rows), now=now, days=campaign.trigger_days)
    if not fired:
        return []
    profiles = {f.profile_id for f in fired}
    done = set(
        Send.objects.filter(campaign=campaign, trigger_key__in=[f.key for f in fired]).values_list(
            "profile_id", "trigger_key"
        )
    )
    # Reminded of this title lately (sent, due, or held back as the control group's twin).
    reminded = {
        (profile_id, int(title_id))
        for profile_id, title_id in Send.objects.filter(
            campaign=campaign,
            profile_id__in=profiles,
            created_at__gt=now - timedelta(days=REMIND_AGAIN_DAYS),
        )
        .exclude(status=Send.Status.SKIPPED)
        .values_list("profile_id", "context__title_id")
        if title_id
    }
    # "Not for me", whenever it was said: Continue watching no longer shows the title.
    rated = ratings_now(profiles, {f.context["title_id"] for f in fired})
    return [
        f
        for f in fired
        if (f.profile_id, f.key) not in done
        and (f.profile_id, f.context["title_id"]) not in reminded
        and rated.get((f.profile_id, f.context["title_id"])) != NOT_FOR_ME
    ]


def checkout_abandoned_fired(campaign: Campaign, now: datetime) -> Iterator[Fired]:
    newest_ok = now - timedelta(days=campaign.trigger_days)
    window = Event.objects.filter(
        name="checkout_started",
        occurred_at__gt=newest_ok - ABANDON_LOOKBACK,
        occurred_at__lte=newest_ok,
        profile__isnull=False,
    )
    later_checkout = Event.objects.filter(
        name="checkout_started", profile_id=OuterRef("profile_id"), pk__gt=OuterRef("pk")
    )
    subscribed = Event.objects.filter(
        name="subscription_started",
        profile__account_id=OuterRef("profile__account_id"),
        pk__gt=OuterRef("pk"),
    )
    events = window.annotate(later=Exists(later_checkout), paid=Exists(subscribed)).filter(
        later=False, paid=False
    )
    rows = _not_sent(campaign, events, "checkout-").values_list("pk", "profile_id", "properties")
    for pk, profile_id, props in rows.order_by("pk"):
        yield Fired(profile_id, f"checkout-{pk}", {**(props or {}), "event_id": pk})


def inactivity_fired(campaign: Campaign, now: datetime) -> Iterator[Fired]:
    newest_ok = now - timedelta(days=campaign.trigger_days)
    # The viewer's own events: a renewal or an announced episode is not the viewer being active.
    own = Event.objects.filter(profile__isnull=False).exclude(passive_q())
    recent = own.filter(occurred_at__gt=newest_ok, occurred_at__lte=now).values("profile_id")
    quiet = (
        own.filter(occurred_at__gt=newest_ok - ABANDON_LOOKBACK, occurred_at__lte=newest_ok)
        .exclude(profile_id__in=recent)
        .values("profile_id")
        .annotate(last=Max("occurred_at"))
        .order_by("profile_id")
    )
    for row in quiet:
        key = f"inactive-{row['last']:%Y%m%d%H%M}"
        yield Fired(row["profile_id"], key, {"last_seen_at": row["last"].isoformat()})


def schedule_fired(campaign: Campaign, now: datetime) -> Iterator[Fired]:
    period = int((now - campaign.starts_at) / timedelta(days=campaign.schedule_every_days))
    key = f"schedule-{period}"
    if campaign.segment_id:
        ids = segments.audience_ids(campaign.segment.rules, now=now)
        ids = set(ids.values_list("pk", flat=True)) if hasattr(ids, "values_list") else set(ids)
    else:
        ids = set(Profile.objects.filter(is_kids=False).values_list("pk", flat=True))
    done = set(
        Send.objects.filter(campaign=campaign, trigger_key=key).values_list("profile_id", flat=True)
    )
    for profile_id in sorted(ids - done)[:SCHEDULE_MAX_PROFILES]:
        yield Fired(profile_id, key, {"period": period})


FINDERS = {
    Campaign.Trigger.EVENT: event_fired,
    Campaign.Trigger.TITLE_ABANDONED: title_abandoned_fired,
    Campaign.Trigger.CHECKOUT_ABANDONED: checkout_abandoned_fired,
    Campaign.Trigger.INACTIVITY: inactivity_fired,
    Campaign.Trigger.SCHEDULE: schedule_fired,
}


def campaign_run(campaign: Campaign, *, now: datetime) -> int:
    """Plan a send for everyone the campaign's trigger finds now; returns the decisions made.

    What was decided before (a finder that fires again while its window lasts) is dropped in
    one query; the profiles no channel can reach are skipped in bulk
    (`services.skip_unreachable`); the rest are planned one by one."""
    fired = list(FINDERS[campaign.trigger](campaign, now))
    profiles = Profile.objects.select_related("account").in_bulk({f.profile_id for f in fired})
    fired = [f for f in fired if f.profile_id in profiles]
    if fired:
        done = set(
            Send.objects.filter(
                campaign=campaign,
                profile_id__in={f.profile_id for f in fired},
                trigger_key__in={f.key for f in fired},
            ).values_list("profile_id", "trigger_key")
        )
        fired = [f for f in fired if (f.profile_id, f.key) not in done]
    skipped = services.skip_unreachable(
        campaign=campaign, fired=[(f.profile_id, f.key, f.context) for f in fired], now=now
    )
    made = len(skipped)
    for f in _enrich([f for f in fired if (f.profile_id, f.key) not in skipped]):
        send = services.plan_send(
            campaign=campaign,
            profile=profiles[f.profile_id],
            trigger_key=f.key,
            context=f.context,
            now=now,
        )
        made += int(send is not None)
    return made


def triggers_run(*, now: datetime | None = None) -> dict[str, int]:
    """Every running campaign's trigger, once (the beat task). {campaign key: decisions}."""
    now = now or clock.now()
    live = Campaign.objects.filter(status=Campaign.Status.LIVE, starts_at__lte=now).select_related(
        "segment"
    )
    results = {}
    for campaign in live:
        if services.is_running(campaign, now):
            results[campaign.key] = campaign_run(campaign, now=now)
    return {k: v for k, v in results.items() if v}
