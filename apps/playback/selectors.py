"""Reads of playback state. Every function here is a fixed number of queries (most are one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, prefetch_related_objects
from django.urls import reverse

from apps.catalogue import vocabulary
from apps.catalogue.models import Episode, Title
from apps.catalogue.selectors import active_artwork_prefetch, released_seasons_prefetch
from apps.core import clock, stamps
from apps.playback import resume
from apps.playback.models import Download, PlaybackPreference, Progress, TitleProgress

# --- The homepage cache stamp ---------------------------------------------------------------


def progress_stamp_key(profile_id: int) -> str:
    return f"playback:progress-stamp:{profile_id}"


def progress_stamp(profile_id: int) -> int:
    """Changes whenever the profile's progress changes (part of the homepage cache key);
    `services.progress_stamp_bump` changes it."""
    return stamps.read(progress_stamp_key(profile_id))


# --- URLs -----------------------------------------------------------------------------------


def watch_url(*, title_id: int, episode_id: int | None = None) -> str:
    if episode_id:
        return reverse("playback:watch_episode", args=[episode_id])
    return reverse("playback:watch_title", args=[title_id])


def episode_code(season_number: int, episode_number: int) -> str:
    return vocabulary.episode_code(season_number, episode_number)


# --- Continue watching ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContinueItem:
    title_id: int
    episode_id: int | None
    code: str  # "S2:E3", or "" for a film
    position_seconds: int
    duration_seconds: int
    percent: int  # 0-100
    seconds_left: int
    watch_url: str
    is_next: bool = False  # a series waiting at its next episode (not started yet)
    title: Title | None = field(default=None, compare=False, repr=False)
    episode_name: str = ""

    @property
    def minutes_left(self) -> int:
        """Whole minutes left, rounded up (never "0 min left" while something remains)."""
        return max(1, -(-self.seconds_left // 60)) if self.seconds_left else 0


def continue_watching(*, profile, limit: int = 20, now: datetime | None = None):
    """Titles to resume, most recently watched first, one per title (one query).

    A series appears with the episode it resumes at, or the next episode once the last one
    watched was finished. Reads the per-title read model, so the cost does not depend on how
    much the profile has watched. An entry left long ago has aged out
    (`resume.stays_on_shelf`).
    """
    return home_shelves(profile=profile, since=None, limit=limit, now=now)[0]


def home_shelves(
    *, profile, since: datetime | None, limit: int = 20, now: datetime | None = None
) -> tuple[list[ContinueItem], list[int]]:
    """(Continue watching items, ids of titles finished since `since`) in ONE query.

    The homepage needs both; they come from the same read model. A title counts as finished
    only when nothing of it is left to watch (a film to the end, a series' latest released
    episode): three episodes in one sitting leave the series on Continue watching, and the
    homepage must not say "Because you finished X" above "X · S1:E4" (QA2 §3).
    Entries untouched for long have aged out (`resume.stays_on_shelf`, counted in the days
    of `now`: the viewer's local time on the homepage, the demo clock by default).
    """
    now = now or clock.now()
    shelved = Q(
        hidden_at__isnull=True,
        shelf__in=[resume.Shelf.RESUME, resume.Shelf.NEXT],
        watched_at__gte=resume.shelf_horizons(now)[0],
    )
    wanted = shelved | Q(finished_at__gte=since) if since is not None else shelved
    rows = (
        TitleProgress.objects.filter(
            wanted,
            profile=profile,
            title__in=Title.objects.for_profile(profile).values("pk"),
        )
        .select_related("title", "episode__season")
        .order_by("-watched_at", "-pk")[: limit * 3]
    )
    items: list[ContinueItem] = []
    finished: list[tuple] = []
    for row in rows:
        if (
            since is not None
            and row.finished_at is not None
            and row.finished_at >= since
            and row.shelf == resume.Shelf.FINISHED
        ):
            finished.append((row.finished_at, row.pk, row.title_id))
        if row.hidden_at is not None or row.shelf not in (resume.Shelf.RESUME, resume.Shelf.NEXT):
            continue
        if len(items) >= limit:
            continue
        duration = row.duration_seconds
        film = not row.title.is_series
        if not resume.stays_on_shelf(
            watched_at=row.watched_at,
            film=film,
            position=row.position_seconds,
            duration=duration,
            now=now,
        ):
            continue
        episode = row.episode
        if row.title.is_series and (episode is None or not episode.is_released(now)):
            continue  # its episode was deleted or rescheduled; the next report repairs the row
        position = resume.resume_position(row.position_seconds, duration)
        items.append(
            ContinueItem(
                title_id=row.title_id,
                episode_id=row.episode_id,
                code=episode_code(episode.season.number, episode.number) if episode else "",
                position_seconds=position,
                duration_seconds=duration,
                percent=resume.percent(position, duration),
                seconds_left=max(0, duration - position),
                watch_url=watch_url(title_id=row.title_id, episode_id=row.episode_id),
                is_next=row.shelf == resume.Shelf.NEXT,
                title=row.title,
                episode_name=episode.name if episode else "",
            )
        )
    finished.sort(reverse=True)
    return items, [title_id for _, _, title_id in finished]


def profiles_who_watched(*, title_id: int) -> set[int]:
    """Ids of the profiles that played any of a title (one query over the read model)."""
    return set(TitleProgress.objects.filter(title_id=title_id).values_list("profile_id", flat=True))


def finished_recently(*, profile, since: datetime) -> list[int]:
    """Ids of titles finished since `since`, newest first (one query).

    Finished means a film watched to the end or the latest released episode of a series, and
    nothing of it on Continue watching. Three episodes in one sitting (resume.sitting) still
    stamp `finished_at` (a strong signal) but leave the series to resume, so they do not count.
    """
    return list(
        TitleProgress.objects.filter(
            profile=profile,
            finished_at__gte=since,
            shelf=resume.Shelf.FINISHED,
            title__in=Title.objects.for_profile(profile).values("pk"),
        )
        .order_by("-finished_at", "-pk")
        .values_list("title_id", flat=True)
    )


def episode_progress(*, profile, title: Title) -> dict[int, int]:
    """Episode id -> percent a progress bar shows (watched = 100); unstarted ones are left out."""
    if profile is None:
        return {}
    rows = Progress.objects.filter(profile=profile, title=title, episode__isnull=False).values_list(
        "episode_id", "position_seconds", "duration_seconds"
    )
    percents = {
        episode_id: resume.display_percent(position, duration)
        for episode_id, position, duration in rows
    }
    return {k: v for k, v in percents.items() if v > 0}


# --- Series ---------------------------------------------------------------------------------


def series_episodes(title: Title) -> list[Episode]:
    """All episodes in viewing order, each with its season; uses the title page's prefetch."""
    cache_ = getattr(title, "_prefetched_objects_cache", {})
    if "seasons" in cache_:
        return [
            episode
            for season in sorted(title.seasons.all(), key=lambda s: s.number)
            for episode in sorted(season.episodes.all(), key=lambda e: e.number)
        ]
    return list(
        Episode.objects.released()
        .filter(title=title)
        .select_related("season")
        .order_by("season__number", "number", "pk")
    )


def _facts(episodes: list[Episode]) -> list[resume.EpisodeFacts]:
    return [resume.EpisodeFacts(e.pk, e.runtime_minutes * 60) for e in episodes]


def episode_rows(profile, title: Title) -> list[resume.EpisodeProgress]:
    rows = Progress.objects.filter(profile=profile, title=title, episode__isnull=False).values_list(
        "episode_id", "position_seconds", "duration_seconds", "watched_at"
    )
    return [resume.EpisodeProgress(e, p, d, w.timestamp()) for e, p, d, w in rows]


def next_up(*, profile, title: Title) -> tuple[Episode, int] | None:
    """The episode of a series to play next and where it starts; None when it is finished.

    Two queries: the episodes and the profile's progress in them.
    """
    episodes = series_episodes(title)
    found = resume.next_up(_facts(episodes), episode_rows(profile, title))
    if found is None:
        return None
    by_id = {e.pk: e for e in episodes}
    return by_id[found[0]], found[1]


@dataclass(frozen=True)
class SeriesPosition:
    """Where one profile stands in a series: when it last played any of it, and the episode it
    would play next (None: it has watched everything out)."""

    watched_at: datetime
    next_episode_id: int | None


def series_positions(
    *, title: Title, profile_ids, episodes: list[Episode]
) -> dict[int, SeriesPosition]:
    """`next_up` for many profiles at once (a release reaching all its viewers): two queries,
    whatever the number of profiles. `episodes` are the series' released episodes in viewing
    order (`series_episodes`). Profiles that never played the series are left out."""
    ids = set(profile_ids)
    if not ids:
        return {}
    watched = dict(
        TitleProgress.objects.filter(title=title, profile_id__in=ids).values_list(
            "profile_id", "watched_at"
        )
    )
    rows: dict[int, list[resume.EpisodeProgress]] = {pid: [] for pid in watched}
    for pid, episode_id, position, duration, at in Progress.objects.filter(
        title=title, profile_id__in=watched, episode__isnull=False
    ).values_list("profile_id", "episode_id", "position_seconds", "duration_seconds", "watched_at"):
        rows[pid].append(resume.EpisodeProgress(episode_id, position, duration, at.timestamp()))
    facts = _facts(episodes)
    positions = {}
    for pid, at in watched.items():
        found = resume.next_up(facts, rows[pid])
        positions[pid] = SeriesPosition(at, found[0] if found else None)
    return positions


# --- The title page -------------------------------------------------------------------------


@dataclass
class TitlePlayback:
    """What the title page's Play button does."""

    watch_url: str
    resume_position: int = 0  # 0: plays from the start
    percent: int = 0
    seconds_left: int = 0
    code: str = ""  # the episode the button plays, for a series
    start_over_url: str = ""
    series_finished: bool = False
    episode_percents: dict[int, int] = field(default_factory=dict)

    @property
    def resumes(self) -> bool:
        return self.resume_position > 0

    @property
    def minutes_left(self) -> int:
        return max(1, -(-self.seconds_left // 60)) if self.seconds_left else 0


def title_playback(*, profile, title: Title) -> TitlePlayback:
    """Play/Resume target and per-episode progress for a title page (one query).

    Uses the seasons and episodes `catalogue.title_detail` prefetched.
    """
    if profile is None:
        return TitlePlayback(watch_url=watch_url(title_id=title.pk))
    rows = list(
        Progress.objects.filter(profile=profile, title=title).values_list(
            "episode_id", "position_seconds", "duration_seconds", "watched_at"
        )
    )
    if not title.is_series:
        position, duration = (rows[0][1], rows[0][2]) if rows else (0, title.runtime_minutes * 60)
        start = resume.resume_position(position, duration)
        url = watch_url(title_id=title.pk)
        return TitlePlayback(
            watch_url=url,
            resume_position=start,
            percent=resume.percent(start, duration) if start else 0,
            seconds_left=duration - start if start else 0,
            start_over_url=f"{url}?start=0" if start else "",
        )
    episodes = series_episodes(title)
    progress = [resume.EpisodeProgress(e, p, d, w.timestamp()) for e, p, d, w in rows if e]
    percents = {p.episode_id: resume.display_percent(p.position, p.duration) for p in progress}
    facts = _facts(episodes)
    finished = resume.series_finished(facts, progress)
    found = resume.next_up(facts, progress)
    if found is None:  # finished (or empty): watch it again from the first episode
        found = (episodes[0].pk, 0) if episodes else None
    if found is None:
        return TitlePlayback(watch_url=watch_url(title_id=title.pk))
    by_id = {e.pk: e for e in episodes}
    episode, start = by_id[found[0]], found[1]
    duration = episode.runtime_minutes * 60
    url = watch_url(title_id=title.pk, episode_id=episode.pk)
    started = bool(progress)
    return TitlePlayback(
        watch_url=url,
        resume_position=start,
        percent=resume.percent(start, duration) if start else 0,
        seconds_left=duration - start if start else 0,
        code=episode_code(episode.season.number, episode.number) if started else "",
        start_over_url=f"{url}?start=0" if start else "",
        series_finished=finished,
        episode_percents={k: v for k, v in percents.items() if v > 0},
    )


# --- The player -----------------------------------------------------------------------------


def watchable_title(*, profile, title_id: int) -> Title | None:
    """A title this profile may watch (published, available, kids-appropriate), or None."""
    return Title.objects.for_profile(profile).filter(pk=title_id).first()


def watchable_episode(*, profile, episode_id: int) -> Episode | None:
    """An episode of a title this profile may watch, with its season and title, or None."""
    return (
        Episode.objects.released()
        .filter(pk=episode_id, title__in=Title.objects.for_profile(profile))
        .select_related("season", "title")
        .first()
    )


def unreleased_episode(*, profile, episode_id: int) -> Episode | None:
    """An episode of a title this profile may watch that is not out yet (its watch URL says
    so instead of playing), or None. One query, asked only after `watchable_episode` failed."""
    return (
        Episode.objects.filter(pk=episode_id, title__in=Title.objects.for_profile(profile))
        .exclude(pk__in=Episode.objects.released().values("pk"))
        .select_related("title")
        .first()
    )


def preference_for(profile) -> PlaybackPreference:
    """The profile's saved player choices, or the defaults (unsaved: a GET writes nothing)."""
    found = PlaybackPreference.objects.filter(profile=profile).first()
    return found or PlaybackPreference(profile=profile)


@dataclass
class PlayerItem:
    title: Title
    episode: Episode | None
    duration: int
    start: int
    resumed: bool  # starts at a saved position (the page offers "Start over")
    intro: tuple[int, int] | None
    next_episode: Episode | None = None
    saved: int = 0  # the stored place (0 when none): a refused report's kept place must pass it
    chosen_start: bool = False  # ?start=0 or ?t= chose where to start: no kept place replaces it

    @property
    def code(self) -> str:
        if self.episode is None:
            return ""
        return episode_code(self.episode.season.number, self.episode.number)

    @property
    def next_code(self) -> str:
        if self.next_episode is None:
            return ""
        return episode_code(self.next_episode.season.number, self.next_episode.number)


def resume_point(*, profile, title: Title, episode: Episode | None) -> int:
    """Where opening the item starts for `profile` (its saved place when resumable, else the
    beginning), as the player would (one query). A watch party starts at its host's."""
    saved = (
        Progress.objects.filter(profile=profile, title=title, episode=episode)
        .values_list("position_seconds", flat=True)
        .first()
    )
    duration = (episode.runtime_minutes if episode else title.runtime_minutes) * 60
    return 0 if saved is None else resume.resume_position(saved, duration)


def player_item(
    *,
    profile,
    title: Title,
    episode: Episode | None,
    start_over: bool,
    start_at: int | None = None,
) -> PlayerItem:
    """Everything the player page shows about its item (three queries: artwork, progress and,
    for an episode, the next one). `start_at` (a link's `?t=`) starts at that second."""
    prefetch_related_objects([title], active_artwork_prefetch(profile))
    duration = (episode.runtime_minutes if episode else title.runtime_minutes) * 60
    saved = (
        Progress.objects.filter(profile=profile, title=title, episode=episode)
        .values_list("position_seconds", flat=True)
        .first()
    )
    start = 0 if start_over or saved is None else resume.resume_position(saved, duration)
    if start_at is not None and not start_over:
        start = resume.clamp(start_at, duration)
    following = None
    if episode is not None:
        following = (
            Episode.objects.released()
            .filter(title=title)
            .filter(_after(episode))
            .select_related("season")
            .order_by("season__number", "number", "pk")
            .first()
        )
    return PlayerItem(
        title=title,
        episode=episode,
        duration=duration,
        start=start,
        resumed=start > 0,
        intro=resume.intro_window(episode.pk if episode else None, duration),
        next_episode=following,
        saved=saved or 0,
        chosen_start=start_over or start_at is not None,
    )


def _after(episode: Episode) -> Q:
    """Episodes of the same series after this one, in viewing order."""
    season = episode.season.number
    return Q(season__number=season, number__gt=episode.number) | Q(season__number__gt=season)


def title_with_seasons(title: Title) -> Title:
    """Prefetch seasons and episodes in order (two queries), as the title page does."""
    prefetch_related_objects([title], released_seasons_prefetch())
    return title


# --- Downloads ----------------------------------------------------------------------------------


def downloads_for(*, profile, at: datetime | None = None) -> list:
    """The profile's live downloads, newest first, each with its title, episode and device (one
    query); expired ones are gone for the viewer (they no longer count against the plan)."""
    at = at or clock.now()
    return list(
        Download.objects.filter(profile=profile, expires_at__gt=at).select_related(
            "title", "episode", "episode__season", "device"
        )
    )


def account_downloads_held(account, at: datetime | None = None) -> int:
    """accounts.downloads_held's provider: the account's live downloads, every profile's (what
    downloads_prune removes when the plan no longer includes downloads; expired ones are gone)."""
    at = at or clock.now()
    return Download.objects.filter(profile__account=account, expires_at__gt=at).count()


def download_for(*, profile, download_id, at: datetime | None = None):
    """One live download of the profile's, or None (never another profile's)."""
    if not str(download_id).isdigit():
        return None
    at = at or clock.now()
    return (
        Download.objects.filter(profile=profile, pk=download_id, expires_at__gt=at)
        .select_related("title", "episode")
        .first()
    )


def download_on_another_profile(*, profile, download_id) -> bool:
    """Whether the download is one of another profile's of the same account (a kids profile
    posting its parent's, from a page left open): said to be "not on this profile", not
    "expired". Another account's ids are never told apart from ids that do not exist."""
    if not str(download_id).isdigit():
        return False
    return (
        Download.objects.filter(pk=download_id, profile__account_id=profile.account_id)
        .exclude(profile=profile)
        .exists()
    )


def downloaded_items(*, profile, device_key: str | None, at: datetime | None = None) -> set[str]:
    """The things ("t12", "e40") the profile holds on this device (one query), for the title
    page's Download buttons."""
    if not device_key:
        return set()
    at = at or clock.now()
    return set(
        Download.objects.filter(
            profile=profile, device_key=device_key, expires_at__gt=at
        ).values_list("item", flat=True)
    )
