from django import template

from apps.playback import selectors

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
