"""New episodes on the way: the demo schedules a new season of several series the personas
watch, released over the next four weeks, so moving the demo clock releases them (and the
release task records `episode_released` for the profiles that care).

Every scheduled series gets its first new episode within the first week, then one a week.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q

from apps.catalogue.models import Episode, Season, Title
from apps.core import clock
from apps.demo.personas import PERSONAS
from apps.playback.models import TitleProgress

SERIES = 4
EPISODES_EACH = 4
FIRST_AFTER = timedelta(days=1, hours=18)  # the first series' first new episode
STAGGER = timedelta(days=1, hours=12)  # between two series' first new episodes
EVERY = timedelta(days=7)
NAMES = ("Where We Left Off", "The Long Way Back", "Turning Point", "Season Finale")


def scheduled_episodes():
    """The seeded series' episodes with a release date: the ones this module scheduled."""
    dated = Q(available_from__isnull=False) | Q(season__available_from__isnull=False)
    return Episode.objects.filter(dated, title__external_id__startswith="demo:")


def release_at(now: datetime, series_rank: int, episode_index: int) -> datetime:
    """When the `episode_index`-th new episode of the `series_rank`-th series comes out."""
    return now + FIRST_AFTER + STAGGER * series_rank + EVERY * episode_index


def _persona_series() -> list[int]:
    """The series each persona watched last (personas in guide order), then popular ones:
    SERIES in all. "Watched" is the playback read model, which the release task reads too."""
    chosen: list[int] = []
    for persona in PERSONAS:
        recent = (
            TitleProgress.objects.filter(
                profile__account__email=persona.email,
                title__kind=Title.Kind.SERIES,
                title__external_id__startswith="demo:",
            )
            .order_by("-watched_at", "-pk")
            .values_list("title_id", flat=True)
        )
        found = next((pk for pk in recent if pk not in chosen), None)
        if found is not None:
            chosen.append(found)
        if len(chosen) == SERIES:
            return chosen
    # Then the most popular seeded series: new episodes for whoever starts watching them.
    viewers = Counter(TitleProgress.objects.values_list("title_id", flat=True))
    series = (
        Title.objects.available()
        .filter(kind=Title.Kind.SERIES, external_id__startswith="demo:")
        .exclude(pk__in=chosen)
        .values_list("pk", flat=True)
    )
    popular = sorted(series, key=lambda pk: (-viewers[pk], pk))
    return chosen + popular[: SERIES - len(chosen)]


@transaction.atomic
def releases_schedule(*, log: Callable[[str], None], now: datetime | None = None) -> int:
    """Schedule a new season for the personas' series; idempotent (a series that already has
    scheduled episodes is left alone). Returns the episodes scheduled."""
    now = now or clock.now()
    if scheduled_episodes().exists():
        log("Scheduled releases: already there.")
        return 0
    made = 0
    for rank, title in enumerate(Title.objects.filter(pk__in=_persona_series()).order_by("pk")):
        last = title.seasons.aggregate(n=Max("number"))["n"] or 0
        season = Season.objects.create(title=title, number=last + 1)
        Episode.objects.bulk_create(
            Episode(
                season=season,
                title=title,
                number=k + 1,
                name=NAMES[k % len(NAMES)],
                runtime_minutes=title.runtime_minutes,
                available_from=release_at(now, rank, k),
            )
            for k in range(EPISODES_EACH)
        )
        made += EPISODES_EACH
    log(f"Scheduled releases: {made} episodes over the next four weeks.")
    return made


@transaction.atomic
def releases_reschedule(*, now: datetime | None = None) -> int:
    """Move the scheduled episodes back to the future, as if seeded now, and make them news
    again ("Restore the demo": the clock went back, the personas are new)."""
    now = now or clock.now()
    rows = list(scheduled_episodes().order_by("title_id", "season__number", "number", "pk"))
    ranks: dict[int, int] = {}
    index: dict[int, int] = {}
    for episode in rows:
        rank = ranks.setdefault(episode.title_id, len(ranks))
        k = index.get(episode.title_id, 0)
        index[episode.title_id] = k + 1
        episode.available_from = release_at(now, rank, k)
        episode.released_announced_at = None
    Episode.objects.bulk_update(rows, ["available_from", "released_announced_at"])
    return len(rows)
