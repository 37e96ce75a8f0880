"""The coming episode a series' title page announces, with the profile's "Remind me" (the same
reminder New & Popular sets; issue: QA6 found a reminder set there invisible on the title page)."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from apps.browse.models import ReleaseReminder
from apps.browse.selectors import ComingEpisode
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Episode, Title


def next_coming_episode(*, profile, title: Title, at: datetime) -> ComingEpisode | None:
    """The next episode of `title` still to come at `at` (its own or its season's date, the later
    one, as New & Popular dates it), with whether `profile` asked to be reminded. One query; none
    for a film."""
    if not title.is_series:
        return None
    upcoming = (
        Episode.objects.filter(title=title)
        .filter(Q(available_from__gt=at) | Q(season__available_from__gt=at))
        .select_related("season")
        .annotate(
            reminded=Exists(ReleaseReminder.objects.filter(profile=profile, episode=OuterRef("pk")))
        )
        .order_by("season__number", "number")
    )
    soonest = None
    for episode in upcoming:
        episode.title = title  # the button and its message name the title: no query for it
        moment = catalogue.release_moment(episode)
        if soonest is None or moment < soonest.at:
            soonest = ComingEpisode(title, episode, moment, reminded=episode.reminded)
    return soonest
