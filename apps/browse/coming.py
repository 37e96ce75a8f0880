"""The coming episode a series' title page announces, with the profile's "Remind me" (the same
reminder New & Popular sets; issue: QA6 found a reminder set there invisible on the title page)."""

from datetime import datetime

from django.db.models import Exists, OuterRef

from apps.browse import selectors
from apps.browse.models import ReleaseReminder
from apps.browse.selectors import ComingEpisode
from apps.catalogue.models import Episode, Title


def next_coming_episode(*, profile, title: Title, at: datetime) -> ComingEpisode | None:
    """The next episode of `title` still to come at `at`, dated as New & Popular dates it, with
    whether `profile` asked to be reminded. One query; none for a film."""
    if not title.is_series:
        return None
    upcoming = selectors.still_to_come(Episode.objects.filter(title=title), at).annotate(
        reminded=Exists(ReleaseReminder.objects.filter(profile=profile, episode=OuterRef("pk")))
    )
    episodes = list(upcoming)
    for episode in episodes:
        episode.title = title  # the button and its message name the title: no query for it
    return selectors.soonest_per_title(episodes).get(title.pk)
