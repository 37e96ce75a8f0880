"""Reading the event log for training: every profile's events folded as they stream past.

Training used to hold every event as a Python tuple with its JSON properties (1.9 GB at 2.3
million events) although it keeps only each profile's folded history. Here the events are
read in ranges of profile ids, ordered by profile and time, with only the columns and JSON keys
the fold needs (extracted by the database) and the time as a number, and each profile is
folded as soon as its last event has passed: memory holds one range's rows, not the log.
"""

from collections.abc import Callable, Iterator

from django.db.models import FloatField, Func, Max, Min
from django.db.models.fields.json import KT

from apps.accounts.models import Profile
from apps.recommendations.interactions import EVENT_NAMES, Folded, fold_profile
from apps.tracking.data_use import filter_events
from apps.tracking.models import Event
from apps.tracking.selectors import data_use_restricted

PROFILES_PER_READ = 1000  # one query per range of profile ids
ROWS_PER_FETCH = 10000
# The JSON keys the fold reads (`interactions.fold_profile`).
KEYS = ("title_id", "value", "episode_id", "series_finished")
TRUE = (True, 1, "true", "1")  # how a JSON true comes back: SQLite says 1, PostgreSQL 'true'


class EpochSeconds(Func):
    """A timestamp as seconds since the epoch (a float), computed by the database: converting
    2.3 million datetimes in Python was a third of reading the log."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds (strftime rounds
        # a fraction, so it gets none), then the fraction (an empty one casts to 0), so
        # microseconds survive exactly as in Python.
        template = (
            "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER)"
            " + CAST(substr(%(expressions)s, 20) AS REAL))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
        return self.as_sql(compiler, connection, template=template, **extra)


def _rows(start: int, stop: int):
    """(profile id, name, timestamp, *KEYS) of profiles start <= id < stop, by profile, time."""
    keys = {f"k_{key}": KT(f"properties__{key}") for key in KEYS}
    return (
        # No `name IN (...)` here: with it SQLite walks the name index and sorts the whole log
        # for every range; the few other events are skipped in Python instead.
        Event.objects.filter(profile_id__gte=start, profile_id__lt=stop)
        .order_by("profile_id", "occurred_at", "pk")
        .annotate(ts=EpochSeconds("occurred_at"), **keys)
        .values_list("profile_id", "name", "ts", *keys)
        .iterator(chunk_size=ROWS_PER_FETCH)
    )


def folded_profiles(
    progress: Callable[[float], None] | None = None,
) -> Iterator[tuple[int, Folded]]:
    """(profile id, its folded events) for every profile with a recommender event."""
    bounds = Profile.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    low, high = bounds["low"], bounds["high"]
    names = frozenset(EVENT_NAMES)
    # The few profiles that turned a "Your data" switch off: their events of that kind go.
    restricted = data_use_restricted()

    def fold(profile_id: int, events: list) -> Folded:
        use = restricted.get(profile_id)
        return fold_profile(filter_events(events, use) if use is not None else events)

    for start in range(low, high + 1, PROFILES_PER_READ):
        current, events = None, []
        for profile_id, name, ts, title, value, episode, finished in _rows(
            start, start + PROFILES_PER_READ
        ):
            if name not in names:
                continue
            if profile_id != current:
                if events:
                    yield current, fold(current, events)
                current, events = profile_id, []
            props = {"title_id": title, "value": value, "episode_id": episode}
            if finished in TRUE:
                props["series_finished"] = True
            events.append((name, props, ts))
        if events:
            yield current, fold(current, events)
        if progress:
            progress(min(1.0, (start + PROFILES_PER_READ - low) / (high - low + 1)))
