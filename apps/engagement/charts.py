"""The campaign report's chart geometry (pure): one bar per variant and one for the control
group, each its conversion rate with a whisker for the 95 % interval; the control bar is grey."""

from __future__ import annotations

import math
from dataclasses import dataclass

from apps.core.numbers import percent
from apps.engagement.conversions import Report


@dataclass(frozen=True)
class Bar:
    label: str
    is_control: bool
    x: float
    y: float
    width: float
    height: float
    centre: float
    whisker_top: float
    whisker_bottom: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: int
    label_y: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    middle: int  # where the y axis's title is centred


def nice_ceiling(value: float) -> float:
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power


def rate_chart(report: Report, *, control_label: str, width: int = 560, height: int = 240) -> Chart:
    top, left = 12, 64
    bottom = height - 34
    axis_max = nice_ceiling(max([g.high for g in report.groups] + [0.01]))
    span = bottom - top

    def y_of(rate: float) -> float:
        return round(bottom - span * min(rate, axis_max) / axis_max, 1)

    slot = (width - left - 8) / max(1, len(report.groups))
    bar_width = round(min(64.0, slot * 0.6), 1)
    bars = []
    for index, g in enumerate(report.groups):
        x = round(left + slot * index + (slot - bar_width) / 2, 1)
        if not g.sends:
            # No sends, no rate (QA12: "0.0%" under a full-height whisker while the table
            # said "–"): an empty slot with its label.
            bars.append(
                Bar(
                    label=control_label if g.is_control else g.label,
                    is_control=g.is_control,
                    x=x,
                    y=bottom,
                    width=bar_width,
                    height=0,
                    centre=round(x + bar_width / 2, 1),
                    whisker_top=bottom,
                    whisker_bottom=bottom,
                    text="–",
                )
            )
            continue
        bars.append(
            Bar(
                label=control_label if g.is_control else g.label,
                is_control=g.is_control,
                x=x,
                y=y_of(g.rate),
                width=bar_width,
                height=round(bottom - y_of(g.rate), 1),
                centre=round(x + bar_width / 2, 1),
                whisker_top=y_of(g.high),
                whisker_bottom=y_of(g.low),
                text=percent(g.rate),
            )
        )
    ticks = [(y_of(axis_max * i / 5), percent(axis_max * i / 5, 0)) for i in range(6)]
    return Chart(width, height, left, bottom, bottom + 16, bars, ticks, (top + bottom) // 2)
