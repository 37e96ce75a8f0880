"""Which events teach the recommender what, how strongly, and which refresh a profile at once
(pure; no database).

Every behavioural event that names a title becomes one weighted interaction. "Not for me"
is kept apart as a negative signal: it removes the title and pushes its neighbours down.
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

# Event name -> weight of the interaction it implies. Ratings are mapped by value below.
EVENT_WEIGHTS: dict[str, float] = {
    "play_started": 1.0,
    "play_progress": 0.0,  # progress heartbeats add nothing beyond the start
    "play_completed": 2.0,
    "onboarding_pick": 3.0,
    "my_list_add": 1.0,
    # An anonymous visitor opened the title's page (joined to the profile on sign-up or
    # sign-in): a look, not a commitment. It leans the taste a little, never removes the title
    # from the recommendations and never explains a row (see LOOKED_EVENTS).
    "title_viewed": 0.5,
}
LOVE = 2  # a rating event's value for "Love this" (ratings.Rating.Value.LOVE)
RATING_WEIGHTS: dict[int, float] = {-1: -3.0, 1: 2.0, LOVE: 3.0}
EVENT_NAMES = (*EVENT_WEIGHTS, "rating")
# Events that mean the profile actually watched (some of) the title, not only picked or saved it.
PLAYED_EVENTS = frozenset({"play_started", "play_progress", "play_completed"})
# A play counts as watching (some of) a title from this position on, or when completed: the
# player opened and left at 0:00 read "Because you watched X" (QA6). An opening below it
# weighs nothing until a later event of the same title shows watching, which then adds the
# opening's weight as before. Events without a position (the training log, which reads no
# positions, and imported histories) count as watching.
WATCHED_FROM_SECONDS = 60
# Events that only say the viewer looked at a title.
LOOKED_EVENTS = frozenset({"title_viewed"})
# Signals strong enough to refresh one profile's candidates at once.
STRONG_SIGNALS = frozenset({"play_completed", "rating", "onboarding_pick", "my_list_add"})
# Events after which the profile's candidates are recomputed at once (`receivers.py`): the
# strong signals, skipping onboarding (the first candidates, from popularity), an anonymous
# history joining the profile at sign-in (tracking's `identity_merged`), and a change on
# "Your data" (a switch, a forgotten title, cleared picks: apps.tracking.data_use).
REFRESH_SIGNALS = STRONG_SIGNALS | {"onboarding_skipped", "identity_merged", "data_use_changed"}


def looked_only(events: list[tuple[str, Mapping[str, Any], float]]) -> set[int]:
    """Titles the events only looked at (LOOKED_EVENTS), with no play, pick, save or rating."""
    return set(fold_profile(events).looked)


def interaction_weight(name: str, properties: Mapping[str, Any]) -> float:
    """The weight an event contributes to its title; 0 means it teaches nothing."""
    if name == "rating":
        try:
            return RATING_WEIGHTS.get(int(properties.get("value", 0)), 0.0)
        except (TypeError, ValueError):
            return 0.0
    return EVENT_WEIGHTS.get(name, 0.0)


def watched_some(name: str, properties: Mapping[str, Any]) -> bool:
    """Whether a play event shows the title actually watched (see WATCHED_FROM_SECONDS)."""
    if name == "play_completed" or "position_seconds" not in properties:
        return True
    try:
        return int(properties.get("position_seconds") or 0) >= WATCHED_FROM_SECONDS
    except (TypeError, ValueError):
        return True


def title_of(properties: Mapping[str, Any]) -> int | None:
    try:
        value = int(properties.get("title_id"))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def fold_history(
    events: list[tuple[str, Mapping[str, Any], float]],
) -> tuple[list[tuple[int, float, float]], set[int], set[int]]:
    """Fold (name, properties, timestamp) events, oldest first, into the model's history.

    Returns (history of (title, timestamp, weight) with the latest timestamp per title and the
    summed positive weight, disliked titles, finished titles). A later rating replaces an
    earlier one; a cleared rating (value 0) removes the dislike.
    """
    history, ratings, finished = fold_events(events)
    return history, {t for t, v in ratings.items() if v == -1}, finished


def current_ratings(events: list[tuple[str, Mapping[str, Any], float]]) -> dict[int, int]:
    """title -> the profile's current rating (-1, 1, 2); cleared ratings are absent."""
    return fold_events(events)[1]


def fold_events(
    events: list[tuple[str, Mapping[str, Any], float]],
) -> tuple[list[tuple[int, float, float]], dict[int, int], set[int]]:
    """fold_history's worker: also returns the current rating per title."""
    folded = fold_profile(events)
    return folded.history, folded.ratings, folded.finished


class Folded(NamedTuple):
    """What one profile's events say, folded: all the recommender keeps of them."""

    history: list[tuple[int, float, float]]  # (title, latest time, summed weight), oldest first
    ratings: dict[int, int]  # title -> current rating
    finished: set[int]
    played: set[int]  # titles actually watched (some of), not only picked or saved
    only_picks: bool  # every event but ratings and looks is an onboarding pick
    last_at: float  # the newest event's timestamp (0.0 without events)
    # Titles only looked at (LOOKED_EVENTS), with no play, pick, save or rating.
    looked: frozenset[int] = frozenset()
    picked: frozenset[int] = frozenset()  # the onboarding picks (favourites chosen at sign-up)


def fold_profile(events: list[tuple[str, Mapping[str, Any], float]]) -> Folded:
    """Fold (name, properties, timestamp) events, oldest first (see `fold_history`)."""
    weights: dict[int, float] = {}
    last_seen: dict[int, float] = {}
    ratings: dict[int, int] = {}
    finished: set[int] = set()
    played: set[int] = set()
    only_picks = True
    last_at = 0.0
    looked: set[int] = set()
    committed: set[int] = set()
    picked: set[int] = set()
    # A title's rating counts as its current value only: changing "I like this" to "Love this"
    # or clearing it replaces what the earlier rating added (cleared, a title loved and never
    # watched leaves the history and its "Because you liked" row).
    rated: dict[int, tuple[float, float]] = {}  # title -> (weight of the current rating, when)
    opened: dict[int, float] = {}  # title -> weight of openings not (yet) followed by watching
    for name, props, ts in events:
        last_at = ts
        opening = name in PLAYED_EVENTS and not watched_some(name, props)
        if name not in ("rating", "onboarding_pick") and name not in LOOKED_EVENTS and not opening:
            only_picks = False
        title = title_of(props)
        if title is None:
            continue
        weight = interaction_weight(name, props)
        if opening:
            opened[title] = opened.get(title, 0.0) + weight  # play_started 1.0, progress 0
            continue
        if name in PLAYED_EVENTS:
            played.add(title)
            weight += opened.pop(title, 0.0)
        if name == "onboarding_pick":
            picked.add(title)
        if name == "rating":
            try:
                value = int(props.get("value") or 0)
            except (TypeError, ValueError):
                value = 0
            if value in RATING_WEIGHTS:
                ratings[title] = value
            else:
                ratings.pop(title, None)
            rated[title] = (max(0.0, RATING_WEIGHTS.get(value, 0.0)), ts)
            continue
        if name == "play_completed" and not props.get("episode_id"):
            finished.add(title)
        if name == "play_completed" and props.get("series_finished"):
            finished.add(title)
        if weight > 0:
            weights[title] = weights.get(title, 0.0) + weight
            last_seen[title] = ts
            (looked if name in LOOKED_EVENTS else committed).add(title)
    for title, (weight, ts) in rated.items():
        if weight > 0:
            weights[title] = weights.get(title, 0.0) + weight
            last_seen[title] = max(last_seen.get(title, ts), ts)
            committed.add(title)
    history = sorted(
        ((t, last_seen[t], w) for t, w in weights.items() if ratings.get(t) != -1),
        key=lambda entry: entry[1],
    )
    return Folded(
        history,
        ratings,
        finished,
        played,
        only_picks,
        last_at,
        frozenset(looked - committed),
        frozenset(picked),
    )
