"""Playback rules over plain numbers (pure; no database).

Resume thresholds follow Jellyfin's defaults: under 5 % watched is "not started", 90 % or more
is "watched", and items shorter than five minutes never resume (they play from the start).

Progress reports arrive late, twice, or out of order (heartbeats, beacons on leave, retries,
two tabs). `apply_report` decides what a report does to the saved position:

* a report never moves the saved position backwards ...
* ... except an explicit seek, which sets the position wherever it points, backwards too, as
  long as it is newer (by the client's sequence number) than the last seek applied;
* a plain report older than the last applied seek is stale and ignored (it describes the
  timeline the viewer left);
* a seek that arrives after newer reports (it was delayed) resets to where the newest report
  said the viewer was, since that report came after the seek;
* positions are clamped to [0, duration];
* a plain report cannot finish the item by jumping further than the wall time since the
  previous report lets the player play (`playable_since`): that jump stops where it could
  have got, so a hand-made `position` does not count as watched (QA9). A seek may go anywhere.

Replaying any report is therefore a no-op, which is what makes the heartbeat idempotent.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

RESUME_MIN_PERCENT = 5
WATCHED_PERCENT = 90
MIN_RESUME_SECONDS = 5 * 60
SITTING_SECONDS = 6 * 60 * 60  # three episodes within this window count as finishing a series
SITTING_EPISODES = 3
PROGRESS_EVENT_EVERY = 60  # seconds of content between two play_progress events
INTRO_START = 5
# Continue watching forgets what was left long ago (the progress is kept: the title page and the
# player still resume, and playing it again brings it back): an entry untouched for SHELF_DAYS
# leaves the row; a film barely started (under SAMPLE_PERCENT watched) after SAMPLE_SHELF_DAYS.
SHELF_DAYS = 90
SAMPLE_SHELF_DAYS = 30
SAMPLE_PERCENT = 15
INTRO_SHORTEST, INTRO_LONGEST = 60, 90
# The fastest the simulated player's clock runs: the demo's ?speed=N (demo mode only) and a
# watch party's catch-up rate (up to 2x, at speed 1).
MAX_SPEED = 120
PARTY_RATE = 2
# What a plain report may run ahead of the wall clock: a heartbeat sent a little late, clocks.
JUMP_MARGIN = 60


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    WATCHED = "watched"


def clamp(position: float, duration: int) -> int:
    """A whole second inside [0, duration]; anything unreadable counts as 0."""
    try:
        value = float(position)
    except (TypeError, ValueError):
        return 0
    if value != value or duration <= 0:  # NaN, or nothing to watch
        return 0
    return int(min(max(value, 0.0), float(duration)))


def percent(position: int, duration: int) -> int:
    """Whole percent watched, 0-100 (rounded down, so 100 means the very end)."""
    if duration <= 0:
        return 0
    return max(0, min(100, (clamp(position, duration) * 100) // duration))


def is_watched(position: int, duration: int) -> bool:
    return duration > 0 and clamp(position, duration) * 100 >= duration * WATCHED_PERCENT


def status(position: int, duration: int) -> Status:
    if duration <= 0:
        return Status.NOT_STARTED
    if is_watched(position, duration):
        return Status.WATCHED
    if duration < MIN_RESUME_SECONDS:
        return Status.NOT_STARTED
    if clamp(position, duration) * 100 < duration * RESUME_MIN_PERCENT:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


def is_resumable(position: int, duration: int) -> bool:
    return status(position, duration) is Status.IN_PROGRESS


def resume_position(position: int, duration: int) -> int:
    """Where opening the item starts: the saved second if resumable, otherwise the beginning."""
    return clamp(position, duration) if is_resumable(position, duration) else 0


def display_percent(position: int, duration: int) -> int:
    """What a progress bar shows: full once watched, empty while "not started"."""
    state = status(position, duration)
    if state is Status.WATCHED:
        return 100
    if state is Status.NOT_STARTED:
        return 0
    return percent(position, duration)


def intro_window(episode_id: int | None, duration: int) -> tuple[int, int] | None:
    """The (start, end) of an episode's opening titles; films and short items have none.

    Simulated, but stable per episode: it ends between 60 and 90 seconds in.
    """
    if episode_id is None or duration < MIN_RESUME_SECONDS:
        return None
    span = INTRO_LONGEST - INTRO_SHORTEST + 1
    return INTRO_START, INTRO_SHORTEST + (episode_id * 7) % span


# --- Reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """What is stored for one (profile, item)."""

    position: int = 0
    seek_seq: int = -1  # reports up to this sequence number are superseded by a seek
    last_seq: int = -1  # highest sequence number seen
    newest_position: int = 0  # what the report with the highest sequence number said
    watched: bool = False


@dataclass(frozen=True)
class Report:
    position: float
    seq: int
    explicit_seek: bool = False


@dataclass(frozen=True)
class Applied:
    saved: Saved
    changed: bool  # the saved position moved
    stale: bool  # ignored: older than the last seek, or a replay of it
    completed_now: bool  # this report crossed the "watched" mark


def playable_since(elapsed_seconds: float, *, demo: bool) -> float:
    """How far the player can have played in `elapsed_seconds` of wall time, margin included."""
    rate = MAX_SPEED if demo else PARTY_RATE
    return max(0.0, elapsed_seconds) * rate + JUMP_MARGIN


def apply_report(
    saved: Saved, report: Report, duration: int, playable: float = float("inf")
) -> Applied:
    """The saved state after one report (see the module docstring for the rules); `playable`
    is how far the player can have played since the previous report (`playable_since`)."""
    position = clamp(report.position, duration)
    jumped = saved.last_seq >= 0 and not report.explicit_seek  # a first report has no "since"
    if jumped and not saved.watched and is_watched(position, duration):
        # Finishing by a plain report needs the time to have played there.
        position = min(position, saved.position + int(min(playable, duration)))
    if report.seq <= saved.seek_seq:
        return Applied(saved, changed=False, stale=True, completed_now=False)
    newest = report.seq > saved.last_seq
    if report.explicit_seek and newest:
        new_position, seek_seq = position, report.seq
    elif report.explicit_seek:
        # A delayed seek: the newest report came after it, so that is where the viewer is.
        new_position, seek_seq = saved.newest_position, saved.last_seq
    else:
        new_position, seek_seq = max(saved.position, position), saved.seek_seq
    watched_now = is_watched(new_position, duration)
    # Seeking back before the mark starts a new viewing; only crossing it again completes.
    watched = watched_now if report.explicit_seek else (saved.watched or watched_now)
    new = Saved(
        position=new_position,
        seek_seq=seek_seq,
        last_seq=report.seq if newest else saved.last_seq,
        newest_position=position if newest else saved.newest_position,
        watched=watched,
    )
    return Applied(
        new,
        changed=new_position != saved.position,
        stale=False,
        completed_now=watched and not saved.watched,
    )


def wants_progress_event(last_event_position: int, position: int, reason: str) -> bool:
    """play_progress is sparing: one per minute of content, or a pause/leave that moved on."""
    moved = abs(position - last_event_position)
    if moved >= PROGRESS_EVENT_EVERY:
        return True
    return reason in {"pause", "leave"} and moved > 0


# --- Series ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeFacts:
    episode_id: int
    duration: int


@dataclass(frozen=True)
class EpisodeProgress:
    episode_id: int
    position: int
    duration: int
    watched_at: float  # a timestamp: only the order matters


def series_finished(episodes: Sequence[EpisodeFacts], progress: Iterable[EpisodeProgress]) -> bool:
    """Whether a series is finished: every released episode watched (`is_watched`, the rule a
    film goes by, episode by episode). Watching the last episode is not enough: a viewer who
    jumped to the finale has not finished the series (QA). The one rule for the Continue
    watching shelf, "Because you finished X", the title page and `play_completed`."""
    if not episodes:
        return False
    by_id = {p.episode_id: p for p in progress}
    return all(
        e.episode_id in by_id
        and is_watched(by_id[e.episode_id].position, by_id[e.episode_id].duration)
        for e in episodes
    )


def next_up(
    episodes: Sequence[EpisodeFacts], progress: Iterable[EpisodeProgress]
) -> tuple[int, int] | None:
    """(episode id, start position) to play next in a series, or None when nothing is left
    after the latest episode watched (the series leaves Continue watching, as on Netflix; it
    is finished only when `series_finished` says so).

    The most recently watched episode if it is unfinished (resuming it when resumable); once
    it is watched, the next episode in order that is not watched yet. A series never started
    begins at its first episode.
    """
    if not episodes:
        return None
    by_id = {p.episode_id: p for p in progress}
    known = [p for p in by_id.values() if any(e.episode_id == p.episode_id for e in episodes)]
    if not known:
        return episodes[0].episode_id, 0
    latest = max(known, key=lambda p: (p.watched_at, p.episode_id))
    if not is_watched(latest.position, latest.duration):
        return latest.episode_id, resume_position(latest.position, latest.duration)
    order = [e.episode_id for e in episodes]
    for episode in episodes[order.index(latest.episode_id) + 1 :]:
        saved = by_id.get(episode.episode_id)
        if saved is None:
            return episode.episode_id, 0
        if not is_watched(saved.position, saved.duration):
            return episode.episode_id, resume_position(saved.position, saved.duration)
    return None


def next_in_order(episodes: Sequence[EpisodeFacts], episode_id: int) -> int | None:
    """The episode after this one (across seasons), whatever has been watched."""
    order = [e.episode_id for e in episodes]
    if episode_id not in order:
        return None
    index = order.index(episode_id)
    return order[index + 1] if index + 1 < len(order) else None


def sitting(
    completions: Sequence[tuple[int, float]], episode_id: int, now: float
) -> tuple[list[tuple[int, float]], bool]:
    """Record an episode completion; True when it makes three distinct episodes in a sitting.

    `completions` are (episode id, timestamp) pairs; only those within the window are kept.
    """
    kept = [(e, t) for e, t in completions if now - t <= SITTING_SECONDS and e != episode_id]
    kept.append((episode_id, now))
    return kept[-10:], len({e for e, _ in kept}) >= SITTING_EPISODES


# --- Continue watching ----------------------------------------------------------------------


class Shelf(StrEnum):
    """Where a title stands for Continue watching."""

    NONE = "none"  # not in the row
    RESUME = "resume"  # an item to resume
    NEXT = "next"  # a series whose next episode is waiting
    FINISHED = "finished"


@dataclass(frozen=True)
class Entry:
    shelf: Shelf = Shelf.NONE
    episode_id: int | None = None
    position: int = 0
    duration: int = 0


def shelve(
    previous: Entry,
    *,
    episode_id: int | None,
    position: int,
    duration: int,
    series_started: bool,
    following: tuple[int, int, int] | None = None,
    series_finished: bool = True,
) -> Entry:
    """The title's Continue watching entry after its item (film or episode) moved.

    `series_started`: the profile has watched an episode of this series to the end before.
    `following`: for a watched episode, the (episode id, start, duration) that comes next,
    None when nothing is left after it. `series_finished` (`series_finished`): every episode is
    watched; without it, a series with nothing left after its latest episode leaves Continue
    watching without counting as finished (a viewer who jumped to the finale).
    """
    state = status(position, duration)
    if episode_id is None:  # a film
        shelf = {Status.IN_PROGRESS: Shelf.RESUME, Status.WATCHED: Shelf.FINISHED}.get(
            state, Shelf.NONE
        )
        return Entry(shelf, None, position if shelf is Shelf.RESUME else 0, duration)
    if state is Status.IN_PROGRESS:
        return Entry(Shelf.RESUME, episode_id, position, duration)
    if state is Status.WATCHED:
        if following is None:
            return Entry(Shelf.FINISHED if series_finished else Shelf.NONE, episode_id, 0, duration)
        next_id, start, next_duration = following
        shelf = Shelf.RESUME if is_resumable(start, next_duration) else Shelf.NEXT
        return Entry(shelf, next_id, start, next_duration)
    # A barely started episode: a series already under way waits at it; otherwise, only when
    # it is the entry's own episode (started over), the entry follows it.
    if series_started:
        return Entry(Shelf.NEXT, episode_id, 0, duration)
    if previous.episode_id == episode_id:
        return Entry(Shelf.NONE, episode_id, 0, duration)
    return previous


def shelf_horizons(now: datetime) -> tuple[datetime, datetime]:
    """(oldest kept, oldest kept for a film barely started): an entry last watched before it
    has left Continue watching. Counted from the start of `now`'s day in `now`'s own zone (the
    viewer's), so the row changes once a day, as the homepage cache key's local day does."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=SHELF_DAYS), day - timedelta(days=SAMPLE_SHELF_DAYS)


def stays_on_shelf(
    *, watched_at: datetime, film: bool, position: int, duration: int, now: datetime
) -> bool:
    """Whether a Continue watching entry last watched at `watched_at` is still shown `now`.

    A series waiting at its next episode, or part way into one, counts as under way whatever
    the episode's share: only the SHELF_DAYS rule applies to it.
    """
    oldest, oldest_sample = shelf_horizons(now)
    if watched_at < oldest:
        return False
    sample = film and percent(resume_position(position, duration), duration) < SAMPLE_PERCENT
    return not (sample and watched_at < oldest_sample)
