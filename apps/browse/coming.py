"""What is coming, as title pages announce it: a series' next episode, with the profile's
"Remind me" (the same reminder New & Popular sets; issue: QA6 found a reminder set there
invisible on the title page), and a whole title still to come (a film or series an admin dated
ahead), whose page says when and offers its own "Remind me"."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from apps.browse import selectors
from apps.browse.models import ReleaseReminder, TitleReminder
from apps.browse.selectors import ComingEpisode
from apps.catalogue import selectors as catalogue
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


@dataclass
class ComingTitle:
    title: Title
    at: datetime  # when it comes out
    reminded: bool = False


def coming_title(*, profile, slug: str, at: datetime) -> ComingTitle | None:
    """The title with this slug if it is still to come at `at` and `profile` (None: signed out)
    may see it, with whether the profile asked to be reminded: the coming title page. Three
    queries (title, genres, artwork), a fourth for a profile's reminder."""
    title = catalogue.coming_title(slug=slug, profile=profile, at=at)
    if title is None:
        return None
    reminded = (
        profile is not None and TitleReminder.objects.filter(profile=profile, title=title).exists()
    )
    return ComingTitle(title, title.available_from, reminded)
