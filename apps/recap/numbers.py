"""The year in review, worked out from a profile's play events: pure, no database.

Definitions (the page and the README say the same):

- A *viewing* is one `play_started` of a film or episode and the progress/completion events of
  that same item that follow it, up to the item's next `play_started`. A `play_completed` or
  `play_progress` with no start before it in the year (history imported from elsewhere) opens
  a viewing of its own, from position 0; a `play_progress` after the item's completion with no
  new start (the player's last report as its page closes) still belongs to the finished
  viewing, while a second `play_completed` opens a new one (an imported rewatch).
- *Minutes watched*: per viewing, the furthest position reached minus the position it started
  at, less what a seek ahead skipped (a `play_progress` with `seek_from`: from the furthest
  place played so far to where it landed); never negative; summed, then rounded down to whole
  minutes.
- *Titles* and *episodes*: distinct films/series and distinct episodes with at least one viewing.
- *Top titles*: by minutes watched (ties: more viewings, then name). *Top genres*: each title's
  minutes split equally between its genres; a share is a genre's minutes over all minutes.
- *Longest binge*: a *sitting* is a run of viewings of one series where each starts less than
  30 minutes after the previous one's last event; its size is the number of distinct episodes
  completed in it. Two or more make a binge.
- *Hour and weekday*: when most viewings started, in the viewer's time zone (ties: earliest).
- *First title*: the title of the year's first viewing.
- *Taste change*: genre shares of January-June against July-December.
- The year is the viewer's local calendar year; events are placed by their local time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SITTING_GAP = timedelta(minutes=30)
PLAY_EVENTS = ("play_started", "play_progress", "play_completed")
TOP_TITLES = 5
TOP_GENRES = 3
# Below this, or on a kids profile, the recap is the short, kind version.
LOW_VIEWING_MINUTES = 60
LOW_VIEWING_VIEWINGS = 3


def is_quiet(minutes: int, viewings: int) -> bool:
    """A year with too little watched for the full recap (its kind card calls it quiet; a kids
    profile gets the kind version whatever it watched, and only a quiet one is called so)."""
    return minutes < LOW_VIEWING_MINUTES or viewings < LOW_VIEWING_VIEWINGS


# Humour thresholds
MANY_STARTS = 10
FEW_FINISHES_RATIO = 0.5
NIGHT_HOURS = (2, 3, 4)  # a viewing starting 02:00-04:59 local
NIGHT_VIEWINGS = 3
BIG_BINGE = 5
REWATCHES = 3
FINISHER_RATIO = 0.9
FINISHER_MIN = 10
LATE_HOURS = (22, 23, 0, 1)  # the favourite hour (see "hour")
EARLY_HOURS = (5, 6, 7, 8)
MAX_LINES = 2


@dataclass(frozen=True)
class PlayEvent:
    name: str
    at: datetime  # aware, UTC
    title_id: int
    episode_id: int | None
    position: int
    duration: int
    seek_from: int | None = None  # a jump ahead landed at `position` from here


@dataclass(frozen=True)
class TitleFacts:
    name: str
    is_series: bool
    genres: tuple[str, ...]  # genre names


@dataclass
class Viewing:
    title_id: int
    episode_id: int | None
    start: datetime  # local
    last: datetime  # local
    start_position: int
    reached: int
    completed: bool = False
    events: list[str] = field(default_factory=list)
    skipped: int = 0  # positions jumped over by seeks ahead, never played

    @property
    def seconds(self) -> int:
        return max(0, self.reached - self.start_position - self.skipped)


def viewings(events: list[PlayEvent], tz: ZoneInfo) -> list[Viewing]:
    """Group play events into viewings (see the module docstring), oldest first."""
    open_: dict[tuple[int, int | None], Viewing] = {}
    done: list[Viewing] = []
    for e in sorted(events, key=lambda e: e.at):
        if e.name not in PLAY_EVENTS:
            continue
        key = (e.title_id, e.episode_id)
        at = e.at.astimezone(tz)
        current = open_.get(key)
        # The player reports once more as its page closes, after the completion: that is the
        # same viewing, not one from position 0 (it counted a finished film's minutes twice).
        trailing = e.name == "play_progress" and current is not None and current.completed
        if e.name == "play_started" or current is None or (current.completed and not trailing):
            if current is not None:
                done.append(current)
            start_position = e.position if e.name == "play_started" else 0
            current = open_[key] = Viewing(
                e.title_id, e.episode_id, at, at, start_position, start_position
            )
        current.last = at
        if e.seek_from is not None and e.name == "play_progress":
            played = max(current.reached, e.seek_from)
            current.skipped += max(0, e.position - played)
            current.reached = played
        current.reached = max(current.reached, e.position)
        current.events.append(e.name)
        if e.name == "play_completed":
            current.completed = True
    done.extend(open_.values())
    done.sort(key=lambda v: (v.start, v.title_id, v.episode_id or 0))
    return done


def _shares(minutes_by_genre: dict[str, float]) -> list[tuple[str, int]]:
    """(genre, whole percent) largest first (ties by name); percents of the total."""
    total = sum(minutes_by_genre.values())
    if total <= 0:
        return []
    ranked = sorted(minutes_by_genre.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(g, round(100 * m / total)) for g, m in ranked]


def _genre_seconds(views: list[Viewing], titles: dict[int, TitleFacts]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for v in views:
        facts = titles.get(v.title_id)
        if facts is None or not facts.genres or not v.seconds:
            continue
        for g in facts.genres:
            out[g] += v.seconds / len(facts.genres)
    return dict(out)


def longest_binge(views: list[Viewing]) -> dict | None:
    """The sitting with most distinct episodes completed of one series (ties: the earliest)."""
    by_series: dict[int, list[Viewing]] = defaultdict(list)
    for v in views:
        if v.episode_id is not None:
            by_series[v.title_id].append(v)
    best: dict | None = None
    for title_id, series_views in by_series.items():
        sitting: list[Viewing] = []
        for v in [*series_views, None]:
            if v is not None and sitting and v.start - sitting[-1].last < SITTING_GAP:
                sitting.append(v)
                continue
            if sitting:
                episodes = {s.episode_id for s in sitting if s.completed}
                size = len(episodes)
                start = sitting[0].start
                if size >= 2 and (
                    best is None
                    or size > best["episodes"]
                    or (size == best["episodes"] and start.isoformat() < best["start"])
                ):
                    best = {
                        "title_id": title_id,
                        "episodes": size,
                        "start": start.isoformat(),
                        "minutes": sum(s.seconds for s in sitting) // 60,
                    }
            sitting = [v] if v is not None else []
    return best


def _most_common(counter: Counter) -> int | None:
    if not counter:
        return None
    return min(counter, key=lambda k: (-counter[k], k))


def humour(stats: dict) -> list[dict]:
    """One or two light lines drawn from the numbers, each a code and what it quotes."""
    lines: list[dict] = []
    starts, finishes = stats["starts"], stats["finishes"]
    if starts >= MANY_STARTS and finishes < FEW_FINISHES_RATIO * starts:
        lines.append({"code": "starts", "starts": starts, "finishes": finishes})
    if stats["night_viewings"] >= NIGHT_VIEWINGS:
        lines.append({"code": "night", "count": stats["night_viewings"]})
    binge = stats.get("binge")
    if binge and binge["episodes"] >= BIG_BINGE:
        lines.append({"code": "binge", "episodes": binge["episodes"], "title": binge["name"]})
    if stats["rewatch"] and stats["rewatch"]["times"] >= REWATCHES:
        lines.append({"code": "rewatch", **stats["rewatch"]})
    hour = stats.get("hour")
    if hour in LATE_HOURS:
        lines.append({"code": "late", "hour": hour})
    elif hour in EARLY_HOURS:
        lines.append({"code": "early", "hour": hour})
    if finishes >= FINISHER_MIN and finishes >= FINISHER_RATIO * starts:
        lines.append({"code": "finisher", "finishes": finishes})
    return lines[:MAX_LINES]


def year_in_review(
    events: list[PlayEvent],
    titles: dict[int, TitleFacts],
    *,
    year: int,
    tz: ZoneInfo,
    kids: bool = False,
) -> dict:
    """The recap's numbers as JSON-ready data (see the module docstring for each definition)."""
    views = [v for v in viewings(events, tz) if v.start.year == year]
    total_seconds = sum(v.seconds for v in views)
    seconds_by_title: Counter = Counter()
    count_by_title: Counter = Counter()
    for v in views:
        seconds_by_title[v.title_id] += v.seconds
        count_by_title[v.title_id] += 1

    def name(title_id: int) -> str:
        facts = titles.get(title_id)
        return facts.name if facts else ""

    top = sorted(
        seconds_by_title,
        key=lambda t: (-seconds_by_title[t], -count_by_title[t], name(t), t),
    )[:TOP_TITLES]
    starts = sum(1 for v in views if "play_started" in v.events)
    finishes = sum(1 for v in views if v.completed)
    data: dict = {
        "year": year,
        "minutes": total_seconds // 60,
        "viewings": len(views),
        "titles": len({v.title_id for v in views}),
        "episodes": len({v.episode_id for v in views if v.episode_id is not None}),
        "top_titles": [
            {"title_id": t, "name": name(t), "minutes": seconds_by_title[t] // 60} for t in top
        ],
        "first_title": (
            {
                "title_id": views[0].title_id,
                "name": name(views[0].title_id),
                "date": str(views[0].start.date()),
            }
            if views
            else None
        ),
        "starts": starts,
        "finishes": finishes,
    }
    data["kind"] = kids or is_quiet(data["minutes"], len(views))
    if data["kind"]:
        data["top_titles"] = data["top_titles"][:3]
        return data

    data["genres"] = [
        {"name": g, "share": s} for g, s in _shares(_genre_seconds(views, titles))[:TOP_GENRES]
    ]
    binge = longest_binge(views)
    if binge:
        binge["name"] = name(binge["title_id"])
    data["binge"] = binge
    hours = Counter(v.start.hour for v in views)
    weekdays = Counter(v.start.weekday() for v in views)
    data["hour"] = _most_common(hours)
    data["weekday"] = _most_common(weekdays)  # 0 = Monday
    data["night_viewings"] = sum(hours[h] for h in NIGHT_HOURS)

    first = [v for v in views if v.start.month <= 6]
    second = [v for v in views if v.start.month > 6]
    first_shares = dict(_shares(_genre_seconds(first, titles)))
    second_shares = dict(_shares(_genre_seconds(second, titles)))
    change = None
    if first_shares and second_shares:
        moves = {
            g: second_shares.get(g, 0) - first_shares.get(g, 0)
            for g in set(first_shares) | set(second_shares)
        }
        riser = min(moves, key=lambda g: (-moves[g], g))
        change = {
            "first_top": next(iter(first_shares)),
            "second_top": next(iter(second_shares)),
            "riser": riser if moves[riser] > 0 else None,
            "points": moves[riser] if moves[riser] > 0 else 0,
        }
    data["taste_change"] = change

    completed_films = Counter(v.title_id for v in views if v.completed and v.episode_id is None)
    rewatch = None
    if completed_films:
        t = _most_common(completed_films)
        rewatch = {"title": name(t), "times": completed_films[t]}
    data["lines"] = humour({**data, "rewatch": rewatch})
    return data
