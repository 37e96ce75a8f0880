"""Taste-driven viewing histories as plain data.

Each profile has latent genre affinities (Dirichlet-like, one to three dominant genres), a few
favourite series it binges (consecutive episodes in one evening), time-of-day habits in its
own time zone and devices that fit the hour. Sessions pick titles by affinity x popularity,
finish them more often when they fit the taste, and rate some of them (-1 not for me, 1 like,
2 love) by how well they fit.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apps.demo.world.people import HABITS, ProfileSpec, ViewerSpec

# --- History ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedTitle:
    """What the history generator needs of a title that exists in the database."""

    title_id: int
    kind: str
    genres: tuple[str, ...]
    runtime_seconds: int
    episodes: tuple[tuple[int, int], ...] = ()  # (episode_id, runtime_seconds) in watch order
    popularity: float = 1.0
    quality: float = 0.0
    kids: bool = False
    year: int = 2000


@dataclass
class CatalogueIndex:
    """Titles grouped for fast weighted picks by (genre, kind, kids only)."""

    titles: list[IndexedTitle]
    _pools: dict[tuple[str, str, bool], tuple[list[IndexedTitle], list[float]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        groups: dict[tuple[str, str, bool], list[IndexedTitle]] = {}
        for t in sorted(self.titles, key=lambda t: t.title_id):
            for g in t.genres:
                groups.setdefault((g, t.kind, False), []).append(t)
                if t.kids:
                    groups.setdefault((g, t.kind, True), []).append(t)
        for k, items in groups.items():
            self._pools[k] = (items, list(itertools.accumulate(t.popularity for t in items)))

    def pick(self, rng: random.Random, *, genre: str, kind: str, kids: bool) -> IndexedTitle | None:
        pool = self._pools.get((genre, kind, kids))
        if pool is None:
            return None
        items, cum = pool
        return items[bisect.bisect_left(cum, rng.random() * cum[-1])]

    def ranked(self, *, genres: Sequence[str], kind: str, kids: bool) -> list[IndexedTitle]:
        """Titles whose primary genre is one of `genres`, most popular first (stable)."""
        wanted = set(genres)
        items = [
            t
            for t in self.titles
            if t.kind == kind and t.genres and t.genres[0] in wanted and (t.kids or not kids)
        ]
        return sorted(items, key=lambda t: (-t.popularity, t.title_id))


@dataclass(frozen=True)
class SeedEvent:
    """One event to write: plain data, turned into tracking's EventData by the service."""

    name: str
    occurred_at: datetime
    properties: dict
    device_kind: str
    client_id: str


def _affinity(taste: dict[str, float], top: float, title: IndexedTitle) -> float:
    """How well a title fits a taste, relative to the favourite genre (about 0 to 1.5)."""
    return sum(taste.get(g, 0.0) for g in title.genres) / top


def _rating_value(rng: random.Random, fit: float, quality: float) -> int:
    score = fit + 0.35 * quality + rng.gauss(0.0, 0.4)
    if score > 1.3:
        return 2
    if score > 0.35:
        return 1
    return -1


_DEVICE_HOURS = {
    "tv": lambda h: 4.0 if 18 <= h <= 23 else 1.0,
    "phone": lambda h: 4.0 if h in (6, 7, 8, 9, 0, 1, 2, 23) else 0.8,
    "computer": lambda h: 2.5 if 9 <= h <= 17 or h in (0, 1, 2) else 1.0,
    "tablet": lambda h: 2.0,
    "console": lambda h: 1.5 if 17 <= h <= 23 else 0.3,
}


def _device_for(rng: random.Random, devices: Sequence[str], hour: int) -> str:
    if len(devices) == 1:
        return devices[0]
    return rng.choices(devices, weights=[_DEVICE_HOURS[d](hour) for d in devices])[0]


class _Writer:
    """Collects a profile's events in time order, dropping anything after `now`."""

    def __init__(self, *, now: datetime, client_prefix: str) -> None:
        self.now = now
        self.prefix = client_prefix
        self.events: list[SeedEvent] = []

    def add(self, name: str, at: datetime, props: dict, device: str) -> bool:
        if at >= self.now:
            return False
        self.events.append(
            SeedEvent(name, at, props, device, f"{self.prefix}-{len(self.events):05d}")
        )
        return True


def _play(
    w: _Writer,
    *,
    title: IndexedTitle,
    episode: tuple[int, int] | None,
    start: datetime,
    stop_fraction: float | None,
    device: str,
    progress_note: bool,
    series_finished: bool = False,
) -> datetime:
    """One viewing: started, maybe a progress note, completed unless stopped. Returns the end."""
    duration = episode[1] if episode else title.runtime_seconds
    base = {"title_id": title.title_id}
    if episode:
        base["episode_id"] = episode[0]
    w.add(
        "play_started", start, {**base, "position_seconds": 0, "duration_seconds": duration}, device
    )
    if stop_fraction is not None:
        position = int(duration * stop_fraction)
        at = start + timedelta(seconds=position)
        w.add(
            "play_progress",
            at,
            {**base, "position_seconds": position, "duration_seconds": duration},
            device,
        )
        return at
    end = start + timedelta(seconds=duration)
    if progress_note:
        half = duration // 2
        w.add(
            "play_progress",
            start + timedelta(seconds=half),
            {**base, "position_seconds": half, "duration_seconds": duration},
            device,
        )
    props = {**base, "position_seconds": duration, "duration_seconds": duration}
    if series_finished:
        props["series_finished"] = True
    w.add("play_completed", end, props, device)
    return end


def _local_start(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


def profile_history(
    *,
    profile: ProfileSpec,
    time_zone: str,
    index: CatalogueIndex,
    now: datetime,
    rng_key: str,
    client_prefix: str,
) -> list[SeedEvent]:
    """A synthetic profile's events over its active days, oldest first."""
    rng = random.Random(rng_key)
    tz = ZoneInfo(time_zone)
    today = now.astimezone(tz).date()
    taste = dict(profile.taste)
    genres = [g for g, _ in profile.taste]
    genre_weights = list(itertools.accumulate(w for _, w in profile.taste))
    top = profile.taste[0][1]
    kids = profile.is_kids
    weekday_hours, weekend_hours = HABITS[profile.habit]
    w = _Writer(now=now, client_prefix=client_prefix)
    done: set[int] = set()  # films seen or given up, series finished or dropped
    in_progress: list[list] = []  # [title, next episode index, is favourite, rated]
    favourites_left = profile.favourites

    def pick(kind: str, day_index: int) -> IndexedTitle | None:
        for _ in range(6):
            genre = genres[bisect.bisect_left(genre_weights, rng.random() * genre_weights[-1])]
            t = index.pick(rng, genre=genre, kind=kind, kids=kids)
            if t is None or t.title_id in done:
                continue
            if any(t is p[0] for p in in_progress):
                continue
            # A title from this year only became watchable in January.
            if (today - date(t.year, 1, 1)).days < day_index:
                continue
            return t
        return None

    p_day = profile.sessions_per_week / 7.0
    for days_ago in range(profile.active_from, profile.active_until - 1, -1):
        day = today - timedelta(days=days_ago)
        weekend = day.weekday() >= 5
        if rng.random() >= p_day * (1.35 if weekend else 0.86):
            continue
        hours = weekend_hours if weekend else weekday_hours
        hour = rng.choices(range(24), weights=hours)[0]
        start = _local_start(day, hour, rng.randrange(0, 60, 5), tz)
        if days_ago == 0 and start >= now:
            continue
        device = _device_for(rng, profile.devices, hour)
        roll = rng.random()
        if in_progress and roll < profile.binge:
            favourites = [s for s in in_progress if s[2]]
            state = favourites[0] if favourites and rng.random() < 0.8 else rng.choice(in_progress)
            _episodes(w, rng, profile, state, start, device, taste, top, in_progress, done)
        elif roll < profile.binge + 0.25 * (1 - profile.binge) or (kids and roll < 0.8):
            t = pick("series", days_ago)
            if t is None:
                continue
            favourite = favourites_left > 0 and _affinity(taste, top, t) > 0.6
            favourites_left -= favourite
            state = [t, 0, favourite, False]
            in_progress.append(state)
            _episodes(w, rng, profile, state, start, device, taste, top, in_progress, done)
        else:
            t = pick("film", days_ago)
            if t is None:
                continue
            done.add(t.title_id)
            fit = _affinity(taste, top, t)
            finish_p = min(0.95, max(0.2, 0.45 + 0.4 * min(fit, 1.0) + 0.08 * t.quality))
            finished = rng.random() < finish_p
            end = _play(
                w,
                title=t,
                episode=None,
                start=start,
                device=device,
                stop_fraction=None if finished else rng.uniform(0.08, 0.6),
                progress_note=rng.random() < 0.08,
            )
            if finished and rng.random() < profile.rate_rate:
                w.add(
                    "rating",
                    end + timedelta(seconds=rng.randint(5, 90)),
                    {"title_id": t.title_id, "value": _rating_value(rng, fit, t.quality)},
                    device,
                )
            elif not finished and fit < 0.4 and rng.random() < profile.rate_rate:
                w.add(
                    "rating",
                    end + timedelta(seconds=30),
                    {"title_id": t.title_id, "value": -1},
                    device,
                )
    return w.events


def _episodes(
    w: _Writer,
    rng: random.Random,
    profile: ProfileSpec,
    state: list,
    start: datetime,
    device: str,
    taste: dict[str, float],
    top: float,
    in_progress: list[list],
    done: set[int],
) -> None:
    """Watch the next episodes of a series in one sitting (a binge for favourites)."""
    title, next_index, favourite, rated = state
    fit = _affinity(taste, top, title)
    count = rng.randint(3, 6) if favourite else rng.choices([1, 2, 3, 4], weights=[4, 4, 2, 1])[0]
    at = start
    for _ in range(count):
        if next_index >= len(title.episodes):
            break
        last = next_index == len(title.episodes) - 1
        # Episodes of a series that does not fit are dropped part-way now and then.
        stop = None
        if not favourite and fit < 0.5 and rng.random() < 0.18:
            stop = rng.uniform(0.1, 0.7)
        end = _play(
            w,
            title=title,
            episode=title.episodes[next_index],
            start=at,
            device=device,
            stop_fraction=stop,
            progress_note=rng.random() < 0.03,
            series_finished=last and stop is None,
        )
        if stop is not None:
            in_progress.remove(state)
            done.add(title.title_id)
            if rng.random() < profile.rate_rate:
                w.add(
                    "rating",
                    end + timedelta(seconds=20),
                    {"title_id": title.title_id, "value": -1},
                    device,
                )
            return
        next_index += 1
        at = end + timedelta(seconds=rng.randint(5, 120))
    state[1] = next_index
    # Series get rated once, after a few episodes or at the end.
    rated_moment = not rated and (next_index >= 3 or next_index == len(title.episodes))
    if rated_moment and rng.random() < min(1.0, profile.rate_rate * 1.3):
        state[3] = True
        w.add(
            "rating",
            at + timedelta(seconds=rng.randint(10, 60)),
            {
                "title_id": title.title_id,
                "value": _rating_value(rng, fit + (0.3 if favourite else 0.0), title.quality),
            },
            device,
        )
    if next_index >= len(title.episodes):
        in_progress.remove(state)
        done.add(title.title_id)


def iter_histories(
    *,
    viewers: Sequence[tuple[ViewerSpec, Sequence[int | None]]],
    index: CatalogueIndex,
    now: datetime,
    seed: int,
) -> Iterator[tuple[int, int, list[SeedEvent]]]:
    """(viewer index, profile index, events) for each profile whose database id is given."""
    for viewer, profile_ids in viewers:
        for p, (profile, profile_id) in enumerate(zip(viewer.profiles, profile_ids, strict=True)):
            if profile_id is None:
                continue
            yield (
                viewer.index,
                p,
                profile_history(
                    profile=profile,
                    time_zone=viewer.time_zone,
                    index=index,
                    now=now,
                    rng_key=f"{seed}:history:{viewer.index}:{p}",
                    client_prefix=f"s{seed}-v{viewer.index}-p{p}",
                ),
            )
