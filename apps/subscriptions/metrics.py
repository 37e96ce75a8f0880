"""Small aggregations over plain data (pure): the admin's MRR series, titles in progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from apps.core.axis import nice_axis
from apps.subscriptions.lifecycle import PAID_STATES


@dataclass(frozen=True)
class Point:
    day: date
    active: int
    mrr: int


def daily_series(
    changes: Iterable[tuple[int, datetime, str, int]], *, start: date, end: date
) -> list[Point]:
    """For each day in [start, end]: paid subscriptions and their MRR at the end of that (UTC) day.

    `changes` are (subscription id, at, status after, mrr after), oldest first; each row
    replaces what was known about its subscription.
    """
    state: dict[int, tuple[str, int]] = {}
    points: list[Point] = []
    pending = iter(changes)
    nxt = next(pending, None)
    day = start
    while day <= end:
        until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
        while nxt is not None and nxt[1] < until:
            state[nxt[0]] = (nxt[2], nxt[3])
            nxt = next(pending, None)
        paid = [mrr for status, mrr in state.values() if status in PAID_STATES]
        points.append(Point(day=day, active=len(paid), mrr=sum(paid)))
        day += timedelta(days=1)
    return points


def in_progress_title_ids(events: Iterable[tuple[str, dict]], *, limit: int = 3) -> list[int]:
    """Title ids whose latest play event (events newest first) says "not finished yet".

    play_started: in progress. play_completed of an episode that did not finish its series:
    still in progress. play_completed of a film, or of a series' last episode: finished.
    """
    decided: set[int] = set()
    out: list[int] = []
    for name, props in events:
        title_id = (props or {}).get("title_id")
        if not isinstance(title_id, int) or title_id in decided:
            continue
        decided.add(title_id)
        ongoing = name == "play_started" or (
            name == "play_completed"
            and props.get("episode_id") is not None
            and not props.get("series_finished")
        )
        if ongoing:
            out.append(title_id)
            if len(out) >= limit:
                break
    return out


@dataclass(frozen=True)
class LineChart:
    """An SVG line chart's geometry, computed here so the template only places it."""

    width: int
    height: int
    points: str  # "x,y x,y ..." for <polyline>
    area: str  # a closed path under the line
    top: int  # the value at the top gridline
    gridlines: tuple[tuple[float, float], ...]  # (y, value): round whole steps up to `top`


def line_chart(
    values: list[int], *, width: int = 720, height: int = 200, pad: int = 8
) -> LineChart:
    """Scale values into a width x height box (y grows downwards), with a round top value."""
    axis = nice_axis(max(values, default=0), ticks=5, integer=True, floor=4)
    top = int(axis.top)
    n = max(1, len(values) - 1)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    coords = [
        (pad + inner_w * i / n, pad + inner_h * (1 - (v / top if top else 0)))
        for i, v in enumerate(values)
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    base = pad + inner_h
    area = ""
    if coords:
        area = (
            f"M{coords[0][0]:.1f},{base:.1f} "
            + " ".join(f"L{x:.1f},{y:.1f}" for x, y in coords)
            + f" L{coords[-1][0]:.1f},{base:.1f} Z"
        )
    grid = tuple((pad + inner_h * (1 - v / top), int(v)) for v in axis.values)
    return LineChart(width, height, points, area, top, grid)


def date_ticks(
    start: date, end: date, *, width: int = 720, pad: int = 8, clear: int = 64, apart: int = 48
) -> list[tuple[float, date]]:
    """(x, day) for the x axis between the first and last day, which the chart labels itself
    (QA12: with only those two, nobody could read when a step happened): each Monday over a
    month or less, the 1st of each month over a longer span, none within `clear` pixels of
    either end, and each at least `apart` pixels after the one before (a phone's narrow
    drawing of a year: every other month, not twelve labels on top of each other)."""
    n = max(1, (end - start).days)
    inner = width - 2 * pad
    ticks = []
    day = start + timedelta(days=1)
    while day < end:
        wanted = day.weekday() == 0 if n <= 31 else day.day == 1
        x = pad + inner * (day - start).days / n
        if wanted and clear <= x <= width - clear and (not ticks or x - ticks[-1][0] >= apart):
            ticks.append((x, day))
        day += timedelta(days=1)
    return ticks
