"""Geometry of the small server-rendered SVG bar charts in the admin (pure; no database).

A chart is plain numbers for the template: one bar per variant (its take rate), a whisker for
its 95% interval, and a dashed line at the group's average. No styles: classes only (CSP).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from apps.core.axis import nice_axis, percent_label


@dataclass(frozen=True)
class Bar:
    label: str
    short: str  # the label as it fits under the bar (the full one is in its tooltip)
    x: float
    y: float
    width: float
    height: float
    whisker_top: float
    whisker_bottom: float
    centre: float
    cap_left: float
    cap_right: float
    rate: float
    low: float
    high: float
    impressions: int
    takes: int
    css: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    label_y: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label)
    average_y: float | None
    title: str


def nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above `value` (the axis maximum)."""
    if value <= 0:
        return 0.05
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power


def _short(label: str, slot: float) -> str:
    """The label cut to what fits in a slot of `slot` px at about 6.5 px a character."""
    room = max(4, int(slot / 6.5))
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def rate_bars(group, variants: Sequence, *, compact: bool = False, title: str = "") -> Chart:
    """Bars for `group.by_variant` (Rate per variant id) in the order of `variants`."""
    width = 320 if compact else 520
    height = 150 if compact else 220
    top, bottom, left = 12, height - 34, 44
    rates = [group.by_variant.get(v.pk) for v in variants]
    tallest = max([r.high for r in rates if r and r.impressions] + [0.0])
    axis = nice_axis(tallest, floor=0.01)
    axis_max = axis.top
    span = bottom - top

    def y_of(rate: float) -> float:
        return round(bottom - span * min(rate, axis_max) / axis_max, 1)

    slot = (width - left - 8) / max(1, len(variants))
    bar_width = round(min(56.0, slot * 0.6), 1)
    bars = []
    for index, (variant, rate) in enumerate(zip(variants, rates, strict=True)):
        x = round(left + slot * index + (slot - bar_width) / 2, 1)
        shown = rate if rate is not None else None
        value = shown.rate if shown else 0.0
        low, high = (shown.low, shown.high) if shown and shown.impressions else (0.0, 0.0)
        tone = getattr(variant, "tone", "")
        bars.append(
            Bar(
                label=str(getattr(variant, "label", "") or variant),
                short=_short(str(getattr(variant, "label", "") or variant), slot),
                x=x,
                y=y_of(value),
                width=bar_width,
                height=round(bottom - y_of(value), 1),
                whisker_top=y_of(high),
                whisker_bottom=y_of(low),
                centre=round(x + bar_width / 2, 1),
                cap_left=round(x + bar_width / 2 - 5, 1),
                cap_right=round(x + bar_width / 2 + 5, 1),
                rate=value,
                low=low,
                high=high,
                impressions=shown.impressions if shown else 0,
                takes=shown.takes if shown else 0,
                css=f"chart-bar chart-bar--{tone}" + ("" if variant.is_active else " is-inactive"),
            )
        )
    ticks = [(y_of(value), percent_label(value, axis)) for value in axis.values]
    total = getattr(group, "total", None)
    average = y_of(total.rate) if total is not None and total.impressions else None
    return Chart(width, height, top, bottom, bottom + 16, bars, ticks, average, title)


@dataclass(frozen=True)
class Row:
    label: str
    y: float  # the bar's top
    middle: float  # where its label and value sit
    width: float
    whisker_left: float
    whisker_right: float
    value: str  # the take rate as written at the bar's end
    rate: float
    low: float
    high: float
    impressions: int
    takes: int


@dataclass(frozen=True)
class RowChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    tick_y: int
    rows: list[Row]
    ticks: list[tuple[float, str]]  # (x, label)
    average_x: float | None


ROW_HEIGHT, ROW_BAR = 18, 12


def rate_rows(rates: Sequence[tuple[str, object]], *, average=None) -> RowChart:
    """Horizontal bars, one per named group (`rates`: (label, Rate) in the order to draw),
    with its 95% whisker and a dashed line at `average` (a Rate): the audience segments are
    many and their names long, so they read top to bottom rather than side by side."""
    width, left, right_room, top = 560, 118, 52, 6
    right = width - right_room
    bottom = top + ROW_HEIGHT * max(1, len(rates))
    tallest = max([r.high for _label, r in rates if r.impressions] + [0.0])
    axis = nice_axis(tallest, floor=0.01)
    span = right - left

    def x_of(rate: float) -> float:
        return round(left + span * min(rate, axis.top) / axis.top, 1)

    rows = []
    for index, (label, rate) in enumerate(rates):
        y = top + ROW_HEIGHT * index + (ROW_HEIGHT - ROW_BAR) / 2
        seen = bool(rate.impressions)
        rows.append(
            Row(
                label=_short(label, left - 8),
                y=y,
                middle=y + ROW_BAR / 2,
                width=round(x_of(rate.rate if seen else 0.0) - left, 1),
                whisker_left=x_of(rate.low if seen else 0.0),
                whisker_right=x_of(rate.high if seen else 0.0),
                value=rate.percent,
                rate=rate.rate,
                low=rate.low if seen else 0.0,
                high=rate.high if seen else 0.0,
                impressions=rate.impressions,
                takes=rate.takes,
            )
        )
    ticks = [(x_of(value), percent_label(value, axis)) for value in axis.values]
    shown = average is not None and average.impressions
    return RowChart(
        width,
        bottom + 22,
        left,
        right,
        top,
        bottom,
        bottom + 14,
        rows,
        ticks,
        x_of(average.rate) if shown else None,
    )
