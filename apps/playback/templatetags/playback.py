import math

from django import template
from django.utils.translation import ngettext

from apps.playback import downloads, selectors

register = template.Library()


@register.simple_tag
def playback_for(title, profile):
    """`{% playback_for title current_profile as playback %}`: the Play/Resume target and
    per-episode progress for a title page (one query; none without a profile)."""
    return selectors.title_playback(profile=profile, title=title)


@register.filter
def clock(seconds) -> str:
    """Seconds as a player shows them: 7:05, 1:02:03."""
    try:
        total = max(0, int(seconds))
    except (TypeError, ValueError):
        return "0:00"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def left_of(position, duration) -> int:
    """`{{ item.start|left_of:item.duration }}`: whole seconds still to play, rounded up as
    player.js rounds them, so the first paint and the script's first tick agree."""
    try:
        return max(0, math.ceil(float(duration) - float(position)))
    except (TypeError, ValueError):
        return 0


@register.filter
def spoken_duration(seconds) -> str:
    """Seconds as words for a screen reader: "1 hour 5 minutes 51 seconds" (zero parts left
    out; player.js says the same with the browser's Intl unit names)."""
    try:
        total = max(0, int(seconds))
    except (TypeError, ValueError):
        total = 0
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    if secs or not parts:
        parts.append(ngettext("%(n)d second", "%(n)d seconds", secs) % {"n": secs})
    return " ".join(parts)


@register.filter
def percent_for(percents, key) -> int:
    """`{{ playback.episode_percents|percent_for:episode.pk }}` -> 0-100."""
    try:
        return int((percents or {}).get(key, 0))
    except (TypeError, ValueError, AttributeError):
        return 0


@register.filter
def in_set(value, collection) -> bool:
    """`{{ episode.pk|in_set:downloads.episodes }}`: whether the value is in the collection."""
    return value in (collection or ())


@register.filter
def download_left(expires_at, now) -> str:
    """`{{ d.expires_at|download_left:now }}`: a download's remaining time in words ("30 days",
    "5 hours"); the rule is downloads.time_left."""
    return downloads.time_left(expires_at=expires_at, at=now)
