""" "Remind me" notices: the in-app message a viewer asked for on New & Popular or a title page,
once the episode is out (browse records `episode_released` with `reminded: true` for each profile
holding the reminder) or the whole title is (`title_released`, for a film or series that was
still to come: "<Title> is out").

A service message, not marketing: the viewer asked for this one, so it is sent whether or not
they allow marketing, but never when they turned reminders off in the app (their notification
settings keep that switch for them even without marketing consent). Claimed by key like every
message (`channels.deliver`), so a second run sends nothing.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.language import speaking_to
from apps.accounts.models import Profile
from apps.accounts.timezones import viewer_zone
from apps.core import clock
from apps.core.dates import long_date
from apps.engagement import channels
from apps.engagement.models import Category, Channel, Message
from apps.engagement.triggers import _title_facts
from apps.tracking.models import Event

# A release missed for longer than this (a stopped beat) is no longer news.
REMINDER_LOOKBACK = timedelta(days=3)


def reminder_key(event_id: int) -> str:
    return f"reminded-{event_id}:{Channel.IN_APP}"


def _outgoing(profile: Profile, event_id: int, props: dict, facts: dict) -> channels.Outgoing:
    title = facts.get("title") or _("A series in your reminders")
    try:
        released = datetime.fromisoformat(props["released_at"])
    except (KeyError, TypeError, ValueError):
        released = None
    with speaking_to(profile.account):
        # The card stays in the inbox for days: it gives the date, not "on now" (QA5).
        if released is not None and timezone.is_aware(released):
            on = long_date(timezone.localtime(released, viewer_zone(profile.account)))
            text = _("You asked us to tell you when it came out. It came out on %(date)s.") % {
                "date": on
            }
        else:
            text = _("You asked us to tell you when it arrived. It is on now.")
        if not props.get("episode_id"):  # a whole title that was still to come
            return channels.Outgoing(
                key=reminder_key(event_id),
                profile_id=profile.pk,
                channel=Channel.IN_APP,
                category=Category.REMINDERS,
                subject=_("%(title)s is out") % {"title": title},
                text=text,
                html="",
                cta_label=_("Watch now"),
                cta_url=facts.get("title_url", ""),
                image_url=facts.get("image_url", ""),
                topic=f"title-{props['title_id']}",
            )
        return channels.Outgoing(
            key=reminder_key(event_id),
            profile_id=profile.pk,
            channel=Channel.IN_APP,
            category=Category.REMINDERS,
            subject=_("%(title)s: season %(season)s, episode %(number)s is out")
            % {"title": title, "season": props.get("season"), "number": props.get("number")},
            text=text,
            html="",
            cta_label=_("Watch now"),
            cta_url=reverse("playback:watch_episode", args=[int(props["episode_id"])]),
            image_url=facts.get("image_url", ""),
            # One card per series in the inbox: the next "N new episodes of …" replaces it.
            topic=f"series-{props['title_id']}" if str(props.get("title_id")).isdigit() else "",
        )


def requested_reminders_deliver(*, now: datetime | None = None) -> int:
    """Deliver the due "Remind me" notices (the beat task; idempotent). Returns those sent."""
    now = now or clock.now()
    events = list(
        Event.objects.filter(
            name__in=("episode_released", "title_released"),
            properties__reminded=True,
            occurred_at__gte=now - REMINDER_LOOKBACK,
            occurred_at__lte=now,
            profile__isnull=False,
        ).values_list("pk", "profile_id", "properties")
    )
    done = set(
        Message.objects.filter(key__in=[reminder_key(pk) for pk, _p, _props in events]).values_list(
            "key", flat=True
        )
    )
    events = [
        e
        for e in events
        if reminder_key(e[0]) not in done
        and (e[2].get("episode_id") or str(e[2].get("title_id")).isdigit())
    ]
    if not events:
        return 0
    profiles = Profile.objects.select_related("account").in_bulk({e[1] for e in events})
    facts, _cards = _title_facts({int(e[2]["title_id"]) for e in events if e[2].get("title_id")})
    sent = 0
    for event_id, profile_id, props in events:
        profile = profiles.get(profile_id)
        if profile is None:
            continue
        if channels.allowed(profile, Channel.IN_APP, Category.REMINDERS, requested=True):
            continue  # turned off in the app: the viewer's choice stands
        title_facts = facts.get(int(props.get("title_id") or 0), {})
        if not props.get("episode_id") and not title_facts:
            continue  # the title is gone: no page for the notice's button
        channels.deliver(_outgoing(profile, event_id, props, title_facts))
        sent += 1
    return sent
