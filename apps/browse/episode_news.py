"""New episodes: who hears about one, and what the notice says to each of them (pure; no
database).

Who: a viewer who is watching the series now (played it within RECENT), or who is caught up
(nothing older than the last RECENT's releases is left for them to watch), or who has it in My
list without having started it, or who asked to be reminded. A viewer who stopped at S1:E4
three months ago and never came back is not told about S2:E4: "new episode" means nothing to
someone that far behind, and the welcome-back row already says what is new when they return.

What: how many episodes came out since the viewer last played the series (within RECENT), so
one notice per series can say "2 new episodes of X" (no count for a viewer who never played it:
nothing is "new since" for them, so the notice names this episode only); and the episode the
viewer should watch next (where they are, not the newest episode far ahead of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RECENT = timedelta(days=30)


@dataclass(frozen=True)
class Release:
    episode_id: int
    at: datetime | None  # when it came out (None: always there)


@dataclass(frozen=True)
class Viewer:
    watched_at: datetime | None  # last play of the series; None: never played it
    next_episode_id: int | None  # what it would play next; None: watched everything out
    reminded: bool = False  # asked "Remind me" for this episode


@dataclass(frozen=True)
class News:
    # Out since the viewer last played the series (at least this one); None: never played it.
    new_episodes: int | None
    next_episode_id: int  # the episode the notice's button plays


def news_for(
    viewer: Viewer, *, episode_id: int, releases: list[Release], now: datetime
) -> News | None:
    """What to tell `viewer` about `episode_id` coming out, or None: not told at all.

    `releases` are the series' released episodes in viewing order (this one among them)."""
    order = [r.episode_id for r in releases]
    if episode_id not in order:
        return None
    recent_since = now - RECENT
    if not viewer.reminded and viewer.watched_at is not None:
        watching = viewer.watched_at >= recent_since
        fresh = [i for i, r in enumerate(releases) if r.at is not None and r.at >= recent_since]
        first_fresh = fresh[0] if fresh else order.index(episode_id)
        caught_up = (
            viewer.next_episode_id is None
            or viewer.next_episode_id not in order
            or order.index(viewer.next_episode_id) >= first_fresh
        )
        if not (watching or caught_up):
            return None
    if viewer.watched_at is None:  # listed or reminded, never played: start at the beginning
        return News(new_episodes=None, next_episode_id=order[0])
    since = max(viewer.watched_at, recent_since)
    this = releases[order.index(episode_id)].at
    count = sum(
        1 for r in releases if r.at is not None and since < r.at and (this is None or r.at <= this)
    )
    next_id = viewer.next_episode_id
    if next_id is None or next_id not in order:
        next_id = episode_id
    return News(new_episodes=max(1, count), next_episode_id=next_id)
