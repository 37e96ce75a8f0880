"""The "Your data" switches applied to a profile's events (pure; no database).

`filter_events` is what recommendations calls on a profile's history before learning from it:
with "don't use my viewing history" the plays and their progress are left out, with "don't use
my ratings" the thumbs are. A profile without a DataUse row uses everything.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# Events that are viewing history: what was played and how far.
VIEWING_EVENTS = frozenset({"play_started", "play_progress", "play_completed"})
RATING_EVENTS = frozenset({"rating"})
# The signals a switch or an action names in its `data_use_changed` event.
SIGNALS = ("viewing_history", "ratings", "traits", "title", "onboarding_picks")
# The signals a profile switches on and off (a DataUse field `use_<signal>` each).
SWITCHES = ("viewing_history", "ratings", "traits")


@dataclass(frozen=True)
class Use:
    viewing_history: bool = True
    ratings: bool = True
    # Traits are read from the viewing history: without it they are not used either.
    traits: bool = True

    @property
    def uses_traits(self) -> bool:
        return self.traits and self.viewing_history

    def excluded_names(self) -> frozenset[str]:
        names: set[str] = set()
        if not self.viewing_history:
            names |= VIEWING_EVENTS
        if not self.ratings:
            names |= RATING_EVENTS
        return frozenset(names)


EVERYTHING = Use()


def filter_events[Row: tuple](rows: Iterable[Row], use: Use, *, name_at: int = 0) -> list[Row]:
    """The rows whose event name (at index `name_at`) the profile lets the site use."""
    excluded = use.excluded_names()
    if not excluded:
        return list(rows)
    return [row for row in rows if row[name_at] not in excluded]
