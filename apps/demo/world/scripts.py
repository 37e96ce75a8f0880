"""Scripted histories for the personas: short acts (films of some genres, a binge) played on
the same writer as the synthetic viewers' histories."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.demo.world.history import CatalogueIndex, SeedEvent, _local_start, _play, _Writer

# --- Scripted histories (personas) ------------------------------------------------------------


@dataclass(frozen=True)
class Films:
    """Watch `count` films of these genres between two days (days before now) at these hours."""

    genres: tuple[str, ...]
    count: int
    days: tuple[int, int]  # (from, to) days ago, from > to
    hours: tuple[int, int]  # local start hour range, inclusive; may wrap midnight (22, 1)
    love: int = 0  # the first `love` films get a love rating, then `like`, then `dislike`
    like: int = 0
    dislike: int = 0
    stop_at: float | None = None  # stop every film at this fraction (continue watching)
    device: str = "tv"
    skip: int = 0  # skip the most popular ones (another act took them)


@dataclass(frozen=True)
class Binge:
    """Watch `series` whole series of these genres, several episodes an evening."""

    genres: tuple[str, ...]
    series: int
    days: tuple[int, int]
    hours: tuple[int, int]
    per_night: tuple[int, int] = (3, 5)
    episodes: int | None = None  # stop after this many episodes (mid-series), else finish
    love: int = 0
    like: int = 0
    device: str = "tv"
    skip: int = 0


type Act = Films | Binge


def _hour_in(rng: random.Random, hours: tuple[int, int]) -> int:
    lo, hi = hours
    span = (hi - lo) % 24
    return (lo + rng.randint(0, span)) % 24


def _spread(first: int, last: int, n: int) -> list[int]:
    """n day offsets (days ago) evenly from `first` down to `last`."""
    if n <= 1:
        return [last]
    return [round(first - (first - last) * i / (n - 1)) for i in range(n)]


def scripted_history(
    *,
    acts: Sequence[Act],
    time_zone: str,
    index: CatalogueIndex,
    now: datetime,
    rng_key: str,
    client_prefix: str,
    kids: bool = False,
) -> list[SeedEvent]:
    """A hand-shaped history: the acts, in order, on the most popular titles that fit."""
    rng = random.Random(rng_key)
    tz = ZoneInfo(time_zone)
    today = now.astimezone(tz).date()
    w = _Writer(now=now, client_prefix=client_prefix)
    used: set[int] = set()
    for act in acts:
        kind = "film" if isinstance(act, Films) else "series"
        ranked = [
            t
            for t in index.ranked(genres=act.genres, kind=kind, kids=kids)
            if t.title_id not in used
        ][act.skip :]
        if isinstance(act, Films):
            chosen = ranked[: act.count]
            used.update(t.title_id for t in chosen)
            for i, (t, days_ago) in enumerate(
                zip(chosen, _spread(*act.days, len(chosen)), strict=False)
            ):
                day = today - timedelta(days=days_ago)
                start = _local_start(day, _hour_in(rng, act.hours), rng.randrange(0, 60, 5), tz)
                end = _play(
                    w,
                    title=t,
                    episode=None,
                    start=start,
                    device=act.device,
                    stop_fraction=act.stop_at,
                    progress_note=False,
                )
                value = (
                    2
                    if i < act.love
                    else 1
                    if i < act.love + act.like
                    else -1
                    if i < act.love + act.like + act.dislike
                    else None
                )
                if value is not None:
                    w.add(
                        "rating",
                        end + timedelta(seconds=40),
                        {"title_id": t.title_id, "value": value},
                        act.device,
                    )
        else:
            chosen = [t for t in ranked if t.episodes][: act.series]
            used.update(t.title_id for t in chosen)
            nights_total = 0
            plans = []
            for t in chosen:
                n_eps = (
                    len(t.episodes) if act.episodes is None else min(act.episodes, len(t.episodes))
                )
                nights: list[int] = []
                left = n_eps
                while left > 0:
                    k = min(left, rng.randint(*act.per_night))
                    nights.append(k)
                    left -= k
                plans.append((t, n_eps, nights))
                nights_total += len(nights)
            days = iter(_spread(*act.days, nights_total))
            for i, (t, n_eps, nights) in enumerate(plans):
                ep = 0
                at = start = None
                for k in nights:
                    day = today - timedelta(days=next(days))
                    start = _local_start(day, _hour_in(rng, act.hours), rng.randrange(0, 60, 5), tz)
                    at = start
                    for _ in range(k):
                        last_wanted = ep == n_eps - 1
                        mid_series_stop = act.episodes is not None and last_wanted
                        at = _play(
                            w,
                            title=t,
                            episode=t.episodes[ep],
                            start=at,
                            device=act.device,
                            stop_fraction=0.4 if mid_series_stop else None,
                            progress_note=False,
                            series_finished=ep == len(t.episodes) - 1,
                        ) + timedelta(seconds=rng.randint(5, 60))
                        ep += 1
                value = 2 if i < act.love else 1 if i < act.love + act.like else None
                if value is not None and at is not None:
                    w.add(
                        "rating",
                        at + timedelta(seconds=30),
                        {"title_id": t.title_id, "value": value},
                        act.device,
                    )
    w.events.sort(key=lambda e: e.occurred_at)
    # Client ids were numbered in act order; renumber in time order so they read naturally.
    return [
        SeedEvent(e.name, e.occurred_at, e.properties, e.device_kind, f"{client_prefix}-{i:05d}")
        for i, e in enumerate(w.events)
    ]
